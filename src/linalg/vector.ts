/**
 * Level-1 kernels on `Float64Array`: dot products, norms, axpy. They check nothing and
 * allocate nothing; callers validate lengths once at the public boundary.
 *
 * @module
 */

/** xᵀy over the first `x.length` entries. */
export function dot(x: Float64Array, y: Float64Array): number {
  const n = x.length;
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    s0 += x[i] * y[i];
    s1 += x[i + 1] * y[i + 1];
    s2 += x[i + 2] * y[i + 2];
    s3 += x[i + 3] * y[i + 3];
  }
  for (; i < n; i++) s0 += x[i] * y[i];
  return (s0 + s1) + (s2 + s3);
}

/**
 * Euclidean norm ‖x‖₂, computed with scaling so that it neither overflows for entries near
 * 1e300 nor underflows for entries near 1e-300 (as LAPACK's dnrm2).
 */
export function norm2(x: Float64Array): number {
  let scale = 0;
  for (let i = 0; i < x.length; i++) {
    const a = Math.abs(x[i]);
    if (a > scale) scale = a;
    else if (Number.isNaN(a)) return NaN;
  }
  if (scale === 0) return 0;
  if (!Number.isFinite(scale)) return Infinity;
  if (scale > 1e-150 && scale < 1e150) return Math.sqrt(dot(x, x));
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    const t = x[i] / scale;
    s += t * t;
  }
  return scale * Math.sqrt(s);
}

/** Largest absolute entry ‖x‖∞ (NaN if any entry is NaN). */
export function normInf(x: Float64Array): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) {
    const a = Math.abs(x[i]);
    if (a > m) m = a;
    else if (Number.isNaN(a)) return NaN;
  }
  return m;
}

/** y ← y + a·x. */
export function axpy(a: number, x: Float64Array, y: Float64Array): Float64Array {
  for (let i = 0; i < y.length; i++) y[i] += a * x[i];
  return y;
}

/** out ← a·x + b·y. `out` may alias `x` or `y`. */
export function axpby(
  a: number,
  x: Float64Array,
  b: number,
  y: Float64Array,
  out: Float64Array,
): Float64Array {
  for (let i = 0; i < out.length; i++) out[i] = a * x[i] + b * y[i];
  return out;
}

/** x ← a·x. */
export function scal(a: number, x: Float64Array): Float64Array {
  for (let i = 0; i < x.length; i++) x[i] *= a;
  return x;
}

/** out ← x − y. */
export function sub(x: Float64Array, y: Float64Array, out: Float64Array): Float64Array {
  for (let i = 0; i < out.length; i++) out[i] = x[i] - y[i];
  return out;
}

/** True when every entry is finite. */
export function allFinite(x: ArrayLike<number>): boolean {
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i])) return false;
  return true;
}

/** Cosine of the angle between x and y; NaN when either is zero. */
export function cosine(x: Float64Array, y: Float64Array): number {
  return dot(x, y) / (norm2(x) * norm2(y));
}

/** ‖x − y‖ / ‖y‖, or ‖x − y‖ when y = 0. */
export function relativeError(x: Float64Array, y: Float64Array): number {
  let diff = 0;
  for (let i = 0; i < x.length; i++) {
    const d = x[i] - y[i];
    diff += d * d;
  }
  const ny = norm2(y);
  return ny === 0 ? Math.sqrt(diff) : Math.sqrt(diff) / ny;
}
