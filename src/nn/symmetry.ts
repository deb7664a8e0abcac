/**
 * The permutation symmetry of hidden units: reordering the units of a hidden layer (the rows of
 * the weights and biases into it, the columns of the weights out of it) leaves the network's
 * function unchanged. It is why training a network with hidden units is not a convex problem.
 *
 * @module
 */

import type { Network } from "./mlp.ts";
import { describe, finiteVector, integerInRange } from "../validate.ts";

/**
 * The parameters of the same network with hidden layer `layer`'s units reordered: unit j of the
 * result is unit `permutation[j]` of `params`. `layer` counts hidden layers from 0 (the first
 * hidden layer). The network computes the same function with both parameter vectors.
 *
 * @example Swapping two hidden units leaves the predictions unchanged
 * ```ts
 * import { mlp, permuteHiddenUnits } from "@secondorder/harness";
 * const net = mlp({ sizes: [2, 3, 1], activation: "tanh" });
 * const theta = net.initialParameters(4);
 * const swapped = permuteHiddenUnits(net, theta, 0, [1, 0, 2]);
 * const [[a]] = net.predict(theta, [[0.3, -0.7]]);
 * const [[b]] = net.predict(swapped, [[0.3, -0.7]]);
 * if (Math.abs(a - b) > 1e-15) throw new Error("unexpected");
 * ```
 */
export function permuteHiddenUnits(
  network: Network,
  params: ArrayLike<number>,
  layer: number,
  permutation: readonly number[],
): Float64Array {
  const where = "permute hidden units";
  if (network === null || typeof network !== "object" || !Array.isArray(network.layers)) {
    throw new TypeError(
      `Cannot ${where}: network is ${describe(network)}, expected a Network from mlp()`,
    );
  }
  const x = finiteVector(where, "params", params, network.dim, " (the network's parameter count)");
  integerInRange(where, "layer", layer, 0, network.layers.length - 2);
  const into = network.layers[layer], out = network.layers[layer + 1];
  const width = into.outputs;
  if (!Array.isArray(permutation) || permutation.length !== width) {
    throw new RangeError(
      `Cannot ${where}: permutation is ${describe(permutation)}, expected a permutation of 0..${
        width - 1
      }`,
    );
  }
  const seen = new Set<number>();
  for (const [i, p] of permutation.entries()) {
    integerInRange(where, `permutation[${i}]`, p, 0, width - 1);
    if (seen.has(p)) {
      throw new RangeError(
        `Cannot ${where}: permutation repeats ${p}, expected each of 0..${width - 1} once`,
      );
    }
    seen.add(p);
  }
  const y = x.slice();
  for (let j = 0; j < width; j++) {
    const from = permutation[j];
    for (let i = 0; i < into.inputs; i++) {
      y[into.weightOffset + j * into.inputs + i] = x[into.weightOffset + from * into.inputs + i];
    }
    y[into.biasOffset + j] = x[into.biasOffset + from];
    for (let k = 0; k < out.outputs; k++) {
      y[out.weightOffset + k * out.inputs + j] = x[out.weightOffset + k * out.inputs + from];
    }
  }
  return y;
}
