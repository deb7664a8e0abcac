/**
 * Fuzz targets of the optimisation driver and the test problems: `minimize` with adversarial
 * objectives (NaN values, NaN gradients and curvature, overflow, no curvature at all), starting
 * points and options of every method; `rosenbrock`; `leastSquares` with residual and Jacobian
 * functions that return the wrong shapes, non-numbers and non-finite values; the NIST problems
 * and `correctDigits`. Spread into `TARGETS` by `targets.ts`.
 */

import fc from "fast-check";
import * as lib from "@secondorder/harness";
import { METHODS } from "../../src/optim/methods.ts";
import type { FuzzTarget } from "./targets.ts";
import { edgeNumber, goodVector, hostile, optionsArg, vectorArg } from "./values.ts";

/** Every string an option of some method accepts, plus near misses. */
const CHOICES = [
  "hessian",
  "gauss-newton",
  "sampled-gauss-newton",
  "empirical-fisher",
  "cg",
  "direct",
  "armijo",
  "none",
  "wolfe",
  "exact",
  "damping",
  "diagonal",
  "identity",
  "eigh",
  "lanczos",
  "forcing",
  "factored",
  "quadratic-model",
  "fixed",
  "newton",
];

/** A value for any method option: numbers at the edges, choices, booleans, hostile values. */
const optionValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(1e-8, 1e-3, 0.01, 0.1, 0.5, 0.9, 1, 2, 5, 10, 100) },
  { weight: 1, arbitrary: edgeNumber },
  { weight: 4, arbitrary: fc.constantFrom(...CHOICES) },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: hostile },
);

/** Mostly `valid`, now and then an edge or hostile value. */
const mostly = (valid: fc.Arbitrary<unknown>) =>
  fc.oneof(
    { weight: 12, arbitrary: valid },
    { weight: 1, arbitrary: edgeNumber },
    { weight: 1, arbitrary: hostile },
  );

/** Iteration budgets: small ones (so that every case is quick), and invalid ones. */
const budget: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 15, arbitrary: fc.integer({ min: 0, max: 40 }) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(-1, 2.5, NaN, Infinity, 2 ** 53, "3", null) },
);

/** The options of `minimize`: a method (or a hostile one), common options and its own. */
const minimizeOptions: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 1, arbitrary: hostile },
  {
    weight: 12,
    arbitrary: fc.oneof(
      { weight: 25, arbitrary: fc.constantFrom(...(Object.keys(METHODS) as lib.Method[])) },
      { weight: 1, arbitrary: fc.constantFrom<unknown>("Newton", "sgd", "", 3, undefined) },
    ).chain((method) => {
      const own = typeof method === "string" && method in METHODS
        ? METHODS[method as lib.Method].options
        : ["learningRate", "curvature"];
      // A few of the method's own options at a time, so that many runs get past validation.
      const ownOptions = fc.subarray([...own], { maxLength: Math.min(3, own.length) }).chain(
        (keys) => {
          const record: Record<string, fc.Arbitrary<unknown>> = {};
          for (const key of keys) record[key] = optionValue;
          return fc.record(record);
        },
      );
      return fc.record({
        method: fc.constant(method),
        maxIterations: budget,
        common: fc.record({
          gradientTolerance: mostly(fc.constantFrom(1e-12, 1e-8, 1e-4)),
          valueTolerance: mostly(fc.constantFrom(1e-15, 1e-9)),
          batchSize: fc.oneof(
            { weight: 8, arbitrary: fc.constant(undefined) },
            { weight: 1, arbitrary: fc.oneof(fc.integer({ min: -1, max: 6 }), hostile) },
          ),
          seed: mostly(fc.nat()),
          onIteration: fc.oneof(
            { weight: 6, arbitrary: fc.constant(() => undefined) },
            { weight: 2, arbitrary: fc.constant(() => "stop") },
            { weight: 1, arbitrary: hostile },
          ),
        }, { requiredKeys: [] }),
        // Now and then another method's option, which must be refused by name.
        foreign: fc.oneof(
          { weight: 20, arbitrary: fc.constant({}) },
          { weight: 1, arbitrary: fc.constantFrom({ shrink: 0.5 }, { memory: 5 }, { bogus: 1 }) },
        ),
        own: ownOptions,
      }).map(({ method, maxIterations, common, foreign, own }) => ({
        method,
        maxIterations,
        ...common,
        ...foreign,
        ...own,
      }));
    }),
  },
);

