/**
 * The eigenvalue density of a symmetric operator by stochastic Lanczos quadrature (Golub and
 * Meurant 1994; Ubaru, Chen and Saad 2017; as PyHessian, Yao et al. 2020, plots it for network
 * Hessians).
 *
 * The spectral density φ(t) = (1/n)·Σᵢ δ(t − λᵢ) satisfies (1/n)·tr f(A) = ∫ f(t) φ(t) dt,
 * and for a probe v with E[vvᵀ] = I, tr f(A) = E[vᵀf(A)v]. For a unit probe q = v/‖v‖,
 * qᵀf(A)q is a Riemann-Stieltjes integral that m steps of Lanczos from q approximate by a
 * Gauss quadrature: nodes θⱼ (eigenvalues of Tₘ) and weights τⱼ = (e₁ᵀsⱼ)² (squared first
 * components of its eigenvectors), exact for polynomials of degree < 2m. Averaging the
 * quadratures over probes and replacing each δ by a Gaussian of width σ gives a smooth
 * density on a grid:
 *
 *   φ_σ(t) = (1/N)·Σ_probes Σⱼ τⱼ·exp(−(t − θⱼ)²/(2σ²))/(σ√(2π)).
 *
 * The weights of each probe sum to 1, so φ_σ integrates to 1; with Rademacher probes
 * (‖v‖² = n), Σⱼ τⱼθⱼ = vᵀAv/n, so the density's mean is exactly Hutchinson's trace estimate
 * over n.
 *
 * @module
 */

import { createRandom } from "../random/random.ts";
import { finiteNumber, integerInRange, optionsObject, positiveNumber } from "../validate.ts";
import { operatorArgument, type OperatorInput, PURPOSE_DENSITY, purposeSeed } from "./_shared.ts";
import { lanczosProcess, tridiagonalEigen } from "./lanczos.ts";

/** Options of {@linkcode spectralDensity}. */
export interface SpectralDensityOptions {
  /**
   * Lanczos steps per probe (the quadrature's node count; exact for polynomials of degree
   * < 2·steps), at most 10⁵ and capped at dim. Default 30.
   */
  steps?: number;
  /** Number of Rademacher probes, at most 10⁶. Default 10. */
  samples?: number;
  /** Seed of the probes (mixed with a purpose tag). Default 0. */
  seed?: number;
  /** Grid points, 2 to 10⁶. Default 512. */
  gridPoints?: number;
  /**
   * Width σ of the Gaussian broadening. Default: 1% of the span of the nodes (or 1% of their
   * largest magnitude, or 0.01, when all nodes coincide).
   */
  sigma?: number;
  /**
   * The grid's interval [low, high]. Default: the nodes' span widened by 5σ on each side, so
   * that the density's mass outside the grid is below 3e-7.
   */
  range?: readonly [number, number];
}

/** The result of {@linkcode spectralDensity}. */
export interface SpectralDensityResult {
  /** Evenly spaced points t. */
  grid: Float64Array;
  /** The broadened density φ_σ(t) at each grid point (integrates to about 1). */
  density: Float64Array;
  /** The quadrature nodes θⱼ of each probe (Ritz values, ascending). */
  nodes: Float64Array[];
  /** The quadrature weights τⱼ of each probe (each set sums to 1). */
  weights: Float64Array[];
  /** The broadening width σ used. */
  sigma: number;
  /** n·(mean over probes of Σⱼ τⱼθⱼ): the Hutchinson estimate of tr(A) from the same probes. */
  traceEstimate: number;
  /** Operator products used (steps per probe, fewer when a Krylov space became invariant). */
  matvecs: number;
  /** `"ok"`, or `"non-finite"` when the operator produced NaN or infinity. */
  status: "ok" | "non-finite";
}

/**
 * The eigenvalue density of a symmetric operator by stochastic Lanczos quadrature, on a grid
 * with Gaussian broadening, plus the raw quadrature nodes and weights. Matrix-free: costs
 * samples × steps matvecs (and O(n·steps) memory per probe, for full reorthogonalisation).
 *
 * @example The density of a matrix with eigenvalues {1, 2} integrates to 1 and has mean 1.5
 * ```ts
 * import { diagonal, spectralDensity } from "@secondorder/harness";
 * const A = diagonal(Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? 1 : 2)));
 * const { grid, density, traceEstimate } = spectralDensity(A, { samples: 4 });
 * const h = grid[1] - grid[0];
 * const mass = density.reduce((s, v) => s + v, 0) * h;
 * if (Math.abs(mass - 1) > 1e-3 || Math.abs(traceEstimate / 100 - 1.5) > 0.1) throw new Error();
 * ```
 */
