/**
 * Tests of the LinearOperator interface and its algebra against dense matrix arithmetic.
 */

import fc from "fast-check";
import { deepStrictEqual, strictEqual } from "node:assert/strict";
import {
  add,
  compose,
  counted,
  damp,
  denseOperator,
  diagonal,
  identity,
  linearOperator,
  scale,
  toDense,
} from "@secondorder/harness";
import { assertClose, assertThrowsWith } from "../_helpers/assert.ts";
import { assertProperty } from "../_helpers/property.ts";

/**
 * Sums and products of n ≤ 8 entries bounded by 10 in magnitude: rounding error below
 * n·ε·(sum of |terms|) ≤ 8 · 2.2e-16 · 800 ≈ 1.4e-12.
 */
const DENSE_ROUNDING = 1e-11;

const squareMatrix = fc.integer({ min: 1, max: 8 }).chain((n) =>
  fc.array(
    fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: n, maxLength: n }),
    {
      minLength: n,
      maxLength: n,
    },
  )
);

const matrixPair = fc.integer({ min: 1, max: 8 }).chain((n) => {
  const m = fc.array(
    fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: n, maxLength: n }),
    {
      minLength: n,
      maxLength: n,
    },
  );
  return fc.tuple(m, m, fc.double({ min: -10, max: 10, noNaN: true }));
});

function multiply(a: number[][], b: number[][]): number[][] {
  return a.map((row) => b[0].map((_, j) => row.reduce((s, v, k) => s + v * b[k][j], 0)));
}

Deno.test("toDense(denseOperator(A)) = A, and matvec is the matrix-vector product", () => {
  assertProperty(
    fc.property(squareMatrix, (A) => {
      assertClose(toDense(denseOperator(A)), A, { atol: 0 }, "toDense round trip");
      const x = new Float64Array(A.length).map((_, i) => i - 1.5);
      const y = denseOperator(A).matvec(x);
      const expected = A.map((row) => row.reduce((s, v, j) => s + v * x[j], 0));
      assertClose(y, expected, { atol: DENSE_ROUNDING });
    }),
    100,
  );
});

Deno.test("add, scale, damp and compose match dense arithmetic: (A+B), sA, A+λI, AB", () => {
  assertProperty(
    fc.property(matrixPair, ([A, B, s]) => {
      const n = A.length;
      const a = denseOperator(A), b = denseOperator(B);
      const lambda = Math.abs(s);
      assertClose(toDense(add(a, b)), A.map((r, i) => r.map((v, j) => v + B[i][j])), {
        atol: DENSE_ROUNDING,
      });
      assertClose(toDense(scale(a, s)), A.map((r) => r.map((v) => s * v)), {
        atol: DENSE_ROUNDING,
      });
      assertClose(
        toDense(damp(a, lambda)),
        A.map((r, i) => r.map((v, j) => v + (i === j ? lambda : 0))),
        { atol: DENSE_ROUNDING },
      );
      assertClose(toDense(compose(a, b)), multiply(A, B), { atol: DENSE_ROUNDING * 10 * n });
    }),
    100,
  );
});

Deno.test("operator structure: damping keeps SPD, a negative scale drops it, products are general", () => {
  const spd = denseOperator([[2, 0], [0, 1]], { structure: "spd" });
  strictEqual(damp(spd, 1).structure, "spd");
  strictEqual(scale(spd, -1).structure, "symmetric");
  strictEqual(scale(spd, 2).structure, "spd");
  strictEqual(add(spd, spd).structure, "spd");
  strictEqual(add(spd, denseOperator([[0, 1], [1, 0]])).structure, "symmetric");
  strictEqual(add(spd, denseOperator([[0, 1], [2, 0]])).structure, "general");
  strictEqual(compose(spd, spd).structure, "general");
  strictEqual(identity(3).structure, "spd");
  strictEqual(diagonal([1, -1]).structure, "symmetric");
  strictEqual(denseOperator([[1, 2], [3, 4]]).structure, "general");
});

Deno.test("counted() counts matvecs and reset() clears the count", () => {
  const A = counted(identity(2));
  A.matvec(new Float64Array(2));
  A.matvec(new Float64Array(2), new Float64Array(2));
  strictEqual(A.matvecs, 2);
  A.reset();
  strictEqual(A.matvecs, 0);
});

Deno.test("matvec writes into out and returns it without allocating a new array", () => {
  const A = damp(denseOperator([[1, 2], [2, 1]]), 0.5);
  const out = new Float64Array(2);
  const result = A.matvec(new Float64Array([1, 1]), out);
  strictEqual(result, out);
  deepStrictEqual(Array.from(out), [3.5, 3.5]);
});

Deno.test("operators reject bad input with errors that name the argument", () => {
  assertThrowsWith(
    () => denseOperator([[1, 2]]),
    RangeError,
    /matrix\[0\] has length 2, expected 1/,
  );
  assertThrowsWith(() => denseOperator([]), RangeError, /matrix has 0 rows/);
  assertThrowsWith(() => denseOperator([[1, NaN], [0, 1]]), RangeError, /matrix\[0\]\[1\] is NaN/);
  assertThrowsWith(
    () => denseOperator([[1, 2], [3, 4]], { structure: "spd" }),
    RangeError,
    /structure is "spd" but the matrix is not symmetric/,
  );
  assertThrowsWith(
    () => damp(identity(2), -1),
    RangeError,
    /lambda is -1, expected a finite number ≥ 0/,
  );
  assertThrowsWith(() => scale(identity(2), NaN), RangeError, /s is NaN/);
  assertThrowsWith(
    () => add(identity(2), identity(3)),
    RangeError,
    /b has dim 3, expected 2 \(a's dim\)/,
  );
  assertThrowsWith(
    () => identity(2).matvec(new Float64Array([1, NaN])),
    RangeError,
    /x\[1\] is NaN, expected a finite number/,
  );
  assertThrowsWith(
    () => toDense(linearOperator(2, (_x, out) => out.fill(NaN))),
    RangeError,
    /op.matvec returned NaN in row 0 of column 0/,
  );
  assertThrowsWith(
    () => toDense({} as never),
    TypeError,
    /op is an object, expected a LinearOperator/,
  );
  const A = identity(2);
  assertThrowsWith(() => A.matvec(new Float64Array(3)), RangeError, /x has length 3, expected 2/);
  assertThrowsWith(
    () => A.matvec(new Float64Array(2), new Float64Array(1)),
    RangeError,
    /out has length 1/,
  );
  const x = new Float64Array(2);
  assertThrowsWith(() => A.matvec(x, x), RangeError, /out is the same array as x/);
  assertThrowsWith(
    () => linearOperator(0, (_x, out) => out),
    RangeError,
    /dim is 0, expected an integer ≥ 1/,
  );
});
