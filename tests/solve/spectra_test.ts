/**
 * Tests of the spectral tools against constructed spectra: power iteration, the condition
 * number, critical-point classification, Hutchinson's trace estimator and stochastic Lanczos
 * quadrature.
 */

import fc from "fast-check";
import { ok, strictEqual } from "node:assert/strict";
import {
  classifyCriticalPoint,
  conditionNumber,
  denseOperator,
  diagonal,
  hutchinsonTrace,
  linearOperator,
  matrixWithSpectrum,
  powerIteration,
  spectralDensity,
} from "@secondorder/harness";
import { assertClose, assertThrowsWith, check } from "../_helpers/assert.ts";
import { assertProperty } from "../_helpers/property.ts";
import { inertiaCase, symmetricCase } from "../_helpers/matrices.ts";

/** Rounding of dense symmetric eigenvalues: 100·n·ε relative to ‖A‖ (as in eigh's tests). */
const ROUNDING = (n: number) => 100 * n * Number.EPSILON;

Deno.test("powerIteration() finds the largest-magnitude eigenvalue within its residual", () => {
  assertProperty(
    fc.property(symmetricCase([1, 30]), (c) => {
      const abs = c.eigenvalues.map(Math.abs).sort((a, b) => b - a);
      // A gap |λ₂|/|λ₁| ≤ 0.9 lets it converge within the default 1000 iterations.
      fc.pre(c.n === 1 || abs[1] / abs[0] <= 0.9);
      const result = powerIteration(c.operator, { tol: 1e-10 });
      strictEqual(result.status, "converged");
      const dominant = c.eigenvalues.reduce((a, b) => (Math.abs(b) > Math.abs(a) ? b : a));
      // An eigenvalue lies within the residual of the Rayleigh quotient (symmetric A), and
      // with the gap, that eigenvalue is the dominant one.
      check(
        Math.abs(result.value - dominant) <= result.residualNorm + ROUNDING(c.n) * abs[0],
        () => `θ = ${result.value}, λ = ${dominant}, residual ${result.residualNorm}`,
      );
      assertClose(Math.hypot(...result.vector), 1, { atol: 1e-14 });
    }),
    60,
  );
});

Deno.test("powerIteration() reports max-iterations when ±λ share the largest magnitude", () => {
  const result = powerIteration(diagonal([2, -2, 1]), { maxIterations: 50 });
  strictEqual(result.status, "max-iterations");
  strictEqual(result.matvecs, 50);
});

Deno.test("conditionNumber() is max|λ|/min|λ| of the constructed spectrum", () => {
  assertProperty(
    fc.property(inertiaCase({ n: [1, 20], zeros: false }), (c) => {
      const result = conditionNumber(c.operator);
      strictEqual(result.method, "eigh");
      strictEqual(result.status, "ok");
      assertClose(result.value, c.kappa, { rtol: 1e-10 * c.kappa });
    }),
    60,
  );
});

Deno.test("conditionNumber() of a general matrix is σ_max/σ_min (SVD)", () => {
  // A = Q·diag(σ)·Pᵀ with two different orthogonal factors has singular values σ.
  const sigma = [0.5, 2, 10];
  const q = matrixWithSpectrum([1, 1, 1], { seed: 1 }).eigenvectors;
  const p = matrixWithSpectrum([1, 1, 1], { seed: 2 }).eigenvectors;
  const matrix = q.map((_, i) =>
    p.map((_, j) => sigma.reduce((s, v, k) => s + q[i][k] * v * p[j][k], 0))
  );
  const result = conditionNumber(denseOperator(matrix));
  strictEqual(result.method, "svd");
  assertClose(result.value, 20, { rtol: 1e-12 });
  assertClose([result.largest, result.smallest], [10, 0.5], { rtol: 1e-12 });
  strictEqual(conditionNumber(denseOperator([[1, 2], [2, 4.000000000000001]])).status, "singular");
  strictEqual(conditionNumber([[0, 0], [0, 0]]).value, Infinity);
});

Deno.test("classifyCriticalPoint() matches the constructed inertia", () => {
  assertProperty(
    fc.property(inertiaCase({ n: [1, 20] }), (c) => {
      const result = classifyCriticalPoint(c.operator);
      strictEqual(result.status, "ok");
      strictEqual(result.inertia.positive, c.inertia.positive);
      strictEqual(result.inertia.negative, c.inertia.negative);
      strictEqual(result.inertia.zero, c.inertia.zero);
      const { positive, negative, zero } = c.inertia;
      const expected = positive > 0 && negative > 0
        ? "saddle"
        : zero > 0
        ? "degenerate"
        : positive > 0
        ? "minimum"
        : "maximum";
      strictEqual(result.kind, expected);
      strictEqual(result.critical, undefined);
    }),
    100,
  );
});

