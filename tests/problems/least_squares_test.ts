/**
 * Tests of `leastSquares()`: value ½‖r‖², gradient Jᵀr and Gauss-Newton matrix JᵀJ against
 * explicit products and finite differences on random smooth residual models; the
 * central-difference Jacobian; the two Jacobian layouts; linear least squares solved by one
 * Gauss-Newton step; what `minimize()` says about the Jacobian's source; and bad input.
 */

import fc from "fast-check";
import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import {
  createRandom,
  finiteDifferenceGradient,
  leastSquares,
  type LeastSquaresSpec,
  minimize,
  NonFiniteError,
  toDense,
} from "@secondorder/harness";
import { assertClose, assertCloseScaled, assertThrowsWith, check } from "../_helpers/assert.ts";
import { assertProperty } from "../_helpers/property.ts";

const EPS = Number.EPSILON;

/**
 * A smooth residual model rᵢ(x) = aᵢᵀx + cᵢ·sin(bᵢᵀx) − yᵢ with its exact Jacobian
 * Jᵢⱼ = aᵢⱼ + cᵢ·cos(bᵢᵀx)·bᵢⱼ, every coefficient standard normal from `seed`.
 */
interface SmoothModel {
  m: number;
  n: number;
  spec: Required<LeastSquaresSpec>;
  x: Float64Array;
  description: string;
}

function smoothModel(seed: number, m: number, n: number): SmoothModel {
  const random = createRandom(seed);
  const row = () => Array.from({ length: n }, () => random.normal());
  const a = Array.from({ length: m }, row);
  const b = Array.from({ length: m }, row);
  const c = Array.from({ length: m }, () => random.normal());
  const y = Array.from({ length: m }, () => random.normal());
  const inner = (i: number, x: ArrayLike<number>) => b[i].reduce((s, v, j) => s + v * x[j], 0);
  const spec: Required<LeastSquaresSpec> = {
    parameters: n,
    observations: m,
    residuals: (x) =>
      a.map((ai, i) =>
        ai.reduce((s, v, j) => s + v * x[j], 0) + c[i] * Math.sin(inner(i, x)) - y[i]
      ),
    jacobian: (x) => a.map((ai, i) => ai.map((v, j) => v + c[i] * Math.cos(inner(i, x)) * b[i][j])),
  };
  const x = random.fillNormal(new Float64Array(n));
  const description = `smoothModel(seed ${seed}, m ${m}, n ${n})`;
  return { m, n, spec, x, description, [fc.toStringMethod]: () => description } as SmoothModel;
}

const smoothModels = fc.record({
  seed: fc.integer({ min: 0, max: 0x7fffffff }),
  m: fc.integer({ min: 1, max: 9 }),
  n: fc.integer({ min: 1, max: 6 }),
}).map(({ seed, m, n }) => smoothModel(seed, m, n));

/** The explicit m × n Jacobian as rows, and r, from the spec. */
function explicit(model: SmoothModel, x: Float64Array) {
  const r = Array.from(model.spec.residuals(x) as number[]);
  const J = model.spec.jacobian(x) as number[][];
  return { r, J };
}

/**
 * Value, gradient and JᵀJ are sums of at most m·n products of O(1) terms: their rounding error
 * is a few m·ε relative to the sum of magnitudes. 1e-13 (scaled) leaves a wide margin for
 * m ≤ 9.
 */
const EXACT_ROUNDING = 1e-13;

/**
 * Central differences with h = ε^{1/3}·max(1, |xⱼ|) err by h²/6·|r‴| + ε·|r|/h, about 1e-10
 * for these models (coefficients and points of order 1, so |r‴| and |r| stay below about 30);
 * 1e-7 (scaled) is three orders above that.
 */
const CENTRAL_DIFFERENCES = 1e-7;

