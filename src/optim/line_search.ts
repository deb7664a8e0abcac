/**
 * Line searches: choose a step length α along a descent direction d.
 *
 * - Armijo backtracking (note 001): shrink α until f(θ + αd) < f(θ) + ν·α·∇f(θ)ᵀd.
 * - Strong Wolfe (Nocedal and Wright, Algorithms 3.5 and 3.6): sufficient decrease and
 *   |φ′(α)| ≤ c₂·|φ′(0)|, bracketing then zooming with cubic interpolation; the quasi-Newton
 *   methods need its curvature condition to keep their updates positive definite.
 * - The exact step on a quadratic, α = −gᵀd / dᵀAd.
 *
 * A search never throws for numerical reasons: a non-finite trial value counts as "no
 * decrease", and failure comes back as a status.
 *
 * @module
 */

/** The outcome of a line search. */
export interface LineSearchResult {
  /** `"ok"` when an acceptable α was found. */
  status: "ok" | "failed" | "not-descent";
  /** The accepted step length (the last one tried when the search failed). */
  alpha: number;
  /** f(θ + αd) at the accepted α (or the last one tried). */
  value: number;
  /** Function evaluations spent. */
  evaluations: number;
}

/** Options of {@linkcode armijoBacktracking}. */
export interface ArmijoOptions {
  /** ν, the fraction of the predicted decrease required. Default 1e-4. */
  nu?: number;
  /** The factor α shrinks by after each failure. Default 0.5. */
  shrink?: number;
  /** The first α tried. Default 1 (the full Newton step). */
  initialStep?: number;
  /** The most reductions before giving up. Default 50 (α down to 2⁻⁵⁰ ≈ 1e-15). */
  maxReductions?: number;
}

/**
 * Armijo backtracking: the first α in initialStep·shrinkᵏ, k = 0, 1, ..., with
 * f(θ + αd) < f(θ) + ν·α·slope, where slope = ∇f(θ)ᵀd < 0. `valueAt(α)` evaluates f(θ + αd).
 * Finitely many reductions suffice for a descent direction and a continuously differentiable f
 * (C10).
 */
export function armijoBacktracking(
  valueAt: (alpha: number) => number,
  value0: number,
  slope: number,
  options: ArmijoOptions = {},
): LineSearchResult {
  const { nu = 1e-4, shrink = 0.5, initialStep = 1, maxReductions = 50 } = options;
  if (!(slope < 0)) return { status: "not-descent", alpha: 0, value: value0, evaluations: 0 };
  let alpha = initialStep;
  let value = NaN;
  for (let k = 0; k <= maxReductions; k++) {
    value = valueAt(alpha);
    if (value < value0 + nu * alpha * slope) {
      return { status: "ok", alpha, value, evaluations: k + 1 };
    }
    if (k < maxReductions) alpha *= shrink;
  }
  return { status: "failed", alpha, value, evaluations: maxReductions + 1 };
}

/** Options of {@linkcode strongWolfe}. */
export interface WolfeOptions {
  /** Sufficient-decrease constant c₁. Default 1e-4. */
  c1?: number;
  /** Curvature constant c₂ (0.9 for quasi-Newton, 0.1 for conjugate gradient). Default 0.9. */
  c2?: number;
  /** The first α tried. Default 1. */
  initialStep?: number;
  /** The largest α allowed. Default 1e10. */
  maxStep?: number;
  /** The most evaluations. Default 40. */
  maxEvaluations?: number;
}

/** A strong-Wolfe result, with the directional derivative at α. */
export interface WolfeResult extends LineSearchResult {
  /** φ′(α) = ∇f(θ + αd)ᵀd at the returned α. */
  slope: number;
}

/** The minimiser of the cubic through (a, fa, da) and (b, fb, db), kept inside [lo, hi]. */
function cubicMinimizer(
  a: number,
  fa: number,
  da: number,
  b: number,
  fb: number,
  db: number,
): number {
  // Nocedal and Wright (3.59).
  const d1 = da + db - 3 * (fa - fb) / (a - b);
  const disc = d1 * d1 - da * db;
  const lo = Math.min(a, b), hi = Math.max(a, b);
  if (!(disc >= 0) || !Number.isFinite(d1)) return 0.5 * (a + b);
  const d2 = Math.sign(b - a) * Math.sqrt(disc);
  const t = b - (b - a) * ((db + d2 - d1) / (db - da + 2 * d2));
  if (!Number.isFinite(t)) return 0.5 * (a + b);
  // Stay away from the ends so the bracket shrinks.
  const margin = 0.1 * (hi - lo);
  return Math.min(hi - margin, Math.max(lo + margin, t));
}

