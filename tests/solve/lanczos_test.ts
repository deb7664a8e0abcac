/**
 * Tests of the Lanczos method against the full eigendecomposition: extreme Ritz values on
 * random symmetric matrices and network Hessians, Ritz residuals, repeated eigenvalues, and
 * bad input.
 */

import fc from "fast-check";
import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { diagonal, eigh, lanczos, linearOperator, toDense } from "@secondorder/harness";
import { assertClose, assertThrowsWith, check } from "../_helpers/assert.ts";
import { assertProperty } from "../_helpers/property.ts";
import { networkCase } from "../_helpers/arbitraries.ts";
import { multiply, symmetricCase } from "../_helpers/matrices.ts";

/** Rounding in the Ritz values and residuals: 100·n·ε relative to ‖A‖ (as for eigh). */
const ROUNDING = (n: number) => 100 * n * Number.EPSILON;

const whichArbitrary = fc.constantFrom("largest" as const, "smallest" as const, "both" as const);

/** The eigenvalues lanczos() should return, ascending. */
function expectedExtremes(values: Float64Array, k: number, which: string): number[] {
  const all = Array.from(values);
  if (which === "smallest") return all.slice(0, k);
  if (which === "largest") return all.slice(all.length - k);
  const low = Math.floor(k / 2);
  return [...all.slice(0, low), ...all.slice(all.length - (k - low))];
}

Deno.test("lanczos() extreme Ritz values match eigh() on random symmetric matrices", () => {
  let converged = 0;
  assertProperty(
    fc.property(
      symmetricCase([1, 80]),
      fc.integer({ min: 1, max: 5 }),
      whichArbitrary,
      (c, kWanted, which) => {
        const k = Math.min(kWanted, c.n);
        // The matrix's own seed on purpose: lanczos() mixes it, so the start is unrelated to Q.
        const result = lanczos(c.operator, { k, which, seed: c.seed });
        const scale = Math.max(...c.eigenvalues.map(Math.abs));
        const expected = expectedExtremes(eigh(c.operator).values, k, which);
        if (result.status !== "converged") {
          strictEqual(result.status, "max-steps");
          return;
        }
        converged++;
        // A converged Ritz value lies within its residual of an eigenvalue (Weyl).
        for (let i = 0; i < k; i++) {
          const allowed = result.residualNorms[i] + ROUNDING(c.n) * scale;
          check(
            Math.abs(result.values[i] - expected[i]) <= allowed,
            () => `θ${i} = ${result.values[i]}, λ = ${expected[i]}, allowed ${allowed}`,
          );
        }
      },
    ),
    60,
  );
  // Most cases converge within the default steps; the property is not vacuous.
  ok(converged > 0, "no case converged");
});

Deno.test("lanczos() residualNorms are the true Ritz residuals ‖Av − θv‖, with ‖v‖ = 1", () => {
  assertProperty(
    fc.property(symmetricCase([5, 60]), whichArbitrary, (c, which) => {
      const k = Math.min(3, c.n);
      const result = lanczos(c.operator, { k, which, maxSteps: Math.min(c.n, 12) });
      const scale = Math.max(...c.eigenvalues.map(Math.abs));
      result.vectors.forEach((v, i) => {
        assertClose(Math.hypot(...v), 1, { atol: ROUNDING(c.n) });
        const av = multiply(c.matrix, v);
        const residual = Math.hypot(...av.map((x, j) => x - result.values[i] * v[j]));
        assertClose(residual, result.residualNorms[i], { atol: ROUNDING(c.n) * scale });
      });
      // Interlacing: Ritz values lie within [λ_min, λ_max] even before convergence.
      for (const theta of result.values) {
        check(
          theta >= c.eigenvalues[0] - ROUNDING(c.n) * scale &&
            theta <= c.eigenvalues[c.n - 1] + ROUNDING(c.n) * scale,
          () => `θ = ${theta} outside the spectrum`,
        );
      }
    }),
    60,
  );
});

Deno.test("lanczos() on network Hessians matches eigh(toDense(H)) at the spectrum's ends", () => {
  assertProperty(
    fc.property(networkCase({ width: [1, 5], depth: [1, 2], samples: [1, 4] }), (nc) => {
      const H = nc.objective.hessian(nc.x);
      const n = H.dim;
      const k = Math.min(2, n);
      const result = lanczos(H, { k, which: "both", maxSteps: n, seed: nc.seed % 1000 });
      const exact = eigh(toDense(H)).values;
      const scale = Math.max(Math.abs(exact[0]), Math.abs(exact[n - 1]), 1e-300);
      const expected = expectedExtremes(exact, k, "both");
      assertClose(result.values, expected, { atol: 1e-9 * scale }, nc.description);
    }),
    25,
  );
});

