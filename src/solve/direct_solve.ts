/**
 * Dense direct solves of Ax = b with ml-matrix: Cholesky for symmetric positive definite
 * matrices, LU with partial pivoting otherwise, and a reciprocal condition estimate (Hager's
 * 1-norm estimator, as LAPACK's xGECON/xPOCON) to tell a numerically singular matrix from a
 * merely ill-conditioned one.
 *
 * @module
 */

import { CholeskyDecomposition, LuDecomposition, Matrix } from "../deps.ts";
import {
  denseCopy,
  operatorArgument,
  type OperatorInput,
  rightHandSide,
  symmetrizeInPlace,
} from "./_shared.ts";

/**
 * How a direct solve ended:
 * - `"solved"`: x solves the system to the accuracy its condition number allows;
 * - `"singular"`: the matrix is singular to working precision (reciprocal condition number
 *   below ε); `x` is then NaN;
 * - `"non-finite"`: the operator produced a NaN or infinite entry.
 */
export type DirectSolveStatus = "solved" | "singular" | "non-finite";

/** The result of {@linkcode directSolve}. */
export interface DirectSolveResult {
  /** The solution (NaN entries unless `status` is `"solved"`). */
  x: Float64Array;
  /** True when `status` is `"solved"`. */
  success: boolean;
  /** How the solve ended. */
  status: DirectSolveStatus;
  /** The factorisation used: Cholesky (SPD) or LU with partial pivoting. */
  method: "cholesky" | "lu";
  /** Operator products used to read the matrix (0 for a dense operator). */
  matvecs: number;
  /**
   * Estimate of 1/κ₁(A) = 1/(‖A‖₁·‖A⁻¹‖₁) (Hager 1984, Higham 1988): 0 for an exactly singular
   * matrix, near 1 for a well-conditioned one. Below ε the status is `"singular"`.
   */
  reciprocalCondition: number;
  /** ‖b − Ax‖₂, computed from the dense matrix (NaN unless solved). */
  residualNorm: number;
}

/**
 * Solves Ax = b by a dense factorisation (the reference the iterative solvers are checked
 * against). The operator is read as a dense matrix (dim matvecs unless it is dense).
 *
 * - `"spd"` and `"symmetric"` operators are symmetrised, (A + Aᵀ)/2, and Cholesky is tried;
 *   if the matrix is not positive definite, LU takes over.
 * - `"general"` operators use LU with partial pivoting.
 *
 * A singular or numerically singular matrix (reciprocal condition estimate below ε = 2⁻⁵²,
 * the rule of LAPACK's xGESVX and scipy.linalg.solve's warning) gives status `"singular"`,
 * never an exception.
 *
 * @example
 * ```ts
 * import { directSolve } from "@secondorder/harness";
 * const { x, status, method } = directSolve([[4, 1], [1, 3]], [1, 2]);
 * if (status !== "solved" || method !== "cholesky") throw new Error(status);
 * if (Math.abs(x[1] - 7 / 11) > 1e-15) throw new Error("inaccurate");
 * const singular = directSolve([[1, 2], [2, 4]], [1, 1]);
 * if (singular.status !== "singular" || singular.success) throw new Error("expected singular");
 * ```
 */
export function directSolve(A: OperatorInput, b: ArrayLike<number>): DirectSolveResult {
  const where = "solve directly";
  const op = operatorArgument(where, "A", A);
  const n = op.dim;
  const rhs = rightHandSide(where, "b", b, n);
  const dense = "data" in op;
  const data = denseCopy(op);
  const matvecs = dense ? 0 : n;
  const symmetric = op.structure !== "general";
  const nan = () => new Float64Array(n).fill(NaN);
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      return failure("non-finite", symmetric ? "cholesky" : "lu", matvecs, NaN, nan());
    }
  }
  if (symmetric) symmetrizeInPlace(n, data);
  const norm1 = oneNorm(n, data);
  if (symmetric) {
    const solved = tryCholesky(n, data, rhs, norm1);
    if (solved) return finish(solved, "cholesky", matvecs, n, data, rhs);
  }
  return finish(luSolve(n, data, rhs, norm1), "lu", matvecs, n, data, rhs);
}

interface Factored {
  x: Float64Array;
  reciprocalCondition: number;
}

function failure(
  status: DirectSolveStatus,
  method: "cholesky" | "lu",
  matvecs: number,
  reciprocalCondition: number,
  x: Float64Array,
): DirectSolveResult {
  return { x, success: false, status, method, matvecs, reciprocalCondition, residualNorm: NaN };
}

function finish(
  factored: Factored,
  method: "cholesky" | "lu",
  matvecs: number,
  n: number,
  data: Float64Array,
  rhs: Float64Array,
): DirectSolveResult {
  const { x, reciprocalCondition } = factored;
  let finite = true;
  for (let i = 0; i < n; i++) if (!Number.isFinite(x[i])) finite = false;
  if (!(reciprocalCondition >= Number.EPSILON) || !finite) {
    return failure("singular", method, matvecs, reciprocalCondition, x.fill(NaN));
  }
  let residual = 0;
  for (let i = 0; i < n; i++) {
    let s = rhs[i];
    for (let j = 0; j < n; j++) s -= data[i * n + j] * x[j];
    residual += s * s;
  }
  return {
    x,
    success: true,
    status: "solved",
    method,
    matvecs,
    reciprocalCondition,
    residualNorm: Math.sqrt(residual),
  };
}

function toMatrix(n: number, data: Float64Array): InstanceType<typeof Matrix> {
  const rows: number[][] = new Array(n);
  for (let i = 0; i < n; i++) rows[i] = Array.from(data.subarray(i * n, (i + 1) * n));
  return new Matrix(rows);
}

