/**
 * The n-dimensional Rosenbrock function: value, gradient and the tridiagonal Hessian against
 * hyper-dual arithmetic (exact derivatives, no step size), the Gauss-Newton operator against
 * the explicit 2JᵀJ of its least-squares form, and the argument errors.
 */

import fc from "fast-check";
import { createRandom, rosenbrock, toDense } from "@secondorder/harness";
import {
  constant,
  hdAdd,
  hdMul,
  hdScale,
  hdSub,
  type HyperDual,
} from "../../src/reference/hyper_dual.ts";
import { assertClose, assertThrowsWith, check } from "../_helpers/assert.ts";
import { assertProperty } from "../_helpers/property.ts";

/**
 * The library's closed forms and the hyper-dual evaluation differ only by rounding: a few ε
 * relative to the largest term of a sum (12a·xᵢ² and 4a·xᵢxᵢ₊₁-sized terms, which may cancel).
 */
const ROUNDING = 1e-13;

/** f(x) = Σ a(xᵢ₊₁ − xᵢ²)² + (1 − xᵢ)², evaluated in hyper-dual arithmetic. */
function rosenbrockHyperDual(x: HyperDual[], a: number): HyperDual {
  let f = constant(0);
  for (let i = 0; i + 1 < x.length; i++) {
    const u = hdSub(x[i + 1], hdMul(x[i], x[i]));
    const w = hdSub(constant(1), x[i]);
    f = hdAdd(f, hdAdd(hdScale(a, hdMul(u, u)), hdMul(w, w)));
  }
  return f;
}

/** ∂²f/∂xᵢ∂xⱼ (and ∂f/∂xᵢ) from x + ε₁eᵢ + ε₂eⱼ. */
function seeded(x: Float64Array, i: number, j: number): HyperDual[] {
  return Array.from(x, (v, k) => ({ a: v, b: k === i ? 1 : 0, c: k === j ? 1 : 0, d: 0 }));
}

const rosenbrockCase = fc.record({
  n: fc.integer({ min: 2, max: 7 }),
  a: fc.constantFrom(1, 10, 100),
  seed: fc.integer({ min: 0, max: 0x7fffffff }),
}).map(({ n, a, seed }) => {
  const x = createRandom(seed).fillNormal(new Float64Array(n)).map((v) => 1.5 * v);
  const maxAbs = Math.max(...x.map(Math.abs));
  const scale = a * (12 * maxAbs * maxAbs + 4 * maxAbs + 2) + 2;
  return { n, a, seed, x, scale, toString: () => `rosenbrock(${n}, a ${a}, seed ${seed})` };
});

Deno.test("rosenbrock(): f(1, …, 1) = 0 with ∇f = 0, and the classic f(−1.2, 1) = 24.2", () => {
  for (const n of [2, 3, 10]) {
    const f = rosenbrock(n);
    check(f.value(f.minimizer) === 0, () => `f(x*) = ${f.value(f.minimizer)} for n = ${n}`);
    check(f.gradient(f.minimizer).every((g) => g === 0), () => `∇f(x*) ≠ 0 for n = ${n}`);
  }
  assertClose(
    rosenbrock(2).value(new Float64Array([-1.2, 1])),
    24.2,
    { rtol: 1e-15 },
    "f(−1.2, 1)",
  );
});

Deno.test("rosenbrock(): f and ∇f equal their hyper-dual evaluation", () => {
  assertProperty(
    fc.property(rosenbrockCase, ({ n, a, x, scale }) => {
      const f = rosenbrock(n, { a });
      const expectedGradient = Array.from(
        { length: n },
        (_, i) => rosenbrockHyperDual(seeded(x, i, i), a).b,
      );
      const { value, gradient } = f.valueAndGradient(x);
      const exact = rosenbrockHyperDual(seeded(x, 0, 0), a).a;
      assertClose(value, exact, { rtol: ROUNDING }, "f");
      assertClose(f.value(x), value, { rtol: 0 }, "value() against valueAndGradient()");
      assertClose(gradient, expectedGradient, {
        atol: ROUNDING * scale * Math.max(1, ...x.map(Math.abs)),
      }, "∇f");
      assertClose(f.gradient(x), gradient, { rtol: 0 }, "gradient() against valueAndGradient()");
    }),
    60,
  );
});

Deno.test("rosenbrock(): hessian(x) is the exact tridiagonal ∇²f (hyper-dual), symmetric", () => {
  assertProperty(
    fc.property(rosenbrockCase, ({ n, a, x, scale }) => {
      const H = toDense(rosenbrock(n, { a }).hessian(x));
      const expected = Array.from(
        { length: n },
        (_, i) => Array.from({ length: n }, (_, j) => rosenbrockHyperDual(seeded(x, i, j), a).d),
      );
      assertClose(H, expected, { atol: ROUNDING * scale }, "∇²f");
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          if (Math.abs(i - j) > 1) check(H[i][j] === 0, () => `H[${i}][${j}] = ${H[i][j]}`);
          check(H[i][j] === H[j][i], () => `H[${i}][${j}] ≠ H[${j}][${i}]`);
        }
      }
    }),
    60,
  );
});

Deno.test("rosenbrock(): gaussNewton(x) = 2JᵀJ for the residuals √a(xᵢ₊₁ − xᵢ²) and 1 − xᵢ, and equals ∇²f at x*", () => {
  assertProperty(
    fc.property(rosenbrockCase, ({ n, a, x, scale }) => {
      // The explicit Jacobian: row 2i is √a·(−2xᵢ eᵢ + eᵢ₊₁), row 2i + 1 is −eᵢ.
      const J: number[][] = [];
      for (let i = 0; i + 1 < n; i++) {
        const valley = new Array(n).fill(0), offset = new Array(n).fill(0);
        valley[i] = -2 * Math.sqrt(a) * x[i];
        valley[i + 1] = Math.sqrt(a);
        offset[i] = -1;
        J.push(valley, offset);
      }
      const expected = Array.from(
        { length: n },
        (_, p) =>
          Array.from({ length: n }, (_, q) => 2 * J.reduce((s, row) => s + row[p] * row[q], 0)),
      );
      const f = rosenbrock(n, { a });
      assertClose(
        toDense(f.gaussNewton(x)),
        expected,
        { atol: ROUNDING * scale },
        "G against 2JᵀJ",
      );
      // At x* every residual is zero, so ∇²f = 2JᵀJ + 2Σ rₖ∇²rₖ reduces to G.
      assertClose(
        toDense(f.gaussNewton(f.minimizer)),
        toDense(f.hessian(f.minimizer)),
        { atol: ROUNDING * a },
        "G(x*) against ∇²f(x*)",
      );
    }),
    40,
  );
});

Deno.test("rosenbrock() rejects bad arguments, naming them", () => {
  assertThrowsWith(() => rosenbrock(1), RangeError, /dim/);
  assertThrowsWith(() => rosenbrock(2.5), RangeError, /dim/);
  assertThrowsWith(() => rosenbrock(2, { a: 0 }), RangeError, /options\.a/);
  assertThrowsWith(() => rosenbrock(2, { a: NaN }), RangeError, /options\.a/);
  const f = rosenbrock(3);
  assertThrowsWith(() => f.value(new Float64Array(2)), RangeError, /x/);
  assertThrowsWith(() => f.gradient(new Float64Array([1, NaN, 1])), RangeError, /x/);
  assertThrowsWith(() => f.hessian(new Float64Array(4)), RangeError, /x/);
});
