/**
 * fast-check arbitraries shared by the tests: network problems (architecture, data, point) and
 * vectors. Every random draw inside a case derives from an integer seed that fast-check
 * generates, so a failing case is replayed exactly from fast-check's printed seed and path.
 */

import fc from "fast-check";
import {
  type Activation,
  createRandom,
  type Loss,
  mlp,
  type Network,
  type NetworkObjective,
  networkObjective,
  type OutputMap,
} from "@secondorder/harness";

/** The supported (output, loss) pairs. */
export const HEADS: readonly { output: OutputMap; loss: Loss }[] = [
  { output: "identity", loss: "squared" },
  { output: "sigmoid", loss: "logistic" },
  { output: "softmax", loss: "cross-entropy" },
  { output: "sigmoid", loss: "squared" },
  { output: "softmax", loss: "squared" },
];

/** Every hidden activation. */
export const ACTIVATION_LIST: readonly Activation[] = [
  "tanh",
  "sigmoid",
  "relu",
  "softplus",
  "identity",
];

/** A network problem: the objective, a point and a seed for further draws. */
export interface NetworkCase {
  network: Network;
  objective: NetworkObjective;
  x: Float64Array;
  seed: number;
  description: string;
}

/** Options of {@linkcode networkCase}. */
export interface NetworkCaseOptions {
  /** Hidden layers, min and max. Default 1..3. */
  depth?: [number, number];
  /** Layer widths, min and max. Default 1..8. */
  width?: [number, number];
  /** Samples, min and max. Default 1..6. */
  samples?: [number, number];
  /** Restrict the heads. */
  heads?: readonly { output: OutputMap; loss: Loss }[];
  /** Restrict the activations. */
  activations?: readonly Activation[];
  /** Regularisation: "random" draws C or none, "always" always draws C, "never". */
  regularise?: "random" | "always" | "never";
  /** Scale of the parameters. Default 1 (Glorot scale). */
  parameterScale?: number;
}

/** Builds a random network problem from a seed and an architecture. */
export function buildNetworkCase(
  seed: number,
  hiddenWidths: readonly number[],
  inputWidth: number,
  outputWidth: number,
  head: { output: OutputMap; loss: Loss },
  activation: Activation,
  samples: number,
  C: number | undefined,
  parameterScale = 1,
): NetworkCase {
  const k = head.output === "softmax" ? Math.max(2, outputWidth) : outputWidth;
  const sizes = [inputWidth, ...hiddenWidths, k];
  const network = mlp({ sizes, activation, output: head.output, loss: head.loss });
  const random = createRandom(seed);
  const inputs = Array.from(
    { length: samples },
    () => Array.from({ length: inputWidth }, () => random.normal()),
  );
  const targets = Array.from({ length: samples }, () => {
    if (head.loss === "cross-entropy") {
      const t = new Array<number>(k).fill(0);
      t[random.integer(k)] = 1;
      return t;
    }
    if (head.loss === "logistic") return Array.from({ length: k }, () => random.uniform());
    return Array.from(
      { length: k },
      () => head.output === "identity" ? random.normal() : random.uniform(),
    );
  });
  const objective = networkObjective(network, { inputs, targets }, C === undefined ? {} : { C });
  const x = network.initialParameters(seed);
  for (let i = 0; i < x.length; i++) x[i] = parameterScale * x[i] + 0.1 * random.normal();
  const description =
    `sizes [${sizes}] ${activation} ${head.output}+${head.loss} I=${samples} C=${C}`;
  return {
    network,
    objective,
    x,
    seed,
    description,
    // fast-check prints this instead of the objects when a property fails.
    [fc.toStringMethod]: () => `NetworkCase(seed ${seed}: ${description})`,
  } as NetworkCase;
}

/** An arbitrary network problem. */
export function networkCase(options: NetworkCaseOptions = {}): fc.Arbitrary<NetworkCase> {
  const [dMin, dMax] = options.depth ?? [1, 3];
  const [wMin, wMax] = options.width ?? [1, 8];
  const [sMin, sMax] = options.samples ?? [1, 6];
  const heads = options.heads ?? HEADS;
  const activations = options.activations ?? ACTIVATION_LIST;
  const regularise = options.regularise ?? "random";
  return fc.record({
    seed: fc.integer({ min: 0, max: 0x7fffffff }),
    hidden: fc.array(fc.integer({ min: wMin, max: wMax }), { minLength: dMin, maxLength: dMax }),
    inputWidth: fc.integer({ min: wMin, max: wMax }),
    outputWidth: fc.integer({ min: wMin, max: Math.min(wMax, 4) }),
    head: fc.constantFrom(...heads),
    activation: fc.constantFrom(...activations),
    samples: fc.integer({ min: sMin, max: sMax }),
    C: regularise === "never"
      ? fc.constant(undefined)
      : regularise === "always"
      ? fc.double({ min: 0.1, max: 100, noNaN: true })
      : fc.option(fc.double({ min: 0.1, max: 100, noNaN: true }), { nil: undefined }),
  }).map((r) =>
    buildNetworkCase(
      r.seed,
      r.hidden,
      r.inputWidth,
      r.outputWidth,
      r.head,
      r.activation,
      r.samples,
      r.C,
      options.parameterScale,
    )
  );
}

/** A seeded standard-normal vector of length n. */
export function normalVector(seed: number, n: number): Float64Array {
  return createRandom(seed).fillNormal(new Float64Array(n));
}
