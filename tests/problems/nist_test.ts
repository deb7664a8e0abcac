/**
 * Tests of the NIST StRD problems: the data set's shape, each model's analytic Jacobian against
 * extrapolated finite differences at start 1, start 2 and the certified parameters, the
 * certified residual sum of squares and residual standard deviation reproduced at the certified
 * parameters, and `correctDigits()`.
 */

import fc from "fast-check";
import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import {
  correctDigits,
  NIST_PROBLEM_NAMES,
  type NistProblem,
  nistProblem,
  type NistProblemName,
  nistProblems,
} from "@secondorder/harness";
import { assertClose, assertCloseScaled, assertThrowsWith, check } from "../_helpers/assert.ts";
import { assertProperty } from "../_helpers/property.ts";

const EPS = Number.EPSILON;

/** NIST's ten problems with their parameter and observation counts (from the StRD pages). */
const SHAPES: Record<NistProblemName, { n: number; m: number; difficulty: string }> = {
  Misra1a: { n: 2, m: 14, difficulty: "lower" },
  BoxBOD: { n: 2, m: 6, difficulty: "higher" },
  DanWood: { n: 2, m: 6, difficulty: "lower" },
  Rat42: { n: 3, m: 9, difficulty: "higher" },
  MGH09: { n: 4, m: 11, difficulty: "higher" },
  MGH10: { n: 3, m: 16, difficulty: "higher" },
  Eckerle4: { n: 3, m: 35, difficulty: "higher" },
  Rat43: { n: 4, m: 15, difficulty: "higher" },
  Lanczos3: { n: 6, m: 24, difficulty: "lower" },
  Thurber: { n: 7, m: 37, difficulty: "higher" },
};

const POINTS = ["start1", "start2", "certified"] as const;

Deno.test("nistProblems() holds the ten StRD problems, each with n parameters and m observations", () => {
  const problems = nistProblems();
  deepStrictEqual(problems.map((p) => p.name), Object.keys(SHAPES));
  deepStrictEqual([...NIST_PROBLEM_NAMES], Object.keys(SHAPES));
  for (const p of problems) {
    const { n, m, difficulty } = SHAPES[p.name];
    strictEqual(p.difficulty, difficulty, p.name);
    for (const key of ["parameterNames", "start1", "start2", "certified"] as const) {
      strictEqual(p[key].length, n, `${p.name}.${key}`);
    }
    strictEqual(p.certifiedStandardDeviations.length, n, p.name);
    strictEqual(p.x.length, m, `${p.name}.x`);
    strictEqual(p.y.length, m, `${p.name}.y`);
    deepStrictEqual(p.parameterNames, Array.from({ length: n }, (_, i) => `b${i + 1}`));
    ok(p.model.startsWith("y = "), `${p.name}: ${p.model}`);
    const f = p.objective();
    strictEqual(f.dim, n);
    strictEqual(f.observations, m);
    strictEqual(f.jacobianSource, "analytic");
    strictEqual(
      p.objective({ jacobian: "finite-differences" }).jacobianSource,
      "finite-differences",
    );
    ok(Object.isFrozen(p.certified) && Object.isFrozen(p.x), "the data cannot be altered");
  }
});

/**
 * Ridders' method (Press et al., Numerical Recipes §5.7): central differences of a vector
 * function along coordinate j at steps h₀/1.4ᵏ, extrapolated to h → 0 by Neville's tableau,
 * keeping per entry the estimate with the smallest error estimate. Returns the estimates and
 * their error estimates.
 */
function ridders(
  fn: (b: Float64Array) => Float64Array,
  b: Float64Array,
  j: number,
  h0: number,
): { derivative: Float64Array; error: Float64Array } {
  const shrink = 1.4, shrink2 = shrink * shrink, tableau = 12, safe = 2;
  const central = (h: number) => {
    const up = b.slice(), down = b.slice();
    up[j] += h;
    down[j] -= h;
    const width = up[j] - down[j];
    const fu = fn(up), fd = fn(down);
    return fu.map((v, i) => (v - fd[i]) / width);
  };
  const m = fn(b).length;
  const derivative = new Float64Array(m), error = new Float64Array(m).fill(Infinity);
  const done = new Uint8Array(m);
  let h = h0;
  const a: Float64Array[][] = [[central(h)]];
  for (let i = 1; i < tableau && !done.every((d) => d === 1); i++) {
    h /= shrink;
    a[i] = [central(h)];
    let factor = shrink2;
    for (let k = 1; k <= i; k++) {
      a[i][k] = a[i][k - 1].map((v, c) => (v * factor - a[i - 1][k - 1][c]) / (factor - 1));
      factor *= shrink2;
      for (let c = 0; c < m; c++) {
        if (done[c]) continue;
        const e = Math.max(
          Math.abs(a[i][k][c] - a[i][k - 1][c]),
          Math.abs(a[i][k][c] - a[i - 1][k - 1][c]),
        );
        if (e <= error[c]) {
          error[c] = e;
          derivative[c] = a[i][k][c];
        }
      }
    }
    for (let c = 0; c < m; c++) {
      if (Math.abs(a[i][i][c] - a[i - 1][i - 1][c]) >= safe * error[c]) done[c] = 1;
    }
  }
  return { derivative, error };
}

