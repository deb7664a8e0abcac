/**
 * Matrix-free (preconditioned) conjugate gradient for Ax = b, with what second-order optimisers
 * need around it: Steihaug–Toint truncation at a trust-region radius, detection of negative
 * curvature (and the direction that shows it), Martens' relative-progress stopping rule for
 * Hessian-free optimisation, saved iterates for CG backtracking, and the search directions for
 * checking conjugacy.
 *
 * The iteration is Hestenes and Stiefel (1952), preconditioned as in Golub and Van Loan
 * (2013, Alg. 11.5.1). With rᵢ = b − Axᵢ and zᵢ = M⁻¹rᵢ:
 *
 *   αᵢ = rᵢᵀzᵢ / pᵢᵀApᵢ,  xᵢ₊₁ = xᵢ + αᵢpᵢ,  rᵢ₊₁ = rᵢ − αᵢApᵢ,
 *   βᵢ = rᵢ₊₁ᵀzᵢ₊₁ / rᵢᵀzᵢ,  pᵢ₊₁ = zᵢ₊₁ + βᵢpᵢ.
 *
 * CG minimises the quadratic φ(x) = ½xᵀAx − bᵀx over growing Krylov spaces. Its value is
 * tracked for free from the residual: φ(x) = −½·xᵀ(r + b), because Ax = b − r.
 *
 * @module
 */

import type { LinearOperator } from "../operator/linear_operator.ts";
import { axpy, dot, norm2 } from "../linalg/vector.ts";
import {
  describe,
  finiteVector,
  integerInRange,
  nonNegativeNumber,
  oneOf,
  optionsObject,
  positiveNumber,
} from "../validate.ts";
import {
  booleanOption,
  History,
  operatorArgument,
  type OperatorInput,
  operatorOfDim,
  rightHandSide,
} from "./_shared.ts";

/**
 * How a CG run ended:
 * - `"converged"`: ‖b − Ax‖ ≤ max(rtol·‖b‖, atol), or (without a preconditioner) the
 *   residual underflowed, ‖r‖² = 0 in floating point, so no further step is possible;
 * - `"max-iterations"`: `maxIterations` steps without meeting the tolerance;
 * - `"negative-curvature"`: a search direction p with pᵀAp ≤ 0 was met (A is not positive
 *   definite); `direction` and `curvature` hold it;
 * - `"boundary"`: the step reached the trust-region radius (Steihaug–Toint);
 * - `"relative-progress"`: Martens' relative-progress rule stopped the run;
 * - `"stagnated"`: the recurrence's residual met the tolerance but the true residual b − Ax did
 *   not, and restarting from it did not halve it: the tolerance is below the accuracy b − Ax
 *   can be computed to, or the system has no solution (b outside A's range);
 * - `"indefinite-preconditioner"`: rᵀM⁻¹r ≤ 0 for a non-zero r, so the preconditioner is not
 *   positive definite;
 * - `"non-finite"`: a NaN or infinity appeared (for example the operator returned NaN).
 */
export type CgStatus =
  | "converged"
  | "max-iterations"
  | "negative-curvature"
  | "boundary"
  | "relative-progress"
  | "stagnated"
  | "indefinite-preconditioner"
  | "non-finite";

/** The option names of {@linkcode cg}. */
const CG_OPTIONS: readonly string[] = [
  "x0",
  "rtol",
  "atol",
  "maxIterations",
  "preconditioner",
  "radius",
  "negativeCurvature",
  "verifyResidual",
  "recordDirections",
  "relativeProgress",
  "relativeProgressTolerance",
  "saveIterates",
];

