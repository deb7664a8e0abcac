/**
 * Line search along the Hessian's eigenvectors (note 000): at the start of each iteration the
 * Hessian is decomposed, H = QΛQᵀ, and f is minimised along q₁, ..., qₙ in turn, one line
 * search per eigenvector. On a quadratic the exact search along qᵢ sets the gradient's qᵢ
 * component to zero without disturbing the others (the qᵢ are orthogonal and conjugate), so one
 * sweep reaches the bottom of the bowl.
 *
 * The exact search uses the curvature λᵢ along qᵢ: α = −∇fᵀqᵢ/λᵢ, and takes that step whenever
 * it does not increase f. On a non-quadratic the curvature at the start of the sweep can be far
 * from the curvature along the whole line (a curved valley), and the exact step may then go
 * uphill; Armijo backtracking from that step takes over. Along a direction of non-positive
 * curvature (where the exact step has no minimum), and with `lineSearch: "armijo"`, Armijo
 * backtracking is used throughout, starting from α = |∇fᵀqᵢ|/max(|λᵢ|, ε).
 *
 * A sweep that decreases f nowhere leaves x where it was and ends the run: as converged when
 * the Hessian is positive definite and the decrease its quadratic model predicts for the whole
 * sweep, ∇fᵀH⁻¹∇f/2, is within f's rounding (see STALLED), and with status
 * "line-search-failed" otherwise.
 *
 * @module
 */

import type { Optimizer, StepResult } from "./types.ts";
import { OptionReader } from "./options.ts";
import { armijoBacktracking } from "./line_search.ts";
import { eigh } from "../solve/eigh.ts";
import { dot, norm2 } from "../linalg/vector.ts";

/**
 * Converged at f's rounding floor: no line search of the sweep decreased f, and the decrease the
 * quadratic model predicts for the whole sweep, Σᵢ (∇fᵀqᵢ)²/(2λᵢ) = ∇fᵀH⁻¹∇f/2 (all λᵢ > 0), is
 * at most √ε·|f|. This is the test Newton's method applies to its own stalled search (MINPACK's
 * ftol at its default √ε); a larger predicted decrease that f refuses means f and its model
 * disagree, and the sweep has failed.
 */
const STALLED = Math.sqrt(Number.EPSILON);

/** The backtracking factor of the Armijo searches. */
const SHRINK = 0.5;

/** Options of the eigenvector line search. */
export interface EigenLineSearchOptions {
  /**
   * `"exact"` (default: α = −gᵀq/λ, exact on quadratics, with Armijo backtracking from it where
   * it would increase f) or `"armijo"` (backtracking from the same first step, accepting only a
   * sufficient decrease).
   */
  lineSearch?: "exact" | "armijo";
  /** Armijo's ν, for the backtracking searches. Default 1e-4. */
  nu?: number;
}

/** The option names of the eigenvector line search. */
export const EIGEN_LINE_SEARCH_OPTIONS: readonly string[] = ["lineSearch", "nu"];

/** Line search along each Hessian eigenvector. */
export function eigenLineSearch(options: EigenLineSearchOptions = {}): Optimizer<null> {
  const read = new OptionReader("eigen-line-search", options);
  const lineSearch = read.choice("lineSearch", ["exact", "armijo"] as const, "exact");
  const nu = read.fraction("nu", 1e-4);
  return {
    name: "eigen-line-search",
    needs: ["hessian"],
    init: () => null,
    step(x0, value0, gradient0, state, objective): StepResult<null> {
      const n = x0.length;
      const stay = (info: StepResult<null>["info"]): StepResult<null> => ({
        x: x0,
        value: value0,
        gradient: gradient0,
        state,
        info,
      });
      const { values, vectors, status } = eigh(objective.hessian!(x0));
      if (status !== "ok") {
        return stay({ stepLength: 0, failure: "non-finite", note: "the Hessian is not finite" });
      }
      let x = x0, value = value0, gradient = gradient0;
      const trial = new Float64Array(n);
      let decreased = false;
      for (let k = 0; k < n; k++) {
        const q = vectors[k];
        const slope = dot(gradient, q);
        if (slope === 0) continue;
        const sign = slope > 0 ? -1 : 1; // move downhill along ±q
        const gq = -Math.abs(slope);
        const valueAt = (a: number) => {
          for (let i = 0; i < n; i++) trial[i] = x[i] + a * sign * q[i];
          return objective.value(trial);
        };
        const start = Math.abs(slope) / Math.max(Math.abs(values[k]), 1e-12);
        const pointAt = (a: number) => {
          const next = new Float64Array(n);
          for (let i = 0; i < n; i++) next[i] = x[i] + a * sign * q[i];
          return next;
        };
        let next: Float64Array | undefined;
        let evaluated: { value: number; gradient: Float64Array } | undefined;
        let backtrackFrom = start;
        if (lineSearch === "exact" && values[k] > 0) {
          // The exact step −gᵀq/λ (= start): taken whenever it does not increase f.
          next = pointAt(start);
          evaluated = objective.valueAndGradient(next);
          if (!(evaluated.value <= value)) {
            next = evaluated = undefined;
            backtrackFrom = SHRINK * start;
          }
        }
        if (!next) {
          const search = armijoBacktracking(valueAt, value, gq, {
            nu,
            shrink: SHRINK,
            initialStep: backtrackFrom,
          });
          if (search.status !== "ok") continue;
          next = pointAt(search.alpha);
          evaluated = objective.valueAndGradient(next);
          if (!(evaluated.value <= value)) continue; // never accept an increase
        }
        if (evaluated!.value < value) decreased = true;
        x = next;
        value = evaluated!.value;
        gradient = evaluated!.gradient;
      }
      if (!decreased) {
        // Nothing decreased f: stay at x₀ (moves that left f unchanged are not progress f can
        // confirm), and say whether that is the rounding floor or a failure.
        let predicted = 0;
        for (let k = 0; k < n; k++) {
          predicted += values[k] > 0 ? dot(gradient0, vectors[k]) ** 2 / (2 * values[k]) : NaN;
        }
        const gNorm = norm2(gradient0).toExponential(3);
        if (predicted <= STALLED * Math.abs(value0)) {
          return stay({
            stepLength: 0,
            converged: true,
            note: `no line search decreased f = ${value0}, and the decrease the quadratic model ` +
              `predicts, ∇fᵀH⁻¹∇f/2 = ${predicted.toExponential(3)}, is at most √ε·|f|: f is ` +
              `at its rounding floor (‖∇f‖ = ${gNorm})`,
          });
        }
        return stay({
          stepLength: 0,
          failure: "line-search-failed",
          note: `no line search along the ${n} Hessian eigenvectors decreased f = ${value0} ` +
            `(‖∇f‖ = ${gNorm}; the quadratic model predicts a decrease of ${
              Number.isNaN(predicted) ? "any size (H is not positive definite)" : predicted
                .toExponential(3)
            })`,
        });
      }
      const moved = new Float64Array(n);
      for (let i = 0; i < n; i++) moved[i] = x[i] - x0[i];
      return { x, value, gradient, state, info: { stepLength: norm2(moved) } };
    },
  };
}
