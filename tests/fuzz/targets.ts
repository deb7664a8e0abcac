/**
 * The fuzz targets: every exported function of mod.ts (and the methods of the objects they
 * return), each with an arbitrary of argument lists and the parameter names an error message
 * may cite. Adding an export means adding one entry here; `fuzz_test.ts` checks that none is
 * forgotten.
 */

import fc from "fast-check";
import * as lib from "@secondorder/harness";
import { KFAC_TARGETS } from "./kfac_targets.ts";
import { OPTIM_TARGETS } from "./optim_targets.ts";
import {
  capNumber,
  edgeNumber,
  goodVector,
  hostile,
  operatorArg,
  optionsArg,
  smallDim,
  vectorArg,
} from "./values.ts";

/** One fuzzed function. */
export interface FuzzTarget {
  /** The export (or `Export.method`) being fuzzed. */
  name: string;
  /** Names an error message may cite (options keys are cited as `options.key`). */
  params: readonly string[];
  /** Argument lists: mostly hostile, some valid. */
  args: fc.Arbitrary<unknown[]>;
  /** Calls the function; may return a promise. */
  call(args: unknown[]): unknown;
  /** The call applies a linear operator: finite inputs may overflow (see classify.ts). */
  ieeeProduct?: boolean;
}

// deno-lint-ignore no-explicit-any
type AnyFn = (...args: any[]) => unknown;

function target(
  name: string,
  params: readonly string[],
  args: fc.Arbitrary<unknown[]>,
  fn?: AnyFn,
): FuzzTarget {
  const callee = fn ?? (lib as unknown as Record<string, AnyFn>)[name];
  if (typeof callee !== "function") throw new Error(`fuzz target ${name} is not an export`);
  return { name, params, args, call: (a) => callee(...a) };
}

/** A dimension together with arguments built for it. */
function withDim<T>(build: (n: number) => fc.Arbitrary<T>): fc.Arbitrary<T> {
  return smallDim.chain(build);
}

const SOLVER_PARAMS = ["A", "b", "options", "x0", "preconditioner"];

/** A small network objective with valid data, its dimension and the network. */
const networkProblem = fc.record({
  sizes: fc.constantFrom([2, 3, 1], [3, 2, 2], [1, 1], [2, 4, 3, 2]),
  head: fc.constantFrom(
    { output: "identity", loss: "squared" } as const,
    { output: "sigmoid", loss: "logistic" } as const,
    { output: "softmax", loss: "cross-entropy" } as const,
    { output: "softmax", loss: "squared" } as const,
  ),
  activation: fc.constantFrom("tanh", "sigmoid", "relu", "softplus", "identity") as fc.Arbitrary<
    lib.Activation
  >,
  seed: fc.nat(),
  C: fc.option(fc.constantFrom(0.01, 1, 1e6), { nil: undefined }),
}).map(({ sizes, head, activation, seed, C }) => {
  const k = head.output === "softmax"
    ? Math.max(2, sizes[sizes.length - 1])
    : sizes[sizes.length - 1];
  const fixed = [...sizes.slice(0, -1), k];
  const network = lib.mlp({ sizes: fixed, activation, ...head });
  const random = lib.createRandom(seed);
  const inputs = Array.from(
    { length: 4 },
    () => fixed.slice(0, 1).flatMap(() => Array.from({ length: fixed[0] }, () => random.normal())),
  );
  const targets = inputs.map((_, i) => Array.from({ length: k }, (_, j) => (j === i % k ? 1 : 0)));
  const objective = lib.networkObjective(
    network,
    { inputs, targets },
    C === undefined ? {} : { C },
  );
  return { network, objective, dim: network.dim };
});

