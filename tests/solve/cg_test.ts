/**
 * Tests of conjugate gradient against the exact solution (known eigendecomposition) and the
 * dense direct solve, on SPD systems with a controlled condition number κ, and of what it
 * reports on indefinite matrices, at a trust-region radius, under Martens' rule and on bad
 * input.
 */

import fc from "fast-check";
import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import {
  cg,
  damp,
  denseOperator,
  diagonal,
  directSolve,
  linearOperator,
  matrixWithSpectrum,
} from "@secondorder/harness";
import { assertClose, assertThrowsWith, check } from "../_helpers/assert.ts";
import { assertProperty } from "../_helpers/property.ts";
import {
  bilinear,
  inertiaCase,
  multiply,
  solveBySpectrum,
  spdCase,
  type SpectrumCase,
} from "../_helpers/matrices.ts";

const EPS = Number.EPSILON;

/**
 * At rtol ρ, the error of x is at most κ·ρ relative (‖x − x*‖ ≤ ‖A⁻¹‖·‖r‖), plus the gap
 * between the recursive and the true residual, of order n·ε·κ (measured worst 8e-12·κ at
 * ρ = 1e-10 over 300 cases). The direct solve errs by about ε·κ. The bound used is
 * κ·(ρ + 1e-10), which the measured worst case meets with a 10× margin.
 */
function solutionTolerance(c: SpectrumCase, rtol: number): number {
  return c.kappa * (rtol + 1e-10);
}

function relativeDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0, s = 0;
  for (let i = 0; i < a.length; i++) {
    d += (a[i] - b[i]) ** 2;
    s += b[i] ** 2;
  }
  return Math.sqrt(d / s);
}

function aNorm(c: SpectrumCase, v: ArrayLike<number>): number {
  return Math.sqrt(Math.max(0, bilinear(c.matrix, v, v)));
}

Deno.test("cg() matches directSolve() on SPD systems with κ ≤ 1e4", () => {
  const rtol = 1e-10;
  assertProperty(
    fc.property(spdCase(), (c) => {
      const result = cg(c.operator, c.b, { rtol });
      strictEqual(result.status, "converged", `${result.status} after ${result.iterations}`);
      ok(result.success);
      const direct = directSolve(c.operator, c.b);
      strictEqual(direct.status, "solved");
      const exact = solveBySpectrum(c);
      const tolerance = solutionTolerance(c, rtol);
      const errorCg = relativeDifference(result.x, exact);
      const errorDirect = relativeDifference(direct.x, exact);
      check(errorCg <= tolerance, () => `cg error ${errorCg} > ${tolerance}`);
      check(errorDirect <= tolerance, () => `direct error ${errorDirect} > ${tolerance}`);
      check(
        result.residualNorm <= result.tolerance,
        () => `residual ${result.residualNorm} above ${result.tolerance}`,
      );
    }),
    60,
  );
});

/**
 * The A-norm error bound ‖eₖ‖_A ≤ 2((√κ−1)/(√κ+1))^k‖e₀‖_A is an exact-arithmetic
 * statement; in floating point the error stalls at the attainable accuracy. The floor added
 * is 10·n·ε·√κ·‖x*‖_A (measured worst excess 1.3·n·ε·√κ·‖x*‖_A over 1,000 cases, every
 * iteration up to 3n + 60).
 */
Deno.test("cg() A-norm error respects 2((√κ−1)/(√κ+1))^k·‖e₀‖_A", () => {
  assertProperty(
    fc.property(spdCase(), (c) => {
      const steps = 2 * c.n + 20;
      const result = cg(c.operator, c.b, {
        rtol: 0,
        maxIterations: steps,
        saveIterates: Array.from({ length: steps + 1 }, (_, i) => i),
      });
      const exact = solveBySpectrum(c);
      const error = (x: ArrayLike<number>) => aNorm(c, exact.map((v, i) => x[i] - v));
      const e0 = error(result.savedIterates[0].x);
      const q = (Math.sqrt(c.kappa) - 1) / (Math.sqrt(c.kappa) + 1);
      const floor = 10 * c.n * EPS * Math.sqrt(c.kappa) * aNorm(c, exact);
      for (const saved of result.savedIterates) {
        const bound = 2 * q ** saved.iteration * e0 + floor;
        const e = error(saved.x);
        check(e <= bound, () => `iteration ${saved.iteration}: ‖e‖_A = ${e} > bound ${bound}`);
      }
    }),
    40,
  );
});

