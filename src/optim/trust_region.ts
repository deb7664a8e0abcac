/**
 * Trust-region Newton-CG (Steihaug 1983; Nocedal and Wright, Algorithms 4.1 and 7.2): minimise
 * the model m(p) = f + ∇fᵀp + ½pᵀKp over ‖p‖ ≤ Δ by CG truncated at the boundary. Where CG
 * meets negative curvature it follows that direction to the boundary, so the method moves away
 * from saddle points instead of towards them. The step is judged by
 *
 *   ρ = (f(θ) − f(θ + p)) / (m(0) − m(p)):
 *
 * ρ < ¼ shrinks Δ to ¼‖p‖; ρ > ¾ with p on the boundary doubles Δ; p is accepted when ρ > η.
 * One iteration ends with an accepted step (or stops with "step-rejected" once Δ collapses).
 *
 * @module
 */

import type { Optimizer, StepResult } from "./types.ts";
import { OptionReader } from "./options.ts";
import { curvatureAt, type CurvatureKind } from "./newton_system.ts";
import { cg } from "../solve/cg.ts";
import { dot, norm2 } from "../linalg/vector.ts";

/** Options of the trust-region method. */
export interface TrustRegionOptions {
  /** K: the exact Hessian (default) or the Gauss-Newton matrix. */
  curvature?: CurvatureKind;
  /** The first radius Δ₀. Default 1. */
  initialRadius?: number;
  /** The largest radius. Default 1e10. */
  maxRadius?: number;
  /** η: accept the step when ρ > η. Default 0.1. */
  eta?: number;
  /** Consecutive rejections before giving up ("step-rejected"). Default 60. */
  maxRejections?: number;
  /** CG's iteration cap per step. Default 10·n. */
  cgMaxIterations?: number;
}

/** The option names of the trust-region method. */
export const TRUST_REGION_OPTIONS: readonly string[] = [
  "curvature",
  "initialRadius",
  "maxRadius",
  "eta",
  "maxRejections",
  "cgMaxIterations",
];

/** The state of the trust-region method. */
export interface TrustRegionState {
  /** The radius Δ. */
  radius: number;
}

/** A predicted decrease below this multiple of |f| cannot be resolved in double precision. */
const ROUNDING = 4 * Number.EPSILON;

/** Trust-region Newton-CG. */
export function trustRegion(options: TrustRegionOptions = {}): Optimizer<TrustRegionState> {
  const read = new OptionReader("trust-region", options);
  const curvature = read.choice("curvature", ["hessian", "gauss-newton"] as const, "hessian");
  const initialRadius = read.positive("initialRadius", 1);
  const maxRadius = read.positive("maxRadius", 1e10);
  const eta = read.number("eta", 0.1, { min: 0, max: 0.25, exclusiveMax: true });
  const maxRejections = read.integer("maxRejections", 60, 1, 10_000);
  const cgMaxIterations = options.cgMaxIterations === undefined
    ? undefined
    : read.integer("cgMaxIterations", 1, 1);
  if (initialRadius > maxRadius) {
    throw new RangeError(
      `Cannot minimize with method "trust-region": options.initialRadius is ${initialRadius}, ` +
        `expected at most options.maxRadius = ${maxRadius}`,
    );
  }

  return {
    name: "trust-region",
    needs: [curvature === "hessian" ? "hessian" : "gaussNewton"],
    init: () => ({ radius: initialRadius }),
    step(x, value, gradient, state, objective): StepResult<TrustRegionState> {
      const n = x.length;
      const K = curvatureAt(objective, x, curvature);
      const gNorm = norm2(gradient);
      const rhs = gradient.map((g) => -g);
      let radius = state.radius;
      let cgIterations = 0;
      for (let rejection = 0; rejection < maxRejections; rejection++) {
        const solved = cg(K, rhs, {
          radius,
          // Nocedal and Wright's forcing term min(0.5, √‖g‖)·‖g‖, for superlinear convergence.
          rtol: Math.min(0.5, Math.sqrt(gNorm)),
          maxIterations: cgMaxIterations ?? 10 * n,
        });
        cgIterations += solved.iterations;
        if (solved.status === "non-finite") {
          return {
            x,
            value,
            gradient,
            state: { radius },
            info: {
              stepLength: 0,
              radius,
              cgIterations,
              failure: "non-finite",
              note: "CG produced a non-finite step",
            },
          };
        }
        const p = solved.x;
        const pNorm = norm2(p);
        const predicted = -(dot(gradient, p) + 0.5 * dot(p, K.matvec(p)));
        const trial = new Float64Array(n);
        for (let i = 0; i < n; i++) trial[i] = x[i] + p[i];
        const trialValue = objective.value(trial);
        const rho = (value - trialValue) / predicted;
        if (!(rho > 0) && predicted <= ROUNDING * Math.abs(value)) {
          return {
            x,
            value,
            gradient,
            state: { radius },
            info: {
              stepLength: 0,
              radius,
              cgIterations,
              converged: true,
              note: `the model's predicted decrease ${predicted.toExponential(3)} is below the ` +
                `rounding error of f = ${value}, and the step did not decrease f`,
            },
          };
        }
        const onBoundary = pNorm >= 0.99 * radius;
        let nextRadius = radius;
        if (!(rho >= 0.25)) nextRadius = 0.25 * Math.min(radius, pNorm);
        else if (rho > 0.75 && onBoundary) nextRadius = Math.min(2 * radius, maxRadius);
        if (rho > eta && Number.isFinite(trialValue)) {
          const evaluated = objective.valueAndGradient(trial);
          return {
            x: trial,
            value: evaluated.value,
            gradient: evaluated.gradient,
            state: { radius: nextRadius },
            info: { stepLength: pNorm, radius, rho, accepted: true, cgIterations },
          };
        }
        radius = nextRadius;
        if (!(radius > Number.MIN_VALUE)) break;
      }
      return {
        x,
        value,
        gradient,
        state: { radius },
        info: {
          stepLength: 0,
          radius,
          accepted: false,
          cgIterations,
          failure: "step-rejected",
          note: `${maxRejections} consecutive steps were rejected (Δ shrank to ${radius})`,
        },
      };
    },
  };
}
