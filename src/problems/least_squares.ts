/**
 * Nonlinear least squares: f(x) = ½‖r(x)‖² for residuals r: ℝⁿ → ℝᵐ, with the gradient Jᵀr and
 * the exact Gauss-Newton matrix JᵀJ (J the m × n Jacobian of r), so that Gauss-Newton and
 * Levenberg-Marquardt apply to any curve fit. Without a Jacobian, J comes from central
 * differences of the residuals, and the objective says so (`jacobianSource`), as does every
 * `minimize()` result on it.
 *
 * @module
 */

import type { Objective, ValueAndGradient } from "../objective.ts";
import { checkMatvec, type LinearOperator } from "../operator/linear_operator.ts";
import {
  callable,
  describe,
  finiteVector,
  integerInRange,
  NonFiniteError,
  notAliased,
  outBuffer,
  requireFiniteEntries,
} from "../validate.ts";

/**
 * A Jacobian as a residual function may return it: m rows of n entries (`number[][]` or an
 * array of `Float64Array`s), or one row-major `Float64Array` of length m·n (entry (i, j), the
 * derivative of rᵢ with respect to xⱼ, at index i·n + j).
 */
export type JacobianInput = ArrayLike<ArrayLike<number>> | Float64Array;

/** What {@linkcode leastSquares} needs. */
export interface LeastSquaresSpec {
  /**
   * The residuals r(x) ∈ ℝᵐ. The function may fill `out` (length m) and return it, or return a
   * new array of length m. It must not keep or modify `x`, and must be a function of x alone:
   * the objective remembers the last point's residuals (and Jacobian), so that value, gradient
   * and gaussNewton at one point, as Gauss-Newton and Levenberg-Marquardt ask for them, call
   * each function once.
   */
  residuals(x: Float64Array, out?: Float64Array): ArrayLike<number>;
  /**
   * The Jacobian J(x) = ∂r/∂x, m × n (see {@linkcode JacobianInput}). Default: central
   * differences of `residuals` (2n residual evaluations per Jacobian).
   */
  jacobian?(x: Float64Array): JacobianInput;
  /** The number of parameters n ≥ 1 (the objective's dim). */
  parameters: number;
  /** The number of residuals m ≥ 1. */
  observations: number;
}

/** The objective ½‖r(x)‖² of a least-squares problem. */
export interface LeastSquaresObjective extends Objective {
  /** The number of parameters n. */
  readonly dim: number;
  /** The number of residuals m. */
  readonly observations: number;
  /** Where J comes from: the caller's function, or central differences of the residuals. */
  readonly jacobianSource: "analytic" | "finite-differences";
  /** f(x) = ½‖r(x)‖² and ∇f(x) = J(x)ᵀr(x), from one residual and one Jacobian evaluation. */
  valueAndGradient(x: Float64Array, out?: Float64Array): ValueAndGradient;
  /**
   * The Gauss-Newton matrix J(x)ᵀJ(x) as an operator (J is evaluated once, at construction).
   * It is positive semi-definite, and declared `"symmetric"` because it may be singular.
   */
  gaussNewton(x: Float64Array): LinearOperator;
  /** The residuals r(x), checked (length m, finite), in `out` when given. */
  residuals(x: Float64Array, out?: Float64Array): Float64Array;
  /** The Jacobian J(x), checked (m × n, finite), as a row-major `Float64Array` of length m·n. */
  jacobian(x: Float64Array): Float64Array;
}

/** The relative step of central differences, ε^{1/3}: it balances truncation and rounding. */
const CENTRAL_STEP = Math.cbrt(Number.EPSILON);

