/**
 * fast-check arbitraries of matrices with a known spectrum, built by `matrixWithSpectrum`
 * (A = Q·diag(λ)·Qᵀ with Q Haar-random): SPD systems with a controlled condition number,
 * symmetric matrices with a chosen inertia, and plain random symmetric matrices. Every random
 * draw derives from integers fast-check generates, so a failure replays from its seed.
 */

import fc from "fast-check";
import {
  createRandom,
  type DenseOperator,
  denseOperator,
  matrixWithSpectrum,
} from "@secondorder/harness";

/** A symmetric test matrix together with its exact spectrum. */
export interface SpectrumCase {
  /** The matrix as rows. */
  matrix: number[][];
  /** The matrix as a dense operator (structure as given). */
  operator: DenseOperator;
  /** Its eigenvalues, ascending. */
  eigenvalues: number[];
  /** The orthonormal eigenvectors: `eigenvectors[i]` belongs to `eigenvalues[i]`. */
  eigenvectors: number[][];
  /** A standard normal right-hand side. */
  b: Float64Array;
  /** The dimension. */
  n: number;
  /** max|λ| / min|λ| (Infinity when some λ is 0). */
  kappa: number;
  /** The seed every draw came from. */
  seed: number;
}

function buildCase(
  eigenvalues: number[],
  seed: number,
  structure: "spd" | "symmetric",
  label: string,
): SpectrumCase {
  const sorted = eigenvalues.slice().sort((a, b) => a - b);
  const { matrix, eigenvectors } = matrixWithSpectrum(sorted, { seed });
  const n = sorted.length;
  const columns = sorted.map((_, j) => eigenvectors.map((row) => row[j]));
  const b = createRandom(seed + 1).fillNormal(new Float64Array(n));
  const abs = sorted.map(Math.abs);
  const minAbs = Math.min(...abs);
  const kappa = minAbs === 0 ? Infinity : Math.max(...abs) / minAbs;
  const value: SpectrumCase = {
    matrix,
    operator: denseOperator(matrix, { structure }),
    eigenvalues: sorted,
    eigenvectors: columns,
    b,
    n,
    kappa,
    seed,
  };
  // fast-check prints this instead of the whole matrix when a property fails.
  return Object.assign(value, {
    [fc.toStringMethod]: () => `${label}(n ${n}, κ ${kappa.toPrecision(3)}, seed ${seed})`,
  });
}

/** Options of {@linkcode spdCase}. */
export interface SpdCaseOptions {
  /** Dimension range. Default [2, 30]. */
  n?: [number, number];
  /** Range of log₁₀ κ. Default [0, 4]. */
  log10Kappa?: [number, number];
}

/**
 * An SPD matrix with eigenvalues in [1, κ]: both ends present, the interior spread
 * log-uniformly (the clustered-at-the-ends shape where CG's bound is nearly tight arises too).
 */
export function spdCase(options: SpdCaseOptions = {}): fc.Arbitrary<SpectrumCase> {
  const [nMin, nMax] = options.n ?? [2, 30];
  const [kMin, kMax] = options.log10Kappa ?? [0, 4];
  return fc.record({
    n: fc.integer({ min: nMin, max: nMax }),
    log10Kappa: fc.double({ min: kMin, max: kMax, noNaN: true }),
    seed: fc.integer({ min: 0, max: 0x7fffffff }),
  }).map(({ n, log10Kappa, seed }) => {
    const random = createRandom(seed);
    const kappa = 10 ** log10Kappa;
    const eigenvalues = Array.from({ length: n }, (_, i) => {
      if (i === 0) return 1;
      if (i === n - 1) return kappa;
      return kappa ** random.uniform();
    });
    return buildCase(eigenvalues, seed, "spd", "spdCase");
  });
}

/** Options of {@linkcode inertiaCase}. */
export interface InertiaCaseOptions {
  /** Dimension range. Default [1, 20]. */
  n?: [number, number];
  /** Allow exact zero eigenvalues. Default true. */
  zeros?: boolean;
}

/**
 * A symmetric matrix with a chosen inertia: each eigenvalue is positive, negative or (when
 * allowed) exactly zero, with magnitudes in [0.1, 10].
 */
export function inertiaCase(
  options: InertiaCaseOptions = {},
): fc.Arbitrary<SpectrumCase & { inertia: { positive: number; negative: number; zero: number } }> {
  const [nMin, nMax] = options.n ?? [1, 20];
  const signs = options.zeros === false ? [1, -1] : [1, -1, 0];
  return fc.record({
    signs: fc.array(fc.constantFrom(...signs), { minLength: nMin, maxLength: nMax }),
    seed: fc.integer({ min: 0, max: 0x7fffffff }),
  }).map(({ signs: chosen, seed }) => {
    const random = createRandom(seed);
    const eigenvalues = chosen.map((s) => s * 10 ** (2 * random.uniform() - 1));
    const inertia = {
      positive: chosen.filter((s) => s > 0).length,
      negative: chosen.filter((s) => s < 0).length,
      zero: chosen.filter((s) => s === 0).length,
    };
    return Object.assign(buildCase(eigenvalues, seed, "symmetric", "inertiaCase"), { inertia });
  });
}

/** A symmetric matrix with eigenvalues standard normal (an indefinite matrix, generically). */
export function symmetricCase(n: [number, number] = [1, 30]): fc.Arbitrary<SpectrumCase> {
  return fc.record({
    n: fc.integer({ min: n[0], max: n[1] }),
    seed: fc.integer({ min: 0, max: 0x7fffffff }),
  }).map(({ n, seed }) => {
    const random = createRandom(seed);
    const eigenvalues = Array.from({ length: n }, () => random.normal());
    return buildCase(eigenvalues, seed, "symmetric", "symmetricCase");
  });
}

/** A·x for a matrix given as rows. */
export function multiply(matrix: readonly (readonly number[])[], x: ArrayLike<number>): number[] {
  return matrix.map((row) => row.reduce((s, v, j) => s + v * x[j], 0));
}

/** xᵀAy for a matrix given as rows. */
export function bilinear(
  matrix: readonly (readonly number[])[],
  x: ArrayLike<number>,
  y: ArrayLike<number>,
): number {
  let s = 0;
  for (let i = 0; i < matrix.length; i++) {
    let row = 0;
    for (let j = 0; j < matrix.length; j++) row += matrix[i][j] * y[j];
    s += x[i] * row;
  }
  return s;
}

/** The exact solution A⁻¹b from the known eigendecomposition: Σ vᵢ(vᵢᵀb)/λᵢ. */
export function solveBySpectrum(c: SpectrumCase, b: ArrayLike<number> = c.b): number[] {
  const x = new Array<number>(c.n).fill(0);
  c.eigenvalues.forEach((lambda, i) => {
    const v = c.eigenvectors[i];
    let vb = 0;
    for (let j = 0; j < c.n; j++) vb += v[j] * b[j];
    for (let j = 0; j < c.n; j++) x[j] += (v[j] * vb) / lambda;
  });
  return x;
}