const objectiveMethods: FuzzTarget[] = [
  {
    name: "NetworkObjective.value",
    params: ["x"],
    args: networkProblem.chain((p) => fc.tuple(fc.constant(p.objective), vectorArg(p.dim))),
    call: ([f, x]) => (f as lib.NetworkObjective).value(x as Float64Array),
  },
  {
    name: "NetworkObjective.gradient",
    params: ["x", "out"],
    args: networkProblem.chain((p) =>
      fc.tuple(
        fc.constant(p.objective),
        vectorArg(p.dim),
        fc.oneof(fc.constant(undefined), vectorArg(p.dim)),
      )
    ),
    call: ([f, x, out]) =>
      (f as lib.NetworkObjective).gradient(x as Float64Array, out as Float64Array),
  },
  {
    name: "NetworkObjective.hessian.matvec",
    ieeeProduct: true,
    params: ["x", "out"],
    args: networkProblem.chain((p) =>
      fc.tuple(fc.constant(p.objective), vectorArg(p.dim), vectorArg(p.dim))
    ),
    call: ([f, x, v]) =>
      (f as lib.NetworkObjective).hessian(x as Float64Array).matvec(v as Float64Array),
  },
  {
    name: "NetworkObjective.gaussNewton.matvec",
    ieeeProduct: true,
    params: ["x", "out"],
    args: networkProblem.chain((p) =>
      fc.tuple(fc.constant(p.objective), vectorArg(p.dim), vectorArg(p.dim))
    ),
    call: ([f, x, v]) =>
      (f as lib.NetworkObjective).gaussNewton(x as Float64Array).matvec(v as Float64Array),
  },
  {
    name: "NetworkObjective.jvp",
    params: ["x", "v", "out"],
    args: networkProblem.chain((p) =>
      fc.tuple(fc.constant(p.objective), vectorArg(p.dim), vectorArg(p.dim))
    ),
    call: ([f, x, v]) => (f as lib.NetworkObjective).jvp(x as Float64Array, v as Float64Array),
  },
  {
    name: "NetworkObjective.vjp",
    params: ["x", "u", "out"],
    args: networkProblem.chain((p) =>
      fc.tuple(
        fc.constant(p.objective),
        vectorArg(p.dim),
        vectorArg(p.objective.samples * p.network.sizes[p.network.sizes.length - 1]),
      )
    ),
    call: ([f, x, u]) => (f as lib.NetworkObjective).vjp(x as Float64Array, u as Float64Array),
  },
  {
    name: "NetworkObjective.subset",
    params: ["indices"],
    args: networkProblem.chain((p) =>
      fc.tuple(
        fc.constant(p.objective),
        fc.oneof(fc.array(fc.oneof(fc.integer({ min: -2, max: 6 }), edgeNumber)), hostile),
      )
    ),
    call: ([f, indices]) =>
      (f as lib.NetworkObjective).subset(indices as number[]).value(
        new Float64Array((f as lib.NetworkObjective).dim),
      ),
  },
];

const rowsArg = (width: number) =>
  fc.oneof(
    {
      weight: 3,
      arbitrary: fc.array(goodVector(width).map((v) => Array.from(v)), {
        minLength: 1,
        maxLength: 5,
      }),
    },
    { weight: 1, arbitrary: fc.array(fc.oneof(vectorArg(width), hostile), { maxLength: 4 }) },
    { weight: 1, arbitrary: hostile },
  );