/** Options of {@linkcode cg}. */
export interface CgOptions {
  /** The starting point. Default: zero. */
  x0?: ArrayLike<number>;
  /** Relative tolerance of the stopping rule ‖b − Ax‖ ≤ max(rtol·‖b‖, atol). Default 1e-5. */
  rtol?: number;
  /** Absolute tolerance of the same rule. Default 0. */
  atol?: number;
  /** The most iterations to run. Default 10·dim (as scipy). */
  maxIterations?: number;
  /**
   * A symmetric positive definite operator that applies M⁻¹ (for example a Jacobi
   * preconditioner `diagonal(1 / diag(A))`). Default: none (M = I).
   */
  preconditioner?: LinearOperator;
  /**
   * Trust-region radius Δ > 0 (Steihaug 1983, Toint 1981): stop where the path of iterates
   * leaves the ball ‖x‖₂ ≤ Δ, with status `"boundary"`, and on negative curvature move along
   * the offending direction to the boundary. The ball is Euclidean; ‖x0‖ must not exceed Δ.
   * With x0 = 0 and no preconditioner the iterates' norms increase monotonically (Steihaug,
   * Thm 2.1), so the first crossing is the model's constrained minimiser along the path.
   * Default: none.
   */
  radius?: number;
  /**
   * What to do when pᵀAp ≤ 0: `"stop"` returns status `"negative-curvature"` with the
   * direction (the safeguard trust-region and Newton-CG methods need); `"continue"` takes the
   * textbook step anyway, as plain CG would, and only counts such directions (a zero pᵀAp then
   * ends the run as `"non-finite"`). Default `"stop"`.
   */
  negativeCurvature?: "stop" | "continue";
  /**
   * Confirm convergence with the true residual b − Ax, at the cost of one more product. The
   * recurrence's residual drifts from the true one in floating point, and on a singular system
   * whose b lies outside A's range it can fall below the tolerance although no x solves the
   * system. When the true residual misses the tolerance, CG restarts from it (residual
   * replacement) and goes on within `maxIterations`; when a restart does not halve it, the run
   * ends as `"stagnated"`. Default true.
   */
  verifyResidual?: boolean;
  /** Return every search direction pᵢ, so that conjugacy pᵢᵀApⱼ ≈ 0 can be checked. Default false. */
  recordDirections?: boolean;
  /**
   * Martens' (2010, §4.3) relative-progress rule for Hessian-free optimisation: after
   * iteration i, with k = max(10, ⌈0.1·i⌉), stop when i > k, φ(xᵢ) < 0 and
   * (φ(xᵢ) − φ(xᵢ₋ₖ)) / φ(xᵢ) < k·ε, with status `"relative-progress"`. The residual rule
   * still applies. Default false.
   */
  relativeProgress?: boolean;
  /** The ε of the relative-progress rule. Default 5e-4 (Martens' value). */
  relativeProgressTolerance?: number;
  /**
   * Iteration indices (0 = x0) whose iterates to keep, with their quadratic values, for CG
   * backtracking (Martens 2010 keeps iterates at ⌈γʲ⌉). Indices the run does not reach are
   * skipped. Default: none.
   */
  saveIterates?: readonly number[];
}

/** An iterate kept by the `saveIterates` option. */
export interface SavedIterate {
  /** The iteration index i (0 is the starting point). */
  iteration: number;
  /** The iterate xᵢ (a copy). */
  x: Float64Array;
  /** φ(xᵢ) = ½xᵢᵀAxᵢ − bᵀxᵢ. */
  quadraticValue: number;
}

/** The result of {@linkcode cg}. */
export interface CgResult {
  /** The final iterate (on the boundary when the run stopped there). */
  x: Float64Array;
  /**
   * True when the requested stopping rule was met: status `"converged"`, `"boundary"` or
   * `"relative-progress"`, with a finite x. Negative curvature is not a success; the caller
   * decides what to do with the direction.
   */
  success: boolean;
  /** How the run ended. */
  status: CgStatus;
  /** The number of updates of x (each costs one matvec). */
  iterations: number;
  /** Operator products used, including the one for x0's residual when x0 ≠ 0. */
  matvecs: number;
  /** Preconditioner applications used. */
  preconditionerApplications: number;
  /**
   * ‖b − Ax‖ at the returned x: the true residual when the run converged with `verifyResidual`
   * (the default), the recurrence's value otherwise.
   */
  residualNorm: number;
  /** How many times the true residual replaced the recurrence's (see `verifyResidual`). */
  residualReplacements: number;
  /** The tolerance max(rtol·‖b‖, atol) the run aimed at. */
  tolerance: number;
  /** ‖rᵢ‖ for i = 0..iterations (recurrence values, true values after a replacement). */
  residualNorms: Float64Array;
  /** φ(xᵢ) = ½xᵢᵀAxᵢ − bᵀxᵢ for i = 0..iterations. */
  quadraticValues: Float64Array;
  /** φ at the returned x. */
  quadraticValue: number;
  /**
   * The first search direction p with pᵀAp ≤ 0 (not normalised), or undefined when none was
   * met. pᵀAp/pᵀp is its Rayleigh quotient, an upper bound on A's smallest eigenvalue.
   */
  direction: Float64Array | undefined;
  /** pᵀAp of `direction` (≤ 0), or undefined. */
  curvature: number | undefined;
  /** How many search directions had pᵀAp ≤ 0 (more than one only with `"continue"`). */
  negativeCurvatureCount: number;
  /** True when the returned x lies on the trust-region boundary ‖x‖ = radius. */
  onBoundary: boolean;
  /** The search directions pᵢ, when `recordDirections` was set; otherwise undefined. */
  directions: Float64Array[] | undefined;
  /** The iterates kept by `saveIterates`, in increasing iteration order. */
  savedIterates: SavedIterate[];
}

