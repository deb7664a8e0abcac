/**
 * Tests of the `minimize()` driver, independent of any one method: every status it can return,
 * `onIteration` and "stop", that no result claims success while holding NaN (objectives that
 * return NaN or throw NonFiniteError anywhere), the evaluation counts, the trace's shape and
 * cumulative cost, mini-batch determinism, and every argument error.
 */

import fc from "fast-check";
import { deepStrictEqual, notDeepStrictEqual, ok, strictEqual } from "node:assert/strict";
import {
  createRandom,
  leastSquares,
  type LinearOperator,
  matrixWithSpectrum,
  type Method,
  minimize,
  type MinimizeOptions,
  type MinimizeResult,
  mlp,
  networkObjective,
  NonFiniteError,
  type Objective,
  quadraticObjective,
  type TraceRow,
} from "@secondorder/harness";
import { assertClose, assertThrowsWith, check } from "../_helpers/assert.ts";
import { assertProperty } from "../_helpers/property.ts";

/** f = ½xᵀAx + bᵀx with A = diag(1, 4, 9), minimum at x* = −A⁻¹b. */
const bowl = () => quadraticObjective([[1, 0, 0], [0, 4, 0], [0, 0, 9]], { b: [-1, -4, 9] });
const BOWL_MINIMUM = [1, 1, -1];

/** A 2-3-1 tanh network on 12 seeded samples, regularised (C = 10). */
function network(seed = 1) {
  const net = mlp({ sizes: [2, 3, 1], activation: "tanh" });
  const random = createRandom(seed);
  const inputs = Array.from({ length: 12 }, () => [random.normal(), random.normal()]);
  const targets = inputs.map(([a, b]) => [Math.sin(a) * b]);
  return { net, f: networkObjective(net, { inputs, targets }, { C: 10 }) };
}

/** The quadratic bowl also offering its Hessian as a Gauss-Newton matrix (it is PSD). */
function bowlWithGaussNewton(): Objective {
  const q = bowl();
  return {
    dim: q.dim,
    value: (x) => q.value(x),
    gradient: (x, out) => q.gradient(x, out),
    valueAndGradient: (x, out) => q.valueAndGradient(x, out),
    hessian: (x) => q.hessian(x),
    gaussNewton: (x) => q.hessian(x),
  };
}

const TRACE_KEYS = [
  "cgIterations",
  "damping",
  "gradientEquivalents",
  "gradientNorm",
  "iteration",
  "milliseconds",
  "stepLength",
  "value",
];

function allFinite(values: ArrayLike<number>): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return false;
  return true;
}

// Statuses.

Deno.test('minimize() status "converged": Newton on a positive definite quadratic, success true', () => {
  const run = minimize(bowl(), [0, 0, 0], { method: "newton" });
  strictEqual(run.status, "converged");
  strictEqual(run.success, true);
  assertClose(run.x, BOWL_MINIMUM, { atol: 1e-12 }, "x*");
  ok(run.message.startsWith("newton: converged after 1 iteration:"), run.message);
});

Deno.test('minimize() status "converged" at x₀ when ∇f(x₀) = 0, with no iteration', () => {
  const run = minimize(bowl(), BOWL_MINIMUM, { method: "gd" });
  strictEqual(run.status, "converged");
  strictEqual(run.iterations, 0);
  strictEqual(run.trace.length, 1);
  strictEqual(run.evaluations.gradient, 1);
});

Deno.test('minimize() status "max-iterations": the budget runs out first, success false', () => {
  const run = minimize(bowl(), [0, 0, 0], { method: "gd", learningRate: 0.01, maxIterations: 5 });
  strictEqual(run.status, "max-iterations");
  strictEqual(run.success, false);
  strictEqual(run.iterations, 5);
  const none = minimize(bowl(), [0, 0, 0], { method: "gd", maxIterations: 0 });
  strictEqual(none.status, "max-iterations");
  strictEqual(none.iterations, 0);
});

