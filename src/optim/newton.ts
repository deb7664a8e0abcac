/**
 * Newton's method with a line search (note 001): solve K·d = −∇f with K the Hessian (or the
 * Gauss-Newton matrix), then backtrack along d until Armijo's condition
 * f(θ + αd) < f(θ) + ν·∇f(θ)ᵀ(αd) holds, and set θ ← θ + αd.
 *
 * Where K is singular or indefinite the Newton direction may not exist or may point uphill (note
 * 000's run stopped there with "Singular matrix"). By default the method then falls back to
 * damping: it solves (K + λI)·d = −∇f with λ raised tenfold from `initialDamping` until d is a
 * descent direction. With `fallback: "none"` it stops with status "singular" instead, which
 * reproduces the undamped method.
 *
 * Gauss-Newton is the same method with K = G (positive semi-definite), exported as its own
 * preset.
 *
 * Besides the driver's stopping rules, the method stops as converged when the Newton decrement
 * says no step can decrease f at double precision (see ROUNDING and STALLED below; direct solver
 * only, where the equilibrated factorisation certifies that K is nonsingular). A step that lands
 * where ∇f and K both vanish identically, a flat region of f that the driver's gradient test would
 * take for a minimum, ends the run with status "singular".
 *
 * @module
 */

import type { CountedObjective, Optimizer, StepResult } from "./types.ts";
import { OptionReader } from "./options.ts";
import { armijoBacktracking } from "./line_search.ts";
import {
  curvatureAt,
  type CurvatureKind,
  defaultSolver,
  solveNewtonSystem,
  type SystemSolution,
  type SystemSolver,
} from "./newton_system.ts";
import { dot, norm2 } from "../linalg/vector.ts";
import { toDenseData } from "../operator/linear_operator.ts";

/**
 * Converged at full precision: the step stops with `converged` when the Newton decrement
 * λ² = ∇fᵀK⁻¹∇f (twice the decrease the quadratic model predicts for the full step) satisfies
 * λ²/2 ≤ ROUNDING·|f| (Boyd and Vandenberghe's stopping rule, §9.5.1, with the tolerance at f's
 * rounding level). The rule is affine-invariant: unlike ‖∇f‖ ≤ tol it does not depend on the
 * units of the parameters, which is what lets least-squares fits whose parameters differ by
 * orders of magnitude stop at full accuracy. For least squares with K = JᵀJ it reads
 * cos²∠(r, range J) ≤ 4ε, MINPACK's gtol test with gtol = 2√ε ≈ 3e-8.
 *
 * The rule needs a λ² it can trust, so it applies only with the direct solver, where the
 * equilibrated factorisation shows K to be nonsingular (a stationary point with a singular model,
 * such as a fit running off to infinity, is not certified), and only for a positive semi-definite
 * K: Gauss-Newton, or a Hessian whose Cholesky factorisation succeeded.
 */
const ROUNDING = 4 * Number.EPSILON;

/**
 * Converged at f's rounding floor: Armijo backtracking found no decrease at all along the
 * undamped Newton direction, and λ²/2 ≤ STALLED·|f| = √ε·|f| (with λ² trusted as above). This
 * is MINPACK's ftol test at its default tolerance √ε (actual and predicted relative reductions
 * at most ftol). A failed search with a larger predicted decrease means that f and its model
 * disagree, and stays "line-search-failed".
 */
const STALLED = Math.sqrt(Number.EPSILON);

/** Options of Newton's method. */
export interface NewtonOptions {
  /** K: the exact Hessian (default) or the Gauss-Newton matrix. */
  curvature?: CurvatureKind;
  /**
   * `"cg"` (matrix-free) or `"direct"` (forms K densely: n products, then Cholesky/LU). Default
   * CG (for {@linkcode gaussNewton}: direct when n ≤ 100, CG otherwise).
   */
  solver?: SystemSolver;
  /**
   * CG's relative tolerance: a number, or `"forcing"` for the inexact-Newton forcing term
   * η = min(0.5, ‖∇f‖), which spends fewer CG iterations far from the solution and still
   * converges quadratically (Dembo, Eisenstat and Steihaug, 1982). Default 1e-10: an accurate
   * Newton step, so that a quadratic is solved in one iteration.
   */
  cgTolerance?: number | "forcing";
  /** CG's iteration cap. Default 10·n. */
  cgMaxIterations?: number;
  /**
   * `"armijo"` (default) or `"none"` (always the full step α = 1, as note 000's loop did; f may
   * then rise, so the optimiser is marked non-monotone and the driver's valueTolerance test does
   * not apply).
   */
  lineSearch?: "armijo" | "none";
  /** Armijo's ν. Default 1e-4. */
  nu?: number;
  /** Backtracking factor. Default 0.5. */
  shrink?: number;
  /** `"damping"` (default): fall back to K + λI. `"none"`: stop with status "singular". */
  fallback?: "damping" | "none";
  /** The first λ of the fallback. Default 1e-4. */
  initialDamping?: number;
  /** λ's growth factor in the fallback. Default 10. */
  dampingIncrease?: number;
  /** The largest λ tried before the step is given up ("step-rejected"). Default 1e12. */
  maxDamping?: number;
}