Deno.test("leastSquares(): f = ½‖r‖² and ∇f = Jᵀr, from the residuals and Jacobian given", () => {
  assertProperty(
    fc.property(smoothModels, (model) => {
      const f = leastSquares(model.spec);
      const { r, J } = explicit(model, model.x);
      const value = 0.5 * r.reduce((s, v) => s + v * v, 0);
      const gradient = Array.from(
        { length: model.n },
        (_, j) => r.reduce((s, ri, i) => s + J[i][j] * ri, 0),
      );
      assertClose(f.value(model.x), value, { rtol: EXACT_ROUNDING }, "f = ½‖r‖²");
      assertCloseScaled(f.gradient(model.x), gradient, EXACT_ROUNDING, "∇f = Jᵀr");
      const both = f.valueAndGradient(model.x);
      strictEqual(both.value, f.value(model.x), "valueAndGradient's value");
      assertCloseScaled(both.gradient, gradient, EXACT_ROUNDING, "valueAndGradient's gradient");
      assertCloseScaled(f.residuals(model.x), r, 0, "the residuals accessor");
      assertCloseScaled(f.jacobian(model.x), J, 0, "the Jacobian accessor (row-major)");
      strictEqual(f.dim, model.n);
      strictEqual(f.observations, model.m);
      strictEqual(f.jacobianSource, "analytic");
    }),
    100,
  );
});

Deno.test("leastSquares(): ∇f agrees with central differences of f", () => {
  assertProperty(
    fc.property(smoothModels, (model) => {
      const f = leastSquares(model.spec);
      assertCloseScaled(
        f.gradient(model.x),
        finiteDifferenceGradient(f, model.x),
        CENTRAL_DIFFERENCES,
        `${model.description}: Jᵀr vs central differences`,
      );
    }),
    100,
  );
});

Deno.test("leastSquares(): gaussNewton(x) is the explicit JᵀJ, symmetric, with vᵀGv = ‖Jv‖² ≥ 0", () => {
  assertProperty(
    fc.property(smoothModels, fc.integer({ min: 0, max: 0x7fffffff }), (model, seed) => {
      const f = leastSquares(model.spec);
      const { J } = explicit(model, model.x);
      const G = f.gaussNewton(model.x);
      strictEqual(G.dim, model.n);
      strictEqual(G.structure, "symmetric", "JᵀJ may be singular, so it is not declared spd");
      const explicitJtJ = Array.from(
        { length: model.n },
        (_, i) =>
          Array.from({ length: model.n }, (_, j) => J.reduce((s, row) => s + row[i] * row[j], 0)),
      );
      const dense = toDense(G);
      assertCloseScaled(dense, explicitJtJ, EXACT_ROUNDING, "toDense(G) vs JᵀJ");
      for (let i = 0; i < model.n; i++) {
        for (let j = 0; j < i; j++) strictEqual(dense[i][j], dense[j][i], `G[${i}][${j}]`);
      }
      const v = createRandom(seed).fillNormal(new Float64Array(model.n));
      const Gv = G.matvec(v);
      const vGv = v.reduce((s, vi, i) => s + vi * Gv[i], 0);
      const Jv = J.map((row) => row.reduce((s, a, j) => s + a * v[j], 0));
      const jvNorm2 = Jv.reduce((s, t) => s + t * t, 0);
      check(vGv >= 0, () => `vᵀGv = ${vGv} < 0`);
      assertClose(vGv, jvNorm2, { rtol: EXACT_ROUNDING, atol: EXACT_ROUNDING * jvNorm2 }, "vᵀGv");
    }),
    100,
  );
});

Deno.test("leastSquares() without a Jacobian differentiates the residuals centrally, to O(ε^{2/3})", () => {
  assertProperty(
    fc.property(smoothModels, (model) => {
      const { jacobian, ...withoutJacobian } = model.spec;
      const f = leastSquares(withoutJacobian);
      strictEqual(f.jacobianSource, "finite-differences");
      const exact = jacobian(model.x) as number[][];
      assertCloseScaled(f.jacobian(model.x), exact, CENTRAL_DIFFERENCES, model.description);
      const analytic = leastSquares(model.spec);
      assertCloseScaled(
        f.gradient(model.x),
        analytic.gradient(model.x),
        CENTRAL_DIFFERENCES,
        "gradient from the differenced Jacobian",
      );
      strictEqual(f.value(model.x), analytic.value(model.x), "the value needs no Jacobian");
    }),
    100,
  );
});