Deno.test('minimize() status "line-search-failed": Armijo finds no decrease along a wrong gradient', () => {
  const q = bowl();
  // ∇f with its sign flipped: −∇f is then an ascent direction, and backtracking fails.
  const lying: Objective = {
    dim: 3,
    value: (x) => q.value(x),
    gradient: (x, out) => q.gradient(x, out).map((g) => -g),
  };
  const run = minimize(lying, [0, 0, 0], { method: "gd", lineSearch: "armijo" });
  strictEqual(run.status, "line-search-failed");
  strictEqual(run.success, false);
  strictEqual(run.iterations, 1);
  deepStrictEqual(Array.from(run.x), [0, 0, 0], "a failed search does not move x");
});

Deno.test('minimize() status "step-rejected": Levenberg-Marquardt with a wrong Jacobian rejects every step', () => {
  // r = (x − 1, 2(y + 1)) with the Jacobian's sign flipped: the model predicts decreases that
  // f never shows, far from the minimum, so no damping helps.
  const f = leastSquares({
    parameters: 2,
    observations: 2,
    residuals: ([x, y]) => [x - 1, 2 * (y + 1)],
    jacobian: () => [[-1, 0], [0, -2]],
  });
  const run = minimize(f, [5, 5], { method: "levenberg-marquardt" });
  strictEqual(run.status, "step-rejected");
  strictEqual(run.success, false);
});

Deno.test('minimize() status "singular": undamped Newton on a singular system, when told not to fall back', () => {
  const f = quadraticObjective([[1, 0], [0, 0]], { b: [1, 1] });
  const run = minimize(f, [0, 0], { method: "newton", solver: "direct", fallback: "none" });
  strictEqual(run.status, "singular");
  strictEqual(run.success, false);
});

Deno.test('minimize() status "non-finite": NaN at x₀, NonFiniteError at x₀, and a run that overflows', () => {
  const q = bowl();
  const nanAtStart: Objective = { dim: 3, value: () => NaN, gradient: (x) => q.gradient(x) };
  const throwsAtStart: Objective = {
    dim: 3,
    value: (x) => {
      throw new NonFiniteError("evaluate", "the value", x);
    },
    gradient: (x) => q.gradient(x),
  };
  for (const f of [nanAtStart, throwsAtStart]) {
    const run = minimize(f, [0, 0, 0], { method: "gd" });
    strictEqual(run.status, "non-finite");
    strictEqual(run.success, false);
    strictEqual(run.iterations, 0);
  }
  // Gradient descent with α = 1 on eigenvalue 9 multiplies that mode by −8 each step.
  const overflow = minimize(q, [0, 0, 1], { method: "gd", learningRate: 1, maxIterations: 1000 });
  strictEqual(overflow.status, "non-finite");
  strictEqual(overflow.success, false);
  ok(overflow.iterations > 100 && overflow.iterations < 1000, overflow.message);
});

Deno.test('minimize() status "stopped": onIteration returning "stop" ends the run after that iteration', () => {
  const rows: TraceRow[] = [];
  const run = minimize(bowl(), [0, 0, 0], {
    method: "gd",
    learningRate: 0.01,
    onIteration: (row) => {
      rows.push(row);
      return row.iteration === 3 ? "stop" : undefined;
    },
  });
  strictEqual(run.status, "stopped");
  strictEqual(run.success, false);
  strictEqual(run.iterations, 3);
  deepStrictEqual(rows.map((r) => r.iteration), [1, 2, 3], "one call per iteration, in order");
  deepStrictEqual(rows, run.trace.slice(1), "onIteration sees the trace rows");
  // A run that converges on the same iteration reports the convergence.
  const converged = minimize(bowl(), [0, 0, 0], { method: "newton", onIteration: () => "stop" });
  strictEqual(converged.status, "converged");
});

// No success with NaN.

/** How an objective goes wrong. */
type Poison = "value-nan" | "gradient-nan" | "throws" | "region-nan" | "curvature-nan";