/** The quadratic bowl f = ½xᵀAx + bᵀx for a symmetric A of a chosen kind, with Gauss-Newton = A. */
function quadraticWithGaussNewton(
  n: number,
  seed: number,
  kind: "spd" | "indefinite",
): lib.Objective {
  const random = lib.createRandom(seed);
  const eigenvalues = Array.from(
    { length: n },
    (_, i) => (kind === "indefinite" && i % 2 === 1 ? -1 : 1) * (0.5 + random.uniform()),
  );
  const q = lib.quadraticObjective(lib.matrixWithSpectrum(eigenvalues, { seed }).matrix, {
    b: Array.from({ length: n }, () => random.normal()),
  });
  return {
    dim: n,
    value: (x) => q.value(x),
    gradient: (x, out) => q.gradient(x, out),
    valueAndGradient: (x, out) => q.valueAndGradient(x, out),
    hessian: (x) => q.hessian(x),
    ...(kind === "spd" ? { gaussNewton: (x: Float64Array) => q.hessian(x) } : {}),
  };
}

/** Wraps an objective so that it misbehaves after `after` calls. */
function poisoned(
  base: lib.Objective,
  kind: "value-nan" | "gradient-nan" | "throws" | "curvature-nan" | "infinite",
  after: number,
): lib.Objective {
  let calls = 0;
  const bad = () => ++calls > after;
  const fail = (x: Float64Array, what: number) => {
    if (kind === "throws") throw new lib.NonFiniteError("evaluate the objective", "f", x);
    return what;
  };
  const wrap = (op: lib.LinearOperator): lib.LinearOperator =>
    kind !== "curvature-nan" ? op : {
      dim: op.dim,
      structure: op.structure,
      matvec: (v, out) => {
        const y = op.matvec(v, out);
        return bad() ? y.fill(NaN) : y;
      },
    };
  return {
    dim: base.dim,
    value: (x) => {
      const v = base.value(x);
      if (kind === "curvature-nan" || kind === "gradient-nan" || !bad()) return v;
      return fail(x, kind === "infinite" ? Infinity : NaN);
    },
    gradient: (x, out) => {
      const g = base.gradient(x, out);
      if ((kind === "gradient-nan" || kind === "throws") && bad()) {
        fail(x, NaN);
        g.fill(NaN);
      }
      return g;
    },
    ...(base.hessian ? { hessian: (x: Float64Array) => wrap(base.hessian!(x)) } : {}),
    ...(base.gaussNewton ? { gaussNewton: (x: Float64Array) => wrap(base.gaussNewton!(x)) } : {}),
  };
}

/** A small network objective (4 samples) with Hessian, Gauss-Newton and K-FAC support. */
const networkObjective = fc.record({
  seed: fc.nat(),
  head: fc.constantFrom(
    { output: "identity", loss: "squared" } as const,
    { output: "sigmoid", loss: "logistic" } as const,
    { output: "softmax", loss: "cross-entropy" } as const,
  ),
  C: fc.option(fc.constantFrom(0.01, 1, 1e6), { nil: undefined }),
}).map(({ seed, head, C }) => {
  const k = head.output === "softmax" ? 2 : 1;
  const net = lib.mlp({ sizes: [2, 3, k], activation: "tanh", ...head });
  const random = lib.createRandom(seed);
  const inputs = Array.from({ length: 4 }, () => [random.normal(), random.normal()]);
  const targets = inputs.map((_, i) => Array.from({ length: k }, (_, j) => (j === i % k ? 1 : 0)));
  return lib.networkObjective(net, { inputs, targets }, C === undefined ? {} : { C });
});

/** An exponential fit r = a·exp(b·t) − y as least squares, with or without its Jacobian. */
const curveFit = fc.record({ seed: fc.nat(), analytic: fc.boolean() }).map(({ seed, analytic }) => {
  const random = lib.createRandom(seed);
  const t = [0, 0.5, 1, 1.5, 2];
  const y = t.map((ti) => 2 * Math.exp(-ti) + 0.05 * random.normal());
  return lib.leastSquares({
    parameters: 2,
    observations: t.length,
    residuals: ([a, b]) => t.map((ti, i) => a * Math.exp(b * ti) - y[i]),
    ...(analytic
      ? {
        jacobian: ([a, b]: Float64Array) =>
          t.map((ti) => [Math.exp(b * ti), a * ti * Math.exp(b * ti)]),
      }
      : {}),
  });
});

