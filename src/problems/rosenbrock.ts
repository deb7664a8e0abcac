/**
 * The Rosenbrock function in n ≥ 2 dimensions (the chained form),
 *
 *   f(x) = Σᵢ₌₁ⁿ⁻¹ [ a·(xᵢ₊₁ − xᵢ²)² + (1 − xᵢ)² ],  a = 100 by default,
 *
 * with its minimum f = 0 at x = (1, ..., 1), a curved narrow valley, an exact tridiagonal
 * Hessian operator, and a Gauss-Newton operator from its least-squares form
 * f = Σ rₖ² with rₖ ∈ {√a·(xᵢ₊₁ − xᵢ²), 1 − xᵢ}, so G = 2JᵀJ.
 *
 * @module
 */

import type { Objective, ValueAndGradient } from "../objective.ts";
import { checkMatvec, type LinearOperator } from "../operator/linear_operator.ts";
import {
  finiteVector,
  integerInRange,
  notAliased,
  optionsObject,
  outBuffer,
  positiveNumber,
  requireFiniteEntries,
  requireFiniteValue,
} from "../validate.ts";

/** Options of {@linkcode rosenbrock}. */
export interface RosenbrockOptions {
  /** The valley's steepness a. Default 100. */
  a?: number;
}

/** The Rosenbrock objective. */
export interface RosenbrockObjective extends Objective {
  /** f and ∇f from one pass. */
  valueAndGradient(x: Float64Array, out?: Float64Array): ValueAndGradient;
  /** The exact (tridiagonal) Hessian. */
  hessian(x: Float64Array): LinearOperator;
  /** The Gauss-Newton matrix 2JᵀJ of the least-squares form. */
  gaussNewton(x: Float64Array): LinearOperator;
  /** The minimiser (1, ..., 1). */
  readonly minimizer: Float64Array;
}

/**
 * The n-dimensional Rosenbrock function.
 *
 * @example
 * ```ts
 * import { rosenbrock } from "@secondorder/harness";
 * const f = rosenbrock(2);
 * if (f.value(new Float64Array([1, 1])) !== 0 || Math.abs(f.value(new Float64Array([-1.2, 1])) - 24.2) > 1e-12) {
 *   throw new Error("unexpected");
 * }
 * ```
 */
export function rosenbrock(dim = 2, options: RosenbrockOptions = {}): RosenbrockObjective {
  const where = "build the Rosenbrock function";
  const n = integerInRange(where, "dim", dim, 2, 1 << 24);
  const opts = optionsObject(where, options, "options", ["a"]);
  const a = opts.a === undefined ? 100 : positiveNumber(where, "options.a", opts.a);

  const evaluate = (x: Float64Array, g: Float64Array | undefined): number => {
    let f = 0;
    if (g) g.fill(0);
    for (let i = 0; i + 1 < n; i++) {
      const u = x[i + 1] - x[i] * x[i];
      const w = 1 - x[i];
      f += a * u * u + w * w;
      if (g) {
        g[i] += -4 * a * x[i] * u - 2 * w;
        g[i + 1] += 2 * a * u;
      }
    }
    return f;
  };

  const point = (what: string, x: unknown) => finiteVector(what, "x", x, n);

  return {
    dim: n,
    minimizer: new Float64Array(n).fill(1),
    value(x) {
      const p = point("evaluate the Rosenbrock function", x);
      return requireFiniteValue("evaluate the Rosenbrock function", evaluate(p, undefined), p);
    },
    gradient(x, out) {
      const w = "compute the gradient";
      const p = point(w, x);
      const g = outBuffer(w, out, n);
      notAliased(w, g, p);
      evaluate(p, g);
      requireFiniteEntries(w, "the gradient", g, p);
      return g;
    },
    valueAndGradient(x, out) {
      const w = "compute the value and gradient";
      const p = point(w, x);
      const g = outBuffer(w, out, n);
      notAliased(w, g, p);
      const value = requireFiniteValue(w, evaluate(p, g), p);
      requireFiniteEntries(w, "the gradient", g, p);
      return { value, gradient: g };
    },
    hessian(x) {
      // ∂²f/∂xᵢ² = 12a·xᵢ² − 4a·xᵢ₊₁ + 2 (i < n), + 2a (i > 0); ∂²f/∂xᵢ∂xᵢ₊₁ = −4a·xᵢ.
      const p = point("build the Hessian", x).slice();
      const diag = new Float64Array(n), off = new Float64Array(n - 1);
      for (let i = 0; i + 1 < n; i++) {
        diag[i] += 12 * a * p[i] * p[i] - 4 * a * p[i + 1] + 2;
        diag[i + 1] += 2 * a;
        off[i] = -4 * a * p[i];
      }
      return {
        dim: n,
        structure: "symmetric",
        matvec(v, out) {
          const y = checkMatvec(n, v, out);
          for (let i = 0; i < n; i++) {
            y[i] = diag[i] * v[i] + (i > 0 ? off[i - 1] * v[i - 1] : 0) +
              (i + 1 < n ? off[i] * v[i + 1] : 0);
          }
          return y;
        },
      };
    },
    gaussNewton(x) {
      // Residuals √a·(xᵢ₊₁ − xᵢ²) with gradient √a·(−2xᵢ eᵢ + eᵢ₊₁), and 1 − xᵢ with −eᵢ;
      // G = 2JᵀJ.
      const p = point("build the Gauss-Newton operator", x).slice();
      return {
        dim: n,
        structure: "spd",
        matvec(v, out) {
          const y = checkMatvec(n, v, out);
          y.fill(0);
          for (let i = 0; i + 1 < n; i++) {
            const jv = a * (-2 * p[i] * v[i] + v[i + 1]); // a·(Jrow·v)/√a·√a
            y[i] += 2 * (-2 * p[i]) * jv + 2 * v[i];
            y[i + 1] += 2 * jv;
          }
          return y;
        },
      };
    },
  };
}