/**
 * The PSD quadratic bowl (with Hessian and Gauss-Newton operators), poisoned: after `after`
 * evaluations every value is NaN, or every gradient is NaN, or every call throws
 * NonFiniteError; or every curvature product is NaN ("curvature-nan"); or ("region-nan") f is
 * NaN wherever x₀ > 0.75, which the path to the minimiser x*₀ = 1 crosses.
 */
function poisoned(kind: Poison, after: number): Objective {
  const q = bowlWithGaussNewton();
  let calls = 0;
  const bad = (x: Float64Array) =>
    kind === "region-nan" ? x[0] > 0.75 : ++calls > after && kind !== "gradient-nan";
  const badGradient = (x: Float64Array) =>
    kind === "region-nan" ? x[0] > 0.75 : ++calls > after && kind !== "value-nan";
  const fail = (x: Float64Array) => {
    if (kind === "throws") throw new NonFiniteError("evaluate the poisoned objective", "f", x);
    return NaN;
  };
  return {
    dim: 3,
    value: (x) => (bad(x) ? fail(x) : q.value(x)),
    gradient: (x, out) => {
      const g = q.gradient(x, out);
      if (badGradient(x)) {
        if (kind === "throws") fail(x);
        g.fill(NaN);
      }
      return g;
    },
    hessian: (x) => curvature(q.hessian!(x)),
    gaussNewton: (x) => curvature(q.gaussNewton!(x)),
  };
  function curvature(op: LinearOperator): LinearOperator {
    if (kind !== "curvature-nan") return op;
    return {
      dim: op.dim,
      structure: op.structure,
      matvec: (v, out) => {
        const y = op.matvec(v, out);
        return ++calls > after ? y.fill(NaN) : y;
      },
    };
  }
}

const EVERY_QUADRATIC_METHOD: readonly MinimizeOptions[] = [
  { method: "gd", learningRate: 0.1 },
  { method: "gd", learningRate: 0.1, lineSearch: "armijo" },
  { method: "momentum", learningRate: 0.05 },
  { method: "rmsprop", learningRate: 0.05 },
  { method: "adam", learningRate: 0.05 },
  { method: "newton" },
  { method: "newton", solver: "direct" },
  { method: "gauss-newton", solver: "direct" },
  { method: "levenberg-marquardt" },
  { method: "levenberg-marquardt", solver: "cg" },
  { method: "trust-region" },
  { method: "hessian-free" },
  { method: "bfgs" },
  { method: "bfgs", lineSearch: "exact" },
  { method: "lbfgs" },
  { method: "eigen-line-search" },
  { method: "eigen-line-search", lineSearch: "armijo" },
  { method: "saddle-free-newton" },
];

function checkHonest(run: MinimizeResult, label: string) {
  const finite = allFinite(run.x) && Number.isFinite(run.value) &&
    Number.isFinite(run.gradientNorm);
  if (run.success) {
    ok(finite, `${label}: success with x = [${run.x}], f = ${run.value}: ${run.message}`);
    strictEqual(run.status, "converged", label);
  }
  if (!finite) ok(!run.success, label);
  strictEqual(run.success, run.status === "converged" && finite, `${label}: ${run.message}`);
  // Also when a step produced a non-finite point: that step is not counted.
  strictEqual(run.trace.length, run.iterations + 1, `${label}: one trace row per iteration`);
}

Deno.test("minimize() never reports success while holding NaN, whatever the objective returns or throws", () => {
  assertProperty(
    fc.property(
      fc.constantFrom<Poison>(
        "value-nan",
        "gradient-nan",
        "throws",
        "region-nan",
        "curvature-nan",
      ),
      fc.integer({ min: 0, max: 40 }),
      fc.constantFrom(...EVERY_QUADRATIC_METHOD),
      (kind, after, options) => {
        const run = minimize(poisoned(kind, after), [0, 0, 0], { ...options, maxIterations: 200 });
        checkHonest(run, `${options.method} on ${kind} after ${after} calls`);
        if ((kind === "value-nan" || kind === "gradient-nan" || kind === "throws") && after === 0) {
          strictEqual(run.status, "non-finite", `${options.method}: poisoned from the start`);
        }
      },
    ),
    150,
  );
});

