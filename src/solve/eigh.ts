/**
 * The full eigendecomposition of a symmetric operator, A = V·diag(λ)·Vᵀ, by ml-matrix's
 * Householder tridiagonalisation and implicit QL iteration (tred2/tql2 from EISPACK through
 * JAMA), behind a guard.
 *
 * The guard exists because ml-matrix's symmetric path fails on subnormal numbers: a matrix
 * such as [[5e-324, 5e-324], [5e-324, 0.2]] makes tql2 divide by a subnormal off-diagonal,
 * produce NaN, run its deflation search past the last row and throw a `TypeError`. So before
 * the call the matrix is (1) symmetrised, (2) scaled by a power of two so that its largest
 * entry lies in [1, 2) (exact, and it keeps matrices of tiny but normal entries away from the
 * subnormal range), and (3) entries below the smallest normal number 2⁻¹⁰²² ≈ 2.2e-308 are
 * flushed to zero. Flushing changes the eigenvalues by at most n·2⁻¹⁰²² relative to the largest
 * entry, far below the algorithm's own error of about ε·‖A‖. Should ml-matrix still throw or
 * return a non-finite value, the cyclic Jacobi method (always convergent, slower) takes over,
 * and `method` says so.
 *
 * @module
 */

import { EigenvalueDecomposition, Matrix } from "../deps.ts";
import { operatorArgument, type OperatorInput, symmetricDenseData } from "./_shared.ts";

/** The smallest positive normal double, 2⁻¹⁰²². Below it numbers are subnormal. */
export const MIN_NORMAL = 2.2250738585072014e-308;

/**
 * Entries of the scaled matrix (largest entry in [1, 2)) below 2⁻⁵⁰⁰ ≈ 3e-151 are flushed to
 * zero. Subnormals (below 2⁻¹⁰²²) must go; entries a little above them must go too, because
 * tql2 forms quotients like e²/d that land in the subnormal range (measured: off-diagonal
 * entries of 1e-161 relative make it throw). Flushing perturbs the eigenvalues by at most
 * n·2⁻⁵⁰⁰·max|aᵢⱼ|, some 130 orders of magnitude below the algorithm's own ε·‖A‖.
 */
export const FLUSH_BELOW = 2 ** -500;

/** The result of {@linkcode eigh}. */
export interface EighResult {
  /** The eigenvalues, ascending. */
  values: Float64Array;
  /** Unit eigenvectors: `vectors[i]` belongs to `values[i]`; together they are orthonormal. */
  vectors: Float64Array[];
  /** `"ok"`, or `"non-finite"` when the operator produced a NaN or infinite entry. */
  status: "ok" | "non-finite";
  /** Which algorithm produced the result: ml-matrix's tql2, or the Jacobi fallback. */
  method: "ml-matrix" | "jacobi";
}

/**
 * The full symmetric eigendecomposition of A, eigenvalues ascending. The operator is read as a
 * dense matrix (dim matvecs unless it is dense) and symmetrised; an operator declared
 * `"general"` must be symmetric to within √ε relative, or a `RangeError` says how far it is.
 * Costs O(n³); for a few extreme eigenvalues of a large operator use {@linkcode lanczos}.
 *
 * @example
 * ```ts
 * import { eigh } from "@secondorder/harness";
 * const { values, vectors } = eigh([[2, 1], [1, 2]]);
 * // eigenvalues 1 and 3, with eigenvectors (1, −1)/√2 and (1, 1)/√2
 * if (Math.abs(values[0] - 1) > 1e-14 || Math.abs(values[1] - 3) > 1e-14) throw new Error();
 * if (Math.abs(Math.abs(vectors[1][0]) - Math.SQRT1_2) > 1e-14) throw new Error();
 * ```
 *
 * @example Subnormal entries, which make ml-matrix throw, are handled
 * ```ts
 * import { eigh } from "@secondorder/harness";
 * const { values, status } = eigh([[5e-324, 5e-324], [5e-324, 0.25]]);
 * if (status !== "ok" || values[1] !== 0.25) throw new Error();
 * ```
 */
export function eigh(A: OperatorInput): EighResult {
  const where = "compute the eigendecomposition";
  const op = operatorArgument(where, "A", A);
  const n = op.dim;
  const data = symmetricDenseData(where, "A", op);
  return symmetricEigen(n, data);
}