/** The targets, one per export (or method). */
export const TARGETS: readonly FuzzTarget[] = [
  // Operators.
  target(
    "denseOperator",
    ["matrix", "options"],
    fc.tuple(
      fc.oneof(operatorArg(3), fc.array(fc.array(edgeNumber, { maxLength: 4 }), { maxLength: 4 })),
      optionsArg(["structure"], {
        structure: fc.oneof(fc.constantFrom("spd", "symmetric", "general", "bogus"), hostile),
      }),
    ),
  ),
  target(
    "linearOperator",
    ["dim", "matvec", "options"],
    fc.tuple(
      edgeNumber,
      fc.oneof(fc.constant((_x: Float64Array, out: Float64Array) => out), hostile),
      optionsArg(["structure"]),
    ),
  ),
  target("toDense", ["op"], fc.tuple(withDim((n) => operatorArg(n)))),
  target(
    "add",
    ["a", "b"],
    withDim((n) => fc.tuple(operatorArg(n), fc.oneof(operatorArg(n), operatorArg(n + 1)))),
  ),
  target(
    "compose",
    ["a", "b"],
    withDim((n) => fc.tuple(operatorArg(n), fc.oneof(operatorArg(n), operatorArg(n + 1)))),
  ),
  target("scale", ["op", "s"], withDim((n) => fc.tuple(operatorArg(n), edgeNumber))),
  target("damp", ["op", "lambda"], withDim((n) => fc.tuple(operatorArg(n), edgeNumber))),
  target("counted", ["op"], withDim((n) => fc.tuple(operatorArg(n)))),
  target("identity", ["dim"], fc.tuple(edgeNumber)),
  target("diagonal", ["d"], fc.tuple(withDim((n) => vectorArg(n)))),
  {
    name: "LinearOperator.matvec",
    ieeeProduct: true,
    params: ["x", "out"],
    args: withDim((n) =>
      fc.tuple(
        fc.constantFrom(
          lib.identity(n),
          lib.damp(lib.diagonal(Array.from({ length: n }, (_, i) => i + 1)), 1),
        ),
        vectorArg(n),
        fc.oneof(fc.constant(undefined), vectorArg(n)),
      )
    ),
    call: ([op, x, out]) =>
      (op as lib.LinearOperator).matvec(x as Float64Array, out as Float64Array),
  },

  // Vectors and scalars.
  target("dot", ["x", "y"], withDim((n) => fc.tuple(vectorArg(n), vectorArg(n)))),
  target("norm2", ["x"], withDim((n) => fc.tuple(vectorArg(n)))),
  target("cosineSimilarity", ["x", "y"], withDim((n) => fc.tuple(vectorArg(n), vectorArg(n)))),
  target("relativeError", ["x", "y"], withDim((n) => fc.tuple(vectorArg(n), vectorArg(n)))),
  target("sigmoid", ["z"], fc.tuple(fc.oneof(edgeNumber, hostile))),
  target("softplus", ["z"], fc.tuple(fc.oneof(edgeNumber, hostile))),
  target("logSigmoid", ["z"], fc.tuple(fc.oneof(edgeNumber, hostile))),
  target("logSumExp", ["z"], fc.tuple(withDim((n) => vectorArg(n)))),
  target("createRandom", ["seed"], fc.tuple(edgeNumber), (seed: number) => {
    const r = lib.createRandom(seed);
    return [r.uniform(), r.normal(), r.rademacher(), r.integer(7), Array.from(r.permutation(4))];
  }),
  target("countMultiplyAdds", ["work"], fc.tuple(fc.oneof(fc.constant(() => 1), hostile))),

  // Networks.
  target(
    "mlp",
    ["spec", "sizes", "activation", "output", "loss"],
    fc.tuple(fc.oneof(
      fc.record({
        sizes: fc.oneof(
          fc.array(edgeNumber, { maxLength: 4 }),
          fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 2, maxLength: 4 }),
          hostile,
        ),
        activation: fc.oneof(fc.constantFrom("tanh", "relu", "gelu"), hostile),
        output: fc.oneof(fc.constantFrom("identity", "sigmoid", "softmax", "linear"), hostile),
        loss: fc.oneof(fc.constantFrom("squared", "logistic", "cross-entropy", "hinge"), hostile),
      }, { requiredKeys: [] }),
      hostile,
    )),
    (spec: lib.MlpSpec) => {
      const net = lib.mlp(spec);
      return net.predict(net.initialParameters(1), [
        Array.from({ length: net.sizes[0] }, () => 0.5),
      ]);
    },
  ),
  target(
    "networkObjective",
    ["network", "data", "inputs", "targets", "options"],
    fc.tuple(
      fc.oneof(
        fc.constant(lib.mlp({ sizes: [2, 3, 1], output: "sigmoid", loss: "logistic" })),
        hostile,
      ),
      fc.oneof(fc.record({ inputs: rowsArg(2), targets: rowsArg(1) }), hostile),
      optionsArg(["C"]),
    ),
    (net: lib.Network, data: lib.Dataset, options: lib.NetworkObjectiveOptions) => {
      const f = lib.networkObjective(net, data, options);
      return f.valueAndGradient(new Float64Array(f.dim));
    },
  ),
  ...objectiveMethods,
  target(
    "permuteHiddenUnits",
    ["network", "params", "layer", "permutation"],
    networkProblem.chain((p) =>
      fc.tuple(
        fc.oneof(fc.constant(p.network), hostile),
        vectorArg(p.dim),
        edgeNumber,
        fc.oneof(fc.array(fc.integer({ min: -1, max: 4 }), { maxLength: 5 }), hostile),
      )
    ),
  ),

  // Problems and data.
  target(
    "quadraticObjective",
    ["matrix", "options"],
    fc.tuple(
      fc.oneof(withDim((n) => operatorArg(n)), hostile),
      optionsArg(["b", "c"], { b: vectorArg(3) }),
    ),
    (matrix: number[][], options: lib.QuadraticOptions) => {
      const f = lib.quadraticObjective(matrix, options);
      return f.valueAndGradient(new Float64Array(f.dim).fill(1));
    },
  ),
  target(
    "matrixWithSpectrum",
    ["eigenvalues", "options"],
    fc.tuple(
      withDim((n) => vectorArg(n)),
      optionsArg(["seed", "axisAligned"]),
    ),
  ),
  target("gaussianMixture", ["seed"], fc.tuple(edgeNumber)),
  target("standardizeColumns", ["rows"], fc.tuple(rowsArg(3))),
  target("irisDataset", ["options"], fc.tuple(optionsArg(["standardize"]))),
  target(
    "mnistSubset",
    ["options"],
    fc.tuple(optionsArg(["perClass", "offset", "downsample", "seed"], {
      perClass: fc.oneof(fc.integer({ min: -1, max: 3 }), edgeNumber),
      downsample: fc.oneof(fc.constantFrom(1, 2, 3, 4), hostile),
    })),
  ),

  // Reference oracles.
  ...["finiteDifferenceGradient", "hessianByGradientDifferences", "hessianByValueDifferences"].map((
    name,
  ) =>
    target(
      name,
      ["objective", "x", "options"],
      fc.tuple(
        fc.oneof(
          networkProblem.map((p) => p.objective),
          fc.constant(lib.quadraticObjective([[2, 1], [1, 3]])),
          hostile,
        ),
        vectorArg(2),
        optionsArg(["step", "symmetrize"]),
      ),
    )
  ),
  ...["exactDenseHessian", "explicitJacobians", "denseGaussNewton"].map((name) =>
    target(
      name,
      ["objective", "x"],
      networkProblem.chain((p) =>
        fc.tuple(fc.oneof(fc.constant(p.objective), hostile), vectorArg(p.dim))
      ),
    )
  ),
  target(
    "directionalDerivative",
    ["objective", "x", "u"],
    networkProblem.chain((p) =>
      fc.tuple(fc.constant(p.objective), vectorArg(p.dim), vectorArg(p.dim))
    ),
  ),
  target(
    "secondDirectionalDerivative",
    ["objective", "x", "u", "v"],
    networkProblem.chain((p) =>
      fc.tuple(fc.constant(p.objective), vectorArg(p.dim), vectorArg(p.dim), vectorArg(p.dim))
    ),
  ),

  // Solvers and spectra.
  target(
    "cg",
    SOLVER_PARAMS,
    withDim((n) =>
      fc.tuple(
        operatorArg(n),
        vectorArg(n),
        optionsArg(
          ["x0", "rtol", "atol", "maxIterations", "preconditioner", "radius", "recordDirections"],
          { x0: vectorArg(n), preconditioner: operatorArg(n) },
        ),
      )
    ),
  ),
  target(
    "neumann",
    ["A", "b", "options"],
    withDim((n) =>
      fc.tuple(
        operatorArg(n),
        vectorArg(n),
        optionsArg(
          ["scale", "terms", "rtol"],
          {
            scale: fc.oneof(fc.constant("auto"), edgeNumber, hostile),
            terms: fc.oneof(capNumber, hostile),
          },
        ),
      )
    ),
  ),
  target("directSolve", ["A", "b"], withDim((n) => fc.tuple(operatorArg(n), vectorArg(n)))),
  target(
    "powerIteration",
    ["A", "options"],
    withDim((n) =>
      fc.tuple(
        operatorArg(n),
        // "tolerance" is not an option (it is "tol"): it must be refused by name. The cap stays
        // ≤ 1e5: a non-symmetric matrix whose dominant eigenvalues are a complex pair never
        // converges, and 10¹² iterations of it is the work asked for (seed 1618033).
        optionsArg(["maxIterations", "tol", "tolerance", "seed"], {
          maxIterations: fc.oneof(capNumber, hostile),
        }),
      )
    ),
  ),
  target(
    "lanczos",
    ["A", "options"],
    withDim((n) =>
      fc.tuple(
        operatorArg(n),
        optionsArg(
          ["k", "which", "seed", "maxIterations"],
          { which: fc.oneof(fc.constantFrom("largest", "smallest", "both", "middle"), hostile) },
        ),
      )
    ),
  ),
  target("eigh", ["A"], withDim((n) => fc.tuple(operatorArg(n)))),
  target("conditionNumber", ["A"], withDim((n) => fc.tuple(operatorArg(n)))),
  target(
    "classifyCriticalPoint",
    ["A", "gradient", "options"],
    withDim((n) =>
      fc.tuple(
        operatorArg(n),
        fc.oneof(fc.constant(undefined), vectorArg(n)),
        optionsArg(["tolerance", "gradientTolerance"]),
      )
    ),
  ),
  target(
    "hutchinsonTrace",
    ["A", "options"],
    withDim((n) => fc.tuple(operatorArg(n), optionsArg(["samples", "seed"]))),
  ),
  target(
    "spectralDensity",
    ["A", "options"],
    withDim((n) =>
      fc.tuple(
        operatorArg(n),
        optionsArg(
          ["steps", "samples", "seed", "gridPoints", "sigma"],
        ),
      )
    ),
  ),
  ...KFAC_TARGETS,
  ...OPTIM_TARGETS,
];