// Counts and trace.

Deno.test("minimize(): gradient descent, momentum, RMSprop and Adam make one value-and-gradient per iteration", () => {
  for (const method of ["gd", "momentum", "rmsprop", "adam"] as const) {
    const run = minimize(bowl(), [0, 0, 0], { method, learningRate: 0.01, maxIterations: 17 });
    strictEqual(run.iterations, 17, method);
    deepStrictEqual(
      run.evaluations,
      { value: 18, gradient: 18, hessianVector: 0, gaussNewtonVector: 0 },
      `${method}: x₀ plus one per iteration`,
    );
    deepStrictEqual(
      run.trace.map((r) => r.gradientEquivalents),
      Array.from({ length: 18 }, (_, k) => k + 1),
      `${method}: one gradient-equivalent per row`,
    );
  }
});

Deno.test("minimize(): Levenberg-Marquardt with the direct solver reads JᵀJ once per iteration (n products)", () => {
  const f = leastSquares({
    parameters: 3,
    observations: 5,
    residuals: ([a, b, c]) =>
      [0, 1, 2, 3, 4].map((t) => a * Math.exp(-b * t) + c - (t === 0 ? 3 : 1)),
    jacobian: ([a, b]) =>
      [0, 1, 2, 3, 4].map((t) => [Math.exp(-b * t), -a * t * Math.exp(-b * t), 1]),
  });
  const run = minimize(f, [1, 1, 0], { method: "levenberg-marquardt", maxIterations: 6 });
  ok(run.iterations >= 1, run.message);
  strictEqual(run.evaluations.gaussNewtonVector, 3 * run.iterations, run.message);
  strictEqual(run.evaluations.hessianVector, 0);
});

Deno.test("minimize(): gauss-newton solves directly by default when n ≤ 100 (n products, no CG) and by CG above, as levenberg-marquardt", () => {
  const withoutTime = (run: MinimizeResult) => run.trace.map(({ milliseconds: _, ...r }) => r);
  const small = network(5); // n = 13
  const large = (() => {
    const net = mlp({ sizes: [10, 9, 1], activation: "tanh" }); // n = 109
    const random = createRandom(6);
    const inputs = Array.from({ length: 20 }, () => Array.from({ length: 10 }, random.normal));
    const targets = inputs.map((v) => [Math.tanh(v[0] - v[1])]);
    return { net, f: networkObjective(net, { inputs, targets }, { C: 10 }) };
  })();
  for (const [{ net, f }, expected] of [[small, "direct"], [large, "cg"]] as const) {
    ok(expected === "direct" ? net.dim <= 100 : net.dim > 100);
    const x0 = net.initialParameters(1);
    const byDefault = minimize(f, x0, { method: "gauss-newton", maxIterations: 4 });
    const explicit = minimize(f, x0, {
      method: "gauss-newton",
      solver: expected,
      maxIterations: 4,
    });
    deepStrictEqual(withoutTime(byDefault), withoutTime(explicit), `n = ${net.dim}: ${expected}`);
    deepStrictEqual(byDefault.evaluations, explicit.evaluations, `n = ${net.dim}`);
    if (expected === "direct") {
      // The direct solver reads G once per iteration: n products.
      strictEqual(byDefault.evaluations.gaussNewtonVector, net.dim * byDefault.iterations);
      ok(byDefault.trace.every((r) => r.cgIterations === 0));
    } else ok(byDefault.trace.slice(1).every((r) => r.cgIterations > 0));
  }
});