/**
 * The least-squares objective f(x) = ½‖r(x)‖² = ½Σᵢ rᵢ(x)², with ∇f = Jᵀr and the exact
 * Gauss-Newton matrix G = JᵀJ (f's Hessian is JᵀJ + Σᵢ rᵢ∇²rᵢ; G drops the second term, which
 * is small when the fit is good, and is positive semi-definite everywhere).
 *
 * Without `jacobian`, column j of J is (r(x + hⱼeⱼ) − r(x − hⱼeⱼ)) / 2hⱼ with
 * hⱼ = ε^{1/3}·max(1, |xⱼ|) (scipy's `approx_derivative` rule), accurate to about ε^{2/3}
 * relative, and `jacobianSource` is `"finite-differences"`.
 *
 * A caller's mistake (a residual vector of the wrong length, a Jacobian of the wrong shape, a
 * non-numeric entry) is a `RangeError` or `TypeError` naming `residuals` or `jacobian`; a
 * non-finite residual or Jacobian at a finite point is a {@linkcode NonFiniteError} (the model
 * overflows there), which `minimize()` treats as a step to reject.
 *
 * @example Fitting y = a·exp(b·t) by Levenberg-Marquardt
 * ```ts
 * import { leastSquares, minimize } from "@secondorder/harness";
 * const t = [0, 1, 2, 3, 4];
 * const y = t.map((ti) => 2 * Math.exp(-0.5 * ti));
 * const f = leastSquares({
 *   parameters: 2,
 *   observations: t.length,
 *   residuals: ([a, b]) => t.map((ti, i) => a * Math.exp(b * ti) - y[i]),
 *   jacobian: ([a, b]) => t.map((ti) => [Math.exp(b * ti), a * ti * Math.exp(b * ti)]),
 * });
 * const fit = minimize(f, [1, 0], { method: "levenberg-marquardt" });
 * if (!fit.success || Math.abs(fit.x[0] - 2) > 1e-8 || Math.abs(fit.x[1] + 0.5) > 1e-8) {
 *   throw new Error(fit.message);
 * }
 * ```
 *
 * @example Without a Jacobian: central differences, and the result says so
 * ```ts
 * import { leastSquares, minimize } from "@secondorder/harness";
 * const f = leastSquares({
 *   parameters: 2,
 *   observations: 3,
 *   residuals: ([u, v]) => [u - 1, 10 * (v - u * u), u + v - 2],
 * });
 * const fit = minimize(f, [0, 0], { method: "gauss-newton" });
 * if (f.jacobianSource !== "finite-differences" || !fit.message.includes("finite differences")) {
 *   throw new Error(fit.message);
 * }
 * ```
 */
