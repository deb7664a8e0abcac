/**
 * Note 002's experiments as fixed cases: a 3-5-1 network (sigmoid hidden layer, identity
 * output, mean squared error) on 10 standard normal samples at PyTorch's default
 * initialisation, seed 9 (a draw where textbook CG fails as in the note). CG on the exact
 * Hessian, on G and on a damped Hessian against the direct solve (C15); the quadratic
 * subproblem as written (C16); the Neumann run with scale 4.5 and ten updates (C17).
 */

import { ok, strictEqual } from "node:assert/strict";
import { cg, damp, directSolve, eigh, neumann, norm2 } from "@secondorder/harness";
import {
  note002CgDraw,
  note002Problem,
  pseudoInverseSolve,
} from "../../src/experiments/c15_cg_positive_definite.ts";
import {
  compareSubproblem,
  noteQuadratic,
} from "../../src/experiments/c16_quadratic_subproblem.ts";
import { neumannRadius } from "../../src/experiments/c17_neumann_series.ts";
import { check } from "../_helpers/assert.ts";

const SEED = 9;
const problem = note002Problem(SEED);
const { values: eigenvalues, vectors: eigenvectors } = eigh(problem.hessian);

function cosineOf(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return ab / Math.sqrt(aa * bb);
}

function relative(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0, s = 0;
  for (let i = 0; i < a.length; i++) {
    d += (a[i] - b[i]) ** 2;
    s += b[i] ** 2;
  }
  return Math.sqrt(d / s);
}

Deno.test("note 002 (C15): the 3-5-1 network's Hessian is indefinite and ill-conditioned", () => {
  strictEqual(problem.network.dim, 26);
  const negatives = eigenvalues.filter((v) => v < 0).length;
  const abs = Array.from(eigenvalues, Math.abs);
  const kappa = Math.max(...abs) / Math.min(...abs);
  // Measured at seed 9: 13 negative eigenvalues, λ ∈ [−0.236, 4.26] (the note saw λ_max =
  // 4.32), κ = 1.4e5.
  strictEqual(negatives, 13);
  check(eigenvalues[25] > 4 && eigenvalues[25] < 5, () => `λ_max = ${eigenvalues[25]}`);
  check(kappa > 1e5, () => `κ = ${kappa}`);
});

Deno.test("note 002 (C15): textbook CG on H, 40 iterations from x₀ = g, misses H⁻¹g", () => {
  const draw = note002CgDraw(problem);
  // Measured: relative error 0.548, cosine 0.844 (the note: 0.69 and 0.74). Both far from an
  // accurate solve; pᵀHp ≤ 0 was met on many of the 40 steps.
  check(draw.noteCg.relativeError > 0.3, () => `relative error ${draw.noteCg.relativeError}`);
  check(draw.noteCg.cosine < 0.95, () => `cosine ${draw.noteCg.cosine}`);
  ok(draw.noteCg.negativeCurvatureSteps > 0);
});

Deno.test("note 002 (C15): safeguarded cg() stops at negative curvature, pᵀHp ≤ 0", () => {
  const result = cg(problem.hessian, problem.gradient, { rtol: 1e-10 });
  strictEqual(result.status, "negative-curvature");
  const p = result.direction!;
  const hp = problem.hessian.matvec(p);
  let php = 0;
  for (let i = 0; i < 26; i++) php += p[i] * hp[i];
  ok(php <= 0 && result.curvature! <= 0);
  // Its Rayleigh quotient lies in the spectrum, between λ_min and 0.
  const rayleigh = php / norm2(p) ** 2;
  check(rayleigh >= eigenvalues[0] - 1e-12 && rayleigh <= 0, () => `${rayleigh}`);
});

/**
 * CG ran to rtol 1e-10 on systems with κ ≤ 1e3 (H + λI) or on G's range: error at most
 * κ·1e-10 ≈ 1e-7 relative; 1e-6 allows for the direct solve's own ε·κ.
 */
const AGREES = 1e-6;

Deno.test("note 002 (C15): CG on H + λI and on G agrees with the direct solve", () => {
  const lambda = 2 * Math.abs(eigenvalues[0]);
  const Hd = damp(problem.hessian, lambda);
  const onDamped = cg(Hd, problem.gradient, { maxIterations: 40, rtol: 1e-10 });
  strictEqual(onDamped.status, "converged");
  const direct = directSolve(Hd, problem.gradient);
  check(relative(onDamped.x, direct.x) < AGREES, () => `damped ${relative(onDamped.x, direct.x)}`);
  // G has rank 10 (10 samples × 1 output) < 26: G⁻¹g does not exist, the direct solve says so,
  // and CG from 0 converges to the minimum-norm solution G⁺g (g lies in G's range).
  strictEqual(directSolve(problem.gaussNewton, problem.gradient).status, "singular");
  const gEig = eigh(problem.gaussNewton);
  const pinv = pseudoInverseSolve(gEig.values, gEig.vectors, problem.gradient);
  strictEqual(pinv.rank, 10);
  const onG = cg(problem.gaussNewton, problem.gradient, { maxIterations: 40, rtol: 1e-10 });
  strictEqual(onG.status, "converged");
  check(relative(onG.x, pinv.x) < AGREES, () => `G ${relative(onG.x, pinv.x)}`);
});

