/**
 * The symmetric Lanczos process with full reorthogonalisation, and the Ritz values and vectors
 * it gives for the extreme eigenvalues of a symmetric operator.
 *
 * After m steps from a unit vector q₁, A·Qₘ = Qₘ·Tₘ + βₘ·qₘ₊₁·eₘᵀ with Qₘ orthonormal and Tₘ
 * tridiagonal (αⱼ on the diagonal, βⱼ beside it) (Lanczos 1950; Golub and Van Loan 2013,
 * §10.1). Each new vector is orthogonalised against every earlier one, twice (classical
 * Gram-Schmidt, "twice is enough"), so Qₘ stays orthonormal to working precision and no
 * spurious copies of converged eigenvalues appear. The cost is O(n·m) per step on top of the
 * matvec, which is why the number of steps is bounded.
 *
 * An eigenpair (θ, s) of Tₘ gives the Ritz pair (θ, Qₘs), whose residual is
 * ‖A·Qₘs − θ·Qₘs‖ = |βₘ·sₘ|, the last component of s times βₘ. That is the convergence test.
 *
 * @module
 */

import type { LinearOperator } from "../operator/linear_operator.ts";
import { createRandom, type Random } from "../random/random.ts";
import {
  finiteVector,
  integerInRange,
  nonNegativeNumber,
  oneOf,
  optionsObject,
} from "../validate.ts";
import { operatorArgument, type OperatorInput, PURPOSE_LANCZOS, purposeSeed } from "./_shared.ts";
import { symmetricEigen } from "./eigh.ts";

/** Which eigenvalues {@linkcode lanczos} looks for. */
export type LanczosWhich = "largest" | "smallest" | "both";

/** Options of {@linkcode lanczos}. */
export interface LanczosOptions {
  /** How many Ritz pairs to return (1 ≤ k ≤ dim). Default 6 (as scipy's eigsh). */
  k?: number;
  /**
   * `"largest"` (algebraically largest), `"smallest"` (algebraically smallest) or `"both"`
   * (⌈k/2⌉ largest and ⌊k/2⌋ smallest, as ARPACK's "BE"). Default `"largest"`.
   */
  which?: LanczosWhich;
  /**
   * The most Lanczos steps (the Krylov dimension), k ≤ maxSteps ≤ dim. Memory is
   * dim·maxSteps numbers. Default min(dim, max(20, 10·k)). At maxSteps = dim the Ritz values
   * are the eigenvalues.
   */
  maxSteps?: number;
  /**
   * Convergence tolerance: stop when every wanted Ritz pair has residual
   * |βₘ·sₘ| ≤ tol·max|θ|, checked from step min(maxSteps, max(2k + 1, 20)) on (ARPACK's
   * default subspace size), so that an unlucky start cannot stop the run on interior values. The eigenvalue error is at most the residual, and at most
   * residual²/gap once separated. Default 1e-10.
   */
  tol?: number;
  /**
   * Seed of the random start vector (and of restart vectors). The generator is seeded with a
   * mix of this seed, so the start is unrelated to a matrix built from the same seed (such as
   * `matrixWithSpectrum`'s basis). Default 0.
   */
  seed?: number;
  /** The start vector (non-zero; normalised). Default: a seeded standard normal vector. */
  start?: ArrayLike<number>;
}

/** The result of {@linkcode lanczos}. */
export interface LanczosResult {
  /** The wanted Ritz values, ascending. */
  values: Float64Array;
  /** Unit Ritz vectors: `vectors[i]` belongs to `values[i]`. */
  vectors: Float64Array[];
  /** Residual norms ‖A·v − θ·v‖ of the Ritz pairs, in the order of `values`. */
  residualNorms: Float64Array;
  /**
   * `"converged"` (every wanted residual within tolerance, or the Krylov space became
   * invariant), `"max-steps"` (the best Ritz pairs after `maxSteps` steps), or
   * `"non-finite"` (the operator produced NaN or infinity).
   */
  status: "converged" | "max-steps" | "non-finite";
  /** Lanczos steps taken (the size of the tridiagonal matrix). */
  steps: number;
  /** Operator products used. */
  matvecs: number;
}

