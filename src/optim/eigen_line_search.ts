/**
 * Line search along the Hessian's eigenvectors (note 000): at the start of each iteration the
 * Hessian is decomposed, H = QΛQᵀ, and f is minimised along q₁, ..., qₙ in turn, one line
 * search per eigenvector. On a quadratic the exact search along qᵢ sets the gradient's qᵢ
 * component to zero without disturbing the others (the qᵢ are orthogonal and conjugate), so one
 * sweep reaches the bottom of the bowl.
 *
 * The exact search uses the curvature λᵢ along qᵢ: α = −∇fᵀqᵢ/λᵢ. Along a direction of
 * non-positive curvature (where that has no minimum), and with `lineSearch: "armijo"`, Armijo
 * backtracking is used instead, starting from α = |∇fᵀqᵢ|/max(|λᵢ|, ε).
 *
 * @module
 */

import type { Optimizer, StepResult } from "./types.ts";
import { OptionReader } from "./options.ts";
import { armijoBacktracking } from "./line_search.ts";
import { eigh } from "../solve/eigh.ts";
import { dot, norm2 } from "../linalg/vector.ts";

/** Options of the eigenvector line search. */
export interface EigenLineSearchOptions {
  /** `"exact"` (default: α = −gᵀq/λ, exact on quadratics) or `"armijo"` (backtracking). */
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
      const { values, vectors, status } = eigh(objective.hessian!(x0));
      if (status !== "ok") {
        return {
          x: x0,
          value: value0,
          gradient: gradient0,
          state,
          info: { stepLength: 0, failure: "non-finite", note: "the Hessian is not finite" },
        };
      }
      let x = x0, value = value0, gradient = gradient0;
      const trial = new Float64Array(n);
      for (let k = 0; k < n; k++) {
        const q = vectors[k];
        const slope = dot(gradient, q);
        if (slope === 0) continue;
        const sign = slope > 0 ? -1 : 1; // move downhill along ±q
        const gq = -Math.abs(slope);
        let alpha: number | undefined;
        if (lineSearch === "exact" && values[k] > 0) alpha = -gq / values[k];
        else {
          const start = Math.abs(slope) / Math.max(Math.abs(values[k]), 1e-12);
          const search = armijoBacktracking(
            (a) => {
              for (let i = 0; i < n; i++) trial[i] = x[i] + a * sign * q[i];
              return objective.value(trial);
            },
            value,
            gq,
            { nu, initialStep: start },
          );
          if (search.status === "ok") alpha = search.alpha;
        }
        if (alpha === undefined) continue;
        const next = new Float64Array(n);
        for (let i = 0; i < n; i++) next[i] = x[i] + alpha * sign * q[i];
        const evaluated = objective.valueAndGradient(next);
        if (!(evaluated.value <= value)) continue; // never accept an increase
        x = next;
        value = evaluated.value;
        gradient = evaluated.gradient;
      }
      const moved = new Float64Array(n);
      for (let i = 0; i < n; i++) moved[i] = x[i] - x0[i];
      return { x, value, gradient, state, info: { stepLength: norm2(moved) } };
    },
  };
}
