/**
 * Fuzz targets of the K-FAC exports (kfacFactors, kfacOperator, kfacInverse, denseKfac,
 * supportsKfac), spread into `TARGETS` by `targets.ts`.
 */

import fc from "fast-check";
import * as lib from "@secondorder/harness";
import type { FuzzTarget } from "./targets.ts";
import { edgeNumber, hostile, optionsArg, vectorArg } from "./values.ts";

/** A small network objective with valid data, for every head family. */
const kfacProblem = fc.record({
  sizes: fc.constantFrom([2, 3, 2], [3, 2, 2], [1, 2], [2, 4, 3, 2]),
  head: fc.constantFrom(
    { output: "identity", loss: "squared" } as const,
    { output: "sigmoid", loss: "logistic" } as const,
    { output: "softmax", loss: "cross-entropy" } as const,
    { output: "softmax", loss: "squared" } as const,
  ),
  activation: fc.constantFrom("tanh", "relu", "identity") as fc.Arbitrary<lib.Activation>,
  seed: fc.nat(),
  C: fc.option(fc.constantFrom(0.01, 1, 1e6), { nil: undefined }),
}).map(({ sizes, head, activation, seed, C }) => {
  const network = lib.mlp({ sizes, activation, ...head });
  const random = lib.createRandom(seed);
  const k = sizes[sizes.length - 1];
  const inputs = Array.from(
    { length: 3 },
    () => Array.from({ length: sizes[0] }, () => random.normal()),
  );
  const targets = inputs.map((_, i) => Array.from({ length: k }, (_, j) => (j === i % k ? 1 : 0)));
  const objective = lib.networkObjective(
    network,
    { inputs, targets },
    C === undefined ? {} : { C },
  );
  return { network, objective, dim: network.dim };
});

/** Valid factors, hostile values, or factor-shaped objects with hostile fields. */
const factorsArg = kfacProblem.chain((p) =>
  fc.oneof(
    {
      weight: 3,
      arbitrary: fc.constant(lib.kfacFactors(p.objective, p.network.initialParameters(1))),
    },
    { weight: 1, arbitrary: hostile },
    {
      weight: 1,
      arbitrary: fc.record({
        dim: edgeNumber,
        C: fc.oneof(edgeNumber, fc.constant(undefined)),
        layers: fc.oneof(hostile, fc.array(hostile, { maxLength: 2 })),
      }),
    },
  )
);

const dampingOptions = optionsArg(["damping", "dampingMode", "piCorrection"], {
  dampingMode: fc.oneof(fc.constantFrom("factored", "exact", "diagonal"), hostile),
});

/** Applies an operator (or returns a dense matrix) so the numerics run too. */
function exercise(result: unknown): unknown {
  if (Array.isArray(result)) return result;
  const op = result as lib.LinearOperator;
  return op.matvec(new Float64Array(op.dim).fill(1));
}

type FactorsFn = (factors: unknown, options: unknown) => unknown;

/** The K-FAC targets. */
export const KFAC_TARGETS: readonly FuzzTarget[] = [
  {
    name: "kfacFactors",
    params: ["objective", "x", "options"],
    args: kfacProblem.chain((p) =>
      fc.tuple(
        fc.oneof(fc.constant(p.objective), hostile),
        vectorArg(p.dim),
        optionsArg(["curvature", "seed"], {
          curvature: fc.oneof(
            fc.constantFrom("gauss-newton", "sampled-gauss-newton", "empirical-fisher", "fisher"),
            hostile,
          ),
        }),
      )
    ),
    call: ([objective, x, options]) =>
      lib.kfacFactors(
        objective as lib.NetworkObjective,
        x as Float64Array,
        options as lib.KfacFactorsOptions,
      ),
  },
  ...(["kfacOperator", "kfacInverse", "denseKfac"] as const).map((name): FuzzTarget => ({
    name,
    params: ["factors", "options"],
    args: fc.tuple(factorsArg, dampingOptions),
    call: ([factors, options]) => exercise((lib[name] as FactorsFn)(factors, options)),
  })),
  {
    name: "supportsKfac",
    params: ["objective"],
    args: fc.tuple(fc.oneof(kfacProblem.map((p) => p.objective), hostile)),
    call: ([objective]) => lib.supportsKfac(objective),
  },
];