Deno.test("classifyCriticalPoint() says whether the point is critical: ‖∇f‖ ≤ tolerance", () => {
  const H = [[2, 0], [0, 3]];
  const atMinimum = classifyCriticalPoint(H, [1e-9, 0]);
  strictEqual(atMinimum.kind, "minimum");
  strictEqual(atMinimum.critical, true);
  const sloped = classifyCriticalPoint(H, [0.1, 0]);
  strictEqual(sloped.kind, "minimum"); // the curvature, not a verdict on the point
  strictEqual(sloped.critical, false);
  assertClose(sloped.gradientNorm!, 0.1, { rtol: 1e-15 });
  strictEqual(classifyCriticalPoint(H, [0.1, 0], { gradientTolerance: 1 }).critical, true);
  // A zero tolerance that counts small curvature as zero.
  const flat = classifyCriticalPoint([[1, 0], [0, 1e-9]], undefined, { zeroTolerance: 1e-6 });
  strictEqual(flat.kind, "degenerate");
  strictEqual(classifyCriticalPoint([[1, 0], [0, 1e-9]]).kind, "minimum");
  const nonFinite = classifyCriticalPoint(H, [NaN, 0]);
  strictEqual(nonFinite.status, "non-finite");
  strictEqual(nonFinite.critical, false);
});

/**
 * The sample mean of m probes is within z standard errors of the truth with the probability
 * of a normal tail: z = 4 fails once in 16,000 cases (the mean of 200 probes is close to
 * normal). The property runs far fewer cases.
 */
const Z = 4;

Deno.test("hutchinsonTrace() mean lies within a few standard errors of tr(A)", () => {
  assertProperty(
    fc.property(
      symmetricCase([2, 30]),
      fc.constantFrom("rademacher" as const, "gaussian" as const),
      fc.nat(1000),
      (c, distribution, seed) => {
        const trace = c.eigenvalues.reduce((s, v) => s + v, 0);
        const result = hutchinsonTrace(c.operator, { samples: 200, seed, distribution });
        strictEqual(result.status, "ok");
        check(
          Math.abs(result.estimate - trace) <= Z * result.standardError + 1e-12,
          () =>
            `estimate ${result.estimate} ± ${result.standardError}, trace ${trace} (${distribution})`,
        );
      },
    ),
    60,
  );
});

Deno.test("hutchinsonTrace() standard error matches the Rademacher variance 2·Σ_{i≠j}aᵢⱼ²", () => {
  const { matrix } = matrixWithSpectrum([1, -2, 3, 0.5, 4, -1], { seed: 3 });
  let offDiagonal = 0;
  for (let i = 0; i < 6; i++) {
    for (let j = 0; j < 6; j++) if (i !== j) offDiagonal += matrix[i][j] ** 2;
  }
  const samples = 4000;
  const result = hutchinsonTrace(matrix, { samples });
  const expected = Math.sqrt((2 * offDiagonal) / samples);
  // The sample standard deviation of 4,000 draws is within about 5% of the true one.
  assertClose(result.standardError, expected, { rtol: 0.1 });
});

function integrate(grid: Float64Array, density: Float64Array, f: (t: number) => number): number {
  const h = grid[1] - grid[0];
  let s = 0;
  for (let g = 0; g < grid.length; g++) {
    const w = g === 0 || g === grid.length - 1 ? 0.5 : 1;
    s += w * f(grid[g]) * density[g];
  }
  return s * h;
}

Deno.test("spectralDensity() integrates to 1 and its mean is the probes' trace estimate / n", () => {
  assertProperty(
    fc.property(symmetricCase([1, 60]), fc.nat(1000), (c, seed) => {
      const result = spectralDensity(c.operator, { steps: 20, samples: 5, seed });
      strictEqual(result.status, "ok");
      // Each probe's weights sum to 1 (a unit start vector).
      for (const w of result.weights) assertClose(w.reduce((s, v) => s + v, 0), 1, { atol: 1e-12 });
      // Trapezoid rule on a grid 5σ beyond the nodes with spacing < σ/4: mass error < 1e-6.
      const mass = integrate(result.grid, result.density, () => 1);
      assertClose(mass, 1, { atol: 1e-6 });
      const mean = integrate(result.grid, result.density, (t) => t);
      const scale = Math.max(...c.eigenvalues.map(Math.abs));
      assertClose(mean, result.traceEstimate / c.n, { atol: 1e-6 * scale });
    }),
    40,
  );
});