Deno.test("minimize(): the trace has one row per iteration plus x₀, with every documented field", () => {
  for (const options of EVERY_QUADRATIC_METHOD) {
    const run = minimize(bowlWithGaussNewton(), [2, -1, 0.5], { ...options, maxIterations: 25 });
    const label = `${options.method}: ${run.message}`;
    strictEqual(run.trace.length, run.iterations + 1, label);
    run.trace.forEach((row, k) => {
      deepStrictEqual(Object.keys(row).sort(), TRACE_KEYS, label);
      strictEqual(row.iteration, k, label);
      ok(row.stepLength >= 0 && row.cgIterations >= 0, label);
    });
    const [first] = run.trace, last = run.trace[run.trace.length - 1];
    strictEqual(first.stepLength, 0);
    strictEqual(first.cgIterations, 0);
    strictEqual(last.value, run.value, label);
    strictEqual(last.gradientNorm, run.gradientNorm, label);
    for (let k = 1; k < run.trace.length; k++) {
      check(
        run.trace[k].gradientEquivalents >= run.trace[k - 1].gradientEquivalents,
        () => `${label}: cumulative gradient-equivalents fell at row ${k}`,
      );
      check(run.trace[k].milliseconds >= run.trace[k - 1].milliseconds, () => label);
    }
  }
});

Deno.test("minimize(): cumulative gradient-equivalents never decrease, for every method on a network", () => {
  const methods: Method[] = [
    "gd",
    "momentum",
    "rmsprop",
    "adam",
    "newton",
    "gauss-newton",
    "levenberg-marquardt",
    "trust-region",
    "hessian-free",
    "bfgs",
    "lbfgs",
    "eigen-line-search",
    "saddle-free-newton",
    "kfac",
  ];
  const { net, f } = network();
  for (const method of methods) {
    const run = minimize(f, net.initialParameters(3), {
      method,
      maxIterations: 15,
    } as MinimizeOptions);
    const costs = run.trace.map((r) => r.gradientEquivalents);
    for (let k = 1; k < costs.length; k++) {
      check(
        costs[k] >= costs[k - 1],
        () => `${method}: row ${k} cost ${costs[k]} < ${costs[k - 1]}`,
      );
    }
    // The cost counts at least the gradients evaluated.
    check(
      costs[costs.length - 1] >= run.evaluations.gradient,
      () =>
        `${method}: cost ${costs[costs.length - 1]} below ${run.evaluations.gradient} gradients`,
    );
  }
});

// Mini-batches.

Deno.test("minimize() on mini-batches is deterministic: the same seed gives identical traces", () => {
  const { net, f } = network(2);
  const traceValues = (run: MinimizeResult) =>
    run.trace.map(({ milliseconds: _, ...rest }) => rest);
  for (
    const options of [
      { method: "gd", learningRate: 0.1 },
      { method: "adam", learningRate: 0.01 },
      { method: "lbfgs" },
    ] as const
  ) {
    const common = { ...options, batchSize: 5, maxIterations: 20 };
    const a = minimize(f, net.initialParameters(4), { ...common, seed: 7 });
    const b = minimize(f, net.initialParameters(4), { ...common, seed: 7 });
    const c = minimize(f, net.initialParameters(4), { ...common, seed: 8 });
    deepStrictEqual(traceValues(a), traceValues(b), `${options.method}: same seed`);
    deepStrictEqual(Array.from(a.x), Array.from(b.x));
    notDeepStrictEqual(traceValues(a), traceValues(c), `${options.method}: another seed`);
    // The result reports the full objective, not the last mini-batch.
    strictEqual(a.value, f.value(a.x), options.method);
  }
});