/** The tridiagonal matrix and basis of a Lanczos run. */
export interface LanczosProcess {
  /** Diagonal α₁..αₘ of Tₘ. */
  alphas: Float64Array;
  /** Off-diagonal β₁..βₘ₋₁ of Tₘ, then βₘ (the residual coupling) at index m − 1. */
  betas: Float64Array;
  /** Steps taken (m). */
  steps: number;
  /** Operator products used. */
  matvecs: number;
  /** The orthonormal basis, row-major: vector j at [j·n, (j+1)·n). */
  basis: Float64Array;
  /** True when an operator product was not finite. */
  nonFinite: boolean;
  /**
   * True when the last β is rounding noise against ‖T‖: the Krylov space is invariant, so
   * its Ritz pairs are exact but need not include the spectrum's ends.
   */
  breakdown: boolean;
}

/**
 * Runs up to `maxSteps` Lanczos steps with full reorthogonalisation from the unit vector
 * `start`. When βⱼ vanishes (an invariant subspace), a random vector orthogonal to the basis
 * continues the process if `restart` is set (Tₘ is then block diagonal with βⱼ = 0), and the
 * run stops otherwise. `checkpoint(m)` is called after each step; returning true stops.
 */
export function lanczosProcess(
  op: LinearOperator,
  start: Float64Array,
  maxSteps: number,
  options: {
    restart?: Random;
    checkpoint?: (process: LanczosProcess) => boolean;
  } = {},
): LanczosProcess {
  const n = op.dim;
  const basis = new Float64Array(n * maxSteps);
  const alphas = new Float64Array(maxSteps);
  const betas = new Float64Array(maxSteps);
  const w = new Float64Array(n);
  const process: LanczosProcess = {
    alphas,
    betas,
    steps: 0,
    matvecs: 0,
    basis,
    nonFinite: false,
    breakdown: false,
  };
  let startNorm = 0;
  for (let i = 0; i < n; i++) startNorm += start[i] * start[i];
  startNorm = Math.sqrt(startNorm);
  for (let i = 0; i < n; i++) basis[i] = start[i] / startNorm;
  let normEstimate = 0;
  for (let j = 0; j < maxSteps; j++) {
    const q = basis.subarray(j * n, (j + 1) * n);
    op.matvec(q, w);
    process.matvecs++;
    let alpha = 0;
    for (let i = 0; i < n; i++) alpha += q[i] * w[i];
    if (!Number.isFinite(alpha)) {
      process.nonFinite = true;
      return process;
    }
    // Three-term recurrence, then full reorthogonalisation (two classical Gram-Schmidt passes).
    for (let i = 0; i < n; i++) w[i] -= alpha * q[i];
    if (j > 0) {
      const previous = basis.subarray((j - 1) * n, j * n);
      const beta = betas[j - 1];
      for (let i = 0; i < n; i++) w[i] -= beta * previous[i];
    }
    for (let pass = 0; pass < 2; pass++) orthogonalize(w, basis, j + 1, n);
    alphas[j] = alpha;
    let beta = 0;
    for (let i = 0; i < n; i++) beta += w[i] * w[i];
    beta = Math.sqrt(beta);
    if (!Number.isFinite(beta)) {
      process.nonFinite = true;
      return process;
    }
    betas[j] = beta;
    process.steps = j + 1;
    normEstimate = Math.max(normEstimate, Math.abs(alpha) + beta + (j > 0 ? betas[j - 1] : 0));
    // An invariant subspace: β is rounding noise against ‖T‖.
    process.breakdown = beta <= 8 * Number.EPSILON * Math.sqrt(n) * normEstimate;
    if (process.breakdown) betas[j] = 0;
    if (options.checkpoint?.(process)) return process;
    if (j + 1 === maxSteps || j + 1 === n) return process;
    const next = basis.subarray((j + 1) * n, (j + 2) * n);
    if (process.breakdown) {
      if (!options.restart) return process;
      let norm = 0;
      for (let attempt = 0; attempt < 3 && !(norm > 0.5); attempt++) {
        options.restart.fillNormal(next);
        let before = 0;
        for (let i = 0; i < n; i++) before += next[i] * next[i];
        for (let pass = 0; pass < 2; pass++) orthogonalize(next, basis, j + 1, n);
        norm = 0;
        for (let i = 0; i < n; i++) norm += next[i] * next[i];
        norm = Math.sqrt(norm / before);
      }
      let scale = 0;
      for (let i = 0; i < n; i++) scale += next[i] * next[i];
      scale = 1 / Math.sqrt(scale);
      for (let i = 0; i < n; i++) next[i] *= scale;
    } else {
      for (let i = 0; i < n; i++) next[i] = w[i] / beta;
    }
  }
  return process;
}

