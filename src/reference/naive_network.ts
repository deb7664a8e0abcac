/**
 * A slow, independent re-implementation of the MLP objective: one sample at a time, scalar
 * loops, hyper-dual arithmetic. It shares no code with the batched passes in `src/nn/` except
 * the parameter layout, so agreement between the two is evidence, not tautology.
 *
 * @module
 */

import {
  constant,
  hdAdd,
  hdExp,
  hdLog,
  hdMul,
  hdRelu,
  hdScale,
  hdSigmoid,
  hdSoftplus,
  hdSub,
  hdTanh,
  type HyperDual,
} from "./hyper_dual.ts";
import type { Network } from "../nn/mlp.ts";

function hidden(network: Network, x: HyperDual): HyperDual {
  switch (network.activation) {
    case "tanh":
      return hdTanh(x);
    case "sigmoid":
      return hdSigmoid(x);
    case "relu":
      return hdRelu(x);
    case "softplus":
      return hdSoftplus(x);
    case "identity":
      return x;
  }
}

/** The logits z^{L+1} of one input, with hyper-dual parameters. */
export function naiveLogits(
  network: Network,
  theta: readonly HyperDual[],
  input: ArrayLike<number>,
): HyperDual[] {
  let a: HyperDual[] = Array.from(input, (v) => constant(v));
  const layers = network.layers;
  for (let l = 0; l < layers.length; l++) {
    const { inputs, outputs, weightOffset, biasOffset } = layers[l];
    const z: HyperDual[] = [];
    for (let j = 0; j < outputs; j++) {
      let s = theta[biasOffset + j];
      for (let i = 0; i < inputs; i++) {
        s = hdAdd(s, hdMul(theta[weightOffset + j * inputs + i], a[i]));
      }
      z.push(s);
    }
    a = l + 1 < layers.length ? z.map((v) => hidden(network, v)) : z;
  }
  return a;
}

function logSumExp(z: readonly HyperDual[]): HyperDual {
  let m = -Infinity;
  for (const v of z) m = Math.max(m, v.a);
  let s = constant(0);
  for (const v of z) s = hdAdd(s, hdExp(hdSub(v, constant(m))));
  return hdAdd(constant(m), hdLog(s));
}

/** The mapped outputs o(z). */
export function naiveOutputs(network: Network, z: readonly HyperDual[]): HyperDual[] {
  if (network.output === "identity") return z.slice();
  if (network.output === "sigmoid") return z.map(hdSigmoid);
  const lse = logSumExp(z);
  return z.map((v) => hdExp(hdSub(v, lse)));
}

/**
 * The quantity at which the Gauss-Newton split falls for this network: the logits for matching
 * output-loss pairs, the mapped outputs otherwise.
 */
export function naiveSplitOutputs(network: Network, z: readonly HyperDual[]): HyperDual[] {
  const matched = network.head === "identity-squared" || network.head === "sigmoid-logistic" ||
    network.head === "softmax-cross-entropy";
  return matched ? z.slice() : naiveOutputs(network, z);
}

/** The loss ξ of one sample as a function of its split outputs. */
export function naiveLossAtSplit(
  network: Network,
  split: readonly HyperDual[],
  target: ArrayLike<number>,
): HyperDual {
  let total = constant(0);
  switch (network.head) {
    case "identity-squared":
    case "sigmoid-squared":
    case "softmax-squared":
      split.forEach((v, k) => {
        const r = hdSub(v, constant(target[k]));
        total = hdAdd(total, hdMul(r, r));
      });
      return total;
    case "sigmoid-logistic":
      // −y log σ(z) − (1 − y) log(1 − σ(z)) with log σ(z) = −softplus(−z), log(1 − σ(z)) = −softplus(z).
      split.forEach((z, k) => {
        const y = target[k];
        total = hdAdd(total, hdScale(y, hdSoftplus(hdScale(-1, z))));
        total = hdAdd(total, hdScale(1 - y, hdSoftplus(z)));
      });
      return total;
    case "softmax-cross-entropy": {
      const lse = logSumExp(split);
      split.forEach((z, k) => {
        total = hdAdd(total, hdScale(target[k], hdSub(lse, z)));
      });
      return total;
    }
  }
}

/** f(θ) = θᵀθ/(2C) + (1/I)·Σᵢ ξᵢ over the data, in hyper-dual arithmetic. */
export function naiveObjective(
  network: Network,
  theta: readonly HyperDual[],
  inputs: Float64Array,
  targets: Float64Array,
  rows: number,
  C: number | undefined,
): HyperDual {
  const n0 = network.sizes[0];
  const k = network.sizes[network.sizes.length - 1];
  let total = constant(0);
  for (let r = 0; r < rows; r++) {
    const z = naiveLogits(network, theta, inputs.subarray(r * n0, (r + 1) * n0));
    const split = naiveSplitOutputs(network, z);
    total = hdAdd(total, naiveLossAtSplit(network, split, targets.subarray(r * k, (r + 1) * k)));
  }
  total = hdScale(1 / rows, total);
  if (C !== undefined) {
    let s = constant(0);
    for (const t of theta) s = hdAdd(s, hdMul(t, t));
    total = hdAdd(total, hdScale(1 / (2 * C), s));
  }
  return total;
}