Deno.test("minimize(): gradient descent on mini-batches of S = I/4 makes one mini-batch gradient per update, costing 1/4 gradient-equivalent each", () => {
  const { net, f } = network(3);
  const S = f.samples / 4, k = 10, alpha = 0.1, seed = 5;
  const run = minimize(f, net.initialParameters(2), {
    method: "gd",
    learningRate: alpha,
    batchSize: S,
    seed,
    maxIterations: k,
    gradientTolerance: Number.MIN_VALUE,
  });
  strictEqual(run.iterations, k, run.message);
  // x₀ on the first batch, then one value-and-gradient per update; the final evaluation of the
  // full objective that gives run.value is the driver's report, not the method's work.
  deepStrictEqual(
    run.evaluations,
    { value: k + 1, gradient: k + 1, hessianVector: 0, gaussNewtonVector: 0 },
  );
  // Sums of quarters are exact in binary floating point.
  deepStrictEqual(
    run.trace.map((r) => r.gradientEquivalents),
    Array.from({ length: k + 1 }, (_, j) => (j + 1) / 4),
  );
  // The reference: plain SGD, θ ← θ − α·∇f_B(θ) with B the next batch of the seeded shuffle.
  const random = createRandom(seed);
  let order = random.permutation(f.samples), cursor = 0;
  const nextBatch = () => {
    if (cursor + S > f.samples) [order, cursor] = [random.permutation(f.samples), 0];
    cursor += S;
    return f.subset(order.subarray(cursor - S, cursor));
  };
  let x = net.initialParameters(2);
  for (let j = 0; j <= k; j++) {
    const { value, gradient } = nextBatch().valueAndGradient(x);
    // Row j reports the mini-batch value at x_j on the batch of update j + 1.
    strictEqual(run.trace[j].value, value, `row ${j}`);
    if (j === k) break;
    x = x.map((v, i) => v - alpha * gradient[i]);
  }
  deepStrictEqual(Array.from(run.x), Array.from(x));
});

/** The driver's prices, in gradients (see TraceRow): value 1/3, gradient or both 1, Hv 2, Gv 4/3. */
const PRICE = { value: 1 / 3, gradient: 1, valueAndGradient: 1, hessian: 2, gaussNewton: 4 / 3 };

/**
 * Wraps an objective so that every call adds its price times `share` to `tally.total`,
 * independently of the driver's counters; subset(indices) wraps the subset with share |indices|/I.
 */
function priced<T extends object>(f: T, tally: { total: number }, share = 1): T {
  return new Proxy(f, {
    get(target, key) {
      const member = Reflect.get(target, key);
      if (typeof member !== "function") return member;
      const call = (...args: unknown[]) => member.apply(target, args);
      switch (key) {
        case "value":
        case "gradient":
        case "valueAndGradient":
          return (...args: unknown[]) => {
            tally.total += share * PRICE[key];
            return call(...args);
          };
        case "hessian":
        case "gaussNewton":
          return (...args: unknown[]) => {
            const op = call(...args);
            return {
              ...op,
              matvec: (v: Float64Array, out?: Float64Array) => {
                tally.total += share * PRICE[key];
                return op.matvec(v, out);
              },
            };
          };
        case "subset":
          return (indices: ArrayLike<number>) =>
            priced(call(indices), tally, indices.length / (target as { samples: number }).samples);
        default:
          return call;
      }
    },
  });
}

Deno.test("minimize(): on mini-batches of S of I samples each evaluation costs S/I of its full-batch price", () => {
  const { net, f } = network(4);
  const S = 3;
  for (const method of ["lbfgs", "bfgs", "newton", "gauss-newton", "hessian-free"] as const) {
    for (const batchSize of [S, undefined]) {
      const tally = { total: 0 };
      const run = minimize(priced(f, tally), net.initialParameters(1), {
        method,
        batchSize,
        seed: 2,
        maxIterations: 6,
      } as MinimizeOptions);
      // The driver sums the same prices in another order (a few ulps). The final full-objective
      // evaluation behind value and gradientNorm is not part of the run's cost.
      const finalEvaluation = batchSize === undefined ? 0 : PRICE.valueAndGradient;
      assertClose(
        run.trace[run.trace.length - 1].gradientEquivalents,
        tally.total - finalEvaluation,
        { rtol: 1e-12 },
        `${method}, batch ${batchSize}: ${run.message}`,
      );
    }
  }
});

// Argument errors.

