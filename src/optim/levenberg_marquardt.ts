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
 * in a row (or once a trial step rounds back to θ) the run stops with status "step-rejected",
 * unless the undamped model confirms that f is at its rounding floor (see STALLED below).
 *
 * Before each step the method also stops as converged when the Newton decrement ∇fᵀK⁻¹∇f/2 of
 * the undamped model is at f's rounding level (see ROUNDING below); with K dense this costs one
 * more small solve. The dense solves are equilibrated (see `solveDenseSystem`), so parameters of
 * very different magnitudes neither distort D nor make K look singular.
 *
 * @module
 */

import type { Optimizer, StepResult } from "./types.ts";
import { OptionReader } from "./options.ts";
import {
  curvatureAt,
  type CurvatureKind,
  defaultSolver,
  solveDenseSystem,
} from "./newton_system.ts";
import { toDenseData } from "../operator/linear_operator.ts";
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

/**
 * Converged at full precision: the undamped model's predicted decrease, the Newton decrement
 * ∇fᵀK⁻¹∇f/2, is at most ROUNDING·|f|, f's rounding level. The test is affine-invariant (it does
 * not depend on the parameters' units); for least squares with K = JᵀJ it reads
 * cos²∠(r, range J) ≤ 4ε, MINPACK's gtol test with gtol = 2√ε ≈ 3e-8.
 */
const ROUNDING = 4 * Number.EPSILON;

/**
 * Converged at f's rounding floor: no damping produced a decrease, and the Newton decrement is
 * at most STALLED·|f| = √ε·|f|. This is MINPACK's ftol test at its default tolerance √ε (actual
 * and predicted relative reductions at most ftol), made stricter by asking it of the undamped
 * model. A stall with a larger predicted decrease means that f and its model disagree (a wrong
 * derivative, a kink) and is reported as "step-rejected".
 */
const STALLED = Math.sqrt(Number.EPSILON);

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
      const solver = solverOption ?? defaultSolver(n);
      const scaling = scalingOption ?? (solver === "direct" ? "diagonal" : "identity");
      const K = curvatureAt(objective, x, curvature);
      const dense = solver === "direct" ? toDenseData(K) : undefined;
      if (dense && !dense.every(Number.isFinite)) {
        return {
          x,
          value,
          gradient,
          state,
          info: {
            stepLength: 0,
            failure: "non-finite",
            note: "the curvature matrix K overflowed at x",
          },
        };
      }
      const scale = new Float64Array(n).fill(1);
      if (dense && scaling === "diagonal") {
        // Marquardt's D = diag(K), taken as it is: the solves are equilibrated, so entries that
        // differ by many orders of magnitude are harmless. A parameter with Kᵢᵢ = 0 (no effect on
        // the model) is damped like the stiffest one.
        let largest = 0;
        for (let i = 0; i < n; i++) largest = Math.max(largest, Math.abs(dense[i * n + i]));
        for (let i = 0; i < n; i++) {
          const entry = Math.abs(dense[i * n + i]);
          scale[i] = entry > 0 ? entry : largest > 0 ? largest : 1;
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
      const rhs = gradient.map((g) => -g);
      let cgIterations = 0;
      /**
       * The Newton decrement ∇fᵀK⁻¹∇f of the undamped model when it can be trusted (K solved
       * accurately, and positive semi-definite), or undefined.
       */
      const undampedDecrement = (): number | undefined => {
        if (dense) {
          const solved = solveDenseSystem(n, dense, rhs);
          if (!solved.ok || (curvature === "hessian" && !solved.positiveDefinite)) return undefined;
          return -dot(gradient, solved.x);
        }
        if (curvature === "hessian") return undefined;
        const solved = cg(K, rhs, { rtol: cgTolerance, maxIterations: 10 * n });
        cgIterations += solved.iterations;
        return solved.status === "converged" ? -dot(gradient, solved.x) : undefined;
      };
      const below = (decrement: number | undefined, tolerance: number) =>
        decrement !== undefined && decrement >= 0 && 0.5 * decrement <= tolerance * Math.abs(value);
      const converged = (decrement: number, why: string) => ({
        x,
        value,
        gradient,
        state,
        info: {
          stepLength: 0,
          damping: state.damping,
          cgIterations,
          converged: true,
          note: `the Newton decrement ∇fᵀK⁻¹∇f/2 = ${(0.5 * decrement).toExponential(3)} ${why}`,
        },
      });
      const atRounding = `is below the rounding error of f = ${value}: no step can decrease f ` +
        `at this precision`;
      // With K dense the test costs one more small solve, and is made before every step; with
      // CG only when a step has failed with a predicted decrease at f's rounding level.
      let decrement: number | undefined;
      let checked = false;
      if (dense) {
        decrement = undampedDecrement();
        checked = true;
        if (below(decrement, ROUNDING)) return converged(decrement!, atRounding);
      }
      let damping = state.damping;
      if (!(damping > 0)) {
        const Kg = Kv(gradient);
        const rayleigh = dot(gradient, Kg) / Math.max(dot(gradient, gradient), Number.MIN_VALUE);
        damping = scaling === "diagonal"
          ? tau
          : tau * Math.max(Math.abs(rayleigh), Number.MIN_VALUE);
      }
      let growth = state.growth;
      for (let rejection = 0; rejection < maxRejections; rejection++) {
        // Solve (K + λD)d = −∇f.
        let d: Float64Array | undefined;
        if (dense) {
          const solved = solveDenseSystem(n, dense, rhs, damping, scale);
          if (solved.ok) d = solved.x;
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
          if (!(rho > 0) && !checked && predicted <= ROUNDING * Math.abs(value)) {
            // The damped model predicts a decrease below f's rounding error and f indeed did
            // not decrease. That is stationarity only if the undamped model agrees (a large λ
            // alone makes the prediction small).
            checked = true;
            decrement = undampedDecrement();
            if (below(decrement, ROUNDING)) return converged(decrement!, atRounding);
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
        // A trial that rounds back to x cannot be improved on by more damping.
        if (d && d.every((di, i) => x[i] + di === x[i])) break;
        damping *= growth;
        growth *= 2;
        if (!Number.isFinite(damping)) break;
      }
      // Stalled: no damping gave a decrease. At f's rounding floor that is convergence, which
      // the undamped model must confirm.
      if (!checked) decrement = undampedDecrement();
      if (below(decrement, STALLED)) {
        return converged(
          decrement!,
          `is at most √ε·|f| (f = ${value}) and no step along the damped path decreased f: ` +
            `f is at its rounding floor`,
        );
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
