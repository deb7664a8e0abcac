/**
 * Mini-batch training for the experiments that need the full training loss along a stochastic
 * run (C12, C29). `minimize()` reports only the final full loss of a mini-batch run, so this
 * loop drives the library's own optimiser steps (`gd`, `adam`, ...) directly and reads the full
 * loss at checkpoints.
 *
 * Batches are cut exactly as `minimize()` cuts them: a seeded shuffle of the samples per epoch,
 * consecutive batches, and a new shuffle when the rest of the epoch is shorter than a batch.
 * Each update uses one mini-batch gradient, so it costs S/N gradient-equivalents.
 *
 * @module
 */

import type { NetworkObjective } from "../curvature/network_objective.ts";
import { countedObjective, newCounter } from "../optim/counting.ts";
import type { CountedObjective, Optimizer } from "../optim/types.ts";
import { createRandom } from "../random/random.ts";
import { NonFiniteError } from "../validate.ts";

/** Options of {@linkcode trainOnMiniBatches}. */
export interface MiniBatchOptions {
  /** The batch size S. */
  batchSize: number;
  /** Seed of the shuffles. */
  seed: number;
  /** The number of updates. */
  updates: number;
  /**
   * Called after the updates listed in `checkpoints` with the update count, the parameters and
   * the full training loss; return "stop" to end the run.
   */
  onCheckpoint?: (update: number, x: Float64Array, fullLoss: number) => void | "stop";
  /** Updates after which to call `onCheckpoint` (ascending). Default: none. */
  checkpoints?: readonly number[];
}

/** The outcome of a mini-batch run. */
export interface MiniBatchRun {
  /** The final parameters. */
  x: Float64Array;
  /** Updates done. */
  updates: number;
  /** The full training loss at the end (Infinity if the run diverged). */
  fullLoss: number;
  /** True if a value or gradient became non-finite. */
  diverged: boolean;
}

/** Next batch of a seeded epoch-by-epoch shuffle, as `minimize()` draws them. */
export function batchStream(samples: number, batchSize: number, seed: number): () => Int32Array {
  const random = createRandom(seed);
  let order: Int32Array | undefined;
  let cursor = 0;
  return () => {
    if (!order || cursor + batchSize > order.length) {
      order = random.permutation(samples);
      cursor = 0;
    }
    const batch = order.subarray(cursor, cursor + batchSize);
    cursor += batchSize;
    return batch;
  };
}

/**
 * Runs `optimizer` on mini-batches of `objective` from `x0`.
 *
 * An optimiser's step returns f and ∇f at its new point on the objective it is given. The loop
 * hands each step the *next* batch, so that the gradient a step returns is the one the next
 * update needs: one mini-batch gradient per update, as in plain SGD. (This suits the
 * first-order methods, whose steps evaluate the objective only at the new point.)
 */
export function trainOnMiniBatches(
  objective: NetworkObjective,
  x0: Float64Array,
  optimizer: Optimizer<unknown>,
  options: MiniBatchOptions,
): MiniBatchRun {
  const next = batchStream(objective.samples, options.batchSize, options.seed);
  const counter = newCounter();
  // Single-sample batches repeat every epoch: keep their objectives (a subset objective
  // allocates its workspace on first use, which dominates the cost of a one-sample update).
  const singles = new Map<number, NetworkObjective>();
  const subset = (indices: Int32Array) => {
    if (indices.length !== 1) return objective.subset(indices);
    let single = singles.get(indices[0]);
    if (!single) singles.set(indices[0], single = objective.subset(indices));
    return single;
  };
  const batch = (): CountedObjective => countedObjective(subset(next()), counter);
  const checkpoints = options.checkpoints ?? [];
  let nextCheckpoint = 0;
  let x: Float64Array = x0.slice();
  let current = batch();
  let { value, gradient } = current.valueAndGradient(x);
  let state = optimizer.init(x, value, gradient, current);
  let updates = 0;
  const finite = () => Number.isFinite(value) && gradient.every(Number.isFinite);
  while (updates < options.updates && finite()) {
    current = batch();
    const step = optimizer.step(x, value, gradient, state, current);
    ({ x, value, gradient, state } = step);
    updates++;
    while (nextCheckpoint < checkpoints.length && checkpoints[nextCheckpoint] < updates) {
      nextCheckpoint++;
    }
    if (checkpoints[nextCheckpoint] === updates && options.onCheckpoint) {
      nextCheckpoint++;
      const loss = finite() ? fullLoss(objective, x) : Infinity;
      if (options.onCheckpoint(updates, x, loss) === "stop") break;
    }
  }
  const diverged = !finite();
  return { x, updates, fullLoss: diverged ? Infinity : fullLoss(objective, x), diverged };
}

/** f(x) on all samples, +∞ where it overflows. */
export function fullLoss(objective: NetworkObjective, x: Float64Array): number {
  if (!x.every(Number.isFinite)) return Infinity;
  try {
    return objective.value(x);
  } catch (error) {
    if (error instanceof NonFiniteError) return Infinity;
    throw error;
  }
}