/** w ← w − Q·(Qᵀw) over the first `count` basis vectors (one classical Gram-Schmidt pass). */
function orthogonalize(w: Float64Array, basis: Float64Array, count: number, n: number): void {
  for (let k = 0; k < count; k++) {
    const offset = k * n;
    let c = 0;
    for (let i = 0; i < n; i++) c += basis[offset + i] * w[i];
    for (let i = 0; i < n; i++) w[i] -= c * basis[offset + i];
  }
}

/** Eigenvalues (ascending) and eigenvectors (as rows) of the m × m tridiagonal Tₘ. */
export function tridiagonalEigen(
  alphas: Float64Array,
  betas: Float64Array,
  m: number,
): { values: Float64Array; vectors: Float64Array[] } {
  const t = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    t[i * m + i] = alphas[i];
    if (i + 1 < m) {
      t[i * m + i + 1] = betas[i];
      t[(i + 1) * m + i] = betas[i];
    }
  }
  return symmetricEigen(m, t);
}

/** Indices (into ascending values) of the wanted Ritz values. */
function wantedIndices(m: number, k: number, which: LanczosWhich): number[] {
  if (which === "smallest") return Array.from({ length: k }, (_, i) => i);
  if (which === "largest") return Array.from({ length: k }, (_, i) => m - k + i);
  const low = Math.floor(k / 2), high = k - low;
  return [
    ...Array.from({ length: low }, (_, i) => i),
    ...Array.from({ length: high }, (_, i) => m - high + i),
  ];
}

/**
 * Extreme eigenvalues and eigenvectors of a symmetric operator by the Lanczos method with full
 * reorthogonalisation: matrix-free, so it reaches the spectrum's edges of a network Hessian
 * with a few dozen Hessian-vector products instead of the dim products and O(dim³) work of
 * {@linkcode eigh}. Runs until the k wanted Ritz pairs have converged or `maxSteps` is reached.
 * When the Krylov space becomes invariant (possible for repeated eigenvalues), the process
 * continues from a fresh random vector orthogonal to it, so multiplicities are found.
 *
 * @example Three outlying eigenvalues above a bulk, as in a network Hessian's spectrum
 * ```ts
 * import { diagonal, lanczos } from "@secondorder/harness";
 * // a bulk in [1, 2) and three outliers 100, 200, 300
 * const d = Array.from({ length: 200 }, (_, i) => (i < 197 ? 1 + i / 200 : 100 * (i - 196)));
 * const { values, status, matvecs } = lanczos(diagonal(d), { k: 3, which: "largest" });
 * if (status !== "converged" || Math.abs(values[2] - 300) > 1e-8) throw new Error(status);
 * if (matvecs > 30) throw new Error(`${matvecs} products`);
 * ```
 */