/** Objectives for `minimize`: sound ones of every kind, poisoned ones, and hostile values. */
const minimizeObjective: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.tuple(
      fc.integer({ min: 1, max: 4 }),
      fc.nat(),
      fc.constantFrom("spd", "indefinite") as fc.Arbitrary<"spd" | "indefinite">,
    ).map(([n, seed, kind]) => quadraticWithGaussNewton(n, seed, kind)),
  },
  { weight: 2, arbitrary: fc.integer({ min: 2, max: 4 }).map((n) => lib.rosenbrock(n)) },
  { weight: 2, arbitrary: networkObjective },
  { weight: 2, arbitrary: curveFit },
  {
    weight: 1,
    arbitrary: fc.constantFrom(...lib.NIST_PROBLEM_NAMES).map((name) =>
      lib.nistProblem(name).objective()
    ),
  },
  {
    weight: 3,
    arbitrary: fc.tuple(
      fc.oneof(
        fc.tuple(fc.integer({ min: 1, max: 3 }), fc.nat()).map(([n, seed]) =>
          quadraticWithGaussNewton(n, seed, "spd")
        ),
        fc.constant(lib.rosenbrock(2)),
        networkObjective,
      ),
      fc.constantFrom(
        "value-nan",
        "gradient-nan",
        "throws",
        "curvature-nan",
        "infinite",
      ) as fc.Arbitrary<"value-nan" | "gradient-nan" | "throws" | "curvature-nan" | "infinite">,
      fc.integer({ min: 0, max: 30 }),
    ).map(([base, kind, after]) => poisoned(base, kind, after)),
  },
  { weight: 1, arbitrary: fc.oneof(fc.constant({ dim: 2, value: () => 0 }), hostile) },
);

/** What a `minimize` call returns, without the trace's documented NaN (damping "none"). */
function summary(result: lib.MinimizeResult) {
  if (result.trace.length !== result.iterations + 1) {
    throw new Error(`trace has ${result.trace.length} rows after ${result.iterations} iterations`);
  }
  const costs = result.trace.map((r) => r.gradientEquivalents);
  for (let k = 1; k < costs.length; k++) {
    if (!(costs[k] >= costs[k - 1])) throw new Error(`gradient-equivalents fell at row ${k}`);
  }
  return {
    success: result.success,
    status: result.status,
    x: result.x,
    value: result.value,
    gradientNorm: result.gradientNorm,
    evaluations: result.evaluations,
    values: result.trace.map((r) => r.value),
    gradientNorms: result.trace.map((r) => r.gradientNorm),
  };
}

/** Residual functions for `leastSquares`, sound and broken. */
function residualFunction(m: number, n: number): fc.Arbitrary<unknown> {
  return fc.oneof(
    {
      weight: 4,
      arbitrary: fc.nat().map((seed) => {
        const random = lib.createRandom(seed);
        const rows = Array.from(
          { length: m },
          () => Array.from({ length: n }, () => random.normal()),
        );
        return (x: Float64Array) =>
          rows.map((row) => Math.tanh(row.reduce((s, a, j) => s + a * x[j], 0)) - 0.5);
      }),
    },
    {
      weight: 2,
      arbitrary: fc.constantFrom<unknown>(
        () => new Array(m + 1).fill(0),
        () => new Array(Math.max(0, m - 1)).fill(0),
        () => new Array(m).fill(NaN),
        () => new Array(m).fill(1e200),
        () => new Array(m).fill(Infinity),
        () => new Array(m).fill("1"),
        () => undefined,
        () => ({ length: m }),
        () => new Int32Array(m),
        (_x: Float64Array, out: Float64Array) => out.fill(0.5),
        (_x: Float64Array, out: Float64Array) => out.subarray(0, Math.max(0, m - 1)),
      ),
    },
    { weight: 1, arbitrary: hostile },
  );
}

