/**
 * The linear system every Newton-type method solves, (K + λI)·d = −∇f with K the Hessian or the
 * Gauss-Newton matrix: matrix-free by CG, or densely by Cholesky/LU. Shared by Newton,
 * Gauss-Newton and Levenberg-Marquardt so that they differ only in how they use the answer.
 *
 * @module
 */

import type { LinearOperator } from "../operator/linear_operator.ts";
import { damp } from "../operator/algebra.ts";
import { toDenseData } from "../operator/linear_operator.ts";
import { cg } from "../solve/cg.ts";
import { directSolve } from "../solve/direct_solve.ts";
import type { CountedObjective } from "./types.ts";

/** Which curvature matrix: the exact Hessian or the Gauss-Newton matrix. */
export type CurvatureKind = "hessian" | "gauss-newton";

/** How to solve the system. */
export type SystemSolver = "cg" | "direct";

/** The curvature operator of `objective` at x. */
export function curvatureAt(
  objective: CountedObjective,
  x: Float64Array,
  kind: CurvatureKind,
): LinearOperator {
  const build = kind === "hessian" ? objective.hessian : objective.gaussNewton;
  if (!build) {
    throw new TypeError(
      `the objective provides no ${kind === "hessian" ? "hessian" : "gaussNewton"}`,
    );
  }
  return build.call(objective, x);
}

/** The outcome of a Newton-system solve. */
export interface SystemSolution {
  /** The direction d (meaningful when `ok`). */
  direction: Float64Array;
  /** True when the solve produced a usable finite direction. */
  ok: boolean;
  /** Why not, when not ok: "singular", "negative-curvature", "non-finite", "max-iterations". */
  reason?: string;
  /** CG iterations spent (0 for a direct solve). */
  cgIterations: number;
  /** dᵀ(K + λI)d, the model's curvature along d (NaN when not computed). */
  curvature: number;
}

/** Options of {@linkcode solveNewtonSystem}. */
export interface SystemOptions {
  /** Damping λ ≥ 0 added to the diagonal. */
  damping: number;
  /** The solver. */
  solver: SystemSolver;
  /** CG's relative tolerance. */
  rtol: number;
  /** CG's iteration cap. */
  maxIterations: number;
  /** CG's starting point (warm start). */
  x0?: Float64Array;
}

/**
 * Solves (K + λI)·d = −g. With CG, negative curvature (the damped K is not positive definite)
 * ends the solve with reason "negative-curvature"; the direct solve reports "singular". A dense
 * K costs n products to form.
 */
export function solveNewtonSystem(
  K: LinearOperator,
  gradient: Float64Array,
  options: SystemOptions,
): SystemSolution {
  const n = gradient.length;
  const rhs = gradient.map((g) => -g);
  if (options.solver === "direct") {
    const data = toDenseData(K);
    for (let i = 0; i < n; i++) data[i * n + i] += options.damping;
    for (const v of data) {
      if (!Number.isFinite(v)) {
        return { direction: rhs, ok: false, reason: "non-finite", cgIterations: 0, curvature: NaN };
      }
    }
    const rows = Array.from({ length: n }, (_, i) => Array.from(data.subarray(i * n, (i + 1) * n)));
    const solved = directSolve(rows, rhs);
    if (!solved.success) {
      return {
        direction: solved.x,
        ok: false,
        reason: solved.status,
        cgIterations: 0,
        curvature: NaN,
      };
    }
    let curvature = 0;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += data[i * n + j] * solved.x[j];
      curvature += solved.x[i] * s;
    }
    return { direction: solved.x, ok: true, cgIterations: 0, curvature };
  }
  const A = options.damping > 0 ? damp(K, options.damping) : K;
  const result = cg(A, rhs, {
    rtol: options.rtol,
    maxIterations: options.maxIterations,
    ...(options.x0 ? { x0: options.x0 } : {}),
  });
  if (result.status === "negative-curvature" || result.status === "non-finite") {
    return {
      direction: result.x,
      ok: false,
      reason: result.status,
      cgIterations: result.iterations,
      curvature: NaN,
    };
  }
  // max-iterations still leaves a usable (truncated) direction.
  // φ(d) = ½dᵀAd − rhsᵀd, so dᵀAd = 2φ + 2·rhsᵀd.
  let rhsDotD = 0;
  for (let i = 0; i < n; i++) rhsDotD += rhs[i] * result.x[i];
  return {
    direction: result.x,
    ok: true,
    cgIterations: result.iterations,
    curvature: 2 * result.quadraticValue + 2 * rhsDotD,
  };
}