export function leastSquares(spec: LeastSquaresSpec): LeastSquaresObjective {
  const where = "build the least-squares objective";
  if (spec === null || typeof spec !== "object" || Array.isArray(spec)) {
    throw new TypeError(
      `Cannot ${where}: spec is ${
        describe(spec)
      }, expected { residuals, jacobian?, parameters, observations }`,
    );
  }
  const n = integerInRange(where, "parameters", spec.parameters, 1, 1 << 20);
  const m = integerInRange(where, "observations", spec.observations, 1, 1 << 24);
  if (m * n > 1 << 26) {
    throw new RangeError(
      `Cannot ${where}: observations × parameters is ${m} × ${n} = ${m * n}, expected at most ` +
        `${1 << 26} Jacobian entries`,
    );
  }
  callable(where, "residuals", spec.residuals);
  if (spec.jacobian !== undefined) callable(where, "jacobian", spec.jacobian);
  const residualFunction = spec.residuals.bind(spec);
  const jacobianFunction = spec.jacobian?.bind(spec);
  const jacobianSource = jacobianFunction ? "analytic" as const : "finite-differences" as const;

  const checkPoint = (what: string, x: unknown) =>
    finiteVector(what, "x", x, n, " (the number of parameters)");

  /** r at a checked point, into `out` (which the caller owns). */
  const residualsAt = (what: string, x: Float64Array, out: Float64Array): Float64Array => {
    const returned = residualFunction(x.slice(), out);
    if (returned !== out) {
      const vector = readResiduals(what, returned, m);
      out.set(vector);
    } else if (out.length !== m) {
      throw new RangeError(
        `Cannot ${what}: residuals(x) changed the length of out to ${out.length}, expected ${m}`,
      );
    }
    requireFiniteEntries(what, "the residual vector", out, x);
    return out;
  };

  /** J at a checked point, row-major m × n. */
  const jacobianAt = (what: string, x: Float64Array): Float64Array => {
    if (jacobianFunction) {
      const J = readJacobian(what, jacobianFunction(x.slice()), m, n);
      requireFiniteEntries(what, "the Jacobian", J, x);
      return J;
    }
    const J = new Float64Array(m * n);
    const point = x.slice();
    const up = new Float64Array(m), down = new Float64Array(m);
    for (let j = 0; j < n; j++) {
      const xj = x[j];
      // Step to a representable neighbour, so that the divisor is the step really taken.
      const plus = xj + CENTRAL_STEP * Math.max(1, Math.abs(xj));
      const minus = xj - (plus - xj);
      point[j] = plus;
      residualsAt(what, point, up);
      point[j] = minus;
      residualsAt(what, point, down);
      point[j] = xj;
      const width = plus - minus;
      for (let i = 0; i < m; i++) J[i * n + j] = (up[i] - down[i]) / width;
    }
    requireFiniteEntries(what, "the finite-difference Jacobian", J, x);
    return J;
  };

  // The last point's residuals and Jacobian: value, gradient and gaussNewton at one point (as
  // Levenberg-Marquardt and Gauss-Newton ask, one after the other) call each function once.
  let residualCache: { x: Float64Array; r: Float64Array } | undefined;
  let jacobianCache: { x: Float64Array; J: Float64Array } | undefined;
  const samePoint = (a: Float64Array, b: Float64Array) => {
    for (let i = 0; i < n; i++) {
      if (!Object.is(a[i], b[i])) return false; // tells −0 from 0, as a model may
    }
    return true;
  };
  /** r at a checked point, into `out`, from the cache when the point is the last one. */
  const cachedResiduals = (what: string, x: Float64Array, out: Float64Array): Float64Array => {
    if (residualCache && samePoint(residualCache.x, x)) {
      out.set(residualCache.r);
      return out;
    }
    residualsAt(what, x, out);
    residualCache = { x: x.slice(), r: out.slice() };
    return out;
  };
  /** J at a checked point, from the cache when the point is the last one (J is not mutated). */
  const cachedJacobian = (what: string, x: Float64Array): Float64Array => {
    if (jacobianCache && samePoint(jacobianCache.x, x)) return jacobianCache.J;
    const J = jacobianAt(what, x);
    jacobianCache = { x: x.slice(), J };
    return J;
  };

  const valueOf = (what: string, r: Float64Array, x: Float64Array): number => {
    // ½‖r‖² with the scaling of a 2-norm, so that residuals near 1e160 do not overflow early.
    let scale = 0;
    for (let i = 0; i < m; i++) scale = Math.max(scale, Math.abs(r[i]));
    if (scale === 0) return 0;
    let s = 0;
    for (let i = 0; i < m; i++) {
      const t = r[i] / scale;
      s += t * t;
    }
    const value = 0.5 * scale * scale * s;
    if (!Number.isFinite(value)) throw new NonFiniteError(what, "the value", x);
    return value;
  };

  const gradientInto = (
    what: string,
    J: Float64Array,
    r: Float64Array,
    g: Float64Array,
    x: Float64Array,
  ) => {
    g.fill(0);
    for (let i = 0; i < m; i++) {
      const ri = r[i], row = i * n;
      if (ri === 0) continue;
      for (let j = 0; j < n; j++) g[j] += J[row + j] * ri;
    }
    requireFiniteEntries(what, "the gradient", g, x);
    return g;
  };

  return {
    dim: n,
    observations: m,
    jacobianSource,
    value(x) {
      const what = "evaluate the least-squares objective";
      const p = checkPoint(what, x);
      return valueOf(what, cachedResiduals(what, p, new Float64Array(m)), p);
    },
    gradient(x, out) {
      const what = "compute the gradient";
      const p = checkPoint(what, x);
      const g = outBuffer(what, out, n);
      notAliased(what, g, p);
      const r = cachedResiduals(what, p, new Float64Array(m));
      return gradientInto(what, cachedJacobian(what, p), r, g, p);
    },
    valueAndGradient(x, out) {
      const what = "compute the value and gradient";
      const p = checkPoint(what, x);
      const g = outBuffer(what, out, n);
      notAliased(what, g, p);
      const r = cachedResiduals(what, p, new Float64Array(m));
      const value = valueOf(what, r, p);
      gradientInto(what, cachedJacobian(what, p), r, g, p);
      return { value, gradient: g };
    },
    gaussNewton(x) {
      const what = "build the Gauss-Newton operator";
      const p = checkPoint(what, x);
      const J = cachedJacobian(what, p);
      const Jv = new Float64Array(m);
      return {
        dim: n,
        structure: "symmetric",
        matvec(v, out) {
          const y = checkMatvec(n, v, out);
          // Jᵀ(Jv), m·n multiply-adds each way.
          for (let i = 0; i < m; i++) {
            let s = 0;
            const row = i * n;
            for (let j = 0; j < n; j++) s += J[row + j] * v[j];
            Jv[i] = s;
          }
          y.fill(0);
          for (let i = 0; i < m; i++) {
            const s = Jv[i], row = i * n;
            if (s === 0) continue;
            for (let j = 0; j < n; j++) y[j] += J[row + j] * s;
          }
          return y;
        },
      };
    },
    residuals(x, out) {
      const what = "evaluate the residuals";
      const p = checkPoint(what, x);
      const r = outBuffer(what, out, m);
      notAliased(what, r, p);
      return cachedResiduals(what, p, r);
    },
    jacobian(x) {
      const what = "evaluate the Jacobian";
      return cachedJacobian(what, checkPoint(what, x)).slice();
    },
  };
}