/** Cholesky A = LLᵀ, or undefined when A is not positive definite. */
function tryCholesky(
  n: number,
  data: Float64Array,
  rhs: Float64Array,
  norm1: number,
): Factored | undefined {
  const chol = new CholeskyDecomposition(toMatrix(n, data));
  if (!chol.isPositiveDefinite()) return undefined;
  const lm = chol.lowerTriangularMatrix;
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) l[i * n + j] = lm.get(i, j);
  }
  for (let i = 0; i < n; i++) if (!(l[i * n + i] > 0)) return undefined;
  const solve = (v: Float64Array) => {
    // L·w = v, then Lᵀ·x = w, in place.
    for (let i = 0; i < n; i++) {
      let s = v[i];
      for (let j = 0; j < i; j++) s -= l[i * n + j] * v[j];
      v[i] = s / l[i * n + i];
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = v[i];
      for (let j = i + 1; j < n; j++) s -= l[j * n + i] * v[j];
      v[i] = s / l[i * n + i];
    }
    return v;
  };
  const x = solve(rhs.slice());
  const inverseNorm = estimateInverseOneNorm(n, solve, solve);
  return { x, reciprocalCondition: reciprocal(norm1, inverseNorm) };
}

/** LU with partial pivoting, PA = LU. */
function luSolve(n: number, data: Float64Array, rhs: Float64Array, norm1: number): Factored {
  const lu = new LuDecomposition(toMatrix(n, data));
  const lower = lu.lowerTriangularMatrix;
  const upper = lu.upperTriangularMatrix;
  const pivots = lu.pivotPermutationVector;
  const l = new Float64Array(n * n), u = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      l[i * n + j] = lower.get(i, j);
      u[i * n + j] = upper.get(i, j);
    }
  }
  for (let i = 0; i < n; i++) {
    if (u[i * n + i] === 0) return { x: new Float64Array(n).fill(NaN), reciprocalCondition: 0 };
  }
  const work = new Float64Array(n);
  // A⁻¹v: solve L·w = P·v, then U·x = w.
  const solve = (v: Float64Array) => {
    for (let i = 0; i < n; i++) work[i] = v[pivots[i]];
    for (let i = 0; i < n; i++) {
      let s = work[i];
      for (let j = 0; j < i; j++) s -= l[i * n + j] * work[j];
      work[i] = s;
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = work[i];
      for (let j = i + 1; j < n; j++) s -= u[i * n + j] * work[j];
      work[i] = s / u[i * n + i];
    }
    v.set(work);
    return v;
  };
  // A⁻ᵀv: Aᵀ = UᵀLᵀP, so solve Uᵀ·w = v, Lᵀ·z = w, then x = Pᵀz.
  const solveTransposed = (v: Float64Array) => {
    for (let i = 0; i < n; i++) {
      let s = v[i];
      for (let j = 0; j < i; j++) s -= u[j * n + i] * work[j];
      work[i] = s / u[i * n + i];
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = work[i];
      for (let j = i + 1; j < n; j++) s -= l[j * n + i] * work[j];
      work[i] = s;
    }
    for (let i = 0; i < n; i++) v[pivots[i]] = work[i];
    return v;
  };
  const x = solve(rhs.slice());
  const inverseNorm = estimateInverseOneNorm(n, solve, solveTransposed);
  return { x, reciprocalCondition: reciprocal(norm1, inverseNorm) };
}

function reciprocal(norm1: number, inverseNorm: number): number {
  if (!Number.isFinite(inverseNorm)) return 0;
  if (norm1 === 0) return 0;
  return 1 / (norm1 * inverseNorm);
}

/** ‖A‖₁, the largest column sum of |aᵢⱼ|. */
function oneNorm(n: number, data: Float64Array): number {
  let best = 0;
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += Math.abs(data[i * n + j]);
    if (s > best) best = s;
  }
  return best;
}

/**
 * Hager's (1984) estimate of ‖A⁻¹‖₁, refined by Higham (1988, Alg. 4.1): a lower bound that
 * is almost always within a factor 3 of the truth, from a few solves with A and Aᵀ.
 */
function estimateInverseOneNorm(
  n: number,
  solve: (v: Float64Array) => Float64Array,
  solveTransposed: (v: Float64Array) => Float64Array,
): number {
  const x = new Float64Array(n).fill(1 / n);
  let estimate = 0;
  let previousIndex = -1;
  for (let iteration = 0; iteration < 5; iteration++) {
    solve(x);
    let norm = 0;
    for (let i = 0; i < n; i++) norm += Math.abs(x[i]);
    if (!Number.isFinite(norm)) return Infinity;
    if (iteration > 0 && norm <= estimate) break;
    estimate = norm;
    for (let i = 0; i < n; i++) x[i] = x[i] >= 0 ? 1 : -1;
    solveTransposed(x);
    let index = 0;
    for (let i = 1; i < n; i++) if (Math.abs(x[i]) > Math.abs(x[index])) index = i;
    if (index === previousIndex) break;
    previousIndex = index;
    x.fill(0);
    x[index] = 1;
  }
  // Higham's alternative vector guards against Hager's rare gross underestimates.
  const alt = new Float64Array(n);
  for (let i = 0; i < n; i++) alt[i] = (i % 2 === 0 ? 1 : -1) * (1 + i / Math.max(1, n - 1));
  solve(alt);
  let altNorm = 0;
  for (let i = 0; i < n; i++) altNorm += Math.abs(alt[i]);
  altNorm = (2 * altNorm) / (3 * n);
  if (!Number.isFinite(altNorm)) return Infinity;
  return Math.max(estimate, altNorm);
}
