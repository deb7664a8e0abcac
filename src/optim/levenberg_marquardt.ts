/**
 * Levenberg-Marquardt: solve (K + λD)·d = −∇f, with K the Gauss-Newton matrix (or the Hessian)
 * and D the identity (Levenberg) or diag(K) (Marquardt), and judge the step by the ratio of
 * actual to predicted reduction,
 *
 *   ρ = (f(θ) − f(θ + d)) / (−∇fᵀd − ½dᵀKd).
 *
 * A step with ρ > 0 is accepted and λ shrinks by max(1/3, 1 − (2ρ − 1)³); otherwise it is
 * rejected and λ grows by ν, ν doubling each time (Nielsen 1999, as in Madsen, Nielsen and
 * Tingleff's notes). One iteration ends with an accepted step; after `maxRejections` rejections
 * in a row the run stops with status "step-rejected".
 *
 * @module
 */

import type { Optimizer, StepResult } from "./types.ts";
import { OptionReader } from "./options.ts";
import { curvatureAt, type CurvatureKind } from "./newton_system.ts";
import { toDenseData } from "../operator/linear_operator.ts";
import { directSolve } from "../solve/direct_solve.ts";
import { cg } from "../solve/cg.ts";
import { dot, norm2 } from "../linalg/vector.ts";
import type { LinearOperator } from "../operator/linear_operator.ts";

/** Options of Levenberg-Marquardt. */
export interface LevenbergMarquardtOptions {
  /** K: the Gauss-Newton matrix (default) or the exact Hessian. */
  curvature?: CurvatureKind;
  /**
   * `"direct"`: form K densely (n products) and solve by Cholesky/LU. `"cg"`: matrix-free.
   * Default: direct when n ≤ 100, CG otherwise.
   */
  solver?: "direct" | "cg";
  /**
   * D: `"diagonal"` (Marquardt's diag(K), invariant to rescaling the parameters; needs K dense)
   * or `"identity"` (Levenberg). Default: diagonal with the direct solver, identity with CG.
   */
  scaling?: "diagonal" | "identity";
  /**
   * τ of the first damping: λ₀ = τ (diagonal scaling) or τ·(∇fᵀK∇f / ∇fᵀ∇f) (identity scaling,
   * K's scale along the gradient). Default 1e-3.
   */
  initialDamping?: number;
  /** Consecutive rejected steps before giving up. Default 50. */
  maxRejections?: number;
  /** CG's relative tolerance (solver "cg"). Default 1e-10. */
  cgTolerance?: number;
}

/** The option names of Levenberg-Marquardt. */
export const LEVENBERG_MARQUARDT_OPTIONS: readonly string[] = [
  "curvature",
  "solver",
  "scaling",
  "initialDamping",
  "maxRejections",
  "cgTolerance",
];

/** The state of Levenberg-Marquardt. */
export interface LevenbergMarquardtState {
  /** The damping λ (NaN until the first step sets it). */
  damping: number;
  /** The growth factor ν of the next rejection. */
  growth: number;
}

/** A predicted decrease below this multiple of |f| cannot be resolved in double precision. */
const ROUNDING = 4 * Number.EPSILON;

/** The smallest entry D may hold, relative to its largest (keeps D positive definite). */
const SCALE_FLOOR = 1e-12;

