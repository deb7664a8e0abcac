/**
 * Tests of the truncated Neumann series: convergence when ρ(I − A/s) < 1, the reported
 * divergence when ρ > 1, the automatic scale on SPD inputs, and bad input.
 */

import fc from "fast-check";
import { ok, strictEqual } from "node:assert/strict";
import { denseOperator, linearOperator, matrixWithSpectrum, neumann } from "@secondorder/harness";
import { assertClose, assertThrowsWith, check } from "../_helpers/assert.ts";
import { assertProperty } from "../_helpers/property.ts";
import { inertiaCase, multiply, solveBySpectrum, spdCase } from "../_helpers/matrices.ts";

/** ρ(I − A/s) from the eigenvalues. */
function spectralRadius(eigenvalues: readonly number[], s: number): number {
  return Math.max(...eigenvalues.map((l) => Math.abs(1 - l / s)));
}

/**
 * Rounding in each term: ‖rₖ‖ ≤ ρᵏ‖b‖ holds up to a relative k·n·ε (each step adds a few
 * ulps of ‖rₖ‖); 1e-10 covers k ≤ 5,000 and n ≤ 30 with a margin.
 */
const TERM_ROUNDING = 1e-10;

Deno.test("neumann() converges when ρ(I − A/s) < 1, with ‖rₖ‖ ≤ ρᵏ‖b‖", () => {
  assertProperty(
    fc.property(
      spdCase({ n: [1, 30], log10Kappa: [0, 2] }),
      fc.double({ min: 0.51, max: 3, noNaN: true }),
      (c, fraction) => {
        const lambdaMax = c.eigenvalues[c.n - 1];
        const s = fraction * lambdaMax;
        const rho = spectralRadius(c.eigenvalues, s);
        ok(rho < 1);
        const rtol = 1e-8;
        const terms = Math.ceil(Math.log(rtol) / Math.log(rho)) + 2;
        const result = neumann(c.operator, c.b, { scale: s, terms, rtol });
        strictEqual(result.status, "converged", `ρ = ${rho}, ${result.terms} of ${terms} terms`);
        ok(result.success);
        const b = Math.hypot(...c.b);
        result.residualNorms.forEach((r, k) => {
          check(
            r <= rho ** k * b * (1 + TERM_ROUNDING) + TERM_ROUNDING * b,
            () => `‖r${k}‖ = ${r} > ρᵏ‖b‖ = ${rho ** k * b}`,
          );
        });
        // ‖x − x*‖ ≤ ‖A⁻¹‖·‖r‖ ≤ κ·rtol relative.
        const exact = solveBySpectrum(c);
        const error = Math.hypot(...exact.map((v, i) => v - result.x[i])) / Math.hypot(...exact);
        check(error <= c.kappa * rtol * 1.01, () => `error ${error}`);
      },
    ),
    60,
  );
});

Deno.test("neumann() xₖ is the partial sum (1/s)·Σ_{i<k}(I − A/s)ⁱb and rₖ = (I − A/s)ᵏb", () => {
  assertProperty(
    fc.property(
      inertiaCase({ n: [1, 8], zeros: true }),
      fc.double({ min: 0.5, max: 20, noNaN: true }),
      fc.integer({ min: 0, max: 12 }),
      (c, s, k) => {
        const result = neumann(c.operator, c.b, {
          scale: s,
          terms: k,
          rtol: 0,
          divergence: "continue",
        });
        strictEqual(result.terms, k);
        let term = Array.from(c.b);
        const sum = new Array<number>(c.n).fill(0);
        for (let i = 0; i < k; i++) {
          for (let j = 0; j < c.n; j++) sum[j] += term[j] / s;
          const at = multiply(c.matrix, term);
          term = term.map((v, j) => v - at[j] / s);
        }
        const scale = Math.max(1, ...sum.map(Math.abs), ...term.map(Math.abs));
        assertClose(result.x, sum, { atol: 1e-12 * scale });
        assertClose(result.residualNorm, Math.hypot(...term), { atol: 1e-12 * scale });
      },
    ),
    60,
  );
});

