/**
 * Tests of the symmetric eigendecomposition: reconstruction, orthonormality, agreement with
 * the constructed spectrum, and the guard against ml-matrix's failure on subnormal entries.
 */

import fc from "fast-check";
import { strictEqual } from "node:assert/strict";
import { denseOperator, eigh, linearOperator } from "@secondorder/harness";
import { EigenvalueDecomposition, Matrix } from "../../src/deps.ts";
import { jacobiEigen } from "../../src/solve/eigh.ts";
import { assertClose, assertThrowsWith, check } from "../_helpers/assert.ts";
import { assertProperty } from "../_helpers/property.ts";
import { symmetricCase } from "../_helpers/matrices.ts";

/**
 * tql2 is backward stable: A + E = VΛVᵀ with ‖E‖ ≈ c·n·ε·‖A‖, and V orthonormal to c·n·ε
 * (measured 2.7e-15 relative over 20,000 random matrices with n ≤ 7). 100·n·ε leaves a
 * margin for n ≤ 30.
 */
const BACKWARD = (n: number) => 100 * n * Number.EPSILON;

function maxAbs(rows: readonly (readonly number[])[]): number {
  return Math.max(0, ...rows.map((r) => Math.max(...r.map(Math.abs))));
}

function reconstruct(values: Float64Array, vectors: Float64Array[], n: number): number[][] {
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => {
      let s = 0;
      for (let k = 0; k < n; k++) s += vectors[k][i] * values[k] * vectors[k][j];
      return s;
    }));
}

Deno.test("eigh() reconstructs A = V·diag(λ)·Vᵀ with V orthonormal", () => {
  assertProperty(
    fc.property(symmetricCase([1, 30]), (c) => {
      const { values, vectors, status } = eigh(c.operator);
      strictEqual(status, "ok");
      const scale = maxAbs(c.matrix);
      assertClose(reconstruct(values, vectors, c.n), c.matrix, { atol: BACKWARD(c.n) * scale });
      for (let i = 0; i < c.n; i++) {
        for (let j = 0; j <= i; j++) {
          let d = 0;
          for (let k = 0; k < c.n; k++) d += vectors[i][k] * vectors[j][k];
          assertClose(d, i === j ? 1 : 0, { atol: BACKWARD(c.n) }, `v${i}ᵀv${j}`);
        }
      }
    }),
    60,
  );
});

Deno.test("eigh() returns the constructed eigenvalues, ascending", () => {
  assertProperty(
    fc.property(symmetricCase([1, 30]), (c) => {
      const { values } = eigh(c.operator);
      for (let i = 1; i < c.n; i++) check(values[i - 1] <= values[i], () => "not ascending");
      // Weyl: each eigenvalue moves by at most ‖E‖₂ under a perturbation E.
      const scale = Math.max(...c.eigenvalues.map(Math.abs));
      assertClose(values, c.eigenvalues, { atol: BACKWARD(c.n) * scale });
    }),
    60,
  );
});

Deno.test("eigh() handles subnormal entries that make ml-matrix throw", () => {
  const matrix = [[5e-324, 5e-324], [5e-324, 0.2073957019985634]];
  // The unguarded call fails (this is why the guard exists).
  let threw = false;
  try {
    new EigenvalueDecomposition(new Matrix(matrix), { assumeSymmetric: true });
  } catch {
    threw = true;
  }
  check(threw, () => "ml-matrix no longer fails on this matrix; the guard may be revisited");
  const { values, status, method } = eigh(matrix);
  strictEqual(status, "ok");
  strictEqual(method, "ml-matrix");
  assertClose(values, [0, 0.2073957019985634], { atol: 1e-300 });
  // Off-diagonal entries of 1e-161 relative (normal numbers) also break the unguarded tql2.
  const tiny = [
    [1.1925098687375475, 0, -1.684540027605621e-160, 0],
    [0, 0, 0, 8.846457614026244e-161],
    [-1.684540027605621e-160, 0, 0, -0.2709990415121424],
    [0, 8.846457614026244e-161, -0.2709990415121424, 0],
  ];
  const guarded = eigh(tiny);
  strictEqual(guarded.status, "ok");
  assertClose(guarded.values, [-0.2709990415121424, 0, 0.2709990415121424, 1.1925098687375475], {
    atol: 1e-15,
  });
});

Deno.test("eigh() keeps tiny and huge matrices' eigenvalues: scaling by 2ᵏ is exact", () => {
  for (const s of [1e-300, 1e-200, 1e200, 1e300]) {
    const { values } = eigh([[2 * s, s], [s, 2 * s]]);
    assertClose(values, [s, 3 * s], { rtol: 1e-14 });
  }
  const { values } = eigh([[5e-324, 0], [0, 1e-323]]);
  assertClose(values, [5e-324, 1e-323], { atol: 0 });
});

Deno.test("eigh() Jacobi fallback agrees with the ml-matrix path", () => {
  assertProperty(
    fc.property(symmetricCase([1, 15]), (c) => {
      const data = new Float64Array(c.matrix.flat());
      const jacobi = jacobiEigen(c.n, data);
      const scale = Math.max(...c.eigenvalues.map(Math.abs));
      assertClose(jacobi.values, c.eigenvalues, { atol: BACKWARD(c.n) * scale });
      assertClose(reconstruct(jacobi.values, jacobi.vectors, c.n), c.matrix, {
        atol: BACKWARD(c.n) * maxAbs(c.matrix),
      });
    }),
    40,
  );
});

Deno.test("eigh() of the zero matrix is zeros with the identity as eigenvectors", () => {
  const { values, vectors } = eigh([[0, 0], [0, 0]]);
  assertClose(values, [0, 0], { atol: 0 });
  assertClose(vectors, [[1, 0], [0, 1]], { atol: 0 });
});

Deno.test('eigh() returns status "non-finite" for an operator producing NaN', () => {
  const A = linearOperator(2, (_x, out) => out.fill(NaN), { structure: "symmetric" });
  strictEqual(eigh(A).status, "non-finite");
});

Deno.test("eigh() rejects a general operator that is not symmetric, naming it", () => {
  assertThrowsWith(
    () => eigh(denseOperator([[1, 2], [0, 1]])),
    RangeError,
    /A has relative asymmetry .* expected a symmetric operator/,
  );
  // Rounding-level asymmetry in a "general" operator is accepted and symmetrised.
  const { values } = eigh(denseOperator([[1, 0.5], [0.5 + 1e-16, 1]]));
  assertClose(values, [0.5, 1.5], { atol: 1e-15 });
  assertThrowsWith(() => eigh([[1, 2, 3]]), RangeError, /A\[0\] has length 3, expected 1/);
});
