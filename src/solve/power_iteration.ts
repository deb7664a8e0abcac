/**
 * Power iteration for the eigenvalue of largest magnitude (von Mises 1929): vₖ₊₁ = Avₖ/‖Avₖ‖,
 * with the Rayleigh quotient θₖ = vₖᵀAvₖ as the estimate and the residual ‖Avₖ − θₖvₖ‖ as
 * the stopping test. Convergence is linear with rate |λ₂/λ₁|.
 *
 * @module
 */

import { createRandom } from "../random/random.ts";
import { finiteVector, integerInRange, nonNegativeNumber, optionsObject } from "../validate.ts";
import { operatorArgument, type OperatorInput, PURPOSE_POWER, purposeSeed } from "./_shared.ts";

/** Options of {@linkcode powerIteration}. */
export interface PowerIterationOptions {
  /** The most iterations (each one matvec). Default 1000. */
  maxIterations?: number;
  /**
   * Stop when the residual ‖Av − θv‖ ≤ tol·|θ|. For a symmetric A an eigenvalue then lies
   * within tol·|θ| of θ. Default 1e-8.
   */
  tol?: number;
  /**
   * Seed of the random start vector (mixed, so it is unrelated to matrices built from the
   * same seed). Default 0.
   */
  seed?: number;
  /** The start vector (non-zero). Default: a seeded standard normal vector. */
  start?: ArrayLike<number>;
}

/** The result of {@linkcode powerIteration}. */
export interface PowerIterationResult {
  /** The Rayleigh quotient vᵀAv: the estimate of the largest-magnitude eigenvalue. */
  value: number;
  /** The unit vector v. */
  vector: Float64Array;
  /** ‖Av − θv‖. For symmetric A, some eigenvalue lies in [θ − residual, θ + residual]. */
  residualNorm: number;
  /**
   * `"converged"` (residual within tolerance), `"max-iterations"` (for example when ±λ
   * share the largest magnitude and the iterates alternate), or `"non-finite"`.
   */
  status: "converged" | "max-iterations" | "non-finite";
  /** Iterations run. */
  iterations: number;
  /** Operator products used (one per iteration). */
  matvecs: number;
}

/**
 * The eigenvalue of largest magnitude of A and its eigenvector, by power iteration from a
 * seeded random start. Each iteration costs one matvec and allocates nothing.
 *
 * @example The dominant eigenvalue of a symmetric matrix
 * ```ts
 * import { powerIteration } from "@secondorder/harness";
 * const { value, status } = powerIteration([[2, 1], [1, 2]]);
 * if (status !== "converged" || Math.abs(value - 3) > 1e-12) throw new Error(status);
 * ```
 */
export function powerIteration(
  A: OperatorInput,
  options: PowerIterationOptions = {},
): PowerIterationResult {
  const where = "run power iteration";
  const op = operatorArgument(where, "A", A);
  const n = op.dim;
  const opts = optionsObject(where, options, "options", ["maxIterations", "tol", "seed", "start"]);
  const maxIterations = opts.maxIterations === undefined
    ? 1000
    : integerInRange(where, "options.maxIterations", opts.maxIterations, 1);
  const tol = opts.tol === undefined ? 1e-8 : nonNegativeNumber(where, "options.tol", opts.tol);
  const seed = opts.seed === undefined
    ? 0
    : integerInRange(where, "options.seed", opts.seed, 0, 0xffffffff);
  const v = opts.start === undefined
    ? createRandom(purposeSeed(seed, PURPOSE_POWER)).fillNormal(new Float64Array(n))
    : finiteVector(where, "options.start", opts.start, n, " (the operator's dim)").slice();
  let norm = 0;
  for (let i = 0; i < n; i++) norm += v[i] * v[i];
  norm = Math.sqrt(norm);
  if (norm === 0) {
    throw new RangeError(`Cannot ${where}: options.start is the zero vector, expected non-zero`);
  }
  for (let i = 0; i < n; i++) v[i] /= norm;
  const w = new Float64Array(n);
  let value = NaN, residualNorm = NaN, iterations = 0;
  let status: PowerIterationResult["status"] = "max-iterations";
  while (iterations < maxIterations) {
    op.matvec(v, w);
    iterations++;
    let theta = 0, ww = 0;
    for (let i = 0; i < n; i++) {
      theta += v[i] * w[i];
      ww += w[i] * w[i];
    }
    let residual = 0;
    for (let i = 0; i < n; i++) {
      const d = w[i] - theta * v[i];
      residual += d * d;
    }
    value = theta;
    residualNorm = Math.sqrt(residual);
    if (!Number.isFinite(theta) || !Number.isFinite(ww)) {
      status = "non-finite";
      break;
    }
    if (residualNorm <= tol * Math.abs(theta) || ww === 0) {
      status = "converged";
      break;
    }
    const scale = 1 / Math.sqrt(ww);
    for (let i = 0; i < n; i++) v[i] = w[i] * scale;
  }
  return { value, vector: v, residualNorm, status, iterations, matvecs: iterations };
}