/**
 * Local conjugacy in floating point: the β recurrence makes pᵢ₊₁ conjugate to pᵢ up to the
 * rounding error of the recursively updated residual, which relative to ‖rᵢ₊₁‖ is about
 * n·ε·κ·‖r₀‖/‖rᵢ₊₁‖. Tolerance: 20 times that (measured worst 5.3 times over 6,000 cases).
 * A wrong coefficient breaks conjugacy at O(1) from the first steps, where the tolerance is
 * about 1e-12.
 */
Deno.test("cg() consecutive directions are conjugate to rounding: pᵢ₊₁ᵀApᵢ ≈ 0", () => {
  assertProperty(
    fc.property(spdCase(), (c) => {
      const result = cg(c.operator, c.b, { rtol: 1e-10, recordDirections: true });
      const p = result.directions!;
      for (let i = 1; i < p.length; i++) {
        const cosine = Math.abs(bilinear(c.matrix, p[i], p[i - 1])) /
          (aNorm(c, p[i]) * aNorm(c, p[i - 1]));
        const unit = c.n * EPS * c.kappa * result.residualNorms[0] / result.residualNorms[i];
        check(cosine <= 20 * unit, () => `p${i}ᵀAp${i - 1} cosine ${cosine} > ${20 * unit}`);
      }
    }),
    60,
  );
});

/**
 * Mutual conjugacy of all pairs, pᵢᵀApⱼ ≈ 0 for i ≠ j, is exact only in exact arithmetic.
 * In floating point it holds to the same rounding level as above while the iteration has
 * not yet converged anything: here, for κ ≤ 10 and pairs whose later direction was built
 * while ‖rᵢ‖ ≥ ‖r₀‖/10 (measured worst 2.5e-15 against a tolerance ≥ 9e-15).
 */
Deno.test("cg() directions are mutually conjugate: pᵢᵀApⱼ ≈ 0 before convergence sets in", () => {
  assertProperty(
    fc.property(spdCase({ log10Kappa: [0, 1] }), (c) => {
      const result = cg(c.operator, c.b, { rtol: 1e-10, recordDirections: true });
      const p = result.directions!;
      for (let i = 1; i < p.length; i++) {
        if (result.residualNorms[i] < result.residualNorms[0] / 10) break;
        for (let j = 0; j < i; j++) {
          const cosine = Math.abs(bilinear(c.matrix, p[i], p[j])) /
            (aNorm(c, p[i]) * aNorm(c, p[j]));
          const unit = c.n * EPS * c.kappa * result.residualNorms[0] / result.residualNorms[i];
          check(cosine <= 20 * unit, () => `p${i}ᵀAp${j} cosine ${cosine} > ${20 * unit}`);
        }
      }
    }),
    60,
  );
});

