/**
 * Finite-difference oracles: slow by design, for checking the exact products yourself. They work
 * on any {@linkcode Objective}.
 *
 * Step sizes balance truncation against rounding error. For central differences of values the
 * error is about h²·|f‴| + ε|f|/h, smallest near h = ε^{1/3}·max(1, |xᵢ|) ≈ 6e-6·max(1, |xᵢ|).
 * The four-point value formula for second derivatives has error h²·|f⁗| + ε|f|/h², smallest near
 * h = ε^{1/4} ≈ 1.2e-4. (Note 000 used 1e-8 for gradient differences, where rounding dominates.)
 *
 * @module
 */

import type { Objective } from "../objective.ts";
import { finiteVector, optionsObject, positiveNumber, requireFiniteEntries } from "../validate.ts";

/** Throws NonFiniteError when a dense result holds a non-finite entry (an overflow at x). */
function requireFiniteMatrix(where: string, rows: number[][], x: Float64Array): number[][] {
  for (const row of rows) requireFiniteEntries(where, "the result", row, x);
  return rows;
}

/** Options of the finite-difference oracles. */
export interface FiniteDifferenceOptions {
  /**
   * Gradient differences only: return (H + Hᵀ)/2 (default true). With false, the raw
   * column-by-column differences come back, whose asymmetry measures the differencing error.
   */
  symmetrize?: boolean;
  /**
   * The relative step: coordinate i moves by step·max(1, |xᵢ|). Default: ε^{1/3} ≈ 6.06e-6 for
   * first differences, ε^{1/4} ≈ 1.22e-4 for second differences of values.
   */
  step?: number;
}

const EPS = 2 ** -52;
const CBRT_EPS = Math.cbrt(EPS);
const QUARTIC_EPS = Math.sqrt(Math.sqrt(EPS));

function checkObjective(where: string, objective: Objective): void {
  if (
    objective === null || typeof objective !== "object" ||
    typeof objective.value !== "function" || typeof objective.dim !== "number"
  ) {
    throw new TypeError(`Cannot ${where}: objective is not an Objective { dim, value, gradient }`);
  }
}

function stepFor(where: string, options: FiniteDifferenceOptions | undefined, fallback: number) {
  const opts = optionsObject(where, options, "options", ["symmetrize", "step"]);
  return opts.step === undefined ? fallback : positiveNumber(where, "options.step", opts.step);
}

/**
 * The gradient by central differences of values: gᵢ ≈ (f(x + hᵢeᵢ) − f(x − hᵢeᵢ)) / 2hᵢ.
 * Costs 2n value evaluations.
 *
 * @example
 * ```ts
 * import { finiteDifferenceGradient, quadraticObjective } from "@secondorder/harness";
 * const f = quadraticObjective([[2, 0], [0, 4]]);
 * const g = finiteDifferenceGradient(f, new Float64Array([1, 1]));
 * if (Math.abs(g[1] - 4) > 1e-6) throw new Error("unexpected");
 * ```
 */
export function finiteDifferenceGradient(
  objective: Objective,
  x: Float64Array,
  options?: FiniteDifferenceOptions,
): Float64Array {
  const where = "compute the finite-difference gradient";
  checkObjective(where, objective);
  const point = finiteVector(where, "x", x, objective.dim).slice();
  const step = stepFor(where, options, CBRT_EPS);
  const g = new Float64Array(point.length);
  for (let i = 0; i < point.length; i++) {
    const xi = point[i];
    const h = step * Math.max(1, Math.abs(xi));
    point[i] = xi + h;
    const up = objective.value(point);
    point[i] = xi - h;
    const down = objective.value(point);
    point[i] = xi;
    g[i] = (up - down) / (2 * h);
  }
  requireFiniteEntries(where, "the result", g, point);
  return g;
}

/**
 * The dense Hessian by central differences of gradients, column by column:
 * H[:, j] ≈ (∇f(x + hⱼeⱼ) − ∇f(x − hⱼeⱼ)) / 2hⱼ, then symmetrised as (H + Hᵀ)/2 unless
 * `symmetrize` is false.
 * Costs 2n gradients.
 *
 * @example
 * ```ts
 * import { hessianByGradientDifferences, quadraticObjective } from "@secondorder/harness";
 * const H = hessianByGradientDifferences(quadraticObjective([[2, 1], [1, 4]]), new Float64Array(2));
 * if (Math.abs(H[0][1] - 1) > 1e-6) throw new Error("unexpected");
 * ```
 */
export function hessianByGradientDifferences(
  objective: Objective,
  x: Float64Array,
  options?: FiniteDifferenceOptions,
): number[][] {
  const where = "compute the Hessian by gradient differences";
  checkObjective(where, objective);
  const n = objective.dim;
  const point = finiteVector(where, "x", x, n).slice();
  const step = stepFor(where, options, CBRT_EPS);
  const H: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const up = new Float64Array(n), down = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const xj = point[j];
    const h = step * Math.max(1, Math.abs(xj));
    point[j] = xj + h;
    objective.gradient(point, up);
    point[j] = xj - h;
    objective.gradient(point, down);
    point[j] = xj;
    for (let i = 0; i < n; i++) H[i][j] = (up[i] - down[i]) / (2 * h);
  }
  if (optionsObject(where, options, "options", ["symmetrize", "step"]).symmetrize === false) {
    return requireFiniteMatrix(where, H, point);
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const mean = 0.5 * (H[i][j] + H[j][i]);
      H[i][j] = mean;
      H[j][i] = mean;
    }
  }
  return requireFiniteMatrix(where, H, point);
}

/**
 * The dense Hessian by second differences of values, entry by entry:
 * Hᵢⱼ ≈ (f(x+hᵢeᵢ+hⱼeⱼ) − f(x+hᵢeᵢ−hⱼeⱼ) − f(x−hᵢeᵢ+hⱼeⱼ) + f(x−hᵢeᵢ−hⱼeⱼ)) / 4hᵢhⱼ.
 * Costs 2n(n+1) values; accurate to about 1e-8 relative at the default step.
 *
 * @example
 * ```ts
 * import { hessianByValueDifferences, quadraticObjective } from "@secondorder/harness";
 * const H = hessianByValueDifferences(quadraticObjective([[2, 1], [1, 4]]), new Float64Array(2));
 * if (Math.abs(H[1][1] - 4) > 1e-6) throw new Error("unexpected");
 * ```
 */
export function hessianByValueDifferences(
  objective: Objective,
  x: Float64Array,
  options?: FiniteDifferenceOptions,
): number[][] {
  const where = "compute the Hessian by value differences";
  checkObjective(where, objective);
  const n = objective.dim;
  const point = finiteVector(where, "x", x, n).slice();
  const step = stepFor(where, options, QUARTIC_EPS);
  const H: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const f = (i: number, si: number, j: number, sj: number, hi: number, hj: number) => {
    const xi = point[i], xj = point[j];
    point[i] += si * hi;
    point[j] += sj * hj;
    const v = objective.value(point);
    point[i] = xi;
    point[j] = xj;
    return v;
  };
  for (let i = 0; i < n; i++) {
    const hi = step * Math.max(1, Math.abs(point[i]));
    for (let j = i; j < n; j++) {
      const hj = step * Math.max(1, Math.abs(point[j]));
      const value = (f(i, 1, j, 1, hi, hj) - f(i, 1, j, -1, hi, hj) - f(i, -1, j, 1, hi, hj) +
        f(i, -1, j, -1, hi, hj)) / (4 * hi * hj);
      H[i][j] = value;
      H[j][i] = value;
    }
  }
  return requireFiniteMatrix(where, H, point);
}
