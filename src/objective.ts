/**
 * The objective: what optimisers consume. A function f: ℝⁿ → ℝ with its gradient and, where the
 * problem can give them, curvature operators at a point.
 *
 * @module
 */

import type { LinearOperator } from "./operator/linear_operator.ts";

/** A twice-differentiable objective f: ℝ^dim → ℝ. */
export interface Objective {
  /** The number of parameters n. */
  readonly dim: number;
  /** f(x). */
  value(x: Float64Array): number;
  /** ∇f(x), written into `out` when it is given. */
  gradient(x: Float64Array, out?: Float64Array): Float64Array;
  /** f(x) and ∇f(x) from one pass, where that is cheaper than two calls. */
  valueAndGradient?(x: Float64Array, out?: Float64Array): ValueAndGradient;
  /** The exact Hessian ∇²f(x) as an operator. */
  hessian?(x: Float64Array): LinearOperator;
  /** A positive semi-definite Gauss-Newton approximation of ∇²f(x) as an operator. */
  gaussNewton?(x: Float64Array): LinearOperator;
}

/** The value and gradient of an objective at one point. */
export interface ValueAndGradient {
  /** f(x). */
  value: number;
  /** ∇f(x). */
  gradient: Float64Array;
}
