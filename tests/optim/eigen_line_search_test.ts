/**
 * The eigenvector line search (`eigenLineSearch`, method "eigen-line-search"): one sweep of exact
 * line searches along the Hessian's eigenvectors solves a quadratic; on a non-quadratic the exact
 * step α = −∇fᵀq/λ can overshoot, and the method must then backtrack rather than stall; and a
 * sweep that moves nowhere is reported for what it is, never as convergence.
 */

import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import {
  type DenseOperator,
  matrixWithSpectrum,
  minimize,
  type Objective,
  quadraticObjective,
  rosenbrock,
} from "@secondorder/harness";
import { check } from "../_helpers/assert.ts";
import { countedObjective, newCounter } from "../../src/optim/counting.ts";
import { eigenLineSearch } from "../../src/optim/eigen_line_search.ts";

function distance(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += (x[i] - y[i]) ** 2;
  return Math.sqrt(s);
}

/**
 * Near (1, 1) Rosenbrock's Hessian has smallest eigenvalue μ = 0.3994, so ‖x − x*‖ ≤ ‖∇f‖/μ to
 * first order; 2× covers the curvature's variation near the minimiser (as in the conformance
 * table).
 */
const ROSENBROCK_MU = 0.3994;

Deno.test("eigenLineSearch() with the default exact search reaches Rosenbrock's minimiser from standard starts", () => {
  // From (−1.2, 1) the exact step along the soft eigenvector overshoots the curved valley (at
  // (−0.243, 0.064) it predicts α = 64 with f rising by 1e9); the method must backtrack there,
  // not stop with ‖∇f‖ = 2.2 and call that convergence.
  const starts = [[-1.2, 1], [2, 2], [-1.5, 2.5], [0, 0]];
  const tolerance = 1e-8;
  for (const start of starts) {
    const run = minimize(rosenbrock(2), start, {
      method: "eigen-line-search",
      gradientTolerance: tolerance,
      maxIterations: 200,
    });
    const label = `from (${start}): ${run.message}, x = (${run.x})`;
    ok(run.success, label);
    check(run.gradientNorm <= tolerance, () => label);
    const bound = 2 * tolerance / ROSENBROCK_MU;
    check(distance(run.x, [1, 1]) <= bound, () => `${label}: ‖x − x*‖ > ${bound}`);
  }
});

Deno.test("eigenLineSearch() never increases f: every step on Rosenbrock decreases it or ends the run", () => {
  for (const dim of [2, 5, 10]) {
    const x0 = Array.from({ length: dim }, (_, i) => (i % 2 === 0 ? -1.2 : 1));
    const run = minimize(rosenbrock(dim), x0, {
      method: "eigen-line-search",
      maxIterations: 500,
      valueTolerance: Number.MIN_VALUE,
    });
    // From these starts the 5- and 10-dimensional runs end in the local minimum near
    // (−1, 1, ..., 1) (f ≈ 3.93 and 3.99), which is a minimum all the same.
    ok(run.success, `dim ${dim}: ${run.message}`);
    for (let k = 1; k < run.trace.length; k++) {
      const { value, stepLength } = run.trace[k];
      const before = run.trace[k - 1].value;
      // A step either moves and decreases f, or (the last one, at f's rounding floor) stays.
      const last = k === run.trace.length - 1;
      check(
        stepLength > 0 ? value < before : last && value === before,
        () => `dim ${dim}, iteration ${k}: f ${before} → ${value}, step ${stepLength}`,
      );
    }
  }
});

/**
 * An objective whose gradient points the wrong way: f = ½‖x‖² but the reported ∇f is −x (and
 * ∇²f = I). Every line search along −sign(∇fᵀq)·q goes uphill, so no step is acceptable.
 */
function misreportedGradient(n: number): Objective {
  const identity: DenseOperator = quadraticObjective(
    Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))),
  ).hessian(new Float64Array(n));
  return {
    dim: n,
    value: (x) => 0.5 * x.reduce((s, v) => s + v * v, 0),
    gradient: (x, out) => {
      const g = out ?? new Float64Array(n);
      for (let i = 0; i < n; i++) g[i] = -x[i];
      return g;
    },
    hessian: () => identity,
  };
}

Deno.test("eigenLineSearch(): a sweep that moves nowhere ends as line-search-failed, not converged", () => {
  for (const lineSearch of ["exact", "armijo"] as const) {
    const x0 = [3, -4];
    const run = minimize(misreportedGradient(2), x0, { method: "eigen-line-search", lineSearch });
    const label = `${lineSearch}: ${run.message}`;
    strictEqual(run.status, "line-search-failed", label);
    ok(!run.success, label);
    strictEqual(run.iterations, 1, label);
    deepStrictEqual(Array.from(run.x), x0, label);
    strictEqual(run.trace[1].stepLength, 0, label);
  }
});

Deno.test("eigenLineSearch(): one step reports no movement, and no convergence, when nothing decreases f", () => {
  const objective = countedObjective(misreportedGradient(3), newCounter());
  const x = new Float64Array([1, 2, 3]);
  const { value, gradient } = objective.valueAndGradient(x);
  const method = eigenLineSearch();
  const step = method.step(
    x,
    value,
    gradient,
    method.init(x, value, gradient, objective),
    objective,
  );
  strictEqual(step.info.failure, "line-search-failed");
  ok(!step.info.converged);
  strictEqual(step.info.stepLength, 0);
  strictEqual(step.value, value);
  deepStrictEqual(Array.from(step.x), [1, 2, 3]);
});

Deno.test("eigenLineSearch(): at f's rounding floor on a quadratic the run ends converged at x*", () => {
  // An unreachable gradient tolerance (the smallest double): after the first sweep reaches x* to
  // rounding, no later sweep can decrease f, and ∇fᵀH⁻¹∇f/2 is below √ε·|f|: that is convergence
  // at this precision (as Newton's method reports it), not a failed search.
  const eigenvalues = [1e-2, 0.3, 1, 5, 40];
  const { matrix } = matrixWithSpectrum(eigenvalues, { seed: 4 });
  const xStar = [1, -2, 0.5, 3, -1];
  const b = matrix.map((row) => -row.reduce((s, a, j) => s + a * xStar[j], 0));
  const f = quadraticObjective(matrix, { b, c: 7 });
  const run = minimize(f, [0, 0, 0, 0, 0], {
    method: "eigen-line-search",
    gradientTolerance: Number.MIN_VALUE,
    valueTolerance: Number.MIN_VALUE,
    maxIterations: 50,
  });
  strictEqual(run.status, "converged", run.message);
  ok(run.iterations < 50, run.message);
  // ‖x − x*‖ ≤ ‖∇f‖/λmin, with ‖∇f‖ at the rounding of Ax + b: a few ε·‖A‖·‖x‖ (‖A‖ = 40,
  // ‖x‖ ≈ 4): 1e-13/1e-2 = 1e-11 leaves a margin of about 50× over 4ε·160.
  check(distance(run.x, xStar) <= 1e-11, () => `‖x − x*‖ = ${distance(run.x, xStar)}`);
});