/**
 * Ridders' extrapolation, started at h₀ = 1e-3·|bⱼ| (every parameter is nonzero at every
 * point), agrees with the hand-written derivatives to at most 2.4e-10 of each column's largest
 * entry on these problems, and its own error estimates are of the same size. 1e-8 leaves a
 * factor 40; a wrong term in a derivative is off by order 1.
 */
const JACOBIAN_AGREEMENT = 1e-8;

Deno.test("NIST: each model's analytic Jacobian matches extrapolated central differences at start 1, start 2 and the certified values", () => {
  for (const p of nistProblems()) {
    const f = p.objective();
    const n = p.certified.length, m = p.x.length;
    for (const point of POINTS) {
      const b = new Float64Array(p[point]);
      const J = f.jacobian(b);
      for (let j = 0; j < n; j++) {
        const { derivative, error } = ridders((c) => f.residuals(c), b, j, 1e-3 * Math.abs(b[j]));
        const column = Array.from({ length: m }, (_, i) => J[i * n + j]);
        const scale = Math.max(...column.map(Math.abs));
        check(scale > 0, () => `${p.name} at ${point}: column b${j + 1} is zero`);
        const worstError = Math.max(...error);
        check(
          worstError <= JACOBIAN_AGREEMENT * scale,
          () => `${p.name} at ${point}: Ridders' error estimate ${worstError} for b${j + 1}`,
        );
        assertClose(
          column,
          derivative,
          { atol: JACOBIAN_AGREEMENT * scale },
          `${p.name} at ${point}: ∂r/∂b${j + 1}`,
        );
      }
    }
  }
});

Deno.test("NIST: predict() is the model behind the residuals: rᵢ = f(xᵢ; b) − yᵢ", () => {
  for (const p of nistProblems()) {
    const b = new Float64Array(p.start2);
    const r = p.objective().residuals(b);
    const expected = p.x.map((x, i) => p.predict(b, x) - p.y[i]);
    assertCloseScaled(r, expected, 0, p.name);
  }
});

/** Half a unit in the 11th significant digit of v, relative to v: NIST's rounding of v. */
function elevenDigitRounding(v: number): number {
  return 0.5 * 10 ** (Math.floor(Math.log10(Math.abs(v))) - 10) / Math.abs(v);
}

/**
 * At the certified parameters, 2f = RSS agrees with the certified RSS within:
 * - NIST's rounding of the RSS to 11 significant digits, up to 5e-11 relative
 *   (elevenDigitRounding);
 * - the rounding of the parameters to 11 digits, which moves the RSS only at second order
 *   (it is stationary there): below 1e-20 here;
 * - the double-precision evaluation, dominated by the cancellation in rᵢ = f(xᵢ) − yᵢ and the
 *   binary representation of yᵢ, each bounded by ε·|yᵢ| per residual: 2·Σ|rᵢ|·2ε|yᵢ| / RSS
 *   (evaluationBound, up to 7e-12 for Lanczos3).
 * The test allows the sum, with the evaluation term doubled.
 */
function evaluationBound(p: NistProblem): number {
  const r = p.objective().residuals(new Float64Array(p.certified));
  const rss = r.reduce((s, v) => s + v * v, 0);
  return 8 * EPS * p.y.reduce((s, y, i) => s + Math.abs(y) * Math.abs(r[i]), 0) / rss;
}

Deno.test("NIST: at the certified parameters 2·f equals the certified residual sum of squares, to NIST's 11 digits", () => {
  for (const p of nistProblems()) {
    const rss = 2 * p.objective().value(new Float64Array(p.certified));
    const certified = p.certifiedResidualSumOfSquares;
    const tolerance = elevenDigitRounding(certified) + evaluationBound(p);
    assertClose(rss, certified, { rtol: tolerance }, `${p.name}: 2f(b*) vs certified RSS`);
  }
});

