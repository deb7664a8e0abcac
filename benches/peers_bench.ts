/**
 * TensorFlow.js (tfjs-core with the pure-JavaScript CPU backend, float32) against this library
 * (float64) on the same work: the gradient of the same tanh/softmax MLP, cross-entropy plus
 * θᵀθ/(2C), on the same batch of 256, at the same point. Our gradient is each group's baseline;
 * TF.js's time includes reading the gradients back (`dataSync`), as ours returns a
 * Float64Array. Target: ours is ≥ 3× faster.
 *
 * Before timing, the two gradients are compared (float32 rounding allows a relative difference
 * near 1e-6; anything above 1e-4 means the networks differ and the bench refuses to run).
 *
 * The import is the `@tensorflow/tfjs` package, used only for its tfjs-core and CPU backend:
 * tfjs-core's published bundles leave out the gradient definitions (its ES modules that register
 * them use extension-less imports, which Deno's Node-style resolution rejects), and the
 * umbrella package's bundle registers them. The WebGL backend it also registers is unavailable
 * here; `setBackend("cpu")` selects the pure-JavaScript one.
 */

import * as tf from "@tensorflow/tfjs";
import { CURVATURE_BATCH, networkProblem, PEER_PREFIX, tfjsGroup } from "./_fixtures.ts";

await tf.setBackend("cpu");

/** The largest relative difference allowed between the float32 and float64 gradients. */
const AGREEMENT = 1e-4;

for (const sizes of [[20, 64, 64, 10], [784, 128, 10]]) {
  const { net, f, x, out, inputs, targets } = networkProblem(sizes, CURVATURE_BATCH, 1);
  const C = f.C!;
  const X = tf.tensor2d(inputs);
  const Y = tf.tensor2d(targets);
  const variables = net.layers.flatMap((layer, l) => [
    tf.variable(
      tf.tensor2d(
        Float32Array.from(
          x.subarray(layer.weightOffset, layer.weightOffset + layer.outputs * layer.inputs),
        ),
        [layer.outputs, layer.inputs],
      ),
      true,
      `${sizes.join("-")}/W${l}`,
    ),
    tf.variable(
      tf.tensor1d(
        Float32Array.from(x.subarray(layer.biasOffset, layer.biasOffset + layer.outputs)),
      ),
      true,
      `${sizes.join("-")}/b${l}`,
    ),
  ]);
  const loss = () => {
    let a: tf.Tensor2D = X;
    for (let l = 0; l < net.layers.length; l++) {
      const z = tf.add(tf.matMul(a, variables[2 * l], false, true), variables[2 * l + 1]);
      a = (l + 1 < net.layers.length ? tf.tanh(z) : z) as tf.Tensor2D;
    }
    const data = tf.mean(tf.sum(tf.mul(Y, tf.neg(tf.logSoftmax(a))), 1));
    const penalty = tf.div(tf.addN(variables.map((v) => tf.sum(tf.square(v)))), 2 * C);
    return tf.add(data, penalty) as tf.Scalar;
  };
  const tfjsGradient = () => {
    const { value, grads } = tf.variableGrads(loss);
    const flat = new Float64Array(net.dim);
    net.layers.forEach((layer, l) => {
      flat.set(grads[`${sizes.join("-")}/W${l}`].dataSync(), layer.weightOffset);
      flat.set(grads[`${sizes.join("-")}/b${l}`].dataSync(), layer.biasOffset);
    });
    value.dispose();
    for (const g of Object.values(grads)) g.dispose();
    return flat;
  };

  const ours = f.gradient(x);
  const theirs = tfjsGradient();
  let diff = 0, scale = 0;
  for (let i = 0; i < ours.length; i++) {
    diff = Math.max(diff, Math.abs(ours[i] - theirs[i]));
    scale = Math.max(scale, Math.abs(ours[i]));
  }
  if (!(diff <= AGREEMENT * scale)) {
    throw new Error(`TF.js gradient differs from ours by ${diff} (max |g| = ${scale})`);
  }

  const group = tfjsGroup(sizes);
  Deno.bench("gradient (float64)", { group, baseline: true }, () => {
    f.gradient(x, out);
  });
  Deno.bench(`${PEER_PREFIX}TF.js CPU gradient (float32)`, { group }, () => {
    tfjsGradient();
  });
}