Deno.test("cg() loses global conjugacy in floating point once a Ritz value converges (Paige)", () => {
  // One isolated eigenvalue 1e4 above a bulk in [1, 10]: CG resolves the outlier within a few
  // steps, after which new directions are no longer conjugate to the early ones. The
  // solution still converges: the loss delays CG, it does not break it.
  const n = 30;
  const eigenvalues = Array.from(
    { length: n },
    (_, i) => (i === n - 1 ? 1e4 : 1 + (9 * i) / (n - 2)),
  );
  const { matrix } = matrixWithSpectrum(eigenvalues, { seed: 5 });
  const A = denseOperator(matrix, { structure: "spd" });
  const b = new Float64Array(n).fill(1);
  const result = cg(A, b, { rtol: 1e-10, recordDirections: true });
  strictEqual(result.status, "converged");
  const p = result.directions!;
  const an = p.map((v) => Math.sqrt(bilinear(matrix, v, v)));
  let worstLocal = 0, worstGlobal = 0;
  for (let i = 1; i < p.length; i++) {
    worstLocal = Math.max(
      worstLocal,
      Math.abs(bilinear(matrix, p[i], p[i - 1])) / (an[i] * an[i - 1]),
    );
    for (let j = 0; j < i - 1; j++) {
      worstGlobal = Math.max(worstGlobal, Math.abs(bilinear(matrix, p[i], p[j])) / (an[i] * an[j]));
    }
  }
  // Measured: local 1.4e-9 at most, global 0.4 (first seen within the first ten steps).
  check(worstLocal < 1e-6, () => `local conjugacy lost: ${worstLocal}`);
  check(worstGlobal > 1e-3, () => `global conjugacy unexpectedly kept: ${worstGlobal}`);
  const exact = directSolve(A, b).x;
  check(relativeDifference(result.x, exact) < 1e-6, () => "solution inaccurate");
});

/**
 * In exact arithmetic CG terminates in at most n steps. In floating point, with κ ≤ 10 it
 * needs at most one more (slack 1, measured over 1,500 cases at rtol 1e-10 and 1e-12). For
 * larger κ the delay grows with log κ (measured up to 11, 26 and 47 extra steps for
 * κ ≤ 1e2, 1e3, 1e4 and n ≤ 30), the finite-precision effect the C05 experiment reports; the
 * κ bound ⌈ln(2√κ/rtol)/ln(1/q)⌉ still caps the count.
 */
Deno.test("cg() reaches rtol 1e-10 within n + 1 iterations when κ ≤ 10", () => {
  assertProperty(
    fc.property(spdCase({ log10Kappa: [0, 1] }), (c) => {
      const result = cg(c.operator, c.b, { rtol: 1e-10 });
      strictEqual(result.status, "converged");
      check(result.iterations <= c.n + 1, () => `${result.iterations} iterations, n = ${c.n}`);
    }),
    100,
  );
});

Deno.test("cg() iterations stay within the κ bound ⌈ln(2√κ/rtol)/ln((√κ+1)/(√κ−1))⌉", () => {
  assertProperty(
    fc.property(spdCase({ log10Kappa: [1, 4] }), (c) => {
      const rtol = 1e-10;
      const result = cg(c.operator, c.b, { rtol });
      strictEqual(result.status, "converged");
      const q = (Math.sqrt(c.kappa) - 1) / (Math.sqrt(c.kappa) + 1);
      const bound = Math.ceil(Math.log(2 * Math.sqrt(c.kappa) / rtol) / Math.log(1 / q));
      check(result.iterations <= bound, () => `${result.iterations} > κ bound ${bound}`);
    }),
    40,
  );
});

Deno.test("cg() quadraticValues are φ(xᵢ) = ½xᵢᵀAxᵢ − bᵀxᵢ of the saved iterates", () => {
  assertProperty(
    fc.property(spdCase({ n: [2, 15] }), (c) => {
      const x0 = Array.from({ length: c.n }, (_, i) => Math.sin(i + c.seed));
      const result = cg(c.operator, c.b, {
        x0,
        rtol: 1e-12,
        saveIterates: Array.from({ length: 3 * c.n }, (_, i) => i),
      });
      for (const saved of result.savedIterates) {
        const x = saved.x;
        let phi = 0.5 * bilinear(c.matrix, x, x);
        for (let i = 0; i < c.n; i++) phi -= c.b[i] * x[i];
        const scale = Math.abs(phi) + bilinear(c.matrix, x, x) + 1;
        assertClose(saved.quadraticValue, phi, { atol: 1e-10 * scale }, `φ at ${saved.iteration}`);
        strictEqual(result.quadraticValues[saved.iteration], saved.quadraticValue);
      }
      // φ decreases monotonically along CG's iterates (it minimises φ over growing spaces).
      for (let i = 1; i < result.quadraticValues.length; i++) {
        const scale = Math.abs(result.quadraticValues[i]) + 1;
        check(
          result.quadraticValues[i] <= result.quadraticValues[i - 1] + 1e-12 * scale,
          () => `φ rose at ${i}`,
        );
      }
    }),
    40,
  );
});

