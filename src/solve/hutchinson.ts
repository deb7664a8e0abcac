/**
 * Hutchinson's (1989) stochastic trace estimator: tr(A) = E[vᵀAv] for any random v with
 * E[vvᵀ] = I, averaged over independent probes, with its standard error.
 *
 * @module
 */

import { createRandom } from "../random/random.ts";
import { integerInRange, oneOf, optionsObject } from "../validate.ts";
import {
  operatorArgument,
  type OperatorInput,
  PURPOSE_HUTCHINSON,
  purposeSeed,
} from "./_shared.ts";

/** The most samples a run may ask for (each costs one matvec and a vector of its own). */
const MAX_SAMPLES = 1_000_000;

/** Options of {@linkcode hutchinsonTrace}. */
export interface HutchinsonOptions {
  /** Number of probe vectors m, 2 ≤ m ≤ 10⁶ (each costs one matvec). Default 100. */
  samples?: number;
  /** Seed of the probes (mixed with a purpose tag). Default 0. */
  seed?: number;
  /**
   * Probe distribution: `"rademacher"` (±1 entries; the minimum-variance choice, variance
   * 2·Σ_{i≠j} aᵢⱼ²) or `"gaussian"` (variance 2·‖A‖_F² for symmetric A). Default
   * `"rademacher"`.
   */
  distribution?: "rademacher" | "gaussian";
}

/** The result of {@linkcode hutchinsonTrace}. */
export interface HutchinsonResult {
  /** The estimate (1/m)·Σ vₖᵀAvₖ of tr(A). */
  estimate: number;
  /** The standard error s/√m, with s the sample standard deviation of the vₖᵀAvₖ. */
  standardError: number;
  /** The individual samples vₖᵀAvₖ. */
  values: Float64Array;
  /** Operator products used (one per sample). */
  matvecs: number;
  /** `"ok"`, or `"non-finite"` when a product held NaN or infinity. */
  status: "ok" | "non-finite";
}

/**
 * Estimates tr(A) matrix-free by Hutchinson's method: the mean of vᵀAv over random probes,
 * with a standard error so that the estimate comes with its uncertainty. Useful for the
 * trace (the sum of curvatures) of a network Hessian, which PyHessian reports alongside its
 * eigenvalue density.
 *
 * @example
 * ```ts
 * import { diagonal, hutchinsonTrace } from "@secondorder/harness";
 * // A diagonal matrix: Rademacher probes give vᵀAv = tr(A) exactly.
 * const { estimate, standardError } = hutchinsonTrace(diagonal([1, 2, 3]), { samples: 10 });
 * if (Math.abs(estimate - 6) > 1e-12 || standardError > 1e-12) throw new Error();
 * ```
 */
export function hutchinsonTrace(
  A: OperatorInput,
  options: HutchinsonOptions = {},
): HutchinsonResult {
  const where = "estimate the trace";
  const op = operatorArgument(where, "A", A);
  const n = op.dim;
  const opts = optionsObject(where, options, "options", ["samples", "seed", "distribution"]);
  const samples = opts.samples === undefined
    ? 100
    : integerInRange(where, "options.samples", opts.samples, 2, MAX_SAMPLES);
  const seed = opts.seed === undefined
    ? 0
    : integerInRange(where, "options.seed", opts.seed, 0, 0xffffffff);
  const distribution = opts.distribution === undefined
    ? "rademacher"
    : oneOf(where, "options.distribution", opts.distribution, ["rademacher", "gaussian"]);
  const random = createRandom(purposeSeed(seed, PURPOSE_HUTCHINSON));
  const v = new Float64Array(n), av = new Float64Array(n);
  const values = new Float64Array(samples);
  let status: HutchinsonResult["status"] = "ok";
  for (let k = 0; k < samples; k++) {
    if (distribution === "rademacher") random.fillRademacher(v);
    else random.fillNormal(v);
    op.matvec(v, av);
    let s = 0;
    for (let i = 0; i < n; i++) s += v[i] * av[i];
    values[k] = s;
    if (!Number.isFinite(s)) status = "non-finite";
  }
  // Two-pass mean and variance.
  let mean = 0;
  for (const s of values) mean += s;
  mean /= samples;
  let variance = 0;
  for (const s of values) variance += (s - mean) ** 2;
  variance /= samples - 1;
  return {
    estimate: mean,
    standardError: Math.sqrt(variance / samples),
    values,
    matvecs: samples,
    status,
  };
}