Deno.test("spectralDensity() mean lies within a few standard errors of tr(A)/n", () => {
  assertProperty(
    fc.property(symmetricCase([10, 60]), fc.nat(1000), (c, seed) => {
      const samples = 30;
      const result = spectralDensity(c.operator, { steps: 10, samples, seed });
      // Per-probe means n·Σⱼτⱼθⱼ = vᵀAv: Hutchinson samples; their standard error bounds the mean.
      const perProbe = result.nodes.map((theta, k) =>
        c.n * theta.reduce((s, v, j) => s + v * result.weights[k][j], 0)
      );
      const mean = perProbe.reduce((s, v) => s + v, 0) / samples;
      const sd = Math.sqrt(perProbe.reduce((s, v) => s + (v - mean) ** 2, 0) / (samples - 1));
      const trace = c.eigenvalues.reduce((s, v) => s + v, 0);
      check(
        Math.abs(result.traceEstimate - trace) <= Z * sd / Math.sqrt(samples) + 1e-9,
        () => `trace estimate ${result.traceEstimate} vs ${trace}`,
      );
    }),
    40,
  );
});

Deno.test("spectralDensity() with steps = n puts its nodes on the eigenvalues", () => {
  const eigenvalues = [-3, -1, 0.5, 2, 7];
  const { matrix } = matrixWithSpectrum(eigenvalues, { seed: 8 });
  const result = spectralDensity(matrix, { steps: 5, samples: 3 });
  for (const nodes of result.nodes) {
    // An invariant Krylov space may stop early; every node is an eigenvalue.
    for (const theta of nodes) {
      ok(eigenvalues.some((l) => Math.abs(l - theta) < 1e-10), `node ${theta}`);
    }
  }
  // The density has its peaks at the eigenvalues: 7 is a local maximum.
  const g = result.grid.findIndex((t) => t >= 7);
  ok(result.density[g] > result.density[g - 20] && result.density[g] > result.density[g + 20]);
});

Deno.test('spectral tools return status "non-finite" for an operator producing NaN', () => {
  const A = linearOperator(3, (_x, out) => out.fill(NaN), { structure: "symmetric" });
  strictEqual(powerIteration(A).status, "non-finite");
  strictEqual(conditionNumber(A).status, "non-finite");
  strictEqual(classifyCriticalPoint(A).status, "non-finite");
  strictEqual(hutchinsonTrace(A, { samples: 2 }).status, "non-finite");
  strictEqual(spectralDensity(A).status, "non-finite");
});

Deno.test("spectral tools throw on a caller's mistake, naming the argument", () => {
  const A = diagonal([1, 2, 3]);
  assertThrowsWith(
    () => powerIteration(A, { maxIterations: 0 }),
    RangeError,
    /options\.maxIterations is 0/,
  );
  assertThrowsWith(
    () => powerIteration(A, { start: [0, 0, 0] }),
    RangeError,
    /options\.start is the zero vector/,
  );
  assertThrowsWith(
    () => classifyCriticalPoint(A, [1, 2]),
    RangeError,
    /gradient has length 2, expected 3/,
  );
  assertThrowsWith(
    () => classifyCriticalPoint(A, undefined, { zeroTolerance: -1 }),
    RangeError,
    /options\.zeroTolerance is -1/,
  );
  assertThrowsWith(() => hutchinsonTrace(A, { samples: 1 }), RangeError, /options\.samples is 1/);
  assertThrowsWith(
    // @ts-expect-error: unknown value
    () => hutchinsonTrace(A, { distribution: "uniform" }),
    RangeError,
    /options\.distribution is "uniform"/,
  );
  assertThrowsWith(() => spectralDensity(A, { steps: 0 }), RangeError, /options\.steps is 0/);
  assertThrowsWith(() => spectralDensity(A, { sigma: 0 }), RangeError, /options\.sigma is 0/);
  assertThrowsWith(
    () => spectralDensity(A, { sigma: 5e-324 }),
    RangeError,
    /options\.sigma is 5e-324, so the Gaussian.s height 1\/\(σ√\(2π\)\) overflows/,
  );
  assertThrowsWith(
    () => spectralDensity(A, { range: [1, 0] }),
    RangeError,
    /options\.range\[1\] is 0/,
  );
  assertThrowsWith(() => conditionNumber([[1, 2]]), RangeError, /A\[0\] has length 2, expected 1/);
});
