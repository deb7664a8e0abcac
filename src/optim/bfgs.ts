/**
 * BFGS (Nocedal and Wright, Algorithm 6.1): an estimate Hₖ of the inverse Hessian built from
 * gradients alone. With sₖ = θₖ₊₁ − θₖ, yₖ = ∇fₖ₊₁ − ∇fₖ and ρₖ = 1/(yₖᵀsₖ),
 *
 *   dₖ = −Hₖ∇fₖ,   Hₖ₊₁ = (I − ρₖsₖyₖᵀ)·Hₖ·(I − ρₖyₖsₖᵀ) + ρₖsₖsₖᵀ.
 *
 * The step length comes from a strong-Wolfe line search, whose curvature condition makes
 * yᵀs > 0 and so keeps Hₖ positive definite; if yᵀs is still not safely positive (rounding,
 * or an exact line search on a non-convex function) the update is skipped. On a strongly convex
 * quadratic with exact line searches BFGS terminates in at most n steps, and then Hₙ = A⁻¹.
 *
 * @module
 */

import type { CountedObjective, Optimizer } from "./types.ts";
import { OptionReader } from "./options.ts";
import { strongWolfe } from "./line_search.ts";
import { dot } from "../linalg/vector.ts";

/** Options of BFGS. */
export interface BfgsOptions {
  /**
   * `"wolfe"` (default): a strong-Wolfe search (c₁ = 1e-4, c₂ = 0.9). `"exact"`: the exact
   * minimiser along d of the local quadratic, α = −gᵀd/dᵀHd, using objective.hessian (exact
   * for quadratics, as the finite-termination theorem assumes).
   */
  lineSearch?: "wolfe" | "exact";
  /**
   * Scale H₀ = I by yᵀs/yᵀy before the first update (Nocedal and Wright, 6.20), so that the
   * Wolfe search's first trial α = 1 has a sensible length. Default: true with the Wolfe search,
   * false with the exact one, which chooses its own length: there the scaling leaves the
   * iterates unchanged in exact arithmetic, but on some random quadratics in 8 to 10
   * dimensions it cost the n-step termination in floating point (the gradient after n steps
   * still 1e-4 to 1e-2 of its start, as plain CG's was), where H₀ = I terminated.
   */
  initialScaling?: boolean;
}

/** The option names of BFGS. */
export const BFGS_OPTIONS: readonly string[] = ["lineSearch", "initialScaling"];

/** The state of BFGS. */
export interface BfgsState {
  /** The inverse-Hessian estimate Hₖ, row-major n × n. */
  inverseHessian: Float64Array;
  /** Updates applied so far. */
  updates: number;
  /** Updates skipped because yᵀs was not safely positive. */
  skipped: number;
}

/** yᵀs must exceed this fraction of ‖y‖‖s‖ for an update (a safeguard against rounding). */
const CURVATURE_FLOOR = 1e-10;

/** Applies the symmetric n × n matrix M to v. */
export function applySymmetric(n: number, m: Float64Array, v: Float64Array, out: Float64Array) {
  for (let i = 0; i < n; i++) {
    let s = 0;
    const row = i * n;
    for (let j = 0; j < n; j++) s += m[row + j] * v[j];
    out[i] = s;
  }
  return out;
}

