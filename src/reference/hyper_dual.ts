/**
 * Hyper-dual numbers a + b·ε₁ + c·ε₂ + d·ε₁ε₂ with ε₁² = ε₂² = 0 (Fike and Alonso, 2011).
 * Evaluating f at x + ε₁u + ε₂v gives f(x) in the real part, ∇f·u and ∇f·v in the ε parts, and
 * the exact second derivative uᵀ∇²f·v in the ε₁ε₂ part: no step size, no truncation error.
 *
 * This is the arithmetic of the project's slow, independent reference network.
 *
 * @module
 */

/** A hyper-dual number. */
export interface HyperDual {
  /** Real part. */
  readonly a: number;
  /** ε₁ part. */
  readonly b: number;
  /** ε₂ part. */
  readonly c: number;
  /** ε₁ε₂ part. */
  readonly d: number;
}

/** A hyper-dual constant (all infinitesimal parts zero). */
export function constant(a: number): HyperDual {
  return { a, b: 0, c: 0, d: 0 };
}

/** x + y. */
export function hdAdd(x: HyperDual, y: HyperDual): HyperDual {
  return { a: x.a + y.a, b: x.b + y.b, c: x.c + y.c, d: x.d + y.d };
}

/** x − y. */
export function hdSub(x: HyperDual, y: HyperDual): HyperDual {
  return { a: x.a - y.a, b: x.b - y.b, c: x.c - y.c, d: x.d - y.d };
}

/** x·y. */
export function hdMul(x: HyperDual, y: HyperDual): HyperDual {
  return {
    a: x.a * y.a,
    b: x.a * y.b + x.b * y.a,
    c: x.a * y.c + x.c * y.a,
    d: x.a * y.d + x.b * y.c + x.c * y.b + x.d * y.a,
  };
}

/** s·x for a real s. */
export function hdScale(s: number, x: HyperDual): HyperDual {
  return { a: s * x.a, b: s * x.b, c: s * x.c, d: s * x.d };
}

/**
 * Lifts a scalar function with value f, first derivative f1 and second derivative f2 at x.a:
 * f(x) = f(a) + f′(a)(bε₁ + cε₂) + (f′(a)d + f″(a)bc)ε₁ε₂.
 */
export function hdApply(x: HyperDual, f: number, f1: number, f2: number): HyperDual {
  return { a: f, b: f1 * x.b, c: f1 * x.c, d: f1 * x.d + f2 * x.b * x.c };
}

/** e^x. */
export function hdExp(x: HyperDual): HyperDual {
  const e = Math.exp(x.a);
  return hdApply(x, e, e, e);
}

/** log x. */
export function hdLog(x: HyperDual): HyperDual {
  return hdApply(x, Math.log(x.a), 1 / x.a, -1 / (x.a * x.a));
}

/** tanh x. */
export function hdTanh(x: HyperDual): HyperDual {
  const t = Math.tanh(x.a);
  return hdApply(x, t, 1 - t * t, -2 * t * (1 - t * t));
}

/** The logistic function, evaluated stably in the real part. */
export function hdSigmoid(x: HyperDual): HyperDual {
  const s = x.a >= 0 ? 1 / (1 + Math.exp(-x.a)) : Math.exp(x.a) / (1 + Math.exp(x.a));
  return hdApply(x, s, s * (1 - s), s * (1 - s) * (1 - 2 * s));
}

/** log(1 + eˣ), evaluated stably in the real part. */
export function hdSoftplus(x: HyperDual): HyperDual {
  const sp = Math.max(x.a, 0) + Math.log1p(Math.exp(-Math.abs(x.a)));
  const s = x.a >= 0 ? 1 / (1 + Math.exp(-x.a)) : Math.exp(x.a) / (1 + Math.exp(x.a));
  return hdApply(x, sp, s, s * (1 - s));
}

/** max(x, 0), with derivative 0 taken at the kink. */
export function hdRelu(x: HyperDual): HyperDual {
  return x.a > 0 ? x : constant(0);
}
