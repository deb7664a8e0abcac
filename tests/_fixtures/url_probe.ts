// deno-lint-ignore-file no-console
/**
 * Computes a fixed set of results through the public API: curvature products, a run of every
 * optimiser of `minimize()` (full-batch and mini-batch) and a few of the claims' experiments. Run
 * as a script (for example imported by URL from a local server) it prints them as JSON; tests
 * compare that output with the same function imported locally, so the two must agree to the last
 * bit. Wall times are left out: they are the one thing that may differ.
 */

import { createRandom, type Method, minimize, mlp, networkObjective } from "../../mod.ts";
import { METHODS } from "../../src/optim/methods.ts";
import { EXPERIMENTS } from "../../src/experiments/registry.ts";
import { runExperiment } from "../../src/report/reproduce.ts";

/** The claims whose experiments the probe runs (quick mode; fast and free of external data). */
export const PROBED_CLAIMS: readonly string[] = ["C01", "C02", "C05", "C08", "C23", "C28"];

/** Every method of `minimize()`. */
export const PROBED_METHODS = Object.keys(METHODS) as Method[];

/** The probe's results, JSON-safe. */
export async function probe(): Promise<Record<string, unknown>> {
  const random = createRandom(2024);
  const net = mlp({
    sizes: [3, 5, 4, 2],
    activation: "tanh",
    output: "softmax",
    loss: "cross-entropy",
  });
  const inputs = Array.from(
    { length: 12 },
    () => [random.normal(), random.normal(), random.normal()],
  );
  const targets = inputs.map((_, i) => (i % 2 === 0 ? [1, 0] : [0, 1]));
  const f = networkObjective(net, { inputs, targets }, { C: 10 });
  const x = net.initialParameters(5);
  const v = random.fillNormal(new Float64Array(net.dim));
  const runs: Record<string, unknown> = {};
  for (const method of PROBED_METHODS) {
    for (const batchSize of [undefined, 4]) {
      const result = minimize(f, x, { method, maxIterations: 6, batchSize, seed: 11 });
      const { trace, ...rest } = result;
      runs[`${method}${batchSize ? " batch 4" : ""}`] = {
        ...rest,
        x: Array.from(rest.x),
        trace: trace.map(({ milliseconds: _, ...row }) => row),
      };
    }
  }
  const experiments: Record<string, unknown> = {};
  for (const experiment of EXPERIMENTS.filter((e) => PROBED_CLAIMS.includes(e.id))) {
    experiments[experiment.id] = await runExperiment(experiment, {
      seed: 7,
      quick: true,
      progress: () => {},
    });
  }
  return {
    value: [f.value(x)],
    gradient: Array.from(f.gradient(x)),
    hessianVector: Array.from(f.hessian(x).matvec(v)),
    gaussNewtonVector: Array.from(f.gaussNewton(x).matvec(v)),
    predictions: net.predict(x, inputs).flat(),
    runs,
    experiments,
  };
}

if (import.meta.main) console.log(JSON.stringify(await probe()));