Deno.test("cg() saveIterates returns the iterates a shorter run ends at", () => {
  const { matrix } = matrixWithSpectrum([1, 2, 5, 10, 50, 100], { seed: 1 });
  const b = [1, -1, 2, 0, 1, 3];
  const full = cg(matrix, b, { rtol: 1e-14, saveIterates: [4, 0, 2, 2, 100] });
  deepStrictEqual(full.savedIterates.map((s) => s.iteration), [0, 2, 4]);
  for (const saved of full.savedIterates) {
    const short = cg(matrix, b, { rtol: 0, maxIterations: saved.iteration });
    deepStrictEqual(Array.from(short.x), Array.from(saved.x));
  }
});

/**
 * Jacobi-preconditioned CG on DAD is CG on diag(A)^{-1/2}·A·diag(A)^{-1/2} whatever the
 * diagonal scaling D, so its iteration count does not depend on D. Slack 2 iterations:
 * rounding differs between the scaled and unscaled runs.
 */
Deno.test("cg() with a Jacobi preconditioner is invariant to diagonal scaling A → DAD", () => {
  assertProperty(
    fc.property(spdCase({ log10Kappa: [0, 2] }), fc.integer({ min: 0, max: 1000 }), (c, s) => {
      // D spread over 4 decades: DAD is SPD and badly scaled.
      const d = Array.from(
        { length: c.n },
        (_, i) => 10 ** (4 * (((i * 7919 + s) % 97) / 96) - 2),
      );
      const scaled = c.matrix.map((row, i) => row.map((v, j) => (d[i] * d[j]) * v));
      const A = denseOperator(scaled, { structure: "spd" });
      const rtol = 1e-10;
      const reference = cg(c.operator, c.b, {
        rtol,
        preconditioner: diagonal(c.matrix.map((row, i) => 1 / row[i])),
      });
      // Solve DAD·y = D·b, whose solution is y = D⁻¹x.
      const db = c.b.map((v, i) => d[i] * v);
      const result = cg(A, db, {
        rtol,
        preconditioner: diagonal(scaled.map((row, i) => 1 / row[i])),
      });
      strictEqual(result.status, "converged");
      strictEqual(result.preconditionerApplications, result.iterations);
      check(
        Math.abs(result.iterations - reference.iterations) <= 2,
        () => `scaled ${result.iterations} vs unscaled ${reference.iterations}`,
      );
      // The true residual of the scaled system: the recursive one plus rounding drift.
      const residual = multiply(scaled, result.x).map((v, i) => db[i] - v);
      const relative = Math.hypot(...residual) / Math.hypot(...db);
      check(relative <= 2 * rtol, () => `true relative residual ${relative}`);
    }),
    40,
  );
});

Deno.test("cg() reports an indefinite preconditioner instead of dividing by rᵀM⁻¹r ≤ 0", () => {
  const result = cg([[2, 0], [0, 1]], [1, 1], { preconditioner: diagonal([-1, -1]) });
  strictEqual(result.status, "indefinite-preconditioner");
  strictEqual(result.success, false);
});