/**
 * Solves Ax = b by (preconditioned) conjugate gradient, matrix-free: A is touched only through
 * `A.matvec`. Stops when ‖b − Ax‖ ≤ max(rtol·‖b‖, atol) (scipy's rule), at `maxIterations`, at
 * negative curvature, at a trust-region radius, or by Martens' relative-progress rule. Numerical
 * outcomes come back in `status`; only a caller's mistake throws.
 *
 * Every buffer is allocated once per solve; an iteration allocates nothing (unless
 * `recordDirections` is set).
 *
 * @example Solve a small SPD system
 * ```ts
 * import { cg, denseOperator } from "@secondorder/harness";
 * const A = denseOperator([[4, 1], [1, 3]], { structure: "spd" });
 * const result = cg(A, [1, 2], { rtol: 1e-12 });
 * // exact solution (1/11, 7/11), reached in n = 2 iterations
 * if (!result.success || result.iterations > 2) throw new Error(result.status);
 * if (Math.abs(result.x[0] - 1 / 11) > 1e-12) throw new Error("inaccurate");
 * ```
 *
 * @example Negative curvature of an indefinite matrix is reported, not stepped through
 * ```ts
 * import { cg } from "@secondorder/harness";
 * const result = cg([[1, 0], [0, -1]], [1, 1]);
 * if (result.status !== "negative-curvature" || !(result.curvature! <= 0)) {
 *   throw new Error("expected negative curvature");
 * }
 * ```
 */