/** Jacobian functions, sound and broken (as rows, or row-major). */
function jacobianFunction(m: number, n: number): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant(undefined) },
    {
      weight: 2,
      arbitrary: fc.tuple(fc.nat(), fc.boolean()).map(([seed, flat]) => {
        const J = lib.createRandom(seed).fillNormal(new Float64Array(m * n));
        return () =>
          flat
            ? J.slice()
            : Array.from({ length: m }, (_, i) => Array.from(J.subarray(i * n, (i + 1) * n)));
      }),
    },
    {
      weight: 2,
      arbitrary: fc.constantFrom<unknown>(
        () => new Float64Array(m * n + 1),
        () => new Array(m).fill(new Array(n + 1).fill(0)),
        () => new Array(m + 1).fill(new Array(n).fill(0)),
        () => new Array(m).fill(new Array(n).fill(NaN)),
        () => new Array(m).fill(new Array(n).fill(1e300)),
        () => new Array(m).fill(new Array(n).fill(null)),
        () => new Array(m).fill(7),
        () => "J",
      ),
    },
    { weight: 1, arbitrary: hostile },
  );
}

/** A least-squares spec: valid sizes mostly, with sound or broken functions. */
const leastSquaresCase = fc.tuple(
  fc.oneof({ weight: 5, arbitrary: fc.integer({ min: 1, max: 4 }) }, {
    weight: 1,
    arbitrary: edgeNumber,
  }),
  fc.oneof({ weight: 5, arbitrary: fc.integer({ min: 1, max: 6 }) }, {
    weight: 1,
    arbitrary: edgeNumber,
  }),
).chain(([n, m]) => {
  const nn = typeof n === "number" && Number.isInteger(n) && n >= 1 && n <= 8 ? n : 2;
  const mm = typeof m === "number" && Number.isInteger(m) && m >= 1 && m <= 8 ? m : 3;
  return fc.tuple(
    fc.oneof(
      {
        weight: 8,
        arbitrary: fc.record({
          parameters: fc.constant(n),
          observations: fc.constant(m),
          residuals: residualFunction(mm, nn),
          jacobian: jacobianFunction(mm, nn),
        }),
      },
      { weight: 1, arbitrary: hostile },
    ),
    vectorArg(nn),
    vectorArg(nn),
  );
});

type LeastSquaresArgs = [lib.LeastSquaresSpec, Float64Array, Float64Array];

