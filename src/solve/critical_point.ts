/**
 * The second-order test at a point: the inertia of the Hessian (how many eigenvalues are
 * positive, negative and zero) and what it says about a critical point.
 *
 * @module
 */

import { finiteNumber, nonNegativeNumber, optionsObject, vectorOfLength } from "../validate.ts";
import { operatorArgument, type OperatorInput, symmetricDenseData } from "./_shared.ts";
import { symmetricEigen } from "./eigh.ts";

/**
 * What the Hessian's inertia says about a critical point:
 * - `"minimum"`: every eigenvalue positive (positive definite): a strict local minimum;
 * - `"maximum"`: every eigenvalue negative: a strict local maximum;
 * - `"saddle"`: eigenvalues of both signs (zeros or not): a saddle point;
 * - `"degenerate"`: some eigenvalues zero and the others of one sign: the second-order test
 *   is inconclusive (higher derivatives decide).
 */
export type CriticalPointKind = "minimum" | "maximum" | "saddle" | "degenerate";

/** Counts of positive, negative and zero eigenvalues (Sylvester's inertia). */
export interface Inertia {
  /** Eigenvalues above the zero threshold. */
  positive: number;
  /** Eigenvalues below minus the zero threshold. */
  negative: number;
  /** Eigenvalues within the zero threshold of 0. */
  zero: number;
}

/** Options of {@linkcode classifyCriticalPoint}. */
export interface ClassifyCriticalPointOptions {
  /**
   * Relative zero tolerance: an eigenvalue λ counts as zero when
   * |λ| ≤ zeroTolerance·max|λᵢ|. Default 10·dim·ε: numpy's matrix_rank rule (dim·ε) is the
   * eigensolver's rounding alone, and a matrix that was itself computed (a Hessian, or
   * Q·Λ·Qᵀ) carries as much again; an exact zero of a 4 × 4 Q·Λ·Qᵀ came out as
   * −1.04·dim·ε·max|λ| and was counted negative under numpy's rule. Raise it for Hessians known
   * only approximately (finite differences: about 1e-6).
   */
  zeroTolerance?: number;
  /**
   * The point is critical when ‖gradient‖₂ ≤ gradientTolerance. Default 1e-6 (absolute).
   */
  gradientTolerance?: number;
}

/** The result of {@linkcode classifyCriticalPoint}. */
export interface CriticalPointResult {
  /**
   * The classification by the Hessian's inertia. It names the critical point only when
   * `critical` is true or undefined; at a non-critical point it describes the curvature of
   * the local quadratic model instead.
   */
  kind: CriticalPointKind;
  /** The inertia. */
  inertia: Inertia;
  /** The Hessian's eigenvalues, ascending. */
  eigenvalues: Float64Array;
  /** The absolute threshold used for "zero": zeroTolerance·max|λᵢ|. */
  zeroThreshold: number;
  /**
   * Whether the point is critical (‖gradient‖ ≤ gradientTolerance), or undefined when no
   * gradient was given (the caller vouches that it is).
   */
  critical: boolean | undefined;
  /** ‖gradient‖₂, or undefined when no gradient was given. */
  gradientNorm: number | undefined;
  /** `"ok"`, or `"non-finite"` when the Hessian or the gradient holds NaN or infinity. */
  status: "ok" | "non-finite";
}

/**
 * Classifies a point by the second-order test on its Hessian A: a strict minimum when A is
 * positive definite, a maximum when negative definite, a saddle when A has eigenvalues of
 * both signs, and degenerate when zero eigenvalues leave the test inconclusive. Given the
 * gradient, it also says whether the point is critical at all. The operator is read densely
 * (dim matvecs) and decomposed by {@linkcode eigh}.
 *
 * @example A saddle and a non-critical point
 * ```ts
 * import { classifyCriticalPoint } from "@secondorder/harness";
 * const saddle = classifyCriticalPoint([[2, 0], [0, -1]], [0, 0]);
 * if (saddle.kind !== "saddle" || !saddle.critical) throw new Error();
 * if (saddle.inertia.positive !== 1 || saddle.inertia.negative !== 1) throw new Error();
 * const sloped = classifyCriticalPoint([[2, 0], [0, 1]], [0.5, 0]);
 * if (sloped.kind !== "minimum" || sloped.critical !== false) throw new Error();
 * ```
 */
export function classifyCriticalPoint(
  A: OperatorInput,
  gradient?: ArrayLike<number>,
  options: ClassifyCriticalPointOptions = {},
): CriticalPointResult {
  const where = "classify the critical point";
  const op = operatorArgument(where, "A", A);
  const n = op.dim;
  const opts = optionsObject(where, options, "options", [
    "zeroTolerance",
    "gradientTolerance",
  ]);
  const zeroTolerance = opts.zeroTolerance === undefined
    ? 10 * n * Number.EPSILON
    : finiteNumber(where, "options.zeroTolerance", opts.zeroTolerance, { min: 0, max: 1 });
  const gradientTolerance = opts.gradientTolerance === undefined
    ? 1e-6
    : nonNegativeNumber(where, "options.gradientTolerance", opts.gradientTolerance);
  let gradientNorm: number | undefined;
  let critical: boolean | undefined;
  let finiteGradient = true;
  if (gradient !== undefined) {
    const g = vectorOfLength(where, "gradient", gradient, n, " (the operator's dim)");
    let s = 0;
    for (let i = 0; i < n; i++) s += g[i] * g[i];
    gradientNorm = Math.sqrt(s);
    finiteGradient = Number.isFinite(gradientNorm);
    critical = finiteGradient && gradientNorm <= gradientTolerance;
  }
  const data = symmetricDenseData(where, "A", op);
  const { values, status } = symmetricEigen(n, data);
  if (status !== "ok" || !finiteGradient) {
    return {
      kind: "degenerate",
      inertia: { positive: 0, negative: 0, zero: 0 },
      eigenvalues: values,
      zeroThreshold: NaN,
      critical: gradient === undefined ? undefined : false,
      gradientNorm,
      status: "non-finite",
    };
  }
  let scale = 0;
  for (const v of values) scale = Math.max(scale, Math.abs(v));
  const zeroThreshold = zeroTolerance * scale;
  const inertia: Inertia = { positive: 0, negative: 0, zero: 0 };
  for (const v of values) {
    if (v > zeroThreshold) inertia.positive++;
    else if (v < -zeroThreshold) inertia.negative++;
    else inertia.zero++;
  }
  const kind: CriticalPointKind = inertia.positive > 0 && inertia.negative > 0
    ? "saddle"
    : inertia.zero > 0
    ? "degenerate"
    : inertia.positive > 0
    ? "minimum"
    : "maximum";
  return {
    kind,
    inertia,
    eigenvalues: values,
    zeroThreshold,
    critical,
    gradientNorm,
    status: "ok",
  };
}
