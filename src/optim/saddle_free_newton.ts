/**
 * Saddle-free Newton (Dauphin et al., 2014): rescale the gradient by |H|⁻¹ instead of H⁻¹,
 *
 *   d = −|H|⁻¹∇f,  |H| = Q·|Λ|·Qᵀ,
 *
 * so that directions of negative curvature are followed downhill (Newton's step would climb
 * them, towards the saddle). Eigenvalues are floored at `damping` in absolute value. With
 * `eigensolver: "lanczos"` only k extreme eigenpairs are computed: the step uses |λ| in their span
 * and the largest |λ| found in its complement (a cautious gradient step there). The step length
 * comes from Armijo backtracking.
 *
 * @module
 */

import type { Optimizer, StepResult } from "./types.ts";
import { OptionReader } from "./options.ts";
import { armijoBacktracking } from "./line_search.ts";
import { eigh } from "../solve/eigh.ts";
import { lanczos } from "../solve/lanczos.ts";
import { dot, norm2 } from "../linalg/vector.ts";

/** Options of saddle-free Newton. */
export interface SaddleFreeNewtonOptions {
  /** Eigenvalues with |λ| below this are raised to it. Default 1e-4. */
  damping?: number;
  /** `"eigh"` (the full decomposition, default) or `"lanczos"` (k extreme pairs). */
  eigensolver?: "eigh" | "lanczos";
  /** Ritz pairs for the `"lanczos"` eigensolver (at both ends of the spectrum). Default 10. */
  k?: number;
  /** Armijo's ν. Default 1e-4. */
  nu?: number;
}

/** The option names of saddle-free Newton. */
export const SADDLE_FREE_NEWTON_OPTIONS: readonly string[] = ["damping", "eigensolver", "k", "nu"];

/** Saddle-free Newton. */
export function saddleFreeNewton(options: SaddleFreeNewtonOptions = {}): Optimizer<null> {
  const read = new OptionReader("saddle-free-newton", options);
  const damping = read.positive("damping", 1e-4);
  const eigensolver = read.choice("eigensolver", ["eigh", "lanczos"] as const, "eigh");
  const k = read.integer("k", 10, 1, 10_000);
  const nu = read.fraction("nu", 1e-4);
  return {
    name: "saddle-free-newton",
    needs: ["hessian"],
    init: () => null,
    step(x, value, gradient, state, objective): StepResult<null> {
      const n = x.length;
      const H = objective.hessian!(x);
      let values: Float64Array, vectors: Float64Array[];
      if (eigensolver === "eigh" || 2 * k >= n) {
        const decomposition = eigh(H);
        if (decomposition.status !== "ok") {
          return {
            x,
            value,
            gradient,
            state,
            info: { stepLength: 0, failure: "non-finite", note: "the Hessian is not finite" },
          };
        }
        ({ values, vectors } = decomposition);
      } else {
        ({ values, vectors } = lanczos(H, { k, which: "both" }));
      }
      // d = −Σᵢ (qᵢᵀg / max(|λᵢ|, damping))·qᵢ, plus −(g − QQᵀg)/max|λ| for an incomplete basis.
      const d = new Float64Array(n);
      const rest = gradient.slice();
      let largest = damping;
      for (let i = 0; i < values.length; i++) {
        const q = vectors[i];
        const c = dot(q, gradient);
        const scale = Math.max(Math.abs(values[i]), damping);
        largest = Math.max(largest, Math.abs(values[i]));
        for (let j = 0; j < n; j++) {
          d[j] -= (c / scale) * q[j];
          rest[j] -= c * q[j];
        }
      }
      if (values.length < n) { for (let j = 0; j < n; j++) d[j] -= rest[j] / largest; }
      const slope = dot(gradient, d);
      const trial = new Float64Array(n);
      const search = armijoBacktracking(
        (a) => {
          for (let i = 0; i < n; i++) trial[i] = x[i] + a * d[i];
          return objective.value(trial);
        },
        value,
        slope,
        { nu },
      );
      if (search.status !== "ok") {
        return {
          x,
          value,
          gradient,
          state,
          info: {
            stepLength: 0,
            failure: "line-search-failed",
            note: `no decrease along −|H|⁻¹∇f (${search.status})`,
          },
        };
      }
      const next = new Float64Array(n);
      for (let i = 0; i < n; i++) next[i] = x[i] + search.alpha * d[i];
      const evaluated = objective.valueAndGradient(next);
      return {
        x: next,
        value: evaluated.value,
        gradient: evaluated.gradient,
        state,
        info: { stepLength: search.alpha * norm2(d), alpha: search.alpha, damping },
      };
    },
  };
}