/** Levenberg-Marquardt. */
export function levenbergMarquardt(
  options: LevenbergMarquardtOptions = {},
): Optimizer<LevenbergMarquardtState> {
  const read = new OptionReader("levenberg-marquardt", options);
  const curvature = read.choice("curvature", ["hessian", "gauss-newton"] as const, "gauss-newton");
  const solverOption = options.solver === undefined
    ? undefined
    : read.choice("solver", ["direct", "cg"] as const, "direct");
  const scalingOption = options.scaling === undefined
    ? undefined
    : read.choice("scaling", ["diagonal", "identity"] as const, "diagonal");
  const tau = read.positive("initialDamping", 1e-3);
  const maxRejections = read.integer("maxRejections", 50, 1, 10_000);
  const cgTolerance = read.fraction("cgTolerance", 1e-10);
  if (solverOption === "cg" && scalingOption === "diagonal") {
    throw new RangeError(
      `Cannot minimize with method "levenberg-marquardt": options.scaling "diagonal" needs ` +
        `options.solver "direct" (it reads diag(K) from the dense matrix)`,
    );
  }

  return {
    name: "levenberg-marquardt",
    needs: [curvature === "hessian" ? "hessian" : "gaussNewton"],
    init: () => ({ damping: NaN, growth: 2 }),
    step(x, value, gradient, state, objective): StepResult<LevenbergMarquardtState> {
      const n = x.length;
      const solver = solverOption ?? (n <= 100 ? "direct" : "cg");
      const scaling = scalingOption ?? (solver === "direct" ? "diagonal" : "identity");
      const K = curvatureAt(objective, x, curvature);
      const dense = solver === "direct" ? toDenseData(K) : undefined;
      const scale = new Float64Array(n).fill(1);
      if (dense && scaling === "diagonal") {
        let largest = 0;
        for (let i = 0; i < n; i++) largest = Math.max(largest, dense[i * n + i]);
        for (let i = 0; i < n; i++) {
          scale[i] = Math.max(dense[i * n + i], SCALE_FLOOR * largest, Number.MIN_VALUE);
        }
      }
      const Kv = (v: Float64Array): Float64Array => {
        if (!dense) return K.matvec(v);
        const out = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          let s = 0;
          for (let j = 0; j < n; j++) s += dense[i * n + j] * v[j];
          out[i] = s;
        }
        return out;
      };
      let damping = state.damping;
      if (!(damping > 0)) {
        const Kg = Kv(gradient);
        const rayleigh = dot(gradient, Kg) / Math.max(dot(gradient, gradient), Number.MIN_VALUE);
        damping = scaling === "diagonal"
          ? tau
          : tau * Math.max(Math.abs(rayleigh), Number.MIN_VALUE);
      }
      let growth = state.growth;
      const rhs = gradient.map((g) => -g);
      let cgIterations = 0;
      for (let rejection = 0; rejection < maxRejections; rejection++) {
        // Solve (K + λD)d = −∇f.
        let d: Float64Array | undefined;
        if (dense) {
          const rows = Array.from(
            { length: n },
            (_, i) =>
              Array.from(
                { length: n },
                (_, j) => dense[i * n + j] + (i === j ? damping * scale[i] : 0),
              ),
          );
          const solved = directSolve(rows, rhs);
          if (solved.success) d = solved.x;
        } else {
          const A: LinearOperator = {
            dim: n,
            structure: "symmetric",
            matvec: (v, out) => {
              const y = K.matvec(v, out);
              for (let i = 0; i < n; i++) y[i] += damping * v[i];
              return y;
            },
          };
          const solved = cg(A, rhs, { rtol: cgTolerance, maxIterations: 10 * n });
          cgIterations += solved.iterations;
          if (solved.status !== "negative-curvature" && solved.status !== "non-finite") {
            d = solved.x;
          }
        }
        if (d && dot(gradient, d) < 0) {
          const predicted = -dot(gradient, d) - 0.5 * dot(d, Kv(d));
          const trial = new Float64Array(n);
          for (let i = 0; i < n; i++) trial[i] = x[i] + d[i];
          const trialValue = objective.value(trial);
          const rho = (value - trialValue) / predicted;
          if (!(rho > 0) && rejection === 0 && predicted <= ROUNDING * Math.abs(value)) {
            // The model predicts a decrease below f's rounding error and f indeed did not
            // decrease: no further progress is possible in double precision.
            return {
              x,
              value,
              gradient,
              state: { damping, growth },
              info: {
                stepLength: 0,
                damping,
                cgIterations,
                converged: true,
                note:
                  `the predicted decrease ${predicted.toExponential(3)} is below the rounding ` +
                  `error of f = ${value}, and the trial step did not decrease f`,
              },
            };
          }
          if (rho > 0 && Number.isFinite(trialValue)) {
            const evaluated = objective.valueAndGradient(trial);
            const shrinkBy = Math.max(1 / 3, 1 - (2 * rho - 1) ** 3);
            return {
              x: trial,
              value: evaluated.value,
              gradient: evaluated.gradient,
              state: { damping: damping * shrinkBy, growth: 2 },
              info: { stepLength: norm2(d), damping, rho, accepted: true, cgIterations },
            };
          }
        }
        damping *= growth;
        growth *= 2;
        if (!Number.isFinite(damping)) break;
      }
      return {
        x,
        value,
        gradient,
        state: { damping, growth },
        info: {
          stepLength: 0,
          damping,
          accepted: false,
          cgIterations,
          failure: "step-rejected",
          note: `${maxRejections} consecutive steps increased f (λ reached ${damping})`,
        },
      };
    },
  };
}
