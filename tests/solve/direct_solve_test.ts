/**
 * Tests of the dense direct solve: Cholesky and LU against the exact solution, the singular
 * and non-finite statuses, and bad input.
 */

import fc from "fast-check";
import { ok, strictEqual } from "node:assert/strict";
import {
  denseOperator,
  directSolve,
  linearOperator,
  matrixWithSpectrum,
} from "@secondorder/harness";
import { assertThrowsWith, check } from "../_helpers/assert.ts";
import { assertProperty } from "../_helpers/property.ts";
import { inertiaCase, multiply, solveBySpectrum, spdCase } from "../_helpers/matrices.ts";

function relativeDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0, s = 0;
  for (let i = 0; i < a.length; i++) {
    d += (a[i] - b[i]) ** 2;
    s += b[i] ** 2;
  }
  return Math.sqrt(d / s);
}

/**
 * A backward-stable solve errs by about c·n·ε·κ relative (Higham 2002, Thm. 9.4 and 10.4);
 * 10·n·ε·κ covers the constant (measured worst 8.5e-16·κ over 300 cases).
 */
const STABLE = (n: number, kappa: number) => 10 * n * Number.EPSILON * kappa;

Deno.test("directSolve() uses Cholesky on SPD systems and matches A⁻¹b", () => {
  assertProperty(
    fc.property(spdCase({ log10Kappa: [0, 8] }), (c) => {
      const result = directSolve(c.operator, c.b);
      strictEqual(result.status, "solved");
      strictEqual(result.method, "cholesky");
      strictEqual(result.matvecs, 0);
      const error = relativeDifference(result.x, solveBySpectrum(c));
      check(error <= STABLE(c.n, c.kappa), () => `error ${error}`);
      // Hager's estimate is a lower bound on κ₁ ≤ n·κ₂, usually within a factor 3.
      const rcond = result.reciprocalCondition;
      check(rcond >= 1 / (c.n * c.kappa) / 3 && rcond <= 1.0000001, () => `rcond ${rcond}`);
    }),
    60,
  );
});

Deno.test("directSolve() falls back to LU on symmetric indefinite systems and matches A⁻¹b", () => {
  assertProperty(
    fc.property(inertiaCase({ n: [1, 20], zeros: false }), (c) => {
      const result = directSolve(c.operator, c.b);
      strictEqual(result.status, "solved");
      strictEqual(result.method, c.inertia.negative > 0 ? "lu" : "cholesky");
      const error = relativeDifference(result.x, solveBySpectrum(c));
      check(error <= STABLE(c.n, c.kappa), () => `error ${error}`);
    }),
    60,
  );
});

Deno.test("directSolve() solves general (non-symmetric) systems by LU: Ax = b", () => {
  assertProperty(
    fc.property(
      fc.integer({ min: 1, max: 12 }).chain((n) =>
        fc.array(
          fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: n, maxLength: n }),
          {
            minLength: n,
            maxLength: n,
          },
        )
      ),
      (rows) => {
        const n = rows.length;
        // Diagonal dominance keeps the matrix nonsingular and well conditioned.
        const matrix = rows.map((row, i) => row.map((v, j) => (i === j ? v + 6 * n : v)));
        const b = matrix.map((_, i) => i + 1);
        const result = directSolve(denseOperator(matrix), b);
        strictEqual(result.status, "solved");
        const residual = multiply(matrix, result.x).map((v, i) => v - b[i]);
        check(Math.hypot(...residual) <= 1e-12 * Math.hypot(...b), () => "residual too large");
        check(
          Math.abs(result.residualNorm - Math.hypot(...residual)) < 1e-12,
          () => "residualNorm",
        );
      },
    ),
    60,
  );
});

Deno.test('directSolve() reports singular matrices as status "singular", never throws', () => {
  assertProperty(
    fc.property(inertiaCase({ n: [2, 15] }), (c) => {
      fc.pre(c.inertia.zero > 0);
      const result = directSolve(c.operator, c.b);
      strictEqual(result.status, "singular");
      strictEqual(result.success, false);
      ok(result.x.every(Number.isNaN));
      check(result.reciprocalCondition < Number.EPSILON, () => `${result.reciprocalCondition}`);
    }),
    60,
  );
  strictEqual(directSolve([[0, 0], [0, 0]], [1, 1]).status, "singular");
  strictEqual(directSolve([[1, 2], [2, 4]], [1, 1]).status, "singular");
});

Deno.test("directSolve() solves an ill-conditioned (κ = 1e12) but nonsingular system", () => {
  const { matrix } = matrixWithSpectrum([1e-12, 0.5, 1], { seed: 4 });
  const result = directSolve(matrix, [1, 2, 3]);
  strictEqual(result.status, "solved");
  check(result.reciprocalCondition < 1e-11, () => `${result.reciprocalCondition}`);
});

Deno.test("directSolve() reads a matrix-free operator with dim matvecs", () => {
  const A = linearOperator(3, (x, out) => {
    out[0] = 2 * x[0] + x[1];
    out[1] = x[0] + 2 * x[1];
    out[2] = 3 * x[2];
    return out;
  }, { structure: "spd" });
  const result = directSolve(A, [3, 3, 3]);
  strictEqual(result.matvecs, 3);
  check(relativeDifference(result.x, [1, 1, 1]) < 1e-15, () => `${result.x}`);
});

Deno.test('directSolve() returns status "non-finite" when the operator produces NaN', () => {
  const A = linearOperator(2, (_x, out) => out.fill(NaN));
  const result = directSolve(A, [1, 1]);
  strictEqual(result.status, "non-finite");
  strictEqual(result.success, false);
});

Deno.test("directSolve() throws on a caller's mistake, naming the argument", () => {
  assertThrowsWith(
    () => directSolve([[1, 0], [0, 1]], [1]),
    RangeError,
    /b has length 1, expected 2/,
  );
  assertThrowsWith(
    () => directSolve([[1, 0], [0, 1]], [1, Infinity]),
    RangeError,
    /b\[1\] is Infinity/,
  );
  assertThrowsWith(() => directSolve([[1, 0]], [1]), RangeError, /A\[0\] has length 2, expected 1/);
  assertThrowsWith(() => directSolve([], []), RangeError, /A has 0 rows/);
  // @ts-expect-error: not a matrix
  assertThrowsWith(() => directSolve("A", [1]), TypeError, /A is "A"/);
});