/** The option names of Newton's method. */
export const NEWTON_OPTIONS: readonly string[] = [
  "curvature",
  "solver",
  "cgTolerance",
  "cgMaxIterations",
  "lineSearch",
  "nu",
  "shrink",
  "fallback",
  "initialDamping",
  "dampingIncrease",
  "maxDamping",
];

/** The state of Newton's method: the damping the fallback last needed (0 when none). */
export interface NewtonState {
  /** λ of the last fallback, where the next one starts (divided by the growth factor). */
  lastDamping: number;
}

/** Newton's method (or Gauss-Newton, with `curvature: "gauss-newton"`). */
export function newton(
  options: NewtonOptions = {},
  name: "newton" | "gauss-newton" = "newton",
): Optimizer<NewtonState> {
  const read = new OptionReader(name, options);
  const curvature = read.choice(
    "curvature",
    ["hessian", "gauss-newton"] as const,
    name === "newton" ? "hessian" : "gauss-newton",
  );
  // Gauss-Newton defaults to the direct solve for small n, as levenberg-marquardt does.
  const solverOption = options.solver === undefined
    ? undefined
    : read.choice("solver", ["cg", "direct"] as const, "cg");
  const cgTolerance: number | "forcing" = options.cgTolerance === "forcing"
    ? "forcing"
    : read.fraction("cgTolerance", 1e-10);
  const cgMaxIterations = options.cgMaxIterations === undefined
    ? undefined
    : read.integer("cgMaxIterations", 1, 1);
  const lineSearch = read.choice("lineSearch", ["armijo", "none"] as const, "armijo");
  const nu = read.fraction("nu", 1e-4);
  const shrink = read.fraction("shrink", 0.5);
  const fallback = read.choice("fallback", ["damping", "none"] as const, "damping");
  const initialDamping = read.positive("initialDamping", 1e-4);
  const dampingIncrease = read.number("dampingIncrease", 10, { min: 1, exclusiveMin: true });
  const maxDamping = read.positive("maxDamping", 1e12);

  return {
    name,
    needs: [curvature === "hessian" ? "hessian" : "gaussNewton"],
    // The full step α = 1 is taken whatever f does there (pure Newton rises on Rosenbrock).
    monotone: lineSearch === "armijo",
    init: () => ({ lastDamping: 0 }),
    step(x, value, gradient, state, objective): StepResult<NewtonState> {
      const n = x.length;
      const solver = solverOption ?? (name === "gauss-newton" ? defaultSolver(n) : "cg");
      const gNorm = norm2(gradient);
      const K = curvatureAt(objective, x, curvature);
      // The direct solver reads K once per step (n products), however many dampings it tries.
      const dense = solver === "direct" ? toDenseData(K) : undefined;
      const rtol = cgTolerance === "forcing" ? Math.min(0.5, gNorm) : cgTolerance;
      const solveWith = (damping: number): SystemSolution =>
        solveNewtonSystem(K, gradient, {
          damping,
          solver,
          rtol,
          maxIterations: cgMaxIterations ?? 10 * n,
          ...(dense ? { dense } : {}),
        });
      const usable = (s: SystemSolution) => s.ok && dot(gradient, s.direction) < 0;
      const stay = (
        failure: "singular" | "step-rejected" | "line-search-failed",
        note: string,
      ) => ({
        x,
        value,
        gradient,
        state,
        info: { stepLength: 0, failure, note },
      });

      let damping = 0;
      let cgIterations = 0;
      let solution = solveWith(0);
      cgIterations += solution.cgIterations;
      // λ² = ∇fᵀK⁻¹∇f, when it can be trusted (see ROUNDING).
      const decrement = solver === "direct" && solution.ok &&
          (curvature === "gauss-newton" || solution.positiveDefinite)
        ? -dot(gradient, solution.direction)
        : NaN;
      const below = (tolerance: number) =>
        decrement >= 0 && 0.5 * decrement <= tolerance * Math.abs(value);
      const converged = (why: string) => ({
        x,
        value,
        gradient,
        state,
        info: {
          stepLength: 0,
          damping: 0,
          cgIterations,
          converged: true,
          note: `the Newton decrement ∇fᵀK⁻¹∇f/2 = ${(0.5 * decrement).toExponential(3)} ${why}`,
        },
      });
      if (below(ROUNDING)) {
        return converged(
          `is below the rounding error of f = ${value}: no step can decrease f at this precision`,
        );
      }
      const undampedUsable = lineSearch === "none" ? solution.ok : usable(solution);
      if (!undampedUsable) {
        if (fallback === "none") {
          const why = solution.ok
            ? "the Newton direction is not a descent direction (K is indefinite)"
            : `the Newton system is ${
              solution.reason === "singular" ? "singular" : solution.reason
            }`;
          return stay(
            solution.ok ? "line-search-failed" : "singular",
            `${why}; no fallback was allowed`,
          );
        }
        damping = Math.max(initialDamping, state.lastDamping / dampingIncrease);
        for (;;) {
          solution = solveWith(damping);
          cgIterations += solution.cgIterations;
          if (usable(solution)) break;
          damping *= dampingIncrease;
          if (damping > maxDamping) {
            return stay("step-rejected", `no descent direction with damping up to ${maxDamping}`);
          }
        }
      }
      const d = solution.direction;
      const trial = new Float64Array(n);
      let alpha = 1;
      if (lineSearch === "armijo") {
        const search = armijoBacktracking(
          (a) => {
            for (let i = 0; i < n; i++) trial[i] = x[i] + a * d[i];
            return objective.value(trial);
          },
          value,
          dot(gradient, d),
          { nu, shrink },
        );
        if (search.status !== "ok") {
          if (damping === 0 && below(STALLED)) {
            return converged(
              `is at most √ε·|f| (f = ${value}) and backtracking found no decrease: f is at ` +
                `its rounding floor`,
            );
          }
          return stay(
            "line-search-failed",
            `Armijo backtracking found no decrease along d (${search.status})`,
          );
        }
        alpha = search.alpha;
      }
      for (let i = 0; i < n; i++) trial[i] = x[i] + alpha * d[i];
      const next = trial.slice();
      const evaluated = objective.valueAndGradient(next);
      if (evaluated.gradient.every((g) => g === 0) && degenerate(objective, next, curvature)) {
        // ∇f = 0 would end the run as "converged", but with K ≡ 0 too the point is a flat
        // region of f (a model whose derivatives all underflowed, as a Gauss-Newton step far
        // into an exponential's tail finds), not a minimiser the method can certify.
        return {
          x: next,
          value: evaluated.value,
          gradient: evaluated.gradient,
          state: { lastDamping: damping },
          info: {
            stepLength: alpha * norm2(d),
            alpha,
            damping,
            cgIterations,
            failure: "singular",
            note: "the step reached a point where ∇f and K both vanish identically (a flat " +
              "region of f, where its derivatives underflow): a degenerate critical point",
          },
        };
      }
      return {
        x: next,
        value: evaluated.value,
        gradient: evaluated.gradient,
        state: { lastDamping: damping },
        info: {
          stepLength: alpha * norm2(d),
          alpha,
          damping,
          cgIterations,
          ...(damping > 0 ? { note: `fell back to damping λ = ${damping}` } : {}),
        },
      };
    },
  };
}

/** Whether the curvature K at x is identically zero (n products; used only where ∇f = 0). */
function degenerate(objective: CountedObjective, x: Float64Array, kind: CurvatureKind): boolean {
  return toDenseData(curvatureAt(objective, x, kind)).every((v) => v === 0);
}

/** Gauss-Newton: Newton's method with the positive semi-definite Gauss-Newton matrix. */
export interface GaussNewtonOptions extends Omit<NewtonOptions, "curvature" | "solver"> {
  /**
   * `"direct"` (forms G densely: n products, then Cholesky/LU) or `"cg"` (matrix-free).
   * Default: direct when n ≤ 100, CG otherwise, as for levenberg-marquardt.
   */
  solver?: SystemSolver;
}

/** The option names of Gauss-Newton. */
export const GAUSS_NEWTON_OPTIONS: readonly string[] = NEWTON_OPTIONS.filter((o) =>
  o !== "curvature"
);

/** The Gauss-Newton method (a preset of {@linkcode newton}). */
export function gaussNewton(options: GaussNewtonOptions = {}): Optimizer<NewtonState> {
  return newton({ ...options, curvature: "gauss-newton" }, "gauss-newton");
}
