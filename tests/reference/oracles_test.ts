/**
 * Tests of the reference oracles themselves: finite differences on functions with known
 * derivatives, agreement of the three dense-Hessian oracles, and the hyper-dual network on a
 * problem whose Hessian is known in closed form.
 */

import fc from "fast-check";
import {
  exactDenseHessian,
  explicitJacobians,
  finiteDifferenceGradient,
  hessianByGradientDifferences,
  hessianByValueDifferences,
  matrixWithSpectrum,
  mlp,
  networkObjective,
  quadraticObjective,
} from "@secondorder/harness";
import { assertClose, assertCloseScaled, assertThrowsWith } from "../_helpers/assert.ts";
import { assertProperty } from "../_helpers/property.ts";
import { networkCase } from "../_helpers/arbitraries.ts";

/**
 * For a quadratic the gradient is affine, so central differences of it have no truncation error:
 * only rounding of ε·|∇f|/h ≈ 2e-16·100/6e-6 ≈ 4e-9 remains, relative to the entries' scale.
 */
const AFFINE_DIFFERENCE = 1e-7;
/** Central differences of values at h = ε^{1/3}: error about ε^{2/3}·scale ≈ 4e-11 (see src). */
const FIRST_DIFFERENCE = 1e-6;
/**
 * Second differences of values at h = ε^{1/4}: rounding ε·|f|/h² ≈ 1.5e-8 and truncation
 * h²·|f⁗| ≈ 1.5e-8·|f⁗|, so 1e-5 relative to the Hessian's scale allows |f⁗| up to 600×.
 */
const SECOND_DIFFERENCE = 1e-5;
/** Exact paths agree to rounding (see tests/curvature): 1e-12 relative to scale. */
const EXACT = 1e-12;

const spdQuadratic = fc.record({
  n: fc.integer({ min: 1, max: 6 }),
  seed: fc.nat(),
}).map(({ n, seed }) => {
  const eigenvalues = Array.from({ length: n }, (_, i) => 1 + ((seed + 7 * i) % 50));
  return { ...matrixWithSpectrum(eigenvalues, { seed }), seed };
});

Deno.test("finiteDifferenceGradient() matches Ax + b on quadratics", () => {
  assertProperty(
    fc.property(spdQuadratic, ({ matrix, seed }) => {
      const b = matrix.map((_, i) => Math.sin(seed + i));
      const f = quadraticObjective(matrix, { b });
      const x = new Float64Array(matrix.length).map((_, i) => Math.cos(seed * 3 + i));
      assertCloseScaled(finiteDifferenceGradient(f, x), f.gradient(x), FIRST_DIFFERENCE);
    }),
    60,
  );
});

Deno.test("hessianByGradientDifferences() and hessianByValueDifferences() recover A on quadratics", () => {
  assertProperty(
    fc.property(spdQuadratic, ({ matrix, seed }) => {
      const f = quadraticObjective(matrix);
      const x = new Float64Array(matrix.length).map((_, i) => Math.cos(seed + i));
      assertCloseScaled(hessianByGradientDifferences(f, x), matrix, AFFINE_DIFFERENCE, "gradients");
      assertCloseScaled(hessianByValueDifferences(f, x), matrix, SECOND_DIFFERENCE, "values");
    }),
    60,
  );
});

Deno.test("the three dense-Hessian oracles agree on smooth networks (hyper-dual, gradient and value differences)", () => {
  assertProperty(
    fc.property(
      networkCase({
        depth: [1, 2],
        width: [1, 4],
        samples: [1, 4],
        activations: ["tanh", "sigmoid", "softplus"],
      }),
      ({ objective, x, description }) => {
        const exact = exactDenseHessian(objective, x);
        assertCloseScaled(
          hessianByGradientDifferences(objective, x),
          exact,
          FIRST_DIFFERENCE,
          description,
        );
        assertCloseScaled(
          hessianByValueDifferences(objective, x),
          exact,
          SECOND_DIFFERENCE,
          description,
        );
      },
    ),
    25,
  );
});

Deno.test("exactDenseHessian() of linear least squares is (2/I)·XᵀX + I/C exactly", () => {
  const net = mlp({ sizes: [2, 1], output: "identity", loss: "squared" });
  const inputs = [[1, 2], [3, -1], [0.5, 0.25]];
  const f = networkObjective(net, { inputs, targets: [[1], [0], [2]] }, { C: 4 });
  // Parameters (w₁, w₂, b): the design rows are (x₁, x₂, 1).
  const rows = inputs.map(([a, b]) => [a, b, 1]);
  const expected = [0, 1, 2].map((i) =>
    [0, 1, 2].map((j) =>
      (2 / 3) * rows.reduce((s, r) => s + r[i] * r[j], 0) + (i === j ? 1 / 4 : 0)
    )
  );
  assertCloseScaled(exactDenseHessian(f, new Float64Array([0.3, -0.2, 0.1])), expected, EXACT);
  const [J0] = explicitJacobians(f, new Float64Array(3));
  assertClose(J0[0], [1, 2, 1], { atol: 0 }, "Jacobian of a linear model is its design row");
});

Deno.test("oracles reject bad input with errors that name the argument", () => {
  const f = quadraticObjective([[1, 0], [0, 1]]);
  assertThrowsWith(
    () => finiteDifferenceGradient(f, new Float64Array(3)),
    RangeError,
    /x has length 3, expected 2/,
  );
  assertThrowsWith(
    () => hessianByValueDifferences(f, new Float64Array(2), { step: 0 }),
    RangeError,
    /options.step is 0, expected a finite number > 0/,
  );
  assertThrowsWith(
    () => exactDenseHessian(f as never, new Float64Array(2)),
    TypeError,
    /networkObjective/,
  );
  assertThrowsWith(
    () => quadraticObjective([[1, 2], [0, 1]]),
    RangeError,
    /expected a symmetric matrix/,
  );
});