/** Reads a residual vector returned by the caller's function. */
function readResiduals(where: string, value: unknown, m: number): Float64Array {
  if (
    !(Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView)))
  ) {
    throw new TypeError(
      `Cannot ${where}: residuals(x) returned ${
        describe(value)
      }, expected an array of ${m} numbers`,
    );
  }
  const source = value as ArrayLike<unknown>;
  if (source.length !== m) {
    throw new RangeError(
      `Cannot ${where}: residuals(x) returned length ${source.length}, expected ${m} ` +
        `(the number of observations)`,
    );
  }
  const out = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    const entry = source[i];
    if (typeof entry !== "number") {
      throw new TypeError(
        `Cannot ${where}: residuals(x)[${i}] is ${describe(entry)}, expected a number`,
      );
    }
    out[i] = entry;
  }
  return out;
}

/** Reads a Jacobian returned by the caller's function into a row-major m × n array. */
function readJacobian(where: string, value: unknown, m: number, n: number): Float64Array {
  if (value instanceof Float64Array) {
    if (value.length !== m * n) {
      throw new RangeError(
        `Cannot ${where}: jacobian(x) returned a Float64Array of length ${value.length}, ` +
          `expected ${m * n} (observations × parameters, row-major)`,
      );
    }
    return value.slice();
  }
  if (!Array.isArray(value)) {
    throw new TypeError(
      `Cannot ${where}: jacobian(x) returned ${
        describe(value)
      }, expected ${m} rows of ${n} numbers or a row-major Float64Array`,
    );
  }
  if (value.length !== m) {
    throw new RangeError(
      `Cannot ${where}: jacobian(x) returned ${value.length} rows, expected ${m} ` +
        `(the number of observations)`,
    );
  }
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    const row = value[i] as unknown;
    if (
      !(Array.isArray(row) || (ArrayBuffer.isView(row) && !(row instanceof DataView)))
    ) {
      throw new TypeError(
        `Cannot ${where}: jacobian(x)[${i}] is ${describe(row)}, expected a row of ${n} numbers`,
      );
    }
    const entries = row as ArrayLike<unknown>;
    if (entries.length !== n) {
      throw new RangeError(
        `Cannot ${where}: jacobian(x)[${i}] has length ${entries.length}, expected ${n} ` +
          `(the number of parameters)`,
      );
    }
    for (let j = 0; j < n; j++) {
      const entry = entries[j];
      if (typeof entry !== "number") {
        throw new TypeError(
          `Cannot ${where}: jacobian(x)[${i}][${j}] is ${describe(entry)}, expected a number`,
        );
      }
      out[i * n + j] = entry;
    }
  }
  return out;
}