/** α along d: strong Wolfe, or the exact quadratic step. Returns undefined on failure. */
export function quasiNewtonStep(
  objective: CountedObjective,
  x: Float64Array,
  value: number,
  gradient: Float64Array,
  direction: Float64Array,
  exact: boolean,
): { alpha: number; x: Float64Array; value: number; gradient: Float64Array } | undefined {
  const n = x.length;
  const slope = dot(gradient, direction);
  if (!(slope < 0)) return undefined;
  const trial = new Float64Array(n);
  const at = (alpha: number) => {
    for (let i = 0; i < n; i++) trial[i] = x[i] + alpha * direction[i];
    return trial;
  };
  if (exact) {
    const curvature = dot(direction, objective.hessian!(x).matvec(direction));
    if (!(curvature > 0)) return undefined;
    const alpha = -slope / curvature;
    const point = at(alpha).slice();
    const evaluated = objective.valueAndGradient(point);
    return { alpha, x: point, ...evaluated };
  }
  let last: { value: number; gradient: Float64Array } | undefined;
  let lastAlpha = NaN;
  const search = strongWolfe(
    (alpha) => {
      last = objective.valueAndGradient(at(alpha));
      lastAlpha = alpha;
      return { value: last.value, slope: dot(last.gradient, direction) };
    },
    value,
    slope,
  );
  if (search.status !== "ok") return undefined;
  // The last evaluation is usually at the accepted α; re-evaluate only when it is not (the
  // search may fall back to an earlier point of its bracket).
  const reuse = last !== undefined && lastAlpha === search.alpha;
  const point = at(search.alpha).slice();
  const evaluated = reuse ? last! : objective.valueAndGradient(point);
  return {
    alpha: search.alpha,
    x: point,
    value: evaluated.value,
    gradient: evaluated.gradient.slice(),
  };
}

/** BFGS with a dense inverse-Hessian estimate. */
export function bfgs(options: BfgsOptions = {}): Optimizer<BfgsState> {
  const read = new OptionReader("bfgs", options);
  const lineSearch = read.choice("lineSearch", ["wolfe", "exact"] as const, "wolfe");
  const initialScaling = read.boolean("initialScaling", lineSearch === "wolfe");
  return {
    name: "bfgs",
    needs: lineSearch === "exact" ? ["hessian"] : [],
    // The exact step minimises f along d only on a quadratic; elsewhere it may overshoot.
    monotone: lineSearch === "wolfe",
    init(x0) {
      const n = x0.length;
      const inverseHessian = new Float64Array(n * n);
      for (let i = 0; i < n; i++) inverseHessian[i * n + i] = 1;
      return { inverseHessian, updates: 0, skipped: 0 };
    },
    step(x, value, gradient, state, objective) {
      const n = x.length;
      const H = state.inverseHessian.slice();
      const direction = applySymmetric(n, H, gradient, new Float64Array(n)).map((v) => -v);
      const found = quasiNewtonStep(
        objective,
        x,
        value,
        gradient,
        direction,
        lineSearch === "exact",
      );
      if (!found) {
        return {
          x,
          value,
          gradient,
          state,
          info: {
            stepLength: 0,
            failure: "line-search-failed",
            note: "no acceptable step along −H∇f",
          },
        };
      }
      const s = new Float64Array(n), y = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        s[i] = found.x[i] - x[i];
        y[i] = found.gradient[i] - gradient[i];
      }
      const ys = dot(y, s);
      let { updates, skipped } = state;
      if (ys > CURVATURE_FLOOR * Math.sqrt(dot(y, y) * dot(s, s))) {
        if (updates === 0 && initialScaling) {
          const gamma = ys / dot(y, y);
          for (let i = 0; i < n * n; i++) H[i] *= gamma;
        }
        // H ← (I − ρsyᵀ)H(I − ρysᵀ) + ρssᵀ = H − ρ(s(Hy)ᵀ + (Hy)sᵀ) + (ρ²yᵀHy + ρ)ssᵀ.
        const rho = 1 / ys;
        const Hy = applySymmetric(n, H, y, new Float64Array(n));
        const yHy = dot(y, Hy);
        const c = rho * rho * yHy + rho;
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < n; j++) {
            H[i * n + j] += -rho * (s[i] * Hy[j] + Hy[i] * s[j]) + c * s[i] * s[j];
          }
        }
        updates++;
      } else skipped++;
      return {
        x: found.x,
        value: found.value,
        gradient: found.gradient,
        state: { inverseHessian: H, updates, skipped },
        info: { stepLength: Math.sqrt(dot(s, s)), alpha: found.alpha },
      };
    },
  };
}
