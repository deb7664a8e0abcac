/**
 * The truncated Neumann series for A⁻¹b:
 *
 *   xₖ = (1/s)·Σ_{i<k} (I − A/s)ⁱ·b,
 *
 * which converges to A⁻¹b exactly when the spectral radius ρ(I − A/s) < 1. For a symmetric A
 * that means every eigenvalue lies in (0, 2s): A must be positive definite and s > λ_max/2.
 * It is Richardson's iteration xₖ₊₁ = xₖ + (b − Axₖ)/s from x₀ = 0, and its residual is
 * rₖ = b − Axₖ = (I − A/s)ᵏ·b, so the residual is known at every term for one matvec. The
 * error shrinks like ρᵏ, with ρ = 1 − λ_min/s at best near s = (λ_min + λ_max)/2: a
 * condition number κ needs about κ·ln(1/rtol) terms, against CG's √κ·ln(2/rtol)/2.
 *
 * This is how implicit-differentiation and influence-function methods (Lorraine et al. 2020,
 * Koh and Liang 2017, Agarwal et al. 2017) approximate inverse-Hessian-vector products.
 *
 * @module
 */

import type { LinearOperator } from "../operator/linear_operator.ts";
import {
  describe,
  integerInRange,
  nonNegativeNumber,
  oneOf,
  optionsObject,
  positiveNumber,
} from "../validate.ts";
import { History, operatorArgument, type OperatorInput, rightHandSide } from "./_shared.ts";
import { powerIteration } from "./power_iteration.ts";

/**
 * Terms in a row without a new smallest residual after which a run stops as stagnated. A
 * convergent series lowers the residual every term for a symmetric operator (by the factor ρ);
 * a thousand terms without progress beyond rounding means the rest is out of its reach.
 */
const STAGNATION_TERMS = 1000;

/**
 * How a Neumann run ended:
 * - `"converged"`: ‖b − Axₖ‖ ≤ max(rtol·‖b‖, atol);
 * - `"max-terms"`: `terms` terms summed without meeting the tolerance (ρ may be close to 1);
 * - `"stagnated"`: a term left the residual unchanged in floating point (A·rₖ/s is below the
 *   rounding of rₖ, as when s dwarfs A), or STAGNATION_TERMS terms in a row did not lower the
 *   smallest residual so far by more than rounding (b has a part in A's null space, which no
 *   term reduces); not with `divergence: "continue"`, which sums every term;
 * - `"diverged"`: the residual grew, which proves ρ(I − A/s) > 1 for a symmetric operator
 *   (see {@linkcode NeumannOptions.divergence});
 * - `"non-finite"`: a NaN or infinity appeared.
 */
export type NeumannStatus = "converged" | "max-terms" | "stagnated" | "diverged" | "non-finite";

/** Options of {@linkcode neumann}. */
export interface NeumannOptions {
  /**
   * The scale s > 0, or `"auto"`: s = safetyFactor·|θ|, where θ is power iteration's estimate
   * of the largest-magnitude eigenvalue (a Rayleigh quotient, so θ ≤ λ_max for SPD A). For an
   * SPD operator the series converges for every s > λ_max/2, so the default factor 1.1 still
   * converges if θ underestimates λ_max by up to 55%. Default `"auto"`.
   */
  scale?: number | "auto";
  /** The safety factor of the automatic scale. Default 1.1. */
  safetyFactor?: number;
  /** The most terms k of the series (each costs one matvec). Default 100. */
  terms?: number;
  /** Relative tolerance of the rule ‖b − Axₖ‖ ≤ max(rtol·‖b‖, atol). Default 1e-5. */
  rtol?: number;
  /** Absolute tolerance of the same rule. Default 0. */
  atol?: number;
  /**
   * What to do when the residual grows. For a symmetric operator, I − A/s is symmetric, so
   * with ρ ≤ 1 it never lengthens a vector: any growth of ‖rₖ‖ beyond a relative 1e-8
   * (rounding) proves ρ(I − A/s) > 1. For a general operator, non-normal transients may grow
   * before decaying, so only growth past 1e6·‖b‖ counts. `"stop"` ends the run there with
   * status `"diverged"` and returns the last iterate before the growth (the one with the
   * smallest residual); `"continue"` sums all terms (to show the divergence) and still ends
   * as `"diverged"`. Default `"stop"`.
   */
  divergence?: "stop" | "continue";
  /** Seed of the power iteration behind `scale: "auto"`. Default 0. */
  seed?: number;
}

