/**
 * Step-by-step runs of an optimiser for the experiments on Newton's method and its relatives
 * (C01, C03, C04, C06, C07, C10, C11): the same loop as `minimize()`, but keeping every iterate
 * and every step's info record, which the driver's trace does not hold.
 *
 * @module
 */

import type { Objective } from "../objective.ts";
import { countedObjective, newCounter } from "../optim/counting.ts";
import type { Optimizer, StepInfo } from "../optim/types.ts";
import { allFinite, norm2 } from "../linalg/vector.ts";

/** What {@linkcode runSteps} records. */
export interface SteppedRun {
  /** x₀, x₁, ...: the start and every iterate the method returned. */
  points: Float64Array[];
  /** f at each point. */
  values: number[];
  /** ‖∇f‖ at each point. */
  gradientNorms: number[];
  /** The info record of each step (one fewer than points). */
  infos: StepInfo[];
  /**
   * Why the run ended: "converged" (‖∇f‖ ≤ tolerance, or the method said so), a step's failure
   * ("singular", "line-search-failed", ...), "non-finite" (a step produced NaN or ∞, or the
   * objective threw on it) or "max-iterations".
   */
  status: string;
  /** The method's note on the last step, if any. */
  note: string;
}

/** Options of {@linkcode runSteps}. */
export interface RunStepsOptions {
  /** The most steps. */
  maxSteps: number;
  /** Stop as converged when ‖∇f‖ ≤ this. Default 0 (never). */
  gradientTolerance?: number;
  /** Called after every step; return true to stop ("stopped"). */
  stop?: (point: Float64Array, value: number, gradientNorm: number) => boolean;
}

/**
 * Runs `optimizer` from x0 for at most `maxSteps` steps and keeps every iterate. A step that
 * throws (a network objective asked for a point where it overflows) or returns a non-finite
 * point ends the run with status "non-finite", as `minimize()` would.
 */
export function runSteps<State>(
  optimizer: Optimizer<State>,
  objective: Objective,
  x0: Float64Array,
  options: RunStepsOptions,
): SteppedRun {
  const f = countedObjective(objective, newCounter());
  let x: Float64Array = x0.slice();
  let { value, gradient } = f.valueAndGradient(x);
  const run: SteppedRun = {
    points: [x],
    values: [value],
    gradientNorms: [norm2(gradient)],
    infos: [],
    status: "max-iterations",
    note: "",
  };
  const tolerance = options.gradientTolerance ?? 0;
  if (!Number.isFinite(value) || !allFinite(gradient)) {
    run.status = "non-finite";
    return run;
  }
  let state = optimizer.init(x, value, gradient, f);
  for (let k = 0; k < options.maxSteps; k++) {
    let step;
    try {
      step = optimizer.step(x, value, gradient, state, f);
    } catch (error) {
      run.status = "non-finite";
      run.note = error instanceof Error ? error.message : String(error);
      return run;
    }
    if (!allFinite(step.x) || !Number.isFinite(step.value) || !allFinite(step.gradient)) {
      run.status = "non-finite";
      run.note = `step ${k + 1} produced a non-finite point, value or gradient`;
      return run;
    }
    ({ x, value, gradient, state } = step);
    run.points.push(x);
    run.values.push(value);
    run.gradientNorms.push(norm2(gradient));
    run.infos.push(step.info);
    run.note = step.info.note ?? "";
    if (step.info.failure) {
      run.status = step.info.failure;
      return run;
    }
    if (step.info.converged || norm2(gradient) <= tolerance) {
      run.status = "converged";
      return run;
    }
    if (options.stop && options.stop(x, value, norm2(gradient))) {
      run.status = "stopped";
      return run;
    }
  }
  return run;
}

/** ‖a − b‖₂. */
export function distance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return Math.sqrt(s);
}

/** The median of a list (NaN when empty). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = values.slice().sort((a, b) => a - b);
  const m = sorted.length >> 1;
  return sorted.length % 2 ? sorted[m] : 0.5 * (sorted[m - 1] + sorted[m]);
}
