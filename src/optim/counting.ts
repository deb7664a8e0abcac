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
 * Running counts of a run, with its cost. The counts are of calls (see Evaluations); the cost
 * weighs each call by the share of the samples the objective it went to covers, so that a
 * mini-batch of S of I samples costs S/I of the full objective's price.
 */
export interface Counter extends Evaluations {
  /** Cost of the counted calls so far, in gradient-equivalents of the full objective. */
  cost: number;
  /** Work reported by the optimiser outside the objective, in gradient-equivalents. */
  extra: number;
}

/** A fresh counter. */
export function newCounter(): Counter {
  return { value: 0, gradient: 0, hessianVector: 0, gaussNewtonVector: 0, cost: 0, extra: 0 };
}

/**
 * The price of each call in gradient-equivalents (see TraceRow): a gradient (with or without its
 * value) 1, a value alone 1/3, a Hessian-vector product 2, a Gauss-Newton-vector product 4/3.
 */
export const PRICE = {
  gradient: 1,
  value: 1 / 3,
  hessianVector: 2,
  gaussNewtonVector: 4 / 3,
} as const;

/** Cost in gradient-equivalents: the counted calls plus what the optimiser reported doing. */
export function gradientEquivalents(c: Counter): number {
  return c.cost + c.extra;
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

/**
 * Wraps `objective` so that the counter sees every evaluation. `share` is the fraction of the
 * samples the objective covers (S/I for a mini-batch of S of I samples; default 1): each call
 * adds its price times `share` to the counter's cost.
 */
export function countedObjective(
  objective: Objective,
  counter: Counter,
  share = 1,
): CountedObjective {
  const wrapped: CountedObjective = {
    ...objective,
    dim: objective.dim,
    value(x: Float64Array): number {
      counter.value++;
      counter.cost += share * PRICE.value;
      try {
        return objective.value(x);
      } catch (error) {
        if (error instanceof NonFiniteError) return Infinity;
        throw error;
      }
    },
    gradient(x: Float64Array, out?: Float64Array): Float64Array {
      counter.gradient++;
      counter.cost += share * PRICE.gradient;
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
      counter.cost += share * PRICE.gradient;
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
    wrapped.hessian = (x) =>
      countProducts(hessian(x), () => {
        counter.hessianVector++;
        counter.cost += share * PRICE.hessianVector;
      });
  } else delete wrapped.hessian;
  if (objective.gaussNewton) {
    const gaussNewton = objective.gaussNewton.bind(objective);
    wrapped.gaussNewton = (x) =>
      countProducts(gaussNewton(x), () => {
        counter.gaussNewtonVector++;
        counter.cost += share * PRICE.gaussNewtonVector;
      });
  } else delete wrapped.gaussNewton;
  return wrapped;
}