Deno.test("note 002 (C16): argmin aᵀHa + ∇fᵀa is −½H⁻¹∇f, not H⁻¹∇f (as written)", () => {
  const g = problem.gradient;
  // With the note's own (indefinite) H the quadratic has no minimum: along the eigenvector of
  // λ_min, oriented downhill, q(t·v) = t²λ_min + t·gᵀv falls without bound.
  const v = eigenvectors[0].slice();
  if (v.reduce((s, x, i) => s + x * g[i], 0) > 0) v.forEach((x, i) => (v[i] = -x));
  const q = [1, 10, 100, 1000].map((t) => noteQuadratic(problem.hessian, g, v.map((x) => t * x)));
  for (let i = 1; i < q.length; i++) ok(q[i] < q[i - 1], `q rose at step ${i}`);
  check(q[3] < 1e5 * eigenvalues[0], () => `q(1000v) = ${q[3]}`);
  // With a positive definite H + λI the minimiser exists and is −½(H + λI)⁻¹∇f.
  const c = compareSubproblem(damp(problem.hessian, 2 * Math.abs(eigenvalues[0])), g);
  check(c.cosine < -1 + 1e-12, () => `cosine ${c.cosine}`);
  check(Math.abs(c.lengthRatio - 0.5) < 1e-9, () => `length ratio ${c.lengthRatio}`);
  check(c.errorAgainstMinusHalf < 1e-8, () => `distance to −½H⁻¹g ${c.errorAgainstMinusHalf}`);
  check(Math.abs(c.relativeError - 1.5) < 1e-8, () => `distance to H⁻¹g ${c.relativeError}`);
  check(c.correctedRelativeError < 1e-8, () => `corrected ${c.correctedRelativeError}`);
  ok(c.valueAtMinimiser < c.valueAtNewtonSolution);
});

Deno.test("note 002 (C17): the Neumann run (s = 4.5, 11 terms) fails because ρ(I − H/s) > 1", () => {
  const g = problem.gradient;
  const exact = directSolve(problem.hessian, g).x;
  const rho = neumannRadius(eigenvalues, 4.5);
  // ρ = 1 + |λ_min|/4.5 from the negative eigenvalues.
  check(Math.abs(rho - (1 - eigenvalues[0] / 4.5)) < 1e-12 && rho > 1, () => `ρ = ${rho}`);
  // The note's run sums all eleven terms regardless.
  const run = neumann(problem.hessian, g, {
    scale: 4.5,
    terms: 11,
    rtol: 0,
    divergence: "continue",
  });
  strictEqual(run.terms, 11);
  ok(!run.success);
  const cosine = cosineOf(run.x, exact);
  // Measured: cosine −0.118 (the note: 0.0067).
  check(Math.abs(cosine) < 0.3, () => `cosine ${cosine}`);
  // With the safeguard the run stops where the residual first grows (measured: term 4).
  const guarded = neumann(problem.hessian, g, { scale: 4.5, terms: 11, rtol: 0 });
  strictEqual(guarded.status, "diverged");
  ok(guarded.terms < 11);
  // No scale works on an indefinite H: ρ(I − H/s) > 1 for every s > 0.
  for (let e = -3; e <= 4; e += 0.05) ok(neumannRadius(eigenvalues, 10 ** e) > 1);
  // Given many terms the series diverges and says so.
  strictEqual(neumann(problem.hessian, g, { scale: 4.5, terms: 100000 }).status, "diverged");
});

Deno.test("note 002 (C17): H + λI with the automatic scale converges in about ln(rtol)/ln ρ terms", () => {
  const g = problem.gradient;
  const lambda = 2 * Math.abs(eigenvalues[0]);
  const Hd = damp(problem.hessian, lambda);
  const result = neumann(Hd, g, { rtol: 1e-6, terms: 50000 });
  strictEqual(result.status, "converged");
  const rho = neumannRadius(eigenvalues.map((v) => v + lambda), result.scale);
  ok(rho < 1);
  // ‖rₖ‖ ≤ ρᵏ‖g‖, so at most ⌈ln(1e-6)/ln ρ⌉ terms are needed (measured: 217).
  const predicted = Math.ceil(Math.log(1e-6) / Math.log(rho));
  check(result.terms <= predicted, () => `${result.terms} terms > predicted ${predicted}`);
  check(
    relative(result.x, directSolve(Hd, g).x) < 1e-6 / directSolve(Hd, g).reciprocalCondition,
    () => "inaccurate",
  );
});