export function cg(
  A: OperatorInput,
  b: ArrayLike<number>,
  options: CgOptions = {},
): CgResult {
  const where = "run cg";
  const op = operatorArgument(where, "A", A);
  const n = op.dim;
  const rhs = rightHandSide(where, "b", b, n);
  const opts = optionsObject(where, options, "options", CG_OPTIONS);
  const rtol = opts.rtol === undefined ? 1e-5 : nonNegativeNumber(where, "options.rtol", opts.rtol);
  const atol = opts.atol === undefined ? 0 : nonNegativeNumber(where, "options.atol", opts.atol);
  const maxIterations = opts.maxIterations === undefined
    ? 10 * n
    : integerInRange(where, "options.maxIterations", opts.maxIterations, 0);
  const precond = opts.preconditioner === undefined
    ? undefined
    : operatorOfDim(where, "options.preconditioner", opts.preconditioner, n);
  const radius = opts.radius === undefined
    ? Infinity
    : positiveNumber(where, "options.radius", opts.radius);
  const stopOnNegativeCurvature = opts.negativeCurvature === undefined ||
    oneOf(where, "options.negativeCurvature", opts.negativeCurvature, ["stop", "continue"]) ===
      "stop";
  const recordDirections = booleanOption(where, "options.recordDirections", opts.recordDirections);
  const verifyResidual = opts.verifyResidual === undefined ||
    booleanOption(where, "options.verifyResidual", opts.verifyResidual);
  const useProgressRule = booleanOption(where, "options.relativeProgress", opts.relativeProgress);
  const progressTolerance = opts.relativeProgressTolerance === undefined
    ? 5e-4
    : positiveNumber(where, "options.relativeProgressTolerance", opts.relativeProgressTolerance);
  const saveAt = saveIndices(where, opts.saveIterates);

  // Buffers, allocated once.
  const x = opts.x0 === undefined
    ? new Float64Array(n)
    : finiteVector(where, "options.x0", opts.x0, n, " (the operator's dim)").slice();
  if (radius !== Infinity && norm2(x) > radius) {
    throw new RangeError(
      `Cannot ${where}: options.x0 has norm ${
        norm2(x)
      }, expected at most options.radius = ${radius}`,
    );
  }
  const r = new Float64Array(n);
  const z = precond ? new Float64Array(n) : r;
  const p = new Float64Array(n);
  const ap = new Float64Array(n);

  let matvecs = 0, preconditionerApplications = 0;
  if (opts.x0 === undefined) {
    r.set(rhs);
  } else {
    op.matvec(x, ap);
    matvecs++;
    for (let i = 0; i < n; i++) r[i] = rhs[i] - ap[i];
  }
  const rhsNorm = norm2(rhs); // scaled (as LAPACK's dnrm2): finite for any finite b
  const tolerance = Math.max(rtol * rhsNorm, atol);
  if (!Number.isFinite(tolerance)) {
    throw new RangeError(
      `Cannot ${where}: options.rtol·‖b‖ = ${rtol}·${rhsNorm} overflows, expected a ` +
        `finite tolerance max(rtol·‖b‖, atol)`,
    );
  }
  const residualNorms = new History(Math.min(maxIterations, 1024) + 1);
  const quadraticValues = new History(Math.min(maxIterations, 1024) + 1);
  const savedIterates: SavedIterate[] = [];
  const directions: Float64Array[] | undefined = recordDirections ? [] : undefined;
  // φ(x) = ½xᵀAx − bᵀx = −½·xᵀ(r + b), since Ax = b − r.
  const quadratic = () => -0.5 * (dot(x, r) + dot(x, rhs));

  let residualNorm = norm2(r);
  let phi = quadratic();
  residualNorms.push(residualNorm);
  quadraticValues.push(phi);
  let saveCursor = 0;
  const saveIfAsked = (iteration: number) => {
    while (saveCursor < saveAt.length && saveAt[saveCursor] < iteration) saveCursor++;
    if (saveCursor < saveAt.length && saveAt[saveCursor] === iteration) {
      savedIterates.push({ iteration, x: x.slice(), quadraticValue: phi });
      saveCursor++;
    }
  };
  saveIfAsked(0);

  let iterations = 0;
  let status: CgStatus | undefined;
  let direction: Float64Array | undefined;
  let curvature: number | undefined;
  let negativeCurvatureCount = 0;
  let onBoundary = false;

  /** Steps to the boundary along p: x ← x + τp with τ ≥ 0 and ‖x + τp‖ = radius. */
  const stepToBoundary = () => {
    const tau = boundaryStep(x, p, radius);
    axpy(tau, p, x);
    axpy(-tau, ap, r);
    iterations++;
    onBoundary = true;
    residualNorm = norm2(r);
    phi = quadratic();
    residualNorms.push(residualNorm);
    quadraticValues.push(phi);
    saveIfAsked(iterations);
  };

  let rz = 0;
  let residualReplacements = 0;
  let lastTrueResidual = Infinity;
  /**
   * Called when the recurrence says converged: recomputes r = b − Ax. "accept" when the true
   * residual meets the tolerance; "restart" when it does not (r then holds it, to restart from);
   * "stagnated" when it does not and is no better than half the last replacement's.
   */
  const confirmed = (): "accept" | "restart" | "stagnated" => {
    if (!verifyResidual) return "accept";
    op.matvec(x, ap);
    matvecs++;
    for (let i = 0; i < n; i++) r[i] = rhs[i] - ap[i];
    residualNorm = norm2(r);
    phi = quadratic();
    residualNorms.replaceLast(residualNorm);
    quadraticValues.replaceLast(phi);
    const lastSaved = savedIterates[savedIterates.length - 1];
    if (lastSaved?.iteration === iterations) lastSaved.quadraticValue = phi;
    if (!Number.isFinite(residualNorm) || residualNorm <= tolerance) return "accept";
    if (residualNorm > 0.5 * lastTrueResidual) return "stagnated";
    lastTrueResidual = residualNorm;
    residualReplacements++;
    return "restart";
  };
  /** Ends the run when the recurrence's residual says converged, unless the true one disagrees. */
  const convergedOrRestarted = (): boolean => {
    const verdict = confirmed();
    if (verdict === "accept") {
      status = Number.isFinite(residualNorm) ? "converged" : "non-finite";
      return true;
    }
    if (verdict === "stagnated") {
      status = "stagnated";
      return true;
    }
    return restart();
  };

  /** Restarts CG from the residual in r (p = M⁻¹r); true when the run must stop (status set). */
  const restart = (): boolean => {
    if (precond) {
      precond.matvec(r, z);
      preconditionerApplications++;
    }
    rz = dot(r, z);
    p.set(z);
    if (!Number.isFinite(rz)) status = "non-finite";
    else if (!(rz > 0)) status = precond ? "indefinite-preconditioner" : "converged";
    return status !== undefined;
  };

  if (!Number.isFinite(residualNorm)) {
    status = "non-finite";
  } else if (residualNorm <= tolerance) {
    status = "converged"; // r = b − Ax0 was computed directly: nothing to confirm
  }

  if (status === undefined) restart();

  while (status === undefined) {
    if (iterations >= maxIterations) {
      status = "max-iterations";
      break;
    }
    op.matvec(p, ap);
    matvecs++;
    if (directions) directions.push(p.slice());
    const pAp = dot(p, ap);
    if (!Number.isFinite(pAp)) {
      status = "non-finite";
      break;
    }
    if (pAp <= 0) {
      negativeCurvatureCount++;
      if (direction === undefined) {
        direction = p.slice();
        curvature = pAp;
      }
      if (stopOnNegativeCurvature) {
        if (radius !== Infinity) stepToBoundary();
        status = "negative-curvature";
        break;
      }
    }
    const alpha = rz / pAp;
    if (!Number.isFinite(alpha)) {
      status = "non-finite";
      break;
    }
    if (radius !== Infinity && steppedNorm(x, p, alpha) >= radius) {
      stepToBoundary();
      status = "boundary";
      break;
    }
    axpy(alpha, p, x);
    axpy(-alpha, ap, r);
    iterations++;
    residualNorm = norm2(r);
    phi = quadratic();
    residualNorms.push(residualNorm);
    quadraticValues.push(phi);
    saveIfAsked(iterations);
    if (!Number.isFinite(residualNorm) || !Number.isFinite(phi)) {
      status = "non-finite";
      break;
    }
    if (residualNorm <= tolerance) {
      if (convergedOrRestarted()) break;
      continue;
    }
    if (useProgressRule && martensStops(quadraticValues, iterations, progressTolerance)) {
      status = "relative-progress";
      break;
    }
    if (precond) {
      precond.matvec(r, z);
      preconditionerApplications++;
    }
    const rzNext = dot(r, z);
    if (!Number.isFinite(rzNext)) {
      status = "non-finite";
      break;
    }
    if (!(rzNext > 0)) {
      // Without a preconditioner rᵀr = 0 means the residual underflowed: zero to working
      // precision. With one, rᵀM⁻¹r ≤ 0 for r ≠ 0 means M⁻¹ is not positive definite.
      if (precond && residualNorm > 0) {
        status = "indefinite-preconditioner";
        break;
      }
      if (convergedOrRestarted()) break;
      continue;
    }
    const beta = rzNext / rz;
    rz = rzNext;
    for (let i = 0; i < n; i++) p[i] = z[i] + beta * p[i];
  }

  // Every exit from the loop sets the status (the closures above hide that from the checker).
  let finalStatus = status as CgStatus;
  let finite = true;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(x[i])) {
      finite = false;
      break;
    }
  }
  if (!finite) finalStatus = "non-finite";
  const success = finite &&
    (finalStatus === "converged" || finalStatus === "boundary" ||
      finalStatus === "relative-progress");
  return {
    x,
    success,
    status: finalStatus,
    iterations,
    matvecs,
    preconditionerApplications,
    residualNorm,
    residualReplacements,
    tolerance,
    residualNorms: residualNorms.toArray(),
    quadraticValues: quadraticValues.toArray(),
    quadraticValue: phi,
    direction,
    curvature,
    negativeCurvatureCount,
    onBoundary,
    directions,
    savedIterates,
  };
}