export function lanczos(A: OperatorInput, options: LanczosOptions = {}): LanczosResult {
  const where = "run lanczos";
  const op = operatorArgument(where, "A", A);
  const n = op.dim;
  const opts = optionsObject(where, options, "options", [
    "k",
    "which",
    "maxSteps",
    "tol",
    "seed",
    "start",
  ]);
  const k = opts.k === undefined
    ? Math.min(6, n)
    : integerInRange(where, "options.k", opts.k, 1, n);
  const which = opts.which === undefined
    ? "largest"
    : oneOf(where, "options.which", opts.which, ["largest", "smallest", "both"] as const);
  const maxSteps = opts.maxSteps === undefined
    ? Math.min(n, Math.max(20, 10 * k))
    : integerInRange(where, "options.maxSteps", opts.maxSteps, k, n);
  const tol = opts.tol === undefined ? 1e-10 : nonNegativeNumber(where, "options.tol", opts.tol);
  const seed = opts.seed === undefined
    ? 0
    : integerInRange(where, "options.seed", opts.seed, 0, 0xffffffff);
  const random = createRandom(purposeSeed(seed, PURPOSE_LANCZOS));
  const restart = random.split();
  let start: Float64Array;
  if (opts.start === undefined) {
    start = random.fillNormal(new Float64Array(n));
  } else {
    start = finiteVector(where, "options.start", opts.start, n, " (the operator's dim)");
    let norm = 0;
    for (let i = 0; i < n; i++) norm += start[i] * start[i];
    if (norm === 0) {
      throw new RangeError(`Cannot ${where}: options.start is the zero vector, expected non-zero`);
    }
  }

  // As ARPACK's default ncv: no convergence check before max(2k + 1, 20) steps, so that a
  // start vector nearly inside an invariant subspace cannot end the run on interior values.
  let nextCheck = Math.min(maxSteps, Math.max(2 * k + 1, 20));
  let converged = false;
  const checkpoint = (process: LanczosProcess) => {
    const m = process.steps;
    if (m < nextCheck && m < maxSteps) return false;
    nextCheck = m + Math.max(1, Math.floor(m / 10));
    // Converged pairs of an invariant subspace may miss the spectrum's ends: restart instead.
    if (m < k || (process.breakdown && m < n)) return false;
    const { values, vectors } = tridiagonalEigen(process.alphas, process.betas, m);
    const beta = process.betas[m - 1];
    let scale = 0;
    for (let i = 0; i < m; i++) scale = Math.max(scale, Math.abs(values[i]));
    converged = wantedIndices(m, k, which).every((i) =>
      Math.abs(beta * vectors[i][m - 1]) <= tol * scale
    );
    return converged;
  };
  const process = lanczosProcess(op, start, maxSteps, { restart, checkpoint });
  const m = process.steps;
  if (process.nonFinite || m === 0) {
    return {
      values: new Float64Array(k).fill(NaN),
      vectors: Array.from({ length: k }, () => new Float64Array(n).fill(NaN)),
      residualNorms: new Float64Array(k).fill(NaN),
      status: "non-finite",
      steps: m,
      matvecs: process.matvecs,
    };
  }
  const ritz = tridiagonalEigen(process.alphas, process.betas, m);
  const beta = process.betas[m - 1];
  // Fewer steps than k can only happen when the whole space was spanned early (m = n).
  const wanted = wantedIndices(m, Math.min(k, m), which);
  const values = new Float64Array(wanted.length);
  const residualNorms = new Float64Array(wanted.length);
  const vectors = wanted.map((index, w) => {
    const s = ritz.vectors[index];
    values[w] = ritz.values[index];
    residualNorms[w] = Math.abs(beta * s[m - 1]);
    const v = new Float64Array(n);
    for (let j = 0; j < m; j++) {
      const c = s[j], offset = j * n;
      for (let i = 0; i < n; i++) v[i] += c * process.basis[offset + i];
    }
    return v;
  });
  const invariant = m === n;
  return {
    values,
    vectors,
    residualNorms,
    status: converged || invariant ? "converged" : "max-steps",
    steps: m,
    matvecs: process.matvecs,
  };
}
