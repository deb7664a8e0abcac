/**
 * The 2-norm condition number κ₂(A) = σ_max/σ_min: from the eigenvalues for a symmetric
 * operator (σ = |λ|), from ml-matrix's singular value decomposition otherwise.
 *
 * @module
 */

import { Matrix, SingularValueDecomposition } from "../deps.ts";
import { denseCopy, operatorArgument, type OperatorInput, symmetrizeInPlace } from "./_shared.ts";
import { FLUSH_BELOW, symmetricEigen } from "./eigh.ts";

/** The result of {@linkcode conditionNumber}. */
export interface ConditionNumberResult {
  /** κ₂ = largest/smallest (Infinity when the smallest is exactly 0). */
  value: number;
  /** σ_max, the largest singular value (largest |λ| for a symmetric operator). */
  largest: number;
  /** σ_min, the smallest singular value (smallest |λ| for a symmetric operator). */
  smallest: number;
  /** `"eigh"` for symmetric operators, `"svd"` for general ones. */
  method: "eigh" | "svd";
  /**
   * `"ok"`; `"singular"` when σ_min ≤ n·ε·σ_max (numerically singular: the rank rule of
   * numpy's matrix_rank); `"non-finite"` when the operator produced NaN or infinity.
   */
  status: "ok" | "singular" | "non-finite";
}

/**
 * The condition number κ₂(A) = σ_max/σ_min, which governs how accurately Ax = b can be solved
 * (relative error ≲ κ·ε) and how fast CG (√κ) and gradient descent or Neumann series (κ)
 * converge. The operator is read as a dense matrix (dim matvecs unless it is dense); an
 * operator declared `"symmetric"` or `"spd"` is symmetrised and decomposed with
 * {@linkcode eigh}.
 *
 * @example
 * ```ts
 * import { conditionNumber } from "@secondorder/harness";
 * const { value, status } = conditionNumber([[4, 0], [0, -0.5]]);
 * if (status !== "ok" || Math.abs(value - 8) > 1e-12) throw new Error();
 * if (conditionNumber([[1, 1], [1, 1]]).status !== "singular") throw new Error();
 * ```
 */
export function conditionNumber(A: OperatorInput): ConditionNumberResult {
  const where = "compute the condition number";
  const op = operatorArgument(where, "A", A);
  const n = op.dim;
  const data = denseCopy(op);
  const method = op.structure === "general" ? "svd" : "eigh";
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      return { value: NaN, largest: NaN, smallest: NaN, method, status: "non-finite" };
    }
  }
  let largest = 0, smallest = Infinity;
  if (method === "eigh") {
    const { values } = symmetricEigen(n, symmetrizeInPlace(n, data));
    for (const v of values) {
      largest = Math.max(largest, Math.abs(v));
      smallest = Math.min(smallest, Math.abs(v));
    }
  } else {
    const singular = singularValues(n, data);
    largest = singular[0];
    smallest = singular[n - 1];
  }
  const value = smallest === 0 ? Infinity : largest / smallest;
  const status = smallest <= n * Number.EPSILON * largest ? "singular" : "ok";
  return { value, largest, smallest, method, status };
}

/**
 * Singular values, descending, of a finite row-major square matrix by ml-matrix's
 * Golub-Kahan SVD, behind the same guard as eigh: scaled by a power of two so the largest entry
 * lies in [1, 2), entries below 2⁻⁵⁰⁰ of it flushed, then scaled back.
 */
export function singularValues(n: number, data: Float64Array): Float64Array {
  let maxAbs = 0;
  for (let i = 0; i < data.length; i++) maxAbs = Math.max(maxAbs, Math.abs(data[i]));
  if (maxAbs === 0) return new Float64Array(n);
  const exponent = Math.floor(Math.log2(maxAbs));
  const down = 2 ** -Math.max(-1000, Math.min(1000, exponent));
  const rows: number[][] = new Array(n);
  for (let i = 0; i < n; i++) {
    rows[i] = new Array(n);
    for (let j = 0; j < n; j++) {
      const v = data[i * n + j] * down;
      rows[i][j] = Math.abs(v) < FLUSH_BELOW ? 0 : v;
    }
  }
  const svd = new SingularValueDecomposition(new Matrix(rows), {
    computeLeftSingularVectors: false,
    computeRightSingularVectors: false,
  });
  const values = Float64Array.from(svd.diagonal, (v) => Math.abs(v) / down);
  return values.sort().reverse();
}
