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
 * A trial of a line search: f(θ + αd), and φ′(α) = ∇f(θ + αd)ᵀd either as a number or as a
 * function the search calls only when it needs the slope (so a trial that fails the
 * sufficient-decrease test costs a value, not a gradient).
 */
export interface LineTrial {
  /** f(θ + αd). */
  value: number;
  /** φ′(α), or a function computing it on demand. */
  slope: number | (() => number);
}

/** The minimiser of the quadratic through (a, fa) with slope da and (b, fb), kept inside. */
function quadraticMinimizer(a: number, fa: number, da: number, b: number, fb: number): number {
  const h = b - a;
  const curvature = (fb - fa - da * h) / (h * h);
  const lo = Math.min(a, b), hi = Math.max(a, b);
  const margin = 0.1 * (hi - lo);
  const t = curvature > 0 ? a - da / (2 * curvature) : 0.5 * (a + b);
  if (!Number.isFinite(t)) return 0.5 * (a + b);
  return Math.min(hi - margin, Math.max(lo + margin, t));
}

/**
 * A line search satisfying the strong Wolfe conditions f(θ + αd) ≤ f(θ) + c₁αφ′(0) and
 * |φ′(α)| ≤ c₂|φ′(0)| (Nocedal and Wright, Algorithms 3.5 and 3.6). `phi(α)` returns
 * f(θ + αd) and φ′(α) = ∇f(θ + αd)ᵀd; given the slope as a function, the search asks for it
 * only at trials that pass the sufficient-decrease test, and interpolates the others by a
 * quadratic in their values instead of a cubic.
 */
export function strongWolfe(
  phi: (alpha: number) => LineTrial,
  value0: number,
  slope0: number,
  options: WolfeOptions = {},
): WolfeResult {
  const { c1 = 1e-4, c2 = 0.9, initialStep = 1, maxStep = 1e10, maxEvaluations = 40 } = options;
  if (!(slope0 < 0)) {
    return { status: "not-descent", alpha: 0, value: value0, slope: slope0, evaluations: 0 };
  }
  let evaluations = 0;
  /** A trial; `slope()` is NaN where the value or slope is not finite. */
  const evaluate = (alpha: number) => {
    evaluations++;
    const r = phi(alpha);
    if (!Number.isFinite(r.value)) return { value: Infinity, slope: () => NaN, known: NaN };
    let known = typeof r.slope === "number" ? r.slope : undefined;
    const lazy = r.slope;
    return {
      value: r.value,
      slope: () => {
        known ??= typeof lazy === "number" ? lazy : lazy();
        return Number.isFinite(known) ? known : NaN;
      },
      /** The slope if it is already known (NaN otherwise). */
      get known() {
        return known !== undefined && Number.isFinite(known) ? known : NaN;
      },
    };
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
      const alpha = !Number.isFinite(fhi)
        ? 0.5 * (lo + hi)
        : Number.isFinite(dhi)
        ? cubicMinimizer(lo, flo, dlo, hi, fhi, dhi)
        : quadraticMinimizer(lo, flo, dlo, hi, fhi);
      const r = evaluate(alpha);
      if (r.value > value0 + c1 * alpha * slope0 || r.value >= flo) {
        hi = alpha;
        fhi = r.value;
        dhi = r.known;
      } else {
        const slope = r.slope();
        if (!Number.isFinite(slope)) {
          // A value but no finite slope: treat the point as past the minimiser.
          hi = alpha;
          fhi = Infinity;
          dhi = NaN;
          continue;
        }
        if (Math.abs(slope) <= -c2 * slope0) {
          return { status: "ok", alpha, value: r.value, slope, evaluations };
        }
        if (slope * (hi - lo) >= 0) {
          hi = lo;
          fhi = flo;
          dhi = dlo;
        }
        lo = alpha;
        flo = r.value;
        dlo = slope;
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
      return zoom(previous, fPrevious, dPrevious, alpha, r.value, r.known);
    }
    const slope = r.slope();
    if (!Number.isFinite(slope)) {
      return zoom(previous, fPrevious, dPrevious, alpha, Infinity, NaN);
    }
    if (Math.abs(slope) <= -c2 * slope0) {
      return { status: "ok", alpha, value: r.value, slope, evaluations };
    }
    if (slope >= 0) return zoom(alpha, r.value, slope, previous, fPrevious, dPrevious);
    if (alpha >= maxStep) break;
    previous = alpha;
    fPrevious = r.value;
    dPrevious = slope;
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
