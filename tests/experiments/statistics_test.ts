import { strictEqual, throws } from "node:assert/strict";
import { assertClose } from "../_helpers/assert.ts";
import { fitLine, fitLogLog, mean, median, quantile } from "../../src/experiments/statistics.ts";

Deno.test("median() is the middle value, or the mean of the two middle ones", () => {
  strictEqual(median([3, 1, 2]), 2);
  strictEqual(median([4, 1, 3, 2]), 2.5);
  strictEqual(median([5]), 5);
  strictEqual(Number.isNaN(median([])), true);
  throws(() => median([1, NaN]), RangeError);
});

Deno.test("quantile() interpolates between order statistics as numpy does", () => {
  // numpy.quantile([1, 2, 3, 4], [0, 0.25, 0.9, 1]) = [1, 1.75, 3.7, 4]
  const xs = [4, 2, 1, 3];
  strictEqual(quantile(xs, 0), 1);
  strictEqual(quantile(xs, 0.25), 1.75);
  assertClose(quantile(xs, 0.9), 3.7, { rtol: 1e-15 });
  strictEqual(quantile(xs, 1), 4);
  throws(() => quantile(xs, 1.5), RangeError);
});

Deno.test("fitLine() recovers an exact line, and its slope error is 0 without noise", () => {
  const fit = fitLine([[0, 1], [1, 3], [2, 5], [3, 7]]);
  strictEqual(fit.slope, 2);
  strictEqual(fit.intercept, 1);
  strictEqual(fit.slopeStandardError, 0);
  strictEqual(fit.r2, 1);
  strictEqual(mean([1, 2, 3, 6]), 3);
});

Deno.test("fitLine() slope error matches the textbook formula on a noisy line", () => {
  // y = x + (+1, −1, −1, +1): slope 1, residuals ±1 around the fit of slope 1, intercept 0.
  const fit = fitLine([[0, 1], [1, 0], [2, 1], [3, 4]]);
  // Σ(x − x̄)² = 5, slope = Σ(x − x̄)(y − ȳ)/5 = (−1.5·−0.5 −0.5·−1.5 + 0.5·−0.5 + 1.5·2.5)/5 = 1.
  assertClose(fit.slope, 1, { rtol: 1e-15 });
  // residuals: y − (0 + x) = 1, −1, −1, 1 → RSS 4, s² = 4/2, se = √(2/5).
  assertClose(fit.slopeStandardError, Math.sqrt(2 / 5), { rtol: 1e-14 });
  throws(() => fitLine([[1, 1], [1, 2]]), RangeError);
  throws(() => fitLine([[1, 1]]), RangeError);
});

Deno.test("fitLogLog() finds the exponent of a power law", () => {
  const fit = fitLogLog([1, 2, 4, 8].map((x) => [x, 3 * x ** 1.5]));
  assertClose(fit.slope, 1.5, { rtol: 1e-14 });
  throws(() => fitLogLog([[0, 1], [1, 2]]), RangeError);
});
