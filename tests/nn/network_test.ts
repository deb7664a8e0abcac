/**
 * Tests of the MLP definition: argument errors, numerically stable heads, prediction, the
 * permutation symmetry of hidden units (C21) and the symmetry of identical units (C22).
 */

import fc from "fast-check";
import {
  deepStrictEqual as assertEquals,
  strictEqual as assertStrictEquals,
} from "node:assert/strict";
import { gradientMultiplyAdds } from "../../src/nn/passes.ts";
import {
  countMultiplyAdds,
  logSigmoid,
  logSumExp,
  mlp,
  type Network,
  networkObjective,
  NonFiniteError,
  permuteHiddenUnits,
  sigmoid,
  softplus,
} from "@secondorder/harness";
import { assertClose, assertThrowsWith, check } from "../_helpers/assert.ts";
import { assertProperty } from "../_helpers/property.ts";
import { networkCase } from "../_helpers/arbitraries.ts";

/**
 * Permuting hidden units changes only the order of the sums that form the next layer's
 * pre-activations, so values agree to a few ulps of the summed terms: 1e-12 relative.
 */
const REORDERED_SUM = 1e-12;

Deno.test("mlp() rejects bad definitions with errors that name the argument", () => {
  assertThrowsWith(
    () => mlp({ sizes: [2] }),
    RangeError,
    /sizes has length 1, expected at least 2/,
  );
  assertThrowsWith(
    () => mlp({ sizes: [2, 0, 1] }),
    RangeError,
    /sizes\[1\] is 0, expected an integer/,
  );
  assertThrowsWith(() => mlp({ sizes: [2, 1.5] }), RangeError, /sizes\[1\] is 1.5/);
  assertThrowsWith(
    () => mlp({ sizes: "2,3" as unknown as number[] }),
    TypeError,
    /sizes is "2,3", expected an array/,
  );
  assertThrowsWith(
    () => mlp({ sizes: [2, 1], activation: "gelu" as "tanh" }),
    RangeError,
    /activation is "gelu", expected one of "tanh" \| "sigmoid"/,
  );
  assertThrowsWith(
    () => mlp({ sizes: [2, 1], output: "identity", loss: "logistic" }),
    TypeError,
    /loss "logistic" \(binary cross-entropy\) needs output "sigmoid", got output "identity"/,
  );
  assertThrowsWith(
    () => mlp({ sizes: [2, 1], output: "sigmoid", loss: "cross-entropy" }),
    TypeError,
    /use loss "logistic"/,
  );
  assertThrowsWith(
    () => mlp({ sizes: [2, 1], output: "softmax", loss: "cross-entropy" }),
    RangeError,
    /softmax" needs at least 2 output units/,
  );
});