Deno.test('neumann() reports "diverged" when ρ(I − A/s) > 1 (s < λ_max/2)', () => {
  assertProperty(
    fc.property(
      spdCase({ n: [1, 30], log10Kappa: [0, 3] }),
      fc.double({ min: 0.05, max: 0.45, noNaN: true }),
      (c, fraction) => {
        const s = fraction * c.eigenvalues[c.n - 1];
        ok(spectralRadius(c.eigenvalues, s) > 1);
        const result = neumann(c.operator, c.b, { scale: s, terms: 500 });
        strictEqual(result.status, "diverged");
        strictEqual(result.success, false);
        ok(result.x.every(Number.isFinite), "x is the last iterate before the growth");
        // The returned iterate is the best one seen: its residual is the smallest.
        check(
          result.residualNorm <= Math.min(...result.residualNorms) * (1 + 1e-12),
          () => "returned a worse iterate",
        );
      },
    ),
    60,
  );
});

Deno.test('neumann() reports "diverged" on indefinite matrices for every scale s > 0', () => {
  assertProperty(
    fc.property(
      inertiaCase({ n: [1, 20], zeros: false }),
      fc.double({ min: 0.1, max: 100, noNaN: true }),
      (c, s) => {
        fc.pre(c.inertia.negative > 0);
        // A negative eigenvalue λ gives the eigenvalue 1 + |λ|/s > 1 of I − A/s.
        const result = neumann(c.operator, c.b, { scale: s, terms: 5000 });
        strictEqual(result.status, "diverged");
      },
    ),
    40,
  );
  // The automatic scale does not rescue an indefinite matrix either.
  strictEqual(neumann([[2, 0], [0, -1]], [1, 1]).status, "diverged");
});

Deno.test('neumann() with scale "auto" converges for every SPD input', () => {
  assertProperty(
    fc.property(spdCase({ n: [1, 30], log10Kappa: [0, 2] }), fc.nat(1000), (c, seed) => {
      const result = neumann(c.operator, c.b, { rtol: 1e-8, terms: 5000, seed });
      strictEqual(result.status, "converged", `s = ${result.scale}`);
      // Power iteration's Rayleigh quotient never exceeds λ_max, and s > λ_max/2.
      const lambdaMax = c.eigenvalues[c.n - 1];
      ok(result.scaleEstimate!.value <= lambdaMax * (1 + 1e-12));
      ok(result.scale > lambdaMax / 2);
      ok(spectralRadius(c.eigenvalues, result.scale) < 1);
      // A symmetric contraction never lengthens the residual.
      for (let k = 1; k < result.residualNorms.length; k++) {
        check(
          result.residualNorms[k] <= result.residualNorms[k - 1] * (1 + 1e-12),
          () => `residual grew at term ${k}`,
        );
      }
    }),
    60,
  );
  // Ill-conditioned inputs converge too, only slowly: never "diverged".
  assertProperty(
    fc.property(spdCase({ n: [2, 30], log10Kappa: [2, 6] }), (c) => {
      const result = neumann(c.operator, c.b, { terms: 300 });
      ok(result.status === "converged" || result.status === "max-terms", result.status);
    }),
    40,
  );
});

Deno.test('neumann() divergence: "continue" sums every term and the residual grows like ρᵏ', () => {
  const A = denseOperator([[8, 0], [0, 1]]);
  const result = neumann(A, [1, 0], { scale: 2, terms: 10, divergence: "continue" });
  strictEqual(result.status, "diverged");
  strictEqual(result.terms, 10);
  // I − A/2 = diag(−3, 0.5): the residual along e₁ is (−3)ᵏ.
  assertClose(result.residualNorm, 3 ** 10, { rtol: 1e-12 });
  assertClose(result.contraction!, 3, { rtol: 1e-12 });
});

Deno.test("neumann() on a general operator allows transient growth below 1e6·‖b‖", () => {
  // A non-normal matrix with ρ(I − A/s) = 0.5 but ‖I − A/s‖ ≫ 1: the residual first grows.
  const A = denseOperator([[0.5, -50], [0, 0.5]]);
  const result = neumann(A, [0, 1], { scale: 1, terms: 200, rtol: 1e-10 });
  ok(result.residualNorms[1] > result.residualNorms[0], "transient growth");
  strictEqual(result.status, "converged");
});