Deno.test("cg() on an indefinite matrix stops with negative curvature: pᵀAp ≤ 0", () => {
  assertProperty(
    fc.property(inertiaCase({ n: [2, 20], zeros: false }), (c) => {
      fc.pre(c.inertia.negative > 0);
      const result = cg(c.operator, c.b, { rtol: 0, maxIterations: 10 * c.n });
      strictEqual(result.status, "negative-curvature");
      strictEqual(result.success, false);
      const p = result.direction!;
      const curvature = bilinear(c.matrix, p, p);
      const scale = Math.max(...c.eigenvalues.map(Math.abs)) * p.reduce((s, v) => s + v * v, 0);
      check(curvature <= 1e-12 * scale, () => `pᵀAp = ${curvature}`);
      assertClose(result.curvature!, curvature, { atol: 1e-12 * scale });
      ok(result.x.every(Number.isFinite));
      strictEqual(result.negativeCurvatureCount, 1);
      strictEqual(result.matvecs, result.iterations + 1);
    }),
    60,
  );
});

Deno.test('cg() negativeCurvature: "continue" runs textbook CG through pᵀAp < 0', () => {
  // A nonsingular indefinite system that textbook CG happens to solve (no pᵀAp = 0).
  const { matrix } = matrixWithSpectrum([-2, -1, 1, 3, 4], { seed: 2 });
  const b = [1, 2, 3, 4, 5];
  const result = cg(matrix, b, { negativeCurvature: "continue", rtol: 1e-10 });
  ok(result.negativeCurvatureCount >= 1);
  ok(result.direction !== undefined && result.curvature! <= 0);
  strictEqual(result.status, "converged");
  const residual = multiply(matrix, result.x).map((v, i) => b[i] - v);
  check(Math.hypot(...residual) < 1e-8, () => `true residual ${Math.hypot(...residual)}`);
});

Deno.test("cg() with a radius stops on the boundary ‖x‖ = Δ, and inside converges", () => {
  assertProperty(
    fc.property(
      spdCase({ n: [2, 20] }),
      fc.double({ min: 0.05, max: 0.95, noNaN: true }),
      (c, fraction) => {
        const exact = solveBySpectrum(c);
        const norm = Math.hypot(...exact);
        const radius = fraction * norm;
        const result = cg(c.operator, c.b, { radius, rtol: 1e-10 });
        strictEqual(result.status, "boundary");
        ok(result.success && result.onBoundary);
        assertClose(Math.hypot(...result.x), radius, { rtol: 1e-12 });
        // The model decreased: φ(x) < φ(0) = 0.
        ok(result.quadraticValue < 0);
        const inside = cg(c.operator, c.b, { radius: 1.5 * norm, rtol: 1e-10 });
        strictEqual(inside.status, "converged");
        ok(!inside.onBoundary);
      },
    ),
    60,
  );
});

Deno.test("cg() with a radius follows negative curvature to the boundary (Steihaug)", () => {
  assertProperty(
    fc.property(
      inertiaCase({ n: [2, 15], zeros: false }),
      fc.double({ min: 0.1, max: 10, noNaN: true }),
      (c, radius) => {
        fc.pre(c.inertia.negative > 0);
        const result = cg(c.operator, c.b, { radius, rtol: 0, maxIterations: 10 * c.n });
        if (result.status === "negative-curvature") {
          ok(result.onBoundary);
          assertClose(Math.hypot(...result.x), radius, { rtol: 1e-12 });
        } else {
          strictEqual(result.status, "boundary");
        }
        // Either way the model value went down from φ(0) = 0.
        ok(result.quadraticValue <= 0);
      },
    ),
    60,
  );
});

