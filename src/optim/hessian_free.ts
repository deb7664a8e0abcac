/**
 * Hessian-free optimisation (Martens 2010, "Deep learning via Hessian-free optimization";
 * Martens and Sutskever 2012). Each iteration:
 *
 * 1. Minimise the damped quadratic model q(d) = ∇fᵀd + ½dᵀ(G + λI)d by CG, started from the
 *    previous solution times a decay (warm start), and stopped by Martens' relative-progress
 *    rule (or a cap), keeping the iterates at ⌈γʲ⌉.
 * 2. CG backtracking: of the kept iterates, take the one with the lowest f, walking back from
 *    the last while f keeps decreasing.
 * 3. Levenberg-Marquardt damping: with ρ = (f(θ + d) − f(θ)) / (q₀(d) − q₀(0)) for the undamped
 *    model q₀, λ ← λ·boost when ρ < ¼ and λ ← λ·drop when ρ > ¾.
 * 4. A backtracking line search on αd (Armijo constant 1e-2, factor 0.8) before the update
 *    θ ← θ + αd; when no α decreases f the step is rejected and λ raised.
 *
 * G is the Gauss-Newton matrix by default, which keeps the model convex; every constant is an
 * option.
 *
 * @module
 */

import type { Optimizer, StepResult } from "./types.ts";
import { OptionReader } from "./options.ts";
import { curvatureAt, type CurvatureKind } from "./newton_system.ts";
import { armijoBacktracking } from "./line_search.ts";
import { damp } from "../operator/algebra.ts";
import { cg } from "../solve/cg.ts";
import { dot, norm2 } from "../linalg/vector.ts";

/** Options of Hessian-free optimisation. */
export interface HessianFreeOptions {
  /** The curvature matrix: Gauss-Newton (default, Martens' choice) or the exact Hessian. */
  curvature?: CurvatureKind;
  /** λ₀, the first damping. Default 1. */
  initialDamping?: number;
  /** λ's factor when ρ < ¼. Default 3/2. */
  dampingBoost?: number;
  /** λ's factor when ρ > ¾. Default 2/3. */
  dampingDrop?: number;
  /** The warm start's decay: CG starts from decay·d_previous. Default 0.95. */
  warmStartDecay?: number;
  /** CG's iteration cap per step. Default 250. */
  cgMaxIterations?: number;
  /** ε of the relative-progress rule. Default 5e-4. */
  progressTolerance?: number;
  /** γ of the kept iterates ⌈γʲ⌉. Default 1.3. */
  backtrackingBase?: number;
  /** Armijo constant of the final line search. Default 1e-2. */
  armijo?: number;
  /** Shrink factor of the final line search. Default 0.8. */
  shrink?: number;
  /** Consecutive rejected steps before giving up ("step-rejected"). Default 30. */
  maxRejections?: number;
}

/** The option names of Hessian-free optimisation. */
export const HESSIAN_FREE_OPTIONS: readonly string[] = [
  "curvature",
  "initialDamping",
  "dampingBoost",
  "dampingDrop",
  "warmStartDecay",
  "cgMaxIterations",
  "progressTolerance",
  "backtrackingBase",
  "armijo",
  "shrink",
  "maxRejections",
];

/** The state of Hessian-free optimisation. */
export interface HessianFreeState {
  /** The damping λ. */
  damping: number;
  /** The last CG solution, for the warm start. */
  previous: Float64Array | undefined;
  /** Rejected steps in a row. */
  rejections: number;
}

/** Indices ⌈γʲ⌉ up to `cap`, increasing and distinct. */
function backtrackingIndices(base: number, cap: number): number[] {
  const out: number[] = [];
  for (let value = 1; value <= cap; value *= base) {
    const i = Math.ceil(value);
    if (out[out.length - 1] !== i) out.push(i);
  }
  if (out[out.length - 1] !== cap) out.push(cap);
  return out;
}

