/**
 * The objective as `minimize()` hands it to an optimiser: every evaluation counted, curvature
 * operators wrapped to count their products, and overflow turned into +∞ so that line searches
 * reject the trial point instead of aborting the run.
 *
 * @module
 */

import type { Objective } from "../objective.ts";
import type { LinearOperator } from "../operator/linear_operator.ts";
import { NonFiniteError } from "../validate.ts";
import type { CountedObjective, Evaluations } from "./types.ts";

/**
 * Running counts of a run, with what its cost needs: the value-only evaluations kept apart, and
 * the share of the samples each call covers (S/I when every call goes to a mini-batch of S of
 * the I samples), so that a mini-batch call costs S/I of its full price.
 */
export interface Counter extends Evaluations {
  /** Evaluations of the value alone (a value-and-gradient is not one). */
  valueOnly: number;
  /** The share of the samples each counted call covers, in (0, 1]. */
  share: number;
  /**
   * Work reported by the optimiser outside the objective, in gradient-equivalents of the full
   * objective (the reporter scales it by `share`).
   */
  extra: number;
}

/** A fresh counter whose calls each cover `share` of the samples (default 1, all of them). */
export function newCounter(share = 1): Counter {
  return {
    value: 0,
    gradient: 0,
    hessianVector: 0,
    gaussNewtonVector: 0,
    valueOnly: 0,
    share,
    extra: 0,
  };
}

/**
 * Cost in gradient-equivalents of the full objective (see TraceRow): a gradient (with or
 * without its value) 1, a value alone 1/3, a Hessian-vector product 2, a Gauss-Newton-vector
 * product 4/3, each times the share of the samples the calls covered, plus what the optimiser
 * reported doing outside the objective.
 */
export function gradientEquivalents(c: Counter): number {
  return c.share *
      (c.gradient + c.valueOnly / 3 + 2 * c.hessianVector + (4 / 3) * c.gaussNewtonVector) +
    c.extra;
}

function countProducts(op: LinearOperator, bump: () => void): LinearOperator {
  return {
    dim: op.dim,
    structure: op.structure,
    matvec(x: Float64Array, out?: Float64Array) {
      bump();
      return op.matvec(x, out);
    },
  };
}

/** Wraps `objective` so that the counter sees every evaluation. */
export function countedObjective(objective: Objective, counter: Counter): CountedObjective {
  const wrapped: CountedObjective = {
    ...objective,
    dim: objective.dim,
    value(x: Float64Array): number {
      counter.value++;
      counter.valueOnly++;
      try {
        return objective.value(x);
      } catch (error) {
        if (error instanceof NonFiniteError) return Infinity;
        throw error;
      }
    },
    gradient(x: Float64Array, out?: Float64Array): Float64Array {
      counter.gradient++;
      try {
        return objective.gradient(x, out);
      } catch (error) {
        if (error instanceof NonFiniteError) {
          return (out ?? new Float64Array(objective.dim)).fill(NaN);
        }
        throw error;
      }
    },
    valueAndGradient(x: Float64Array, out?: Float64Array) {
      counter.value++;
      counter.gradient++;
      try {
        if (objective.valueAndGradient) return objective.valueAndGradient(x, out);
        const gradient = objective.gradient(x, out);
        return { value: objective.value(x), gradient };
      } catch (error) {
        if (error instanceof NonFiniteError) {
          return { value: Infinity, gradient: (out ?? new Float64Array(objective.dim)).fill(NaN) };
        }
        throw error;
      }
    },
  };
  if (objective.hessian) {
    const hessian = objective.hessian.bind(objective);
    wrapped.hessian = (x) => countProducts(hessian(x), () => counter.hessianVector++);
  } else delete wrapped.hessian;
  if (objective.gaussNewton) {
    const gaussNewton = objective.gaussNewton.bind(objective);
    wrapped.gaussNewton = (x) => countProducts(gaussNewton(x), () => counter.gaussNewtonVector++);
  } else delete wrapped.gaussNewton;
  return wrapped;
}