/**
 * Martens' rule: with k = max(10, ⌈0.1·i⌉), stop when i > k, φᵢ < 0 and
 * (φᵢ − φᵢ₋ₖ)/φᵢ < k·ε.
 */
function martensStops(values: History, i: number, epsilon: number): boolean {
  const k = Math.max(10, Math.ceil(0.1 * i));
  if (i <= k) return false;
  const current = values.at(i);
  if (!(current < 0)) return false;
  return (current - values.at(i - k)) / current < k * epsilon;
}

/** ‖x + αp‖ without forming the vector. */
function steppedNorm(x: Float64Array, p: Float64Array, alpha: number): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i] + alpha * p[i];
    s += v * v;
  }
  return Math.sqrt(s);
}

/**
 * The τ ≥ 0 with ‖x + τp‖ = Δ, for ‖x‖ ≤ Δ: the positive root of
 * pᵀp·τ² + 2xᵀp·τ + (xᵀx − Δ²) = 0, computed without cancellation.
 */
export function boundaryStep(x: Float64Array, p: Float64Array, radius: number): number {
  const pp = dot(p, p), xp = dot(x, p), xx = dot(x, x);
  if (pp === 0) return 0;
  const c = Math.min(0, xx - radius * radius); // ≤ 0 inside the ball
  const disc = Math.sqrt(xp * xp - pp * c);
  // Roots: (−xp ± disc)/pp. The positive one, in the form without cancellation.
  return xp <= 0 ? (disc - xp) / pp : -c / (xp + disc);
}

function saveIndices(where: string, value: unknown): number[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    throw new TypeError(
      `Cannot ${where}: options.saveIterates is ${describe(value)}, expected an array of integers`,
    );
  }
  const indices = value.map((v, i) => integerInRange(where, `options.saveIterates[${i}]`, v, 0));
  return [...new Set(indices)].sort((a, b) => a - b);
}