/** Hessian-free optimisation. */
export function hessianFree(options: HessianFreeOptions = {}): Optimizer<HessianFreeState> {
  const read = new OptionReader("hessian-free", options);
  const curvature = read.choice("curvature", ["gauss-newton", "hessian"] as const, "gauss-newton");
  const initialDamping = read.positive("initialDamping", 1);
  const boost = read.number("dampingBoost", 1.5, { min: 1, exclusiveMin: true });
  const drop = read.fraction("dampingDrop", 2 / 3);
  const decay = read.number("warmStartDecay", 0.95, { min: 0, max: 1 });
  const cgMaxIterations = read.integer("cgMaxIterations", 250, 1, 100_000);
  const progressTolerance = read.positive("progressTolerance", 5e-4);
  const base = read.number("backtrackingBase", 1.3, { min: 1, exclusiveMin: true });
  const armijo = read.fraction("armijo", 1e-2);
  const shrink = read.fraction("shrink", 0.8);
  const maxRejections = read.integer("maxRejections", 30, 1, 10_000);
  const kept = backtrackingIndices(base, cgMaxIterations);

  return {
    name: "hessian-free",
    needs: [curvature === "hessian" ? "hessian" : "gaussNewton"],
    init: () => ({ damping: initialDamping, previous: undefined, rejections: 0 }),
    step(x, value, gradient, state, objective): StepResult<HessianFreeState> {
      const n = x.length;
      const G = curvatureAt(objective, x, curvature);
      let damping = state.damping;
      const rhs = gradient.map((g) => -g);
      const x0 = state.previous?.map((v) => decay * v);
      const solved = cg(damp(G, damping), rhs, {
        ...(x0 ? { x0 } : {}),
        maxIterations: cgMaxIterations,
        rtol: 1e-12,
        relativeProgress: true,
        relativeProgressTolerance: progressTolerance,
        saveIterates: kept,
        negativeCurvature: "stop",
      });
      const finalIterate = solved.x;
      // 2. CG backtracking over the kept iterates (and the final one), from the last backwards.
      const candidates = [
        ...solved.savedIterates.filter((s) => s.iteration < solved.iterations).map((s) => s.x),
        finalIterate,
      ];
      const trial = new Float64Array(n);
      const valueAlong = (d: Float64Array, alpha = 1) => {
        for (let i = 0; i < n; i++) trial[i] = x[i] + alpha * d[i];
        return objective.value(trial);
      };
      let best = candidates[candidates.length - 1];
      let bestValue = valueAlong(best);
      for (let j = candidates.length - 2; j >= 0; j--) {
        const v = valueAlong(candidates[j]);
        if (!(v < bestValue)) break;
        best = candidates[j];
        bestValue = v;
      }
      // 3. Levenberg-Marquardt damping from the undamped model's prediction.
      const Gd = G.matvec(best);
      const modelChange = dot(gradient, best) + 0.5 * dot(best, Gd);
      const rho = (bestValue - value) / modelChange;
      // λ stays finite (from λ₀ near the largest double, a boost would overflow).
      if (!(rho >= 0.25)) damping = Math.min(damping * boost, Number.MAX_VALUE);
      else if (rho > 0.75) damping *= drop;
      // 4. Backtracking line search on the chosen direction.
      const slope = dot(gradient, best);
      const search = armijoBacktracking((a) => valueAlong(best, a), value, slope, {
        nu: armijo,
        shrink,
        maxReductions: 60,
      });
      const info = {
        damping: state.damping,
        rho,
        cgIterations: solved.iterations,
      };
      if (search.status !== "ok") {
        const rejections = state.rejections + 1;
        return {
          x,
          value,
          gradient,
          state: { damping, previous: finalIterate, rejections },
          info: {
            ...info,
            stepLength: 0,
            accepted: false,
            ...(rejections >= maxRejections
              ? {
                failure: "step-rejected" as const,
                note: `${rejections} steps in a row did not decrease f`,
              }
              : {}),
          },
        };
      }
      const next = new Float64Array(n);
      for (let i = 0; i < n; i++) next[i] = x[i] + search.alpha * best[i];
      const evaluated = objective.valueAndGradient(next);
      return {
        x: next,
        value: evaluated.value,
        gradient: evaluated.gradient,
        state: { damping, previous: finalIterate, rejections: 0 },
        info: {
          ...info,
          stepLength: search.alpha * norm2(best),
          alpha: search.alpha,
          accepted: true,
        },
      };
    },
  };
}