/** The power-iteration estimate behind an automatic scale. */
export interface ScaleEstimate {
  /** θ, the Rayleigh quotient of the largest-magnitude eigenvalue. */
  value: number;
  /** Its residual ‖Av − θv‖. */
  residualNorm: number;
  /** Operator products power iteration used. */
  matvecs: number;
}

/** The result of {@linkcode neumann}. */
export interface NeumannResult {
  /** The partial sum xₖ (the last one before growth when the run diverged and stopped). */
  x: Float64Array;
  /** True when `status` is `"converged"` (x finite). */
  success: boolean;
  /** How the run ended. */
  status: NeumannStatus;
  /** The number of terms k in `x`. */
  terms: number;
  /** Operator products used, including the power iteration of an automatic scale. */
  matvecs: number;
  /** The scale s used. */
  scale: number;
  /** The power-iteration estimate, when `scale` was `"auto"`; otherwise undefined. */
  scaleEstimate: ScaleEstimate | undefined;
  /** ‖b − Ax‖ at the returned x. */
  residualNorm: number;
  /** ‖rᵢ‖ = ‖(I − A/s)ⁱb‖ for every term count i computed (0 up to the last). */
  residualNorms: Float64Array;
  /**
   * ‖rₖ‖/‖rₖ₋₁‖ at the last term: for a symmetric operator it tends to ρ(I − A/s) as the
   * slowest component dominates. Undefined when no term was computed.
   */
  contraction: number | undefined;
}

/** Relative growth of the residual that counts as divergence for a symmetric operator. */
const SYMMETRIC_GROWTH = 1e-8;
/** Growth of the residual, relative to ‖b‖, that counts as divergence for a general one. */
const GENERAL_GROWTH = 1e6;

/**
 * Approximates A⁻¹b by the truncated Neumann series (1/s)·Σ_{i<k}(I − A/s)ⁱb, stopping at the
 * residual tolerance, after `terms` terms, or when the residual grows (status `"diverged"`)
 * instead of returning garbage.
 *
 * @example Converges on an SPD matrix with the automatic scale
 * ```ts
 * import { neumann } from "@secondorder/harness";
 * const result = neumann([[2, 0], [0, 1]], [2, 1], { rtol: 1e-10, terms: 200 });
 * if (result.status !== "converged") throw new Error(result.status);
 * if (Math.abs(result.x[0] - 1) > 1e-9) throw new Error("inaccurate");
 * ```
 *
 * @example Diverges on an indefinite matrix, and says so
 * ```ts
 * import { neumann } from "@secondorder/harness";
 * const result = neumann([[2, 0], [0, -1]], [1, 1], { scale: 4.5 });
 * if (result.status !== "diverged" || result.success) throw new Error(result.status);
 * ```
 */
export function neumann(
  A: OperatorInput,
  b: ArrayLike<number>,
  options: NeumannOptions = {},
): NeumannResult {
  const where = "run the Neumann series";
  const op = operatorArgument(where, "A", A);
  const n = op.dim;
  const rhs = rightHandSide(where, "b", b, n);
  const opts = optionsObject(where, options, "options", [
    "scale",
    "safetyFactor",
    "terms",
    "rtol",
    "atol",
    "divergence",
    "seed",
  ]);
  const maxTerms = opts.terms === undefined
    ? 100
    : integerInRange(where, "options.terms", opts.terms, 0);
  const rtol = opts.rtol === undefined ? 1e-5 : nonNegativeNumber(where, "options.rtol", opts.rtol);
  const atol = opts.atol === undefined ? 0 : nonNegativeNumber(where, "options.atol", opts.atol);
  const safetyFactor = opts.safetyFactor === undefined
    ? 1.1
    : positiveNumber(where, "options.safetyFactor", opts.safetyFactor);
  const stopOnDivergence = opts.divergence === undefined ||
    oneOf(where, "options.divergence", opts.divergence, ["stop", "continue"]) === "stop";
  const seed = opts.seed === undefined
    ? 0
    : integerInRange(where, "options.seed", opts.seed, 0, 0xffffffff);

  let s: number;
  let scaleEstimate: ScaleEstimate | undefined;
  let matvecs = 0;
  if (opts.scale === undefined || opts.scale === "auto") {
    const power = powerIteration(op, { seed, tol: 1e-4, maxIterations: 100 });
    matvecs += power.matvecs;
    scaleEstimate = {
      value: power.value,
      residualNorm: power.residualNorm,
      matvecs: power.matvecs,
    };
    s = safetyFactor * Math.abs(power.value);
  } else if (typeof opts.scale === "number") {
    s = positiveNumber(where, "options.scale", opts.scale);
  } else {
    throw new TypeError(
      `Cannot ${where}: options.scale is ${describe(opts.scale)}, expected a number > 0 or "auto"`,
    );
  }
  return runSeries(op, rhs, s, maxTerms, Math.max(rtol * norm(rhs), atol), stopOnDivergence, {
    matvecs,
    scaleEstimate,
  });
}