Deno.test("leastSquares() takes the Jacobian as m rows of n or as a row-major Float64Array", () => {
  const model = smoothModel(11, 5, 3);
  const rows = leastSquares(model.spec);
  const flat = leastSquares({
    ...model.spec,
    jacobian: (x) => Float64Array.from((model.spec.jacobian(x) as number[][]).flat()),
  });
  const typedRows = leastSquares({
    ...model.spec,
    jacobian: (x) => (model.spec.jacobian(x) as number[][]).map((r) => Float64Array.from(r)),
  });
  for (const other of [flat, typedRows]) {
    assertCloseScaled(other.jacobian(model.x), rows.jacobian(model.x), 0, "same Jacobian");
    assertCloseScaled(other.gradient(model.x), rows.gradient(model.x), 0, "same gradient");
  }
});

Deno.test("leastSquares() lets residuals(x, out) fill the buffer it is given, and leaves x alone", () => {
  const seen: Float64Array[] = [];
  const f = leastSquares({
    parameters: 2,
    observations: 3,
    residuals(x, out) {
      seen.push(x);
      x[0] = 99; // a careless model: the objective passes a copy, so this cannot corrupt it
      const r = out!;
      r[0] = 1;
      r[1] = 2;
      r[2] = 3;
      return r;
    },
  });
  const x = new Float64Array([0.5, -0.5]);
  strictEqual(f.value(x), 7);
  deepEqual(Array.from(x), [0.5, -0.5]);
  const out = new Float64Array(3);
  strictEqual(f.residuals(x, out), out, "the accessor fills and returns out");
  deepEqual(Array.from(out), [1, 2, 3]);
  ok(seen.every((s) => s !== x), "the model never sees the caller's array");
});

function deepEqual(actual: number[], expected: number[]) {
  strictEqual(JSON.stringify(actual), JSON.stringify(expected));
}

/**
 * Linear least squares r = Ax − y: one Gauss-Newton step with the direct solver lands on the
 * normal-equations solution (the model is exact). With κ(A) ≤ 1e2 the solution's rounding
 * error is about κ(A)²·ε relative; 1e-10 leaves two orders of margin.
 */
const LINEAR_SOLUTION = 1e-10;

Deno.test("gauss-newton solves linear least squares r = Ax − y in one step: x = (AᵀA)⁻¹Aᵀy", () => {
  assertProperty(
    fc.property(
      fc.integer({ min: 0, max: 0x7fffffff }),
      fc.integer({ min: 1, max: 5 }),
      fc.integer({ min: 0, max: 4 }),
      (seed, n, extra) => {
        const m = n + extra;
        const random = createRandom(seed);
        // A = I stacked on noise/4: well conditioned (κ(A) < 1e2) and of full column rank.
        const A = Array.from(
          { length: m },
          (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0) + 0.25 * random.normal()),
        );
        const y = Array.from({ length: m }, () => random.normal());
        const f = leastSquares({
          parameters: n,
          observations: m,
          residuals: (x) => A.map((row, i) => row.reduce((s, a, j) => s + a * x[j], 0) - y[i]),
          jacobian: () => A,
        });
        const run = minimize(f, new Float64Array(n), {
          method: "gauss-newton",
          solver: "direct",
          lineSearch: "none",
        });
        // The normal equations, solved independently by Gaussian elimination.
        const N = Array.from(
          { length: n },
          (_, i) =>
            Array.from({ length: n }, (_, j) => A.reduce((s, row) => s + row[i] * row[j], 0)),
        );
        const rhs = Array.from(
          { length: n },
          (_, i) => A.reduce((s, row, k) => s + row[i] * y[k], 0),
        );
        const solution = gaussianElimination(N, rhs);
        assertCloseScaled(run.x, solution, LINEAR_SOLUTION, `seed ${seed}, ${m} × ${n}`);
        ok(run.success, run.message);
        check(run.iterations <= 2, () => `${run.iterations} iterations: ${run.message}`);
      },
    ),
    60,
  );
});