/** The targets. */
export const OPTIM_TARGETS: readonly FuzzTarget[] = [
  {
    name: "minimize",
    params: ["objective", "x0", "options"],
    args: minimizeObjective.chain((objective) => {
      const dim = objective !== null && typeof objective === "object" &&
          typeof (objective as lib.Objective).dim === "number"
        ? (objective as lib.Objective).dim
        : 2;
      const start = fc.oneof(
        { weight: 5, arbitrary: goodVector(dim) },
        { weight: 1, arbitrary: vectorArg(dim) },
      );
      return fc.tuple(fc.constant(objective), start, minimizeOptions);
    }),
    call: ([objective, x0, options]) =>
      summary(
        lib.minimize(objective as lib.Objective, x0 as number[], options as lib.MinimizeOptions),
      ),
  },
  {
    // Calls that pass validation far more often: a known method, a finite x₀ of the right
    // length, its own options from plausible values; so the numerics run in most cases.
    name: "minimize.numerics",
    params: ["objective", "x0", "options"],
    args: minimizeObjective.filter((o) =>
      o !== null && typeof o === "object" && typeof (o as lib.Objective).gradient === "function"
    ).chain((objective) => {
      const f = objective as lib.Objective;
      const method = fc.constantFrom(...(Object.keys(METHODS) as lib.Method[])).filter((m) =>
        m !== "kfac" || lib.supportsKfac(f)
      );
      return fc.tuple(
        fc.constant(f),
        goodVector(f.dim),
        method.chain((m) => {
          const own = METHODS[m].options;
          return fc.subarray([...own], { maxLength: Math.min(2, own.length) }).chain((keys) => {
            const record: Record<string, fc.Arbitrary<unknown>> = {};
            for (const key of keys) {
              record[key] = fc.constantFrom(1e-3, 0.1, 0.5, 0.9, 1, 2, 10, ...CHOICES, true);
            }
            return fc.record(record);
          }).map((own) => ({ method: m, maxIterations: 30, ...own }));
        }),
      );
    }),
    call: ([objective, x0, options]) =>
      summary(
        lib.minimize(objective as lib.Objective, x0 as number[], options as lib.MinimizeOptions),
      ),
  },
  {
    name: "rosenbrock",
    params: ["dim", "options", "x", "out"],
    args: fc.tuple(
      fc.oneof(fc.integer({ min: -1, max: 6 }), edgeNumber),
      optionsArg(["a"]),
    ).chain(([dim, options]) =>
      fc.tuple(
        fc.constant(dim),
        fc.constant(options),
        vectorArg(
          typeof dim === "number" && Number.isInteger(dim) && dim >= 2 && dim <= 50 ? dim : 2,
        ),
      )
    ),
    call: ([dim, options, x]) => {
      const f = lib.rosenbrock(dim as number, options as lib.RosenbrockOptions);
      return f.valueAndGradient(x as Float64Array);
    },
  },
  ...(["hessian", "gaussNewton"] as const).map((kind): FuzzTarget => ({
    name: `RosenbrockObjective.${kind}.matvec`,
    ieeeProduct: true,
    params: ["x", "out"],
    args: fc.integer({ min: 2, max: 6 }).chain((n) =>
      fc.tuple(fc.constant(n), vectorArg(n), vectorArg(n))
    ),
    call: ([n, x, v]) =>
      lib.rosenbrock(n as number)[kind](x as Float64Array).matvec(v as Float64Array),
  })),
  {
    name: "leastSquares",
    params: ["spec", "parameters", "observations", "residuals", "jacobian", "x", "out"],
    args: leastSquaresCase,
    call: (args) => {
      const [spec, x] = args as LeastSquaresArgs;
      const f = lib.leastSquares(spec);
      const { value, gradient } = f.valueAndGradient(x);
      return { value, gradient, residuals: f.residuals(x), jacobian: f.jacobian(x), dim: f.dim };
    },
  },
  {
    name: "LeastSquaresObjective.gaussNewton.matvec",
    ieeeProduct: true,
    params: ["spec", "parameters", "observations", "residuals", "jacobian", "x", "out"],
    args: leastSquaresCase,
    call: (args) => {
      const [spec, x, v] = args as LeastSquaresArgs;
      return lib.leastSquares(spec).gaussNewton(x).matvec(v);
    },
  },
  {
    name: "nistProblem",
    params: ["name", "parameters", "x", "options"],
    args: fc.tuple(
      fc.oneof(
        { weight: 6, arbitrary: fc.constantFrom(...lib.NIST_PROBLEM_NAMES) },
        { weight: 1, arbitrary: fc.constantFrom<unknown>("Misra1b", "misra1a", "") },
        { weight: 1, arbitrary: hostile },
      ),
      fc.constantFrom("start1", "start2", "certified", "random") as fc.Arbitrary<
        "start1" | "start2" | "certified" | "random"
      >,
      fc.nat(),
      optionsArg(["jacobian"], {
        jacobian: fc.oneof(fc.constantFrom("analytic", "finite-differences", "exact"), hostile),
      }),
      fc.oneof(edgeNumber, hostile),
    ),
    call: ([name, point, seed, options, xValue]) => {
      const p = lib.nistProblem(name as lib.NistProblemName);
      const n = p.certified.length;
      const b = point === "random"
        ? lib.createRandom(seed as number).fillNormal(new Float64Array(n)).map((v, i) =>
          p.certified[i] * (1 + v)
        )
        : new Float64Array(p[point as "start1" | "start2" | "certified"]);
      const f = p.objective(options as lib.NistObjectiveOptions);
      return { ...f.valueAndGradient(b), prediction: p.predict(b, xValue as number) };
    },
  },
  {
    name: "nistProblems",
    params: [],
    args: fc.constant([]),
    call: () =>
      lib.nistProblems().map((p) => 2 * p.objective().value(new Float64Array(p.certified))),
  },
  {
    name: "correctDigits",
    params: ["estimate", "certified", "options"],
    args: fc.tuple(
      fc.oneof(edgeNumber, hostile, goodVector(1).map((v) => v[0])),
      fc.oneof(edgeNumber, hostile),
      optionsArg(["maxDigits"]),
    ),
    call: ([estimate, certified, options]) =>
      lib.correctDigits(
        estimate as number,
        certified as number,
        options as lib.CorrectDigitsOptions,
      ),
  },
];