function norm(v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}

function runSeries(
  op: LinearOperator,
  b: Float64Array,
  s: number,
  maxTerms: number,
  tolerance: number,
  stopOnDivergence: boolean,
  start: { matvecs: number; scaleEstimate: ScaleEstimate | undefined },
): NeumannResult {
  const n = op.dim;
  const x = new Float64Array(n);
  const r = b.slice();
  const ar = new Float64Array(n);
  const residualNorms = new History(Math.min(maxTerms, 1024) + 1);
  let residualNorm = norm(r);
  residualNorms.push(residualNorm);
  const bNorm = residualNorm;
  let matvecs = start.matvecs;
  let terms = 0;
  let contraction: number | undefined;
  let status: NeumannStatus | undefined;
  let diverged = false;
  const finish = (final: NeumannStatus): NeumannResult => {
    let finite = true;
    for (let i = 0; i < n; i++) if (!Number.isFinite(x[i])) finite = false;
    const statusOut = finite ? final : "non-finite";
    return {
      x,
      success: statusOut === "converged",
      status: statusOut,
      terms,
      matvecs,
      scale: s,
      scaleEstimate: start.scaleEstimate,
      residualNorm,
      residualNorms: residualNorms.toArray(),
      contraction,
    };
  };
  if (!(s > 0) || !Number.isFinite(s)) return finish("diverged"); // A looks like zero
  if (residualNorm <= tolerance) return finish("converged");
  const symmetric = op.structure !== "general";
  let smallest = residualNorm, sinceSmallest = 0;
  const invS = 1 / s;
  while (terms < maxTerms) {
    // Candidate next residual rₖ₊₁ = rₖ − A·rₖ/s; its norm decides whether to add the term.
    op.matvec(r, ar);
    matvecs++;
    let next = 0, changed = false;
    for (let i = 0; i < n; i++) {
      const v = r[i] - invS * ar[i];
      if (v !== r[i]) changed = true;
      next += v * v;
    }
    next = Math.sqrt(next);
    if (!Number.isFinite(next)) {
      status = "non-finite";
      break;
    }
    if (!changed && stopOnDivergence) {
      // rₖ₊₁ = rₖ exactly: every later term would be the same, and the residual stays.
      status = "stagnated";
      break;
    }
    const grows = symmetric
      ? next > residualNorm * (1 + SYMMETRIC_GROWTH)
      : next > GENERAL_GROWTH * bNorm;
    if (grows) {
      diverged = true;
      if (stopOnDivergence) {
        contraction = residualNorm > 0 ? next / residualNorm : 0;
        status = "diverged";
        break;
      }
    }
    for (let i = 0; i < n; i++) {
      x[i] += invS * r[i];
      r[i] -= invS * ar[i];
    }
    terms++;
    contraction = residualNorm > 0 ? next / residualNorm : 0;
    residualNorm = next;
    residualNorms.push(next);
    if (next < smallest * (1 - 4 * Number.EPSILON)) {
      smallest = next;
      sinceSmallest = 0;
    } else if (++sinceSmallest >= STAGNATION_TERMS && stopOnDivergence) {
      status = "stagnated";
      break;
    }
    if (!diverged && residualNorm <= tolerance) {
      status = "converged";
      break;
    }
  }
  return finish(status ?? (diverged ? "diverged" : "max-terms"));
}
