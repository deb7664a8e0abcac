/**
 * Gradients stay accurate on badly scaled problems, for every smooth activation and every
 * output-loss pair: all parameters around 1e6 or 1e-6, or inputs around 1e6 or 1e-6. The
 * reference is the hyper-dual network (exact to rounding, independent of the batched backward
 * pass).
 *
 * A component-wise relative error is the wrong yardstick there. At θ ≈ 1e-6 a logistic head's
 * hidden-bias gradients are sums of per-sample terms of size 1e-7 that cancel to 1e-20, and a
 * backward pass's products cancel inside one sample too: no evaluation in double precision gets
 * such a component to better than ε times the size of what cancelled. And at θ or inputs of 1e6
 * the pre-activations are of size 1e6 and rounded to ε·1e6 absolute, which moves everything
 * downstream by that much relative, whatever the order of evaluation: the function's
 * conditioning, not the gradient's accuracy. The bound below is relative to the size of the
 * per-sample gradients, times that conditioning.
 */

import fc from "fast-check";
import {
  createRandom,
  directionalDerivative,
  mlp,
  type Network,
  networkObjective,
} from "@secondorder/harness";
import { check } from "../_helpers/assert.ts";
import { assertProperty } from "../_helpers/property.ts";

/**
 * The gradient is the mean of per-sample gradients gᵢ plus θ/C. Each gᵢ is computed to about a
 * few ε per layer times its largest entry, times the conditioning of the forward pass,
 * κ = max(1, A) with A the largest Σₖ|Wⱼₖ|·|hₖ| + |bⱼ| of any pre-activation (its rounding
 * scale); the mean adds I·ε. So each component's error is bounded by TOL·κ·s, with
 * s = ‖θ‖∞/C + (1/I)·Σᵢ‖gᵢ − θ/C‖∞. Measured worst case over 20,000 random cases: 3.1ε.
 * TOL = 64ε leaves a margin of 20 and still catches any wrong term, which is off by O(1) times
 * the size of the terms it enters.
 */
const TOL = 64 * Number.EPSILON;

/** The check must mean something: TOL·κ stays below this (κ ≤ 7e7). */
const MEANINGFUL = 1e-6;

/** The rounding scale of the forward pass: the largest Σₖ|Wⱼₖ|·|hₖ| + |bⱼ| over units and samples. */
function preActivationScale(net: Network, x: Float64Array, inputs: number[][]): number {
  const phi: Record<string, (a: number) => number> = {
    tanh: Math.tanh,
    sigmoid: (a) => 1 / (1 + Math.exp(-a)),
    softplus: (a) => Math.max(a, 0) + Math.log1p(Math.exp(-Math.abs(a))),
    identity: (a) => a,
  };
  let largest = 0;
  for (const input of inputs) {
    let h = input;
    net.layers.forEach((layer, l) => {
      const next: number[] = [];
      for (let j = 0; j < layer.outputs; j++) {
        let a = x[layer.biasOffset + j], size = Math.abs(a);
        for (let k = 0; k < layer.inputs; k++) {
          const w = x[layer.weightOffset + j * layer.inputs + k];
          a += w * h[k];
          size += Math.abs(w * h[k]);
        }
        largest = Math.max(largest, size);
        next.push(l < net.layers.length - 1 ? phi[net.activation](a) : a);
      }
      h = next;
    });
  }
  return largest;
}

const HEADS = [
  { output: "identity", loss: "squared" },
  { output: "sigmoid", loss: "logistic" },
  { output: "softmax", loss: "cross-entropy" },
  { output: "sigmoid", loss: "squared" },
  { output: "softmax", loss: "squared" },
] as const;

Deno.test("gradients at parameters or inputs of 1e6 and 1e-6 match the exact reference to the rounding of their sums", () => {
  assertProperty(
    fc.property(
      fc.constantFrom("tanh", "sigmoid", "softplus", "identity" as const),
      fc.constantFrom(...HEADS),
      fc.constantFrom(1e-6, 1e6),
      fc.constantFrom("parameters", "inputs"),
      fc.integer({ min: 1, max: 1_000_000 }),
      fc.integer({ min: 1, max: 12 }),
      (activation, head, scale, scaled, seed, samples) => {
        // Unbounded activations compound parameters of 1e6 layer after layer (pre-activations
        // of 1e18 in the last layer): no digit of that function is left to check.
        fc.pre(
          !(scaled === "parameters" && scale > 1 && ["softplus", "identity"].includes(activation)),
        );
        const classes = head.output === "sigmoid" ? 1 : 2;
        const net = mlp({ sizes: [3, 4, 3, classes], activation, ...head });
        const random = createRandom(seed);
        const inputs = Array.from(
          { length: samples },
          () => [0, 1, 2].map(() => random.normal() * (scaled === "inputs" ? scale : 1)),
        );
        const targets = inputs.map((_, i) =>
          head.output === "identity"
            ? [random.normal(), random.normal()]
            : head.output === "sigmoid"
            ? [i % 2]
            : i % 2 === 0
            ? [1, 0]
            : [0, 1]
        );
        const C = 10;
        const f = networkObjective(net, { inputs, targets }, { C });
        const x = net.initialParameters(seed).map((v) => scaled === "parameters" ? v * scale : v);
        const kappa = Math.max(1, preActivationScale(net, x, inputs));
        check(TOL * kappa <= MEANINGFUL, () => `κ = ${kappa} leaves nothing to check`);
        const g = f.gradient(x);
        const perSample = inputs.map((_, i) => f.subset([i]).gradient(x));
        let size = x.reduce((m, v) => Math.max(m, Math.abs(v)), 0) / C;
        for (const p of perSample) {
          size += p.reduce((m, v, j) => Math.max(m, Math.abs(v - x[j] / C)), 0) / samples;
        }
        const unit = new Float64Array(net.dim);
        for (let j = 0; j < net.dim; j++) {
          unit.fill(0);
          unit[j] = 1;
          const exact = directionalDerivative(f, x, unit);
          const error = Math.abs(g[j] - exact);
          check(
            error <= TOL * kappa * size,
            () =>
              `${activation}/${head.output}/${head.loss}, ${scaled} × ${scale}, seed ${seed}: ` +
              `∂f/∂θ${j} = ${g[j]} but the exact value is ${exact} (error ${error}, ` +
              `per-sample size ${size}, κ ${kappa})`,
          );
        }
      },
    ),
    40,
  );
});