Deno.test("minimize() rejects bad arguments with TypeError or RangeError naming them", () => {
  const q = bowl();
  const { net, f: networkF } = network();
  const cases: [() => unknown, typeof TypeError | typeof RangeError, RegExp][] = [
    [() => minimize(q, [0, 0], { method: "gd" }), RangeError, /x0 has length 2, expected 3/],
    [() => minimize(q, [0, NaN, 0], { method: "gd" }), RangeError, /x0\[1\] is NaN/],
    [() => minimize(q, [0, Infinity, 0], { method: "gd" }), RangeError, /x0\[1\] is Infinity/],
    [() => minimize(q, "x" as unknown as number[], { method: "gd" }), TypeError, /x0 is "x"/],
    [
      () => minimize(q, [0, 0, 0], { method: "newtonian" } as unknown as MinimizeOptions),
      RangeError,
      /options.method is "newtonian", expected one of "gd" \| "momentum"/,
    ],
    [
      () => minimize(q, [0, 0, 0], {} as MinimizeOptions),
      TypeError,
      /options.method is undefined/,
    ],
    [
      () => minimize(q, [0, 0, 0], { method: "gd", gradientTolerance: 0 }),
      RangeError,
      /options.gradientTolerance is 0, expected a finite number > 0/,
    ],
    [
      () => minimize(q, [0, 0, 0], { method: "gd", valueTolerance: -1e-9 }),
      RangeError,
      /options.valueTolerance is -1e-9/,
    ],
    [
      () => minimize(q, [0, 0, 0], { method: "gd", maxIterations: 2.5 }),
      RangeError,
      /options.maxIterations is 2.5/,
    ],
    [
      () => minimize(q, [0, 0, 0], { method: "newton", learningRate: 0.1 } as MinimizeOptions),
      RangeError,
      /options.learningRate does not apply to method "newton"/,
    ],
    [
      () => minimize(q, [0, 0, 0], { method: "gd", learningRate: -1 }),
      RangeError,
      /options.learningRate is -1/,
    ],
    [
      () => minimize(q, [0, 0, 0], { method: "gd", batchSize: 2 }),
      TypeError,
      /options.batchSize needs an objective with subset/,
    ],
    [
      () =>
        minimize(networkF, net.initialParameters(1), {
          method: "gd",
          batchSize: networkF.samples + 1,
        }),
      RangeError,
      /options.batchSize is 13, expected an integer in \[1, 12\]/,
    ],
    [
      () => minimize(networkF, net.initialParameters(1), { method: "gd", seed: -1 }),
      RangeError,
      /options.seed is -1/,
    ],
    [
      () => minimize(q, [0, 0, 0], { method: "gauss-newton" }),
      TypeError,
      /method "gauss-newton" needs objective.gaussNewton\(x\)/,
    ],
    [
      () => minimize(q, [0, 0, 0], { method: "kfac" }),
      TypeError,
      /method "kfac" needs a network objective/,
    ],
    [
      () =>
        minimize(
          leastSquares({ parameters: 1, observations: 1, residuals: ([a]) => [a] }),
          [1],
          { method: "newton" },
        ),
      TypeError,
      /method "newton" needs objective.hessian\(x\)/,
    ],
    [
      () => minimize({ dim: 2 } as unknown as Objective, [0, 0], { method: "gd" }),
      TypeError,
      /objective is an object, expected an Objective/,
    ],
    [
      () => minimize(q, [0, 0, 0], null as unknown as MinimizeOptions),
      TypeError,
      /options is null/,
    ],
    [
      () =>
        minimize(q, [0, 0, 0], {
          method: "gd",
          onIteration: 3 as unknown as () => undefined,
        }),
      TypeError,
      /options.onIteration is 3, expected a function/,
    ],
  ];
  for (const [call, errorClass, pattern] of cases) assertThrowsWith(call, errorClass, pattern);
});

Deno.test("minimize() starts from a copy of x₀ and accepts number[] or Float64Array", () => {
  const x0 = new Float64Array([0, 0, 0]);
  const a = minimize(bowl(), x0, { method: "newton" });
  const b = minimize(bowl(), [0, 0, 0], { method: "newton" });
  deepStrictEqual(Array.from(x0), [0, 0, 0]);
  ok(a.x !== x0);
  deepStrictEqual(Array.from(a.x), Array.from(b.x));
});

