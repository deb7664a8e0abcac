/**
 * Quadratic problems f(x) = ½xᵀAx + bᵀx + c, and symmetric matrices with a chosen spectrum
 * A = Q·diag(λ)·Qᵀ (Q a seeded random orthogonal matrix), the test bed of every solver and of
 * the gradient-descent dynamics claims.
 *
 * @module
 */

import type { Objective, ValueAndGradient } from "../objective.ts";
import {
  denseFromData,
  type DenseOperator,
  isExactlySymmetric,
  readSquareMatrix,
  type Structure,
} from "../operator/linear_operator.ts";
import { createRandom } from "../random/random.ts";
import {
  finiteNumber,
  finiteVector,
  integerInRange,
  notAliased,
  optionsObject,
  outBuffer,
  requireFiniteEntries,
  requireFiniteValue,
} from "../validate.ts";

/** Options of {@linkcode quadraticObjective}. */
export interface QuadraticOptions {
  /** The linear term b. Default: zero. */
  b?: ArrayLike<number>;
  /** The constant c. Default: 0. */
  c?: number;
}

/** A quadratic objective, exposing its Hessian matrix. */
export interface QuadraticObjective extends Objective {
  /** The symmetric matrix A (row-major, n × n). */
  readonly matrix: Float64Array;
  /** The linear term b. */
  readonly b: Float64Array;
  /** f(x) and ∇f(x) = Ax + b. */
  valueAndGradient(x: Float64Array, out?: Float64Array): ValueAndGradient;
  /** The constant Hessian A. */
  hessian(x: Float64Array): DenseOperator;
}

/**
 * The quadratic f(x) = ½xᵀAx + bᵀx + c for a symmetric A (its Hessian everywhere).
 *
 * @example
 * ```ts
 * import { quadraticObjective } from "@secondorder/harness";
 * const f = quadraticObjective([[2, 0], [0, 8]], { b: [-2, 0] });
 * if (f.value(new Float64Array([1, 0])) !== -1) throw new Error("unexpected");
 * ```
 */
export function quadraticObjective(
  matrix: number[][],
  options: QuadraticOptions = {},
): QuadraticObjective {
  const where = "build the quadratic objective";
  const opts = optionsObject(where, options, "options", ["b", "c"]);
  const { n, data } = readSquareMatrix(where, "matrix", matrix);
  if (!isExactlySymmetric(n, data)) {
    // Symmetrise entries that differ only by rounding; reject a genuinely asymmetric matrix.
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < i; j++) {
        const a = data[i * n + j], b = data[j * n + i];
        if (Math.abs(a - b) > 1e-12 * Math.max(1, Math.abs(a), Math.abs(b))) {
          throw new RangeError(
            `Cannot ${where}: matrix[${i}][${j}] = ${a} but matrix[${j}][${i}] = ${b}, expected a symmetric matrix`,
          );
        }
        data[i * n + j] = data[j * n + i] = 0.5 * (a + b);
      }
    }
  }
  const b = opts.b === undefined
    ? new Float64Array(n)
    : finiteVector(where, "options.b", opts.b, n).slice();
  const c = opts.c === undefined ? 0 : finiteNumber(where, "options.c", opts.c);
  const structure: Structure = "symmetric";
  const hessian = denseFromData(n, data, structure);
  const ax = new Float64Array(n);

  const evaluate = (x: Float64Array, g: Float64Array | undefined): number => {
    let value = c;
    for (let i = 0; i < n; i++) {
      let s = 0;
      const row = i * n;
      for (let j = 0; j < n; j++) s += data[row + j] * x[j];
      ax[i] = s;
      value += x[i] * (0.5 * s + b[i]);
      if (g) g[i] = s + b[i];
    }
    return value;
  };

  return {
    dim: n,
    matrix: data,
    b,
    value(x: Float64Array) {
      const where = "evaluate the quadratic";
      const point = finiteVector(where, "x", x, n);
      return requireFiniteValue(where, evaluate(point, undefined), point);
    },
    gradient(x: Float64Array, out?: Float64Array) {
      const where = "compute the gradient";
      const g = outBuffer(where, out, n);
      notAliased(where, g, x);
      const point = finiteVector(where, "x", x, n);
      evaluate(point, g);
      requireFiniteEntries(where, "the gradient", g, point);
      return g;
    },
    valueAndGradient(x: Float64Array, out?: Float64Array) {
      const where = "compute the value and gradient";
      const g = outBuffer(where, out, n);
      notAliased(where, g, x);
      const point = finiteVector(where, "x", x, n);
      const value = requireFiniteValue(where, evaluate(point, g), point);
      requireFiniteEntries(where, "the gradient", g, point);
      return { value, gradient: g };
    },
    hessian(x: Float64Array) {
      finiteVector("build the Hessian", "x", x, n);
      return hessian;
    },
  };
}