/**
 * The guarded decomposition of a symmetric row-major matrix (not modified). Eigenvectors as
 * rows of the returned list, eigenvalues ascending.
 */
export function symmetricEigen(n: number, data: Float64Array): EighResult {
  let maxAbs = 0;
  for (let i = 0; i < data.length; i++) {
    const a = Math.abs(data[i]);
    if (!(a <= Number.MAX_VALUE)) {
      return {
        values: new Float64Array(n).fill(NaN),
        vectors: Array.from({ length: n }, () => new Float64Array(n).fill(NaN)),
        status: "non-finite",
        method: "ml-matrix",
      };
    }
    if (a > maxAbs) maxAbs = a;
  }
  if (maxAbs === 0) {
    return {
      values: new Float64Array(n),
      vectors: Array.from({ length: n }, (_, i) => {
        const e = new Float64Array(n);
        e[i] = 1;
        return e;
      }),
      status: "ok",
      method: "ml-matrix",
    };
  }
  // Scale by 2^−e so the largest entry lies in [1, 2): exact unless entries become subnormal,
  // and those are flushed next.
  const exponent = Math.floor(Math.log2(maxAbs));
  const scaled = new Float64Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = timesPowerOfTwo(data[i], -exponent);
    scaled[i] = Math.abs(v) < FLUSH_BELOW ? 0 : v;
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const s = 0.5 * (scaled[i * n + j] + scaled[j * n + i]);
      scaled[i * n + j] = s;
      scaled[j * n + i] = s;
    }
  }
  let values: Float64Array | undefined;
  let vectors: Float64Array[] | undefined;
  let method: EighResult["method"] = "ml-matrix";
  try {
    const rows: number[][] = new Array(n);
    for (let i = 0; i < n; i++) rows[i] = Array.from(scaled.subarray(i * n, (i + 1) * n));
    const evd = new EigenvalueDecomposition(new Matrix(rows), { assumeSymmetric: true });
    const d = evd.realEigenvalues;
    const v = evd.eigenvectorMatrix;
    values = Float64Array.from(d);
    vectors = Array.from({ length: n }, (_, k) => {
      const column = new Float64Array(n);
      for (let i = 0; i < n; i++) column[i] = v.get(i, k);
      return column;
    });
    if (!allFinite(values) || vectors.some((vec) => !allFinite(vec))) values = undefined;
  } catch {
    values = undefined;
  }
  if (values === undefined || vectors === undefined) {
    method = "jacobi";
    ({ values, vectors } = jacobiEigen(n, scaled));
  }
  // Ascending order (tql2 already sorts; the fallback does too), then undo the scaling.
  for (let i = 0; i < n; i++) values[i] = timesPowerOfTwo(values[i], exponent);
  return { values, vectors, status: "ok", method };
}

/** x·2^e, in steps so that neither the factor nor an intermediate overflows. */
function timesPowerOfTwo(x: number, e: number): number {
  let result = x;
  let remaining = e;
  while (remaining > 512) {
    result *= 2 ** 512;
    remaining -= 512;
  }
  while (remaining < -512) {
    result *= 2 ** -512;
    remaining += 512;
  }
  return result * 2 ** remaining;
}

function allFinite(x: ArrayLike<number>): boolean {
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i])) return false;
  return true;
}

/**
 * Cyclic Jacobi eigenvalue method (Golub and Van Loan 2013, Alg. 8.5.3) with the stable
 * rotation of Rutishauser: sweeps until every off-diagonal entry is negligible against the
 * diagonal, at most 100 sweeps (convergence is quadratic; a handful suffice). Ascending order.
 */
export function jacobiEigen(
  n: number,
  input: Float64Array,
): { values: Float64Array; vectors: Float64Array[] } {
  const a = input.slice();
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0, total = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const s = a[i * n + j] * a[i * n + j];
        total += s;
        if (i !== j) off += s;
      }
    }
    if (off <= Number.EPSILON * Number.EPSILON * total) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (apq === 0) continue;
        const app = a[p * n + p], aqq = a[q * n + q];
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1), s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p], akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k], aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p], vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => a[i * n + i] - a[j * n + j]);
  const values = Float64Array.from(order, (i) => a[i * n + i]);
  const vectors = order.map((k) => {
    const column = new Float64Array(n);
    for (let i = 0; i < n; i++) column[i] = v[i * n + k];
    return column;
  });
  return { values, vectors };
}