function gaussianElimination(matrix: number[][], rhs: number[]): number[] {
  const n = rhs.length;
  const a = matrix.map((row, i) => [...row, rhs[i]]);
  for (let k = 0; k < n; k++) {
    let pivot = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(a[i][k]) > Math.abs(a[pivot][k])) pivot = i;
    [a[k], a[pivot]] = [a[pivot], a[k]];
    for (let i = k + 1; i < n; i++) {
      const factor = a[i][k] / a[k][k];
      for (let j = k; j <= n; j++) a[i][j] -= factor * a[k][j];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = a[i][n];
    for (let j = i + 1; j < n; j++) s -= a[i][j] * x[j];
    x[i] = s / a[i][i];
  }
  return x;
}

Deno.test("minimize() says when the Jacobian came from finite differences, and only then", () => {
  const model = smoothModel(5, 6, 2);
  const { jacobian: _, ...withoutJacobian } = model.spec;
  for (const method of ["gauss-newton", "levenberg-marquardt"] as const) {
    const differenced = minimize(leastSquares(withoutJacobian), model.x, { method });
    ok(
      differenced.message.endsWith("(Jacobian by finite differences)"),
      `${method}: ${differenced.message}`,
    );
    const analytic = minimize(leastSquares(model.spec), model.x, { method });
    ok(!analytic.message.includes("finite differences"), `${method}: ${analytic.message}`);
  }
});

