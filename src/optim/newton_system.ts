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

/**
 * The largest n for which the Gauss-Newton methods (gauss-newton, levenberg-marquardt) solve
 * directly by default: forming K densely takes n products and the factorisation n³/3 flops,
 * which up to n = 100 costs little more than the CG iterations it replaces, and is exact.
 */
export const DIRECT_SOLVER_MAX_DIM = 100;

/** The default solver of the Gauss-Newton methods: direct when n ≤ 100, CG otherwise. */
export function defaultSolver(n: number): SystemSolver {
  return n <= DIRECT_SOLVER_MAX_DIM ? "direct" : "cg";
}

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
  /**
   * True when d solves the system to working accuracy: a direct solve that succeeded, or CG
   * that met its tolerance (false for a CG solve truncated by its iteration cap).
   */
  accurate: boolean;
  /** True when a Cholesky factorisation of K + λI succeeded (so it is positive definite). */
  positiveDefinite: boolean;
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
  /** K already read densely (row-major), for the direct solver; read from K when absent. */
  dense?: Float64Array;
}

/** The outcome of {@linkcode solveDenseSystem}. */
export interface DenseSolution {
  /** The solution (NaN entries when not ok). */
  x: Float64Array;
  /** True when the factorisation succeeded and the matrix is not singular to working precision. */
  ok: boolean;
  /** Why not, when not ok: "singular" or "non-finite". */
  reason?: "singular" | "non-finite";
  /** True when Cholesky succeeded (the matrix is positive definite). */
  positiveDefinite: boolean;
}

/**
 * Solves (K + λ·diag(s))·x = rhs for a dense symmetric K (row-major n × n, not modified), with
 * s = 1 when `scale` is absent. The matrix A is first equilibrated symmetrically,
 * Ã = E·A·E with E = diag(1/√|Aᵢᵢ|) (LAPACK's xPOEQU; a zero Aᵢᵢ keeps Eᵢᵢ = 1), then
 * factored by Cholesky (LU when Ã is not positive definite). Equilibration leaves the solution
 * unchanged in exact arithmetic, but a problem whose parameters differ in scale by orders of
 * magnitude (NIST's MGH10: 0.0056 and 6181) would otherwise look singular to the condition
 * estimate, κ(A) being up to κ(Ã)·max Aᵢᵢ/min Aᵢᵢ.
 */
export function solveDenseSystem(
  n: number,
  data: Float64Array,
  rhs: Float64Array,
  damping = 0,
  scale?: Float64Array,
): DenseSolution {
  const equilibrate = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const diagonal = data[i * n + i] + damping * (scale ? scale[i] : 1);
    const size = Math.abs(diagonal);
    equilibrate[i] = size > 0 && Number.isFinite(size) ? 1 / Math.sqrt(size) : 1;
  }
  // Ã from the lower triangle, mirrored, so that it is exactly symmetric (Cholesky is tried).
  const rows: number[][] = Array.from({ length: n }, () => new Array<number>(n));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const entry = data[i * n + j] + (i === j ? damping * (scale ? scale[i] : 1) : 0);
      const scaled = equilibrate[i] * entry * equilibrate[j];
      if (!Number.isFinite(scaled)) {
        return {
          x: new Float64Array(n).fill(NaN),
          ok: false,
          reason: "non-finite",
          positiveDefinite: false,
        };
      }
      rows[i][j] = rows[j][i] = scaled;
    }
  }
  const scaledRhs = new Float64Array(n);
  for (let i = 0; i < n; i++) scaledRhs[i] = equilibrate[i] * rhs[i];
  if (!scaledRhs.every(Number.isFinite)) {
    return {
      x: new Float64Array(n).fill(NaN),
      ok: false,
      reason: "non-finite",
      positiveDefinite: false,
    };
  }
  const solved = directSolve(rows, scaledRhs);
  const x = solved.x;
  for (let i = 0; i < n; i++) x[i] *= equilibrate[i];
  if (!solved.success || !x.every(Number.isFinite)) {
    return {
      x: x.fill(NaN),
      ok: false,
      reason: solved.status === "non-finite" ? "non-finite" : "singular",
      positiveDefinite: false,
    };
  }
  return { x, ok: true, positiveDefinite: solved.method === "cholesky" };
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
    const data = options.dense ?? toDenseData(K);
    const solved = solveDenseSystem(n, data, rhs, options.damping);
    if (!solved.ok) {
      return {
        direction: solved.x,
        ok: false,
        reason: solved.reason,
        cgIterations: 0,
        curvature: NaN,
        accurate: false,
        positiveDefinite: false,
      };
    }
    let curvature = 0;
    for (let i = 0; i < n; i++) {
      let s = options.damping * solved.x[i];
      for (let j = 0; j < n; j++) s += data[i * n + j] * solved.x[j];
      curvature += solved.x[i] * s;
    }
    return {
      direction: solved.x,
      ok: true,
      cgIterations: 0,
      curvature,
      accurate: true,
      positiveDefinite: solved.positiveDefinite,
    };
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
      accurate: false,
      positiveDefinite: false,
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
    accurate: result.status === "converged",
    positiveDefinite: false,
  };
}