Deno.test("neumann() with b = 0 converges at x = 0 with no term and no NaN in the record", () => {
  const result = neumann([[2, 0], [0, 1]], [0, 0]);
  strictEqual(result.status, "converged");
  strictEqual(result.terms, 0);
  strictEqual(result.contraction, undefined);
  ok(Object.values(result).every((v) => typeof v !== "number" || Number.isFinite(v)));
});

Deno.test('neumann() returns status "non-finite" when the operator produces NaN', () => {
  const A = linearOperator(2, (_x, out) => out.fill(NaN), { structure: "symmetric" });
  strictEqual(neumann(A, [1, 1], { scale: 1 }).status, "non-finite");
});

Deno.test("neumann() throws on a caller's mistake, naming the argument", () => {
  const A = [[2, 0], [0, 1]];
  assertThrowsWith(() => neumann(A, [1]), RangeError, /b has length 1, expected 2/);
  assertThrowsWith(() => neumann(A, [1, NaN]), RangeError, /b\[1\] is NaN/);
  assertThrowsWith(() => neumann(A, [1, 1], { scale: -1 }), RangeError, /options\.scale is -1/);
  assertThrowsWith(
    // @ts-expect-error: unknown value
    () => neumann(A, [1, 1], { scale: "automatic" }),
    TypeError,
    /options\.scale is "automatic", expected a number > 0 or "auto"/,
  );
  assertThrowsWith(() => neumann(A, [1, 1], { terms: -1 }), RangeError, /options\.terms is -1/);
  assertThrowsWith(() => neumann(A, [1, 1], { rtol: -1e-3 }), RangeError, /options\.rtol/);
  assertThrowsWith(
    () => neumann(A, [1, 1], { safetyFactor: 0 }),
    RangeError,
    /options\.safetyFactor is 0/,
  );
  assertThrowsWith(
    // @ts-expect-error: unknown value
    () => neumann(A, [1, 1], { divergence: "ignore" }),
    RangeError,
    /options\.divergence is "ignore"/,
  );
});

Deno.test("neumann() stops as stagnated when a term no longer changes the residual, whatever terms allows", () => {
  // A ≈ 1e-151 against s = 10: A·r/s is far below the rounding of r ≈ 1e150, so the series is
  // stuck; it must say so at once instead of summing 10¹² identical terms.
  const A = [[1.2e-151, 3.3e-151], [3.3e-151, 8.8e-151]];
  const result = neumann(A, [8.3e149, 1.1e150], { scale: 10, terms: 1e12 });
  strictEqual(result.status, "stagnated");
  strictEqual(result.success, false);
  strictEqual(result.terms, 0);
  strictEqual(result.matvecs, 1);
  ok(result.x.every(Number.isFinite));
});

Deno.test("neumann() stops as stagnated when b has a part in A's null space that no term can reduce", () => {
  // A = Q·diag(1, 0.5, 0.25, 0, 0)·Qᵀ: the series removes b's range part (ρ = 3/4 at s = 2), and
  // the residual then stays at b's null-space part. For these seeds rounding keeps jittering it
  // (the recurrence never repeats exactly), so only the rule of STAGNATION_TERMS = 1000 terms
  // without a new smallest residual can stop the run, instead of summing 10⁷ useless terms.
  for (const seed of [10, 28, 31, 34]) {
    const { matrix, eigenvectors } = matrixWithSpectrum([1, 0.5, 0.25, 0, 0], { seed });
    const b = [1, 2, 3, 4, 5];
    const result = neumann(denseOperator(matrix, { structure: "symmetric" }), b, {
      scale: 2,
      terms: 1e7,
      rtol: 1e-12,
    });
    strictEqual(result.status, "stagnated");
    strictEqual(result.success, false);
    check(result.terms > 1000 && result.terms <= 1300, () => `seed ${seed}: ${result.terms}`);
    // What is left is b's component in the null space, spanned by q₄ and q₅ (to rounding).
    const nullPart = Math.hypot(
      ...[3, 4].map((k) => eigenvectors.reduce((s, row, i) => s + row[k] * b[i], 0)),
    );
    assertClose(result.residualNorm, nullPart, { rtol: 1e-12 }, `seed ${seed}`);
  }
});