Deno.test("leastSquares() rejects a bad spec with errors naming the argument", () => {
  const good = smoothModel(3, 4, 2).spec;
  const cases: [unknown, typeof TypeError | typeof RangeError, RegExp][] = [
    [null, TypeError, /spec is null, expected \{ residuals/],
    [[good], TypeError, /spec is an array/],
    [{ ...good, parameters: 0 }, RangeError, /parameters is 0, expected an integer/],
    [{ ...good, parameters: 1.5 }, RangeError, /parameters is 1.5/],
    [{ ...good, observations: "4" }, TypeError, /observations is "4", expected an integer/],
    [{ ...good, residuals: undefined }, TypeError, /residuals is undefined, expected a function/],
    [{ ...good, jacobian: [[1, 2]] }, TypeError, /jacobian is an array of length 1/],
    [
      { ...good, observations: 1 << 24, parameters: 1 << 10 },
      RangeError,
      /observations × parameters is/,
    ],
  ];
  for (const [spec, errorClass, pattern] of cases) {
    assertThrowsWith(() => leastSquares(spec as LeastSquaresSpec), errorClass, pattern);
  }
});

Deno.test("leastSquares() rejects residuals and Jacobians of the wrong shape, naming them", () => {
  const x = new Float64Array([0.1, 0.2]);
  const spec = (
    residuals: (x: Float64Array) => unknown,
    jacobian?: (x: Float64Array) => unknown,
  ) =>
    leastSquares({
      parameters: 2,
      observations: 3,
      residuals: residuals as LeastSquaresSpec["residuals"],
      ...(jacobian ? { jacobian: jacobian as LeastSquaresSpec["jacobian"] } : {}),
    });
  const three = () => [1, 2, 3];
  assertThrowsWith(
    () => spec(() => [1, 2]).value(x),
    RangeError,
    /residuals\(x\) returned length 2, expected 3/,
  );
  assertThrowsWith(() => spec(() => 7).value(x), TypeError, /residuals\(x\) returned 7/);
  assertThrowsWith(() => spec(() => [1, "2", 3]).value(x), TypeError, /residuals\(x\)\[1\] is "2"/);
  assertThrowsWith(
    () => spec(three, () => [[1, 2]]).gradient(x),
    RangeError,
    /jacobian\(x\) returned 1 rows, expected 3/,
  );
  assertThrowsWith(
    () => spec(three, () => [[1, 2], [3], [5, 6]]).gradient(x),
    RangeError,
    /jacobian\(x\)\[1\] has length 1, expected 2/,
  );
  assertThrowsWith(
    () => spec(three, () => new Float64Array(5)).gaussNewton(x),
    RangeError,
    /jacobian\(x\) returned a Float64Array of length 5, expected 6/,
  );
  assertThrowsWith(
    () => spec(three, () => "J").jacobian(x),
    TypeError,
    /jacobian\(x\) returned "J"/,
  );
  assertThrowsWith(
    () => spec(three, () => [[1, 2], [3, null], [5, 6]]).gradient(x),
    TypeError,
    /jacobian\(x\)\[1\]\[1\] is null/,
  );
  const f = spec(three);
  assertThrowsWith(() => f.value(new Float64Array(3)), RangeError, /x has length 3, expected 2/);
  assertThrowsWith(() => f.gradient(new Float64Array([NaN, 0])), RangeError, /x\[0\] is NaN/);
  assertThrowsWith(() => f.gradient(x, new Float64Array(3)), RangeError, /out has length 3/);
  assertThrowsWith(() => f.residuals(x, new Float64Array(2)), RangeError, /out has length 2/);
  assertThrowsWith(() => f.gradient(x, x), RangeError, /out is the same array as x/);
});

Deno.test("leastSquares(): a non-finite residual or Jacobian at a finite x is a NonFiniteError", () => {
  const x = new Float64Array([800, 1]);
  const exponential = leastSquares({
    parameters: 2,
    observations: 2,
    residuals: ([a, b]) => [Math.exp(a) - 1, b],
  });
  for (const call of [() => exponential.value(x), () => exponential.gradient(x)]) {
    try {
      call();
      throw new Error("expected a NonFiniteError");
    } catch (error) {
      ok(error instanceof NonFiniteError, String(error));
      ok(error instanceof RangeError);
      ok(/not finite at x/.test((error as Error).message), (error as Error).message);
    }
  }
  // Residuals finite but their squares overflow: the value is not finite.
  const huge = leastSquares({ parameters: 1, observations: 2, residuals: () => [1e200, 1e200] });
  assertThrowsWith(() => huge.value(new Float64Array(1)), RangeError, /the value is not finite/);
  const badJacobian = leastSquares({
    parameters: 1,
    observations: 1,
    residuals: ([a]) => [a],
    jacobian: () => [[Infinity]],
  });
  assertThrowsWith(
    () => badJacobian.gradient(new Float64Array(1)),
    RangeError,
    /the Jacobian is not finite/,
  );
  // minimize() reports the overflow as a status, never as success.
  const run = minimize(exponential, x, { method: "levenberg-marquardt" });
  strictEqual(run.status, "non-finite");
  strictEqual(run.success, false);
});

Deno.test("leastSquares(): ½‖r‖² does not overflow while ‖r‖ is representable", () => {
  const f = leastSquares({
    parameters: 1,
    observations: 4,
    residuals: () => [1e150, -1e150, 1e150, 0],
  });
  assertClose(f.value(new Float64Array(1)), 1.5e300, { rtol: 4 * EPS }, "½·3·1e300");
});

Deno.test("leastSquares() calls residuals and jacobian once per point for value, gradient and gaussNewton", () => {
  let residualCalls = 0, jacobianCalls = 0;
  const f = leastSquares({
    parameters: 2,
    observations: 3,
    residuals: (x) => {
      residualCalls++;
      return [x[0] - 1, x[1] + 2, x[0] * x[1]];
    },
    jacobian: (x) => {
      jacobianCalls++;
      return [[1, 0], [0, 1], [x[1], x[0]]];
    },
  });
  const x = new Float64Array([0.5, -0.25]);
  const value = f.value(x);
  const { value: again, gradient } = f.valueAndGradient(x);
  const Gv = f.gaussNewton(x).matvec(new Float64Array([1, 1]));
  strictEqual(again, value);
  deepStrictEqual(Array.from(gradient), Array.from(f.gradient(x)));
  strictEqual(residualCalls, 1);
  strictEqual(jacobianCalls, 1);
  // JᵀJ·(1, 1) with J = [[1, 0], [0, 1], [−0.25, 0.5]].
  deepStrictEqual(Array.from(Gv), [1 + -0.25 * 0.25, 1 + 0.5 * 0.25]);
  // A new point calls them again; the returned Jacobian is a copy the caller may change.
  f.value(new Float64Array([0.5, -0.5]));
  strictEqual(residualCalls, 2);
  const J = f.jacobian(x);
  J.fill(0);
  strictEqual(jacobianCalls, 1);
  deepStrictEqual(Array.from(f.jacobian(x)), [1, 0, 0, 1, -0.25, 0.5]);
});