Deno.test("lanczos() finds repeated eigenvalues by restarting from an invariant subspace", () => {
  const A = diagonal([1, 1, 1, 2, 2, 3]);
  const result = lanczos(A, { k: 6, which: "largest", maxSteps: 6 });
  strictEqual(result.status, "converged");
  assertClose(result.values, [1, 1, 1, 2, 2, 3], { atol: 1e-14 });
});

Deno.test("lanczos() started on an eigenvector still finds the spectrum's ends", () => {
  // The Krylov space of an eigenvector is invariant after one step, with a Ritz pair of zero
  // residual that is not the largest: the process must go on rather than stop.
  const d = Array.from({ length: 40 }, (_, i) => i + 1);
  const start = new Array(40).fill(0);
  start[3] = 1;
  const result = lanczos(diagonal(d), { k: 1, which: "largest", start, maxSteps: 40 });
  strictEqual(result.status, "converged");
  assertClose(result.values, [40], { atol: 1e-10 });
});

Deno.test('lanczos() which: "both" returns ⌊k/2⌋ smallest and ⌈k/2⌉ largest', () => {
  const d = Array.from({ length: 30 }, (_, i) => i * i);
  const result = lanczos(diagonal(d), { k: 3, which: "both", maxSteps: 30 });
  assertClose(result.values, [0, 784, 841], { atol: 1e-10 });
});

Deno.test("lanczos() stops early once the wanted Ritz pairs converge", () => {
  // Two outliers above a bulk: a handful of steps suffices.
  const d = Array.from({ length: 400 }, (_, i) => (i < 398 ? 1 + i / 400 : 1000 * (i - 396)));
  const result = lanczos(diagonal(d), { k: 2 });
  strictEqual(result.status, "converged");
  ok(result.matvecs <= 20, `${result.matvecs} products`);
  assertClose(result.values, [2000, 3000], { rtol: 1e-12 });
});

Deno.test("lanczos() reports max-steps when the wanted pairs have not converged", () => {
  const d = Array.from({ length: 200 }, (_, i) => i + 1);
  const result = lanczos(diagonal(d), { k: 1, maxSteps: 5 });
  strictEqual(result.status, "max-steps");
  strictEqual(result.steps, 5);
  ok(result.residualNorms[0] > 1e-6);
});

Deno.test("lanczos() is deterministic for a seed", () => {
  const d = Array.from({ length: 50 }, (_, i) => Math.sin(i));
  const a = lanczos(diagonal(d), { k: 2, seed: 3, maxSteps: 10 });
  const b = lanczos(diagonal(d), { k: 2, seed: 3, maxSteps: 10 });
  deepStrictEqual(Array.from(a.values), Array.from(b.values));
});

Deno.test('lanczos() returns status "non-finite" for an operator producing NaN', () => {
  const A = linearOperator(4, (_x, out) => out.fill(NaN), { structure: "symmetric" });
  const result = lanczos(A, { k: 1 });
  strictEqual(result.status, "non-finite");
});

Deno.test("lanczos() throws on a caller's mistake, naming the argument", () => {
  const A = diagonal([1, 2, 3]);
  assertThrowsWith(
    () => lanczos(A, { k: 4 }),
    RangeError,
    /options\.k is 4, expected an integer in \[1, 3\]/,
  );
  assertThrowsWith(() => lanczos(A, { k: 0 }), RangeError, /options\.k is 0/);
  assertThrowsWith(() => lanczos(A, { k: 2, maxSteps: 1 }), RangeError, /options\.maxSteps is 1/);
  assertThrowsWith(
    // @ts-expect-error: unknown value
    () => lanczos(A, { which: "middle" }),
    RangeError,
    /options\.which is "middle"/,
  );
  assertThrowsWith(
    () => lanczos(A, { start: [0, 0, 0] }),
    RangeError,
    /options\.start is the zero vector/,
  );
  assertThrowsWith(() => lanczos(A, { start: [1, 2] }), RangeError, /options\.start has length 2/);
  assertThrowsWith(() => lanczos(A, { tol: -1 }), RangeError, /options\.tol is -1/);
});