Deno.test("cg() relative-progress rule stops when φ stalls: (φᵢ − φᵢ₋ₖ)/φᵢ < k·ε", () => {
  // κ = 1e6 with rtol 0: the residual rule never fires, the progress rule must.
  const n = 60;
  const eigenvalues = Array.from({ length: n }, (_, i) => 10 ** ((6 * i) / (n - 1)));
  const { matrix } = matrixWithSpectrum(eigenvalues, { seed: 9 });
  const b = Array.from({ length: n }, (_, i) => Math.cos(i));
  const epsilon = 5e-4;
  const result = cg(matrix, b, { rtol: 0, relativeProgress: true, maxIterations: 10 * n });
  strictEqual(result.status, "relative-progress");
  ok(result.success);
  const phi = result.quadraticValues;
  const stop = (i: number) => {
    const k = Math.max(10, Math.ceil(0.1 * i));
    return i > k && phi[i] < 0 && (phi[i] - phi[i - k]) / phi[i] < k * epsilon;
  };
  ok(stop(result.iterations), "the rule holds where the run stopped");
  for (let i = 1; i < result.iterations; i++) ok(!stop(i), `the rule held earlier, at ${i}`);
  const strict = cg(matrix, b, {
    rtol: 0,
    relativeProgress: true,
    relativeProgressTolerance: 1e-9,
  });
  ok(strict.iterations > result.iterations, "a smaller ε runs longer");
});

Deno.test('cg() returns status "non-finite" when the operator produces NaN', () => {
  let calls = 0;
  const A = linearOperator(3, (x, out) => {
    calls++;
    for (let i = 0; i < 3; i++) out[i] = calls >= 2 ? NaN : (i + 1) * x[i];
    return out;
  }, { structure: "spd" });
  const result = cg(A, [1, 1, 1], { rtol: 1e-12 });
  strictEqual(result.status, "non-finite");
  strictEqual(result.success, false);
  ok(result.x.every(Number.isFinite), "x is the last finite iterate");
});

Deno.test("cg() with b = 0 converges at x = 0 in zero iterations", () => {
  const result = cg(damp(diagonal([1, 2]), 1), [0, 0]);
  strictEqual(result.status, "converged");
  strictEqual(result.iterations, 0);
  strictEqual(result.matvecs, 0);
  deepStrictEqual(Array.from(result.x), [0, 0]);
});

Deno.test("cg() throws on a caller's mistake, naming the argument", () => {
  const A = diagonal([1, 2, 3]);
  assertThrowsWith(() => cg(A, [1, 2]), RangeError, /b has length 2, expected 3/);
  assertThrowsWith(() => cg(A, [1, NaN, 3]), RangeError, /b\[1\] is NaN/);
  assertThrowsWith(() => cg(A, [1, 2, 3], { rtol: -1 }), RangeError, /options\.rtol is -1/);
  assertThrowsWith(() => cg(A, [1, 2, 3], { atol: Infinity }), RangeError, /options\.atol/);
  assertThrowsWith(
    () => cg(A, [1, 2, 3], { maxIterations: -1 }),
    RangeError,
    /options\.maxIterations is -1/,
  );
  assertThrowsWith(() => cg(A, [1, 2, 3], { maxIterations: 1.5 }), RangeError, /maxIterations/);
  assertThrowsWith(() => cg(A, [1, 2, 3], { radius: 0 }), RangeError, /options\.radius is 0/);
  assertThrowsWith(
    () => cg(A, [1, 2, 3], { x0: [10, 0, 0], radius: 1 }),
    RangeError,
    /options\.x0 has norm 10/,
  );
  assertThrowsWith(
    // @ts-expect-error: an unknown option value
    () => cg(A, [1, 2, 3], { negativeCurvature: "ignore" }),
    RangeError,
    /options\.negativeCurvature is "ignore"/,
  );
  assertThrowsWith(
    () => cg(A, [1, 2, 3], { preconditioner: diagonal([1, 1]) }),
    RangeError,
    /options\.preconditioner has dim 2, expected 3/,
  );
  assertThrowsWith(
    () => cg(A, [1, 2, 3], { saveIterates: [1, -2] }),
    RangeError,
    /options\.saveIterates\[1\] is -2/,
  );
  assertThrowsWith(() => cg([[1, 2, 3], [4, 5, 6]], [1, 2]), RangeError, /A\[0\] has length 3/);
  // @ts-expect-error: not an operator
  assertThrowsWith(() => cg(42, [1]), TypeError, /A is 42/);
  // @ts-expect-error: wrong option type
  assertThrowsWith(() => cg(A, [1, 2, 3], { recordDirections: 1 }), TypeError, /recordDirections/);
});