/** Options of {@linkcode matrixWithSpectrum}. */
export interface SpectrumOptions {
  /** Seed of the random orthogonal basis. Default 0. */
  seed?: number;
  /** Use the identity as eigenbasis (an axis-aligned matrix). Default false. */
  axisAligned?: boolean;
}

/** A symmetric matrix together with its eigendecomposition. */
export interface MatrixWithSpectrum {
  /** A = Q·diag(λ)·Qᵀ as rows. */
  matrix: number[][];
  /** The orthogonal eigenvector matrix Q as rows (column j is the eigenvector of λⱼ). */
  eigenvectors: number[][];
  /** The eigenvalues λ, in the order given. */
  eigenvalues: number[];
}

/**
 * A random symmetric matrix with the given eigenvalues: A = Q·diag(λ)·Qᵀ with Q the orthogonal
 * factor (R with positive diagonal) of a seeded Gaussian matrix, which is Haar-distributed.
 *
 * @example A matrix with condition number 100
 * ```ts
 * import { matrixWithSpectrum } from "@secondorder/harness";
 * const { matrix } = matrixWithSpectrum([1, 10, 100], { seed: 3 });
 * const trace = matrix[0][0] + matrix[1][1] + matrix[2][2];
 * if (Math.abs(trace - 111) > 1e-10) throw new Error("unexpected");
 * ```
 */
export function matrixWithSpectrum(
  eigenvalues: ArrayLike<number>,
  options: SpectrumOptions = {},
): MatrixWithSpectrum {
  const where = "build a matrix with a chosen spectrum";
  const opts = optionsObject(where, options, "options", ["seed", "axisAligned"]);
  const lambda = finiteVector(where, "eigenvalues", eigenvalues);
  const n = integerInRange(where, "eigenvalues.length", lambda.length, 1, 4096);
  const seed = opts.seed === undefined
    ? 0
    : integerInRange(where, "options.seed", opts.seed, 0, 0xffffffff);
  const q = opts.axisAligned ? identityRows(n) : randomOrthogonal(n, seed);
  const matrix: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += q[i][k] * lambda[k] * q[j][k];
      matrix[i][j] = s;
      matrix[j][i] = s;
    }
  }
  return { matrix, eigenvectors: q, eigenvalues: Array.from(lambda) };
}

function identityRows(n: number): number[][] {
  return Array.from(
    { length: n },
    (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)),
  );
}

/**
 * A Haar-random orthogonal matrix: the Q of a Gaussian matrix's QR factorisation with R's
 * diagonal positive (Mezzadri, 2007), computed by Gram-Schmidt with reorthogonalisation.
 */
export function randomOrthogonal(n: number, seed: number): number[][] {
  const random = createRandom(seed);
  // Columns of a Gaussian matrix, orthogonalised in place by modified Gram-Schmidt, applied
  // twice ("twice is enough": orthogonal to working precision, Giraud et al. 2005).
  const cols: Float64Array[] = Array.from(
    { length: n },
    () => random.fillNormal(new Float64Array(n)),
  );
  for (let j = 0; j < n; j++) {
    for (let pass = 0; pass < 2; pass++) {
      for (let k = 0; k < j; k++) {
        let d = 0;
        for (let i = 0; i < n; i++) d += cols[k][i] * cols[j][i];
        for (let i = 0; i < n; i++) cols[j][i] -= d * cols[k][i];
      }
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += cols[j][i] * cols[j][i];
    norm = Math.sqrt(norm);
    for (let i = 0; i < n; i++) cols[j][i] /= norm;
  }
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => cols[j][i]));
}