Deno.test("NIST: the certified residual standard deviation is √(RSS/(m − n)), to NIST's 11 digits", () => {
  for (const p of nistProblems()) {
    const dof = p.x.length - p.certified.length;
    const sd = Math.sqrt(p.certifiedResidualSumOfSquares / dof);
    // √ halves the RSS's relative rounding; the standard deviation has its own 11-digit rounding.
    const tolerance = elevenDigitRounding(p.certifiedResidualSumOfSquares) / 2 +
      elevenDigitRounding(p.certifiedResidualStandardDeviation);
    assertClose(
      p.certifiedResidualStandardDeviation,
      sd,
      { rtol: tolerance },
      `${p.name}: residual standard deviation with m − n = ${dof}`,
    );
  }
});

Deno.test("NIST: the analytic and finite-difference objectives agree in value and nearly in gradient", () => {
  for (const p of nistProblems()) {
    const b = new Float64Array(p.start2);
    const analytic = p.objective(), differenced = p.objective({ jacobian: "finite-differences" });
    strictEqual(analytic.value(b), differenced.value(b), p.name);
    // Central differences with h = ε^{1/3}·max(1, |bⱼ|) err by h²/6·|r‴|/|r′| relative, large
    // for parameters far below 1: Misra1a's b2 = 5e-4 is stepped by 1%, and its gradient is off
    // by 1.9e-6 of the gradient's scale (Thurber 3e-7, the others below 1e-7). 1e-5 allows 5×.
    const g = analytic.gradient(b);
    const scale = Math.max(...g.map(Math.abs));
    assertClose(differenced.gradient(b), g, { atol: 1e-5 * scale }, p.name);
  }
});

Deno.test("correctDigits() is −log₁₀ of the relative error, clipped to [0, 11]", () => {
  strictEqual(correctDigits(238.94212918, 238.94212918), 11);
  assertClose(correctDigits(1 + 1e-7, 1), 7, { atol: 1e-8 }, "1 + 1e-7 has 7 digits");
  assertClose(correctDigits(-2.000002, -2), 6, { atol: 1e-8 }, "signs alike");
  strictEqual(correctDigits(2, -2), 0, "wrong sign: clipped to 0");
  strictEqual(correctDigits(NaN, 1), 0, "a NaN estimate has no correct digits");
  strictEqual(correctDigits(Infinity, 1), 0);
  assertClose(correctDigits(1e-5, 0), 5, { atol: 1e-12 }, "certified 0: absolute error");
  strictEqual(correctDigits(1 + 1e-14, 1), 11, "beyond NIST's 11 digits: capped");
  strictEqual(correctDigits(1 + 1e-14, 1, { maxDigits: 15 }) > 13, true);
  assertProperty(
    fc.property(
      // Certified values of normal magnitude (subnormals carry fewer digits than 11).
      fc.tuple(fc.double({ min: 1e-6, max: 1e6, noNaN: true }), fc.boolean()).map((
        [v, negative],
      ) => negative ? -v : v),
      fc.double({ min: 1e-15, max: 1, noNaN: true }),
      (certified, relative) => {
        const digits = correctDigits(certified * (1 + relative), certified);
        const expected = Math.min(11, Math.max(0, -Math.log10(relative)));
        // Forming c·(1 + ρ) and the error rounds the relative error ρ by about ε/ρ relative,
        // which moves −log₁₀ρ by ε/(ρ·ln 10); 4ε/ρ bounds that with room.
        assertClose(digits, expected, { atol: 4 * EPS / relative + 1e-12 }, "LRE");
      },
    ),
    200,
  );
});

Deno.test("nistProblem(), predict() and correctDigits() reject bad arguments, naming them", () => {
  assertThrowsWith(
    () => nistProblem("Misra1b" as NistProblemName),
    RangeError,
    /name is "Misra1b"/,
  );
  assertThrowsWith(() => nistProblem(3 as unknown as NistProblemName), TypeError, /name is 3/);
  const misra = nistProblem("Misra1a");
  assertThrowsWith(() => misra.predict([1], 2), RangeError, /parameters has length 1, expected 2/);
  assertThrowsWith(() => misra.predict([1, 2], NaN), RangeError, /x is NaN/);
  assertThrowsWith(
    () => misra.objective({ jacobian: "exact" as "analytic" }),
    RangeError,
    /options.jacobian is "exact"/,
  );
  assertThrowsWith(() => correctDigits(1, NaN), RangeError, /certified is NaN/);
  assertThrowsWith(() => correctDigits("1" as unknown as number, 1), TypeError, /estimate is "1"/);
  assertThrowsWith(() => correctDigits(1, 1, { maxDigits: -1 }), RangeError, /options.maxDigits/);
});