/**
 * b − Ax computed in floating point is accurate to about n·ε·(‖b‖ + ‖A‖·‖x‖); the reported
 * residual is that computation, so the two agree to a few times that (4× here).
 */
const residualAccuracy = (n: number, b: number, a: number, x: number) =>
  4 * n * Number.EPSILON * (b + a * x);

Deno.test("cg() confirms convergence with the true residual: one more product, and residualNorm = ‖b − Ax‖", () => {
  assertProperty(
    fc.property(spdCase({ n: [2, 25] }), (c) => {
      const result = cg(c.operator, c.b, { rtol: 1e-10 });
      fc.pre(result.status === "converged");
      const ax = multiply(c.matrix, result.x);
      const trueResidual = Math.hypot(...c.b.map((v, i) => v - ax[i]));
      const norm = (v: ArrayLike<number>) => Math.hypot(...Array.from(v));
      const lambdaMax = Math.max(...c.eigenvalues);
      assertClose(result.residualNorm, trueResidual, {
        atol: residualAccuracy(c.n, norm(c.b), lambdaMax, norm(result.x)),
      });
      check(result.residualNorm <= result.tolerance, () => `${result.residualNorm}`);
      strictEqual(result.matvecs, result.iterations + 1);
      const unchecked = cg(c.operator, c.b, { rtol: 1e-10, verifyResidual: false });
      strictEqual(unchecked.matvecs, unchecked.iterations);
      deepStrictEqual(unchecked.x, result.x);
    }),
    40,
  );
});

Deno.test("cg() on a singular system with b outside A's range never reports convergence", () => {
  assertProperty(
    fc.property(
      fc.integer({ min: 3, max: 20 }),
      fc.integer({ min: 1, max: 1_000_000 }),
      (n, seed) => {
        // A = Q·diag(0, λ₂..λₙ)·Qᵀ is PSD with null space q₁; b has a component β along q₁, so
        // ‖b − Ax‖ ≥ |β| for every x: there is no solution, and no run may say it found one.
        const eigenvalues = Array.from({ length: n }, (_, i) => (i === 0 ? 0 : 1 + i));
        const { matrix, eigenvectors } = matrixWithSpectrum(eigenvalues, { seed });
        const beta = 1e-3;
        const b = Array.from({ length: n }, (_, i) => {
          let v = beta * eigenvectors[i][0];
          for (let k = 1; k < n; k++) v += eigenvectors[i][k] / k;
          return v;
        });
        const result = cg(denseOperator(matrix), b, { rtol: 1e-6 });
        check(result.status !== "converged", () => `converged with ‖r‖ = ${result.residualNorm}`);
        strictEqual(result.success, false);
        // CG's iterates grow along the null space (to ‖x‖ ≈ 1e12), so b − Ax cannot be
        // recomputed here to better than ε·‖A‖·‖x‖; what is checked is the verdict.
        if (result.status === "stagnated") {
          check(result.residualNorm > result.tolerance, () => `${result.residualNorm}`);
        }
      },
    ),
    40,
  );
});

Deno.test("cg() measures ‖b‖ without overflow, and rejects a tolerance rtol·‖b‖ that overflows, naming rtol", () => {
  // ‖b‖ = √2·1e308 overflows a plain 2-norm; the scaled one is finite, and so is the tolerance.
  // CG's own inner products rᵀr overflow there, which it reports as a status, not a success.
  const big = cg([[2, 0], [0, 2]], [1e308, 1e308], { rtol: 1e-3 });
  assertClose(big.tolerance, 1e-3 * Math.SQRT2 * 1e308, { rtol: 1e-15 });
  strictEqual(big.status, "non-finite");
  strictEqual(big.success, false);
  assertThrowsWith(
    () => cg([[2, 0], [0, 2]], [6, 8], { rtol: 1e308 }),
    RangeError,
    /options\.rtol·‖b‖ = 1e\+308·10 overflows/,
  );
});