Deno.test("networkObjective() rejects bad data with errors that name the argument", () => {
  const net = mlp({ sizes: [2, 3, 1], activation: "tanh", output: "sigmoid", loss: "logistic" });
  const inputs = [[0, 1], [1, 0]];
  assertThrowsWith(
    () => networkObjective(net, { inputs: [[0, 1, 2]], targets: [[1]] }),
    RangeError,
    /inputs\[0\] has length 3, expected 2/,
  );
  assertThrowsWith(
    () => networkObjective(net, { inputs, targets: [[1]] }),
    RangeError,
    /targets has 1 rows, expected 2/,
  );
  assertThrowsWith(
    () => networkObjective(net, { inputs: [[0, NaN], [1, 0]], targets: [[1], [0]] }),
    RangeError,
    /inputs\[0\]\[1\] is NaN, expected a finite number/,
  );
  assertThrowsWith(
    () => networkObjective(net, { inputs, targets: [[1], [Infinity]] }),
    RangeError,
    /targets\[1\]\[0\] is Infinity/,
  );
  assertThrowsWith(
    () => networkObjective(net, { inputs, targets: [[1], [2]] }),
    RangeError,
    /targets\[1\]\[0\] is 2, expected a value in \[0, 1\] for the logistic loss/,
  );
  assertThrowsWith(
    () => networkObjective(net, { inputs: [], targets: [] }),
    RangeError,
    /inputs has 0 rows/,
  );
  assertThrowsWith(
    () => networkObjective(net, { inputs, targets: [[1], [0]] }, { C: 0 }),
    RangeError,
    /options.C is 0, expected a finite number > 0/,
  );
  assertThrowsWith(
    () => networkObjective(net, { inputs, targets: [[1], [0]] }, { C: -1 }),
    RangeError,
    /options.C is -1/,
  );
  assertThrowsWith(
    () => networkObjective(net, { inputs, targets: [[1], [0]] }, { C: 5e-324 }),
    RangeError,
    /options.C is 5e-324, expected C ≥ .* \(1\/C must be finite\)/,
  );
  const f = networkObjective(net, { inputs, targets: [[1], [0]] });
  assertThrowsWith(
    () => f.value(new Float64Array(3)),
    RangeError,
    /x has length 3, expected 13 \(the network's parameter count\)/,
  );
  const x = net.initialParameters(0);
  x[4] = NaN;
  assertThrowsWith(() => f.gradient(x), RangeError, /x\[4\] is NaN, expected a finite number/);
  const H = f.hessian(net.initialParameters(0));
  assertThrowsWith(
    () => H.matvec(new Float64Array(12)),
    RangeError,
    /x has length 12, expected 13 \(the operator's dim\)/,
  );
  assertThrowsWith(
    () => H.matvec([1, 2] as unknown as Float64Array),
    TypeError,
    /x is an array of length 2, expected a Float64Array/,
  );
  assertThrowsWith(() => net.initialParameters(-1), RangeError, /seed is -1/);
  const point = net.initialParameters(0);
  assertThrowsWith(() => f.gradient(point, point), RangeError, /out is the same array as x/);
});

Deno.test("log-sigmoid, softplus and log-sum-exp stay finite and exact at ±1000", () => {
  assertStrictEquals(logSigmoid(-1000), -1000);
  assertStrictEquals(logSigmoid(1000), -0);
  assertStrictEquals(softplus(1000), 1000);
  assertStrictEquals(softplus(-1000), 0);
  assertStrictEquals(sigmoid(-1000), 0);
  assertStrictEquals(sigmoid(1000), 1);
  assertClose(logSumExp([1000, 1000]), 1000 + Math.LN2, { rtol: 1e-15 });
  assertClose(logSumExp([-1000, -1000]), -1000 + Math.LN2, { rtol: 1e-15 });
  assertStrictEquals(logSumExp([1000, -1000]), 1000);
  assertThrowsWith(
    () => logSigmoid(-Infinity),
    RangeError,
    /z is -Infinity, expected a finite number/,
  );
  assertThrowsWith(() => sigmoid(NaN), RangeError, /z is NaN/);
  assertThrowsWith(() => logSumExp([]), RangeError, /z is empty/);
});

Deno.test("losses, gradients and curvature stay finite for logits of ±1000", () => {
  // One input of 1 and weight ±1000 put the logits at ±1000.
  const cases: [Network, number[][]][] = [
    [mlp({ sizes: [1, 1], output: "sigmoid", loss: "logistic" }), [[0], [1]]],
    [mlp({ sizes: [1, 2], output: "softmax", loss: "cross-entropy" }), [[1, 0], [0, 1]]],
    [mlp({ sizes: [1, 2], output: "softmax", loss: "squared" }), [[1, 0], [0, 1]]],
    [mlp({ sizes: [1, 1], output: "sigmoid", loss: "squared" }), [[0], [1]]],
  ];
  for (const [net, targets] of cases) {
    const f = networkObjective(net, { inputs: [[1], [1]], targets });
    const x = new Float64Array(net.dim);
    for (let j = 0; j < net.sizes[1]; j++) x[j] = j === 0 ? 1000 : -1000; // weights
    const value = f.value(x);
    const g = f.gradient(x);
    const Hg = f.hessian(x).matvec(g);
    const Gg = f.gaussNewton(x).matvec(g);
    for (const v of [value, ...g, ...Hg, ...Gg]) {
      check(Number.isFinite(v), () => `${net.output}+${net.loss}: non-finite ${v}`);
    }
    if (net.loss === "logistic") {
      // Sample 0 has target 0 and logit 1000: −log(1 − σ(1000)) = 1000 exactly; sample 1 costs 0.
      assertClose(value, 500, { rtol: 1e-15 }, "logistic loss at logit 1000");
    }
    if (net.loss === "cross-entropy") {
      assertClose(value, 1000, { rtol: 1e-15 }, "cross-entropy at ±1000");
    }
  }
});

Deno.test("a finite point where the loss overflows throws NonFiniteError naming x, never NaN", () => {
  // Identity units with weights ±1e200 send ±Infinity forward, which cancels to NaN.
  const net = mlp({ sizes: [2, 2, 1], activation: "identity" });
  const f = networkObjective(net, { inputs: [[1e150, 1e150]], targets: [[0]] });
  const x = new Float64Array(net.dim).fill(1e200);
  x[net.layers[1].weightOffset + 1] = -1e200;
  for (
    const call of [
      () => f.value(x),
      () => f.gradient(x),
      () => f.hessian(x),
      () => f.gaussNewton(x),
    ]
  ) {
    try {
      call();
      throw new Error("expected a NonFiniteError");
    } catch (error) {
      check(error instanceof NonFiniteError, () => `got ${error}`);
      check(error instanceof RangeError, () => "NonFiniteError is a RangeError");
      check(
        / at x \(largest \|xᵢ\| = 1e\+200\)/.test((error as Error).message),
        () => (error as Error).message,
      );
    }
  }
});

Deno.test("gradientMultiplyAdds() equals the multiply-adds a gradient actually executes", () => {
  assertProperty(
    fc.property(networkCase(), ({ network, objective, x }) => {
      const counted = countMultiplyAdds(() => objective.gradient(x));
      assertStrictEquals(gradientMultiplyAdds(network, objective.samples), counted);
    }),
    30,
  );
});

Deno.test("predict() returns the mapped outputs; softmax rows sum to 1", () => {
  const net = mlp({
    sizes: [3, 4, 5],
    activation: "softplus",
    output: "softmax",
    loss: "cross-entropy",
  });
  const outputs = net.predict(net.initialParameters(3), [[1, 2, 3], [-1, 0, 1]]);
  assertEquals(outputs.length, 2);
  for (const row of outputs) {
    assertClose(row.reduce((a, b) => a + b, 0), 1, { atol: 1e-15 }, "softmax row sum");
  }
});

Deno.test("initialParameters(seed) is reproducible and Glorot-scaled", () => {
  const net = mlp({ sizes: [50, 50, 1] });
  const a = net.initialParameters(11), b = net.initialParameters(11), c = net.initialParameters(12);
  assertEquals(Array.from(a), Array.from(b));
  check(a.some((v, i) => v !== c[i]), () => "different seeds gave equal parameters");
  // Layer 0 has 2500 weights with variance 2/(50 + 50) = 0.02; the sample variance has a
  // relative standard error of √(2/2500) ≈ 0.028, so ±15% is over five standard errors.
  let s = 0;
  for (let i = 0; i < 2500; i++) s += a[i] * a[i];
  assertClose(s / 2500, 0.02, { rtol: 0.15 }, "weight variance");
  for (let i = 2500; i < 2550; i++) assertStrictEquals(a[i], 0);
});

Deno.test("permuteHiddenUnits() moves each unit's incoming weights, bias and outgoing weights", () => {
  const net = mlp({ sizes: [2, 3, 2], activation: "tanh" });
  const theta = Float64Array.from({ length: net.dim }, (_, i) => i + 1);
  const y = permuteHiddenUnits(net, theta, 0, [2, 0, 1]);
  const [into, out] = net.layers;
  // New unit 0 is old unit 2: its incoming row, its bias and its outgoing column.
  assertEquals(Array.from(y.subarray(0, 2)), Array.from(theta.subarray(4, 6)));
  assertStrictEquals(y[into.biasOffset], theta[into.biasOffset + 2]);
  assertStrictEquals(y[out.weightOffset], theta[out.weightOffset + 2]);
  assertStrictEquals(y[out.weightOffset + 3], theta[out.weightOffset + 3 + 2]);
  // The output biases do not move; the inverse permutation restores θ.
  assertStrictEquals(y[out.biasOffset], theta[out.biasOffset]);
  assertEquals(Array.from(permuteHiddenUnits(net, y, 0, [1, 2, 0])), Array.from(theta));
  assertThrowsWith(() => permuteHiddenUnits(net, theta, 0, [0, 0, 1]), RangeError, /repeats 0/);
  assertThrowsWith(() => permuteHiddenUnits(net, theta, 1, [0, 1]), RangeError, /layer is 1/);
});

Deno.test("permuting hidden units leaves the loss unchanged and permutes the gradient (C21)", () => {
  assertProperty(
    fc.property(
      networkCase({ depth: [1, 3], width: [2, 8] }),
      fc.nat(),
      fc.nat(),
      ({ network, objective, x, description }, layerPick, permSeed) => {
        const l = layerPick % (network.layers.length - 1);
        const width = network.layers[l].outputs;
        const perm = Array.from({ length: width }, (_, i) => i);
        // A seeded Fisher–Yates shuffle from fast-check's number.
        let state = permSeed;
        for (let i = width - 1; i > 0; i--) {
          state = (state * 1103515245 + 12345) % 2147483648;
          const j = state % (i + 1);
          [perm[i], perm[j]] = [perm[j], perm[i]];
        }
        const y = permuteHiddenUnits(network, x, l, perm);
        const fx = objective.value(x), fy = objective.value(y);
        assertClose(fy, fx, { rtol: REORDERED_SUM, atol: REORDERED_SUM }, `${description} loss`);
        const gx = objective.gradient(x), gy = objective.gradient(y);
        const expected = permuteHiddenUnits(network, gx, l, perm);
        const scale = Math.max(1, ...Array.from(gx, Math.abs));
        assertClose(gy, expected, { atol: REORDERED_SUM * scale }, `${description} gradient`);
      },
    ),
    60,
  );
});

Deno.test("identical hidden units receive identical gradients (C22)", () => {
  assertProperty(
    fc.property(
      networkCase({ depth: [1, 3], width: [2, 8] }),
      fc.nat(),
      ({ network, objective, x, description }, pick) => {
        const l = pick % (network.layers.length - 1);
        const into = network.layers[l], out = network.layers[l + 1];
        // Copy unit 0's incoming weights, bias and outgoing weights onto unit 1.
        const y = x.slice();
        for (let i = 0; i < into.inputs; i++) {
          y[into.weightOffset + into.inputs + i] = y[into.weightOffset + i];
        }
        y[into.biasOffset + 1] = y[into.biasOffset];
        for (let k = 0; k < out.outputs; k++) {
          y[out.weightOffset + k * out.inputs + 1] = y[out.weightOffset + k * out.inputs];
        }
        const g = objective.gradient(y);
        const unit0 = [], unit1 = [];
        for (let i = 0; i < into.inputs; i++) {
          unit0.push(g[into.weightOffset + i]);
          unit1.push(g[into.weightOffset + into.inputs + i]);
        }
        unit0.push(g[into.biasOffset]);
        unit1.push(g[into.biasOffset + 1]);
        for (let k = 0; k < out.outputs; k++) {
          unit0.push(g[out.weightOffset + k * out.inputs]);
          unit1.push(g[out.weightOffset + k * out.inputs + 1]);
        }
        // The two units' gradients come from the same arithmetic on equal numbers.
        assertEquals(unit1, unit0, description);
      },
    ),
    60,
  );
});

Deno.test("from an all-zero start, a tanh network's hidden-layer gradients are exactly zero (C22)", () => {
  assertProperty(
    fc.property(
      networkCase({ depth: [1, 3], activations: ["tanh"] }),
      ({ network, objective, description }) => {
        const g = objective.gradient(new Float64Array(network.dim));
        // tanh(0) = 0 makes every hidden activation zero, and zero outgoing weights send no
        // error back: every weight and bias below the last layer gets gradient 0, as does the
        // last layer's weight matrix. Only the output biases can learn.
        const last = network.layers[network.layers.length - 1];
        for (let i = 0; i < last.biasOffset; i++) {
          check(g[i] === 0, () => `${description}: gradient[${i}] = ${g[i]}, expected 0`);
        }
      },
    ),
    60,
  );
});