/**
 * A line search satisfying the strong Wolfe conditions f(θ + αd) ≤ f(θ) + c₁αφ′(0) and
 * |φ′(α)| ≤ c₂|φ′(0)|. `phi(α)` returns f(θ + αd) and φ′(α) = ∇f(θ + αd)ᵀd.
 */
export function strongWolfe(
  phi: (alpha: number) => { value: number; slope: number },
  value0: number,
  slope0: number,
  options: WolfeOptions = {},
): WolfeResult {
  const { c1 = 1e-4, c2 = 0.9, initialStep = 1, maxStep = 1e10, maxEvaluations = 40 } = options;
  if (!(slope0 < 0)) {
    return { status: "not-descent", alpha: 0, value: value0, slope: slope0, evaluations: 0 };
  }
  let evaluations = 0;
  const evaluate = (alpha: number) => {
    evaluations++;
    const r = phi(alpha);
    return Number.isFinite(r.value) && Number.isFinite(r.slope)
      ? r
      : { value: Infinity, slope: NaN };
  };

  const zoom = (
    lo: number,
    flo: number,
    dlo: number,
    hi: number,
    fhi: number,
    dhi: number,
  ): WolfeResult => {
    while (evaluations < maxEvaluations) {
      const alpha = Number.isFinite(fhi) && Number.isFinite(dhi)
        ? cubicMinimizer(lo, flo, dlo, hi, fhi, dhi)
        : 0.5 * (lo + hi);
      const r = evaluate(alpha);
      if (r.value > value0 + c1 * alpha * slope0 || r.value >= flo) {
        hi = alpha;
        fhi = r.value;
        dhi = r.slope;
      } else {
        if (Math.abs(r.slope) <= -c2 * slope0) {
          return { status: "ok", alpha, value: r.value, slope: r.slope, evaluations };
        }
        if (r.slope * (hi - lo) >= 0) {
          hi = lo;
          fhi = flo;
          dhi = dlo;
        }
        lo = alpha;
        flo = r.value;
        dlo = r.slope;
      }
      if (Math.abs(hi - lo) <= 1e-16 * Math.max(1, Math.abs(lo))) break;
    }
    // No Wolfe point within the budget: return the best sufficient-decrease point, if any.
    return lo > 0 && flo <= value0 + c1 * lo * slope0
      ? { status: "ok", alpha: lo, value: flo, slope: dlo, evaluations }
      : { status: "failed", alpha: lo, value: flo, slope: dlo, evaluations };
  };

  let previous = 0, fPrevious = value0, dPrevious = slope0;
  let alpha = Math.min(initialStep, maxStep);
  for (let i = 0; evaluations < maxEvaluations; i++) {
    const r = evaluate(alpha);
    if (r.value > value0 + c1 * alpha * slope0 || (i > 0 && r.value >= fPrevious)) {
      return zoom(previous, fPrevious, dPrevious, alpha, r.value, r.slope);
    }
    if (Math.abs(r.slope) <= -c2 * slope0) {
      return { status: "ok", alpha, value: r.value, slope: r.slope, evaluations };
    }
    if (r.slope >= 0) return zoom(alpha, r.value, r.slope, previous, fPrevious, dPrevious);
    if (alpha >= maxStep) break;
    previous = alpha;
    fPrevious = r.value;
    dPrevious = r.slope;
    alpha = Math.min(2 * alpha, maxStep);
  }
  return { status: "failed", alpha: previous, value: fPrevious, slope: dPrevious, evaluations };
}

/**
 * The exact minimiser along d of a quadratic with Hessian A: α = −gᵀd / dᵀAd, given gᵀd and
 * dᵀAd. NaN when the curvature along d is not positive (no minimum along the line).
 */
export function exactQuadraticStep(gradientDotDirection: number, curvature: number): number {
  return curvature > 0 ? -gradientDotDirection / curvature : NaN;
}