Deno.test("minimize() gives matrixWithSpectrum quadratics the same answer by every second-order method", () => {
  const { matrix } = matrixWithSpectrum([1, 3, 10, 30], { seed: 9 });
  const f = quadraticObjective(matrix, { b: [1, -2, 3, -4] });
  const reference = minimize(f, [0, 0, 0, 0], { method: "newton", solver: "direct" }).x;
  for (
    const method of ["newton", "trust-region", "eigen-line-search", "saddle-free-newton"] as const
  ) {
    const run = minimize(f, [0, 0, 0, 0], { method });
    ok(run.success, `${method}: ${run.message}`);
    assertClose(run.x, reference, { atol: 1e-9 }, method);
  }
});

Deno.test("hessian-free from a damping near the largest double keeps λ finite and never throws", () => {
  const { net, f } = network(3);
  const run = minimize(f, net.initialParameters(2), {
    method: "hessian-free",
    initialDamping: 1e308,
    maxIterations: 5,
  });
  // Row 0 is x₀, before any damping (NaN there); every iteration's λ is finite.
  ok(run.trace.slice(1).every((row) => Number.isFinite(row.damping)), run.message);
  ok(Number.isFinite(run.value) && run.x.every(Number.isFinite), run.message);
});

/** A user's own optimiser: a fixed-step gradient descent written against the Optimizer type. */
function halvingStep(needs: readonly ("hessian" | "gaussNewton")[] = []) {
  return {
    name: "halving",
    needs,
    // A fixed step does not decrease f by construction, so only the gradient test stops it.
    monotone: false,
    init: () => ({}),
    step(x: Float64Array, _value: number, gradient: Float64Array, state: object, f: Objective) {
      const next = x.map((xi, i) => xi - 0.1 * gradient[i]);
      return {
        x: next,
        value: f.value(next),
        gradient: f.gradient(next),
        state,
        info: { stepLength: 0.1 * Math.hypot(...gradient) },
      };
    },
  };
}

Deno.test("minimize() runs a user's Optimizer object as it runs a named method", () => {
  const seen: number[][] = [];
  const run = minimize(bowl(), [0, 0, 0], {
    method: halvingStep(),
    maxIterations: 400,
    onIteration: (_row, x) => void seen.push(Array.from(x)),
  });
  strictEqual(run.status, "converged", run.message);
  ok(run.message.startsWith("halving:"), run.message);
  // Stopped by ‖∇f‖ ≤ 1e-8; A's smallest eigenvalue is 1, so ‖x − x*‖ ≤ ‖∇f‖/1 ≤ 1e-8.
  assertClose(run.x, BOWL_MINIMUM, { atol: 1e-8 }, "the user's descent reaches x*");
  strictEqual(seen.length, run.iterations, "onIteration sees every iterate");
  deepStrictEqual(seen.at(-1), Array.from(run.x), "onIteration's point is the iterate reached");
});

Deno.test("minimize() refuses a method option beside an Optimizer, and curvature it lacks", () => {
  assertThrowsWith(
    () => minimize(bowl(), [0, 0, 0], { method: halvingStep(), learningRate: 1 } as never),
    RangeError,
    /options\.learningRate is not a common option/,
  );
  const noCurvature: Objective = {
    dim: 3,
    value: (x) => bowl().value(x),
    gradient: (x, out) => bowl().gradient(x, out),
  };
  assertThrowsWith(
    () => minimize(noCurvature, [0, 0, 0], { method: halvingStep(["hessian"]) }),
    TypeError,
    /method "halving" needs objective\.hessian\(x\)/,
  );
  assertThrowsWith(
    () => minimize(bowl(), [0, 0, 0], { method: { name: "half-made" } as never }),
    TypeError,
    /or an Optimizer \{ name, needs, init, step \}/,
  );
});