export function spectralDensity(
  A: OperatorInput,
  options: SpectralDensityOptions = {},
): SpectralDensityResult {
  const where = "estimate the spectral density";
  const op = operatorArgument(where, "A", A);
  const n = op.dim;
  const opts = optionsObject(where, options, "options", [
    "steps",
    "samples",
    "seed",
    "gridPoints",
    "sigma",
    "range",
  ]);
  const steps = Math.min(
    n,
    opts.steps === undefined ? 30 : integerInRange(where, "options.steps", opts.steps, 1, 100_000),
  );
  const samples = opts.samples === undefined
    ? 10
    : integerInRange(where, "options.samples", opts.samples, 1, 1_000_000);
  const seed = opts.seed === undefined
    ? 0
    : integerInRange(where, "options.seed", opts.seed, 0, 0xffffffff);
  const gridPoints = opts.gridPoints === undefined
    ? 512
    : integerInRange(where, "options.gridPoints", opts.gridPoints, 2, 1_000_000);
  const sigmaOption = opts.sigma === undefined
    ? undefined
    : positiveNumber(where, "options.sigma", opts.sigma);
  let range: [number, number] | undefined;
  if (opts.range !== undefined) {
    if (!Array.isArray(opts.range) || opts.range.length !== 2) {
      throw new TypeError(
        `Cannot ${where}: options.range is not a pair, expected [low, high] with low < high`,
      );
    }
    const low = finiteNumber(where, "options.range[0]", opts.range[0]);
    const high = finiteNumber(where, "options.range[1]", opts.range[1], {
      min: low,
      exclusiveMin: true,
    });
    range = [low, high];
  }

  const random = createRandom(purposeSeed(seed, PURPOSE_DENSITY));
  const probe = new Float64Array(n);
  const nodes: Float64Array[] = [];
  const weights: Float64Array[] = [];
  let matvecs = 0;
  let status: SpectralDensityResult["status"] = "ok";
  let trace = 0;
  for (let k = 0; k < samples; k++) {
    random.fillRademacher(probe);
    // No restart: once the Krylov space is invariant the quadrature is exact.
    const process = lanczosProcess(op, probe, steps);
    matvecs += process.matvecs;
    if (process.nonFinite) {
      status = "non-finite";
      break;
    }
    const m = process.steps;
    const { values, vectors } = tridiagonalEigen(process.alphas, process.betas, m);
    const tau = new Float64Array(m);
    let mean = 0;
    for (let j = 0; j < m; j++) {
      tau[j] = vectors[j][0] * vectors[j][0];
      mean += tau[j] * values[j];
    }
    trace += n * mean;
    nodes.push(values);
    weights.push(tau);
  }
  if (status !== "ok") {
    return {
      grid: new Float64Array(gridPoints).fill(NaN),
      density: new Float64Array(gridPoints).fill(NaN),
      nodes,
      weights,
      sigma: NaN,
      traceEstimate: NaN,
      matvecs,
      status,
    };
  }
  let lowest = Infinity, highest = -Infinity;
  for (const set of nodes) {
    lowest = Math.min(lowest, set[0]);
    highest = Math.max(highest, set[set.length - 1]);
  }
  const span = highest - lowest;
  const sigma = sigmaOption ??
    (span > 0 ? 0.01 * span : 0.01 * Math.max(Math.abs(highest), Math.abs(lowest), 1));
  const [low, high] = range ?? [lowest - 5 * sigma, highest + 5 * sigma];
  if (!Number.isFinite(high - low)) {
    throw new RangeError(
      `Cannot ${where}: options.sigma is ${sigma}, so the grid [λmin − 5σ, λmax + 5σ] overflows; ` +
        `expected a width below ${Number.MAX_VALUE / 20}`,
    );
  }
  const grid = new Float64Array(gridPoints);
  const density = new Float64Array(gridPoints);
  const h = (high - low) / (gridPoints - 1);
  for (let g = 0; g < gridPoints; g++) grid[g] = low + g * h;
  const norm = 1 / (samples * sigma * Math.sqrt(2 * Math.PI));
  if (!Number.isFinite(norm)) {
    throw new RangeError(
      `Cannot ${where}: options.sigma is ${sigma}, so the Gaussian's height 1/(σ√(2π)) ` +
        `overflows; expected a width above ${
          1 / (samples * Math.sqrt(2 * Math.PI)) / Number.MAX_VALUE
        }`,
    );
  }
  for (let k = 0; k < nodes.length; k++) {
    const theta = nodes[k], tau = weights[k];
    for (let j = 0; j < theta.length; j++) {
      const weight = tau[j] * norm;
      for (let g = 0; g < gridPoints; g++) {
        const z = (grid[g] - theta[j]) / sigma;
        density[g] += weight * Math.exp(-0.5 * z * z);
      }
    }
  }
  return {
    grid,
    density,
    nodes,
    weights,
    sigma,
    traceEstimate: trace / samples,
    matvecs,
    status,
  };
}
