// deno-lint-ignore-file no-console
/**
 * Computes a fixed set of numbers through the public API. Run as a script (for example imported
 * by URL from a local server) it prints them as JSON; tests compare that output with the same
 * function imported locally, so the two must agree to the last bit.
 */

import { createRandom, mlp, networkObjective } from "../../mod.ts";

/** The probe's numbers, as JSON-safe arrays. */
export function probe(): Record<string, number[]> {
  const random = createRandom(2024);
  const net = mlp({
    sizes: [3, 5, 4, 2],
    activation: "tanh",
    output: "softmax",
    loss: "cross-entropy",
  });
  const inputs = Array.from(
    { length: 9 },
    () => [random.normal(), random.normal(), random.normal()],
  );
  const targets = inputs.map((_, i) => (i % 2 === 0 ? [1, 0] : [0, 1]));
  const f = networkObjective(net, { inputs, targets }, { C: 10 });
  const x = net.initialParameters(5);
  const v = random.fillNormal(new Float64Array(net.dim));
  return {
    value: [f.value(x)],
    gradient: Array.from(f.gradient(x)),
    hessianVector: Array.from(f.hessian(x).matvec(v)),
    gaussNewtonVector: Array.from(f.gaussNewton(x).matvec(v)),
    predictions: net.predict(x, inputs).flat(),
  };
}

if (import.meta.main) console.log(JSON.stringify(probe()));
