/**
 * `minimize()`: the one driver behind every optimiser. It owns the stopping rules, the counting
 * of evaluations, the per-iteration trace and mini-batching, and returns one result shape for
 * every method, as scipy.optimize does.
 *
 * @module
 */

import type { Objective } from "../objective.ts";
import {
  describe,
  finiteVector,
  integerInRange,
  NonFiniteError,
  optionsObject,
  positiveNumber,
} from "../validate.ts";
import { allFinite, norm2 } from "../linalg/vector.ts";
import { createRandom } from "../random/random.ts";
import { countedObjective, gradientEquivalents, newCounter } from "./counting.ts";
import { curvatureMissing, type MethodOptions, METHODS } from "./methods.ts";
import type {
  CountedObjective,
  Method,
  MinimizeResult,
  Optimizer,
  Status,
  TraceRow,
} from "./types.ts";

/** Options every method shares. */
export interface CommonOptions {
  /** The most iterations. Default 1000. */
  maxIterations?: number;
  /**
   * Converged when ‖∇f(x)‖₂ ≤ gradientTolerance. Default 1e-8. (In mini-batch runs the test
   * uses the mini-batch gradient.)
   */
  gradientTolerance?: number;
  /**
   * Converged when an accepted step changes f by at most valueTolerance·max(|f_k|, |f_{k+1}|),
   * a relative change. Default 1e-15, a few units in the last place of f, which stops only true
   * stagnation whatever the scale of f (a fit whose f is 1e-8 is not stopped while f still
   * changes in its eighth digit). The rule applies to methods whose steps decrease f (line
   * searches, accept/reject rules); fixed-step methods (gd without a line search, momentum,
   * rmsprop, adam) can move between points of equal f without converging, so for them only
   * the gradient test applies.
   */
  valueTolerance?: number;
  /**
   * Mini-batch size for objectives that offer `subset(indices)` (network objectives): each
   * iteration sees the next batch of a seeded shuffle of the samples, epoch after epoch.
   * Every call on a batch of S of the I samples costs S/I of its full price in the trace's
   * gradient-equivalents. Methods that evaluate only at their new point (gd without a line
   * search, momentum, rmsprop, adam) make one mini-batch gradient per update; the others
   * evaluate the next batch at the point their step reached, besides their step's own calls.
   * Default: the full objective.
   */
  batchSize?: number;
  /** Seed of the mini-batch shuffle. Default 0. */
  seed?: number;
  /**
   * Called after every iteration with its trace row and the iterate it reached (read it, do not
   * keep or change it: copy with `x.slice()`); return "stop" to end the run.
   */
  onIteration?: (row: Readonly<TraceRow>, x: Float64Array) => void | "stop";
}

/**
 * The options of `minimize()`: `method`, the common options, and that method's own. `method` is
 * a built-in method's name, or an `Optimizer` built by a factory or by the user, which carries
 * its own options.
 */
export type MinimizeOptions =
  | {
    [M in Method]: { method: M } & MethodOptions[M] & CommonOptions;
  }[Method]
  | ({ method: Optimizer<unknown> } & CommonOptions);

const COMMON_KEYS = new Set([
  "method",
  "maxIterations",
  "gradientTolerance",
  "valueTolerance",
  "batchSize",
  "seed",
  "onIteration",
]);

/** An objective that can be cut into mini-batches. */
interface Subsettable extends Objective {
  readonly samples: number;
  subset(indices: ArrayLike<number>): Objective;
}

function isSubsettable(objective: Objective): objective is Subsettable {
  const o = objective as Partial<Subsettable>;
  return typeof o.subset === "function" && typeof o.samples === "number";
}

/**
 * Minimises `objective` from `x0` with the chosen method.
 *
 * Stopping rules, in order: ‖∇f‖ ≤ gradientTolerance or a stagnating value ("converged"), a
 * step that failed ("line-search-failed", "step-rejected", "singular", "non-finite"),
 * `onIteration` returning "stop" ("stopped"), or the iteration budget ("max-iterations").
 * `success` is true only for "converged" with every reported number finite.
 *
 * @example Newton's method on the Rosenbrock-like quadratic valley
 * ```ts
 * import { minimize, quadraticObjective } from "@secondorder/harness";
 * const f = quadraticObjective([[1, 0], [0, 100]], { b: [-1, -100] }); // minimum at (1, 1)
 * const result = minimize(f, new Float64Array([-3, 4]), { method: "newton" });
 * if (!result.success || result.iterations > 2) throw new Error(result.message);
 * ```
 *
 * @example Adam on mini-batches of a network objective
 * ```ts
 * import { minimize, mlp, networkObjective } from "@secondorder/harness";
 * const net = mlp({ sizes: [1, 4, 1], activation: "tanh" });
 * const inputs = Array.from({ length: 16 }, (_, i) => [i / 8 - 1]);
 * const f = networkObjective(net, { inputs, targets: inputs.map(([t]) => [t * t]) });
 * const run = minimize(f, net.initialParameters(1), {
 *   method: "adam", learningRate: 0.05, batchSize: 4, seed: 3, maxIterations: 200,
 * });
 * if (!(run.value < f.value(net.initialParameters(1)))) throw new Error(run.message);
 * ```
 */
export function minimize(
  objective: Objective,
  x0: ArrayLike<number>,
  options: MinimizeOptions,
): MinimizeResult {
  const where = "minimize";
  if (
    objective === null || typeof objective !== "object" ||
    typeof objective.value !== "function" || typeof objective.gradient !== "function"
  ) {
    throw new TypeError(
      `Cannot ${where}: objective is ${
        describe(objective)
      }, expected an Objective { dim, value, gradient }`,
    );
  }
  integerInRange(where, "objective.dim", objective.dim, 1);
  const start = finiteVector(where, "x0", x0, objective.dim, " (the objective's dim)").slice();
  const opts = optionsObject(where, options) as MinimizeOptions & Record<string, unknown>;
  const given = opts.method as unknown;
  let optimizer: Optimizer<unknown>;
  let methodName: string;
  if (isOptimizer(given)) {
    optimizer = given;
    methodName = String(given.name);
    for (const key of Object.keys(opts)) {
      if (!COMMON_KEYS.has(key)) {
        throw new RangeError(
          `Cannot ${where}: options.${key} is not a common option; an Optimizer object carries ` +
            `its own options (common options: ${[...COMMON_KEYS].join(", ")})`,
        );
      }
    }
  } else {
    const entry = typeof given === "string"
      ? (METHODS as Record<string, (typeof METHODS)[Method] | undefined>)[given]
      : undefined;
    if (!entry) {
      const known = Object.keys(METHODS).map((m) => JSON.stringify(m)).join(" | ");
      const err = typeof given === "string" ? RangeError : TypeError;
      throw new err(
        `Cannot ${where}: options.method is ${
          describe(given)
        }, expected one of ${known}, or an Optimizer { name, needs, init, step }`,
      );
    }
    for (const key of Object.keys(opts)) {
      if (!COMMON_KEYS.has(key) && !entry.options.includes(key)) {
        throw new RangeError(
          `Cannot ${where}: options.${key} does not apply to method "${given}" ` +
            `(its options: ${entry.options.join(", ") || "none"})`,
        );
      }
    }
    const missing = curvatureMissing(given as Method, entry.needs(opts), objective);
    if (missing) throw new TypeError(`Cannot ${where}: ${missing}`);
    optimizer = entry.create(opts);
    methodName = given as string;
  }
  const maxIterations = opts.maxIterations === undefined
    ? 1000
    : integerInRange(where, "options.maxIterations", opts.maxIterations, 0);
  const gradientTolerance = opts.gradientTolerance === undefined
    ? 1e-8
    : positiveNumber(where, "options.gradientTolerance", opts.gradientTolerance);
  const valueTolerance = opts.valueTolerance === undefined
    ? 1e-15
    : positiveNumber(where, "options.valueTolerance", opts.valueTolerance);
  const onIteration = opts.onIteration;
  if (onIteration !== undefined && typeof onIteration !== "function") {
    throw new TypeError(
      `Cannot ${where}: options.onIteration is ${describe(onIteration)}, expected a function`,
    );
  }
  let batchSize: number | undefined;
  if (opts.batchSize !== undefined) {
    if (!isSubsettable(objective)) {
      throw new TypeError(
        `Cannot ${where}: options.batchSize needs an objective with subset(indices) and samples ` +
          `(a network objective); this objective has none`,
      );
    }
    batchSize = integerInRange(where, "options.batchSize", opts.batchSize, 1, objective.samples);
  }
  const seed = opts.seed === undefined
    ? 0
    : integerInRange(where, "options.seed", opts.seed, 0, 0xffffffff);
  if (isOptimizer(given)) {
    const missing = curvatureMissing(methodName, given.needs, objective);
    if (missing) throw new TypeError(`Cannot ${where}: ${missing}`);
  }

  // Mini-batches: a seeded shuffle per epoch, cut into consecutive batches. A batch of S of the
  // I samples costs S/I of the full objective's price.
  const share = batchSize === undefined ? 1 : batchSize / (objective as Subsettable).samples;
  const counter = newCounter(share);
  const full = finitePointsOnly(countedObjective(objective, counter));
  const started = performance.now();
  let order: Int32Array | undefined;
  let cursor = 0;
  const random = createRandom(seed);
  const nextBatch = (): CountedObjective => {
    if (batchSize === undefined) return full;
    const source = objective as Subsettable;
    if (!order || cursor + batchSize > order.length) {
      order = random.permutation(source.samples);
      cursor = 0;
    }
    const indices = order.subarray(cursor, cursor + batchSize);
    cursor += batchSize;
    return finitePointsOnly(countedObjective(source.subset(indices), counter));
  };
  // A step that evaluates only at its new point is handed the next batch, so the f and ∇f it
  // returns are those the next update uses (one mini-batch gradient per update); any other
  // step gets the batch of its own update, and the next batch is evaluated afterwards.
  const handNextBatch = batchSize !== undefined && optimizer.evaluatesOnlyNewPoint === true;

  let x: Float64Array = start;
  let current = nextBatch();
  let { value, gradient } = evaluateAt(current, x);
  // Whether value and gradient are on the batch the next update uses.
  let onCurrentBatch = true;
  let state: unknown;
  let status: Status | undefined;
  let detail = "";
  const trace: TraceRow[] = [];
  const row = (iteration: number, stepLength: number, damping: number, cg: number): TraceRow => ({
    iteration,
    value,
    gradientNorm: norm2(gradient),
    stepLength,
    damping,
    cgIterations: cg,
    gradientEquivalents: gradientEquivalents(counter),
    milliseconds: performance.now() - started,
  });

  if (!Number.isFinite(value) || !allFinite(gradient)) {
    status = "non-finite";
    detail = `f or ∇f is not finite at x0 (f = ${value})`;
  } else {
    try {
      state = optimizer.init(x, value, gradient, current);
      const work = optimizer.initGradientEquivalents?.(state);
      if (work !== undefined && Number.isFinite(work) && work > 0) counter.extra += share * work;
    } catch (error) {
      if (!(error instanceof NonFiniteError)) throw error;
      status = "non-finite";
      detail = error.message;
    }
  }
  trace.push(row(0, 0, NaN, 0));
  if (!status && trace[0].gradientNorm <= gradientTolerance) {
    status = "converged";
    detail = `‖∇f‖ = ${trace[0].gradientNorm} ≤ ${gradientTolerance} at x0`;
  }

  let iterations = 0;
  while (!status && iterations < maxIterations) {
    if (!onCurrentBatch) {
      current = nextBatch();
      ({ value, gradient } = evaluateAt(current, x));
      onCurrentBatch = true;
      if (!Number.isFinite(value) || !allFinite(gradient)) {
        status = "non-finite";
        detail = `the mini-batch value or gradient is not finite at iteration ${iterations}`;
        break;
      }
    }
    const upcoming = handNextBatch ? nextBatch() : current;
    let step;
    try {
      step = optimizer.step(x, value, gradient, state, upcoming);
    } catch (error) {
      if (!(error instanceof NonFiniteError)) throw error;
      status = "non-finite";
      detail = error.message;
      break;
    }
    const previous = value;
    const info = step.info;
    if (!allFinite(step.x) || !Number.isFinite(step.value) || !allFinite(step.gradient)) {
      // Not an iteration: x stays the last finite point, and the trace keeps one row per
      // iteration.
      status = "non-finite";
      detail = `iteration ${iterations + 1} produced a non-finite point, value or gradient`;
      break;
    }
    iterations++;
    x = step.x;
    value = step.value;
    gradient = step.gradient;
    state = step.state;
    current = upcoming;
    onCurrentBatch = batchSize === undefined || handNextBatch;
    const extra = info.extraGradientEquivalents;
    if (extra !== undefined && Number.isFinite(extra) && extra > 0) counter.extra += share * extra;
    const traceRow = row(iterations, info.stepLength, info.damping ?? NaN, info.cgIterations ?? 0);
    trace.push(traceRow);
    if (info.failure) {
      status = info.failure;
      detail = info.note ?? `iteration ${iterations} failed: ${info.failure}`;
      break;
    }
    if (info.converged) {
      status = "converged";
      detail = info.note ?? "the method could make no further progress at this precision";
    } else if (traceRow.gradientNorm <= gradientTolerance) {
      status = "converged";
      detail = `‖∇f‖ = ${traceRow.gradientNorm.toExponential(3)} ≤ ${gradientTolerance}`;
    } else if (
      optimizer.monotone !== false && info.stepLength > 0 && info.accepted !== false &&
      Math.abs(previous - value) <=
        valueTolerance * Math.max(Math.abs(previous), Math.abs(value))
    ) {
      status = "converged";
      detail = `f changed by ${Math.abs(previous - value).toExponential(3)} ≤ ` +
        `${valueTolerance}·|f| in the last step`;
    }
    if (onIteration && onIteration(traceRow, x) === "stop" && !status) {
      status = "stopped";
      detail = `onIteration asked to stop after iteration ${iterations}`;
    }
  }
  if (!status) {
    status = "max-iterations";
    detail = `the budget of ${maxIterations} iterations ran out`;
  }

  // The reported value and gradient norm are those of the full objective (evaluated for the
  // report, outside the counts).
  let finalValue = value, finalGradientNorm = norm2(gradient);
  if (batchSize !== undefined) {
    const final = evaluateAt(finitePointsOnly(countedObjective(objective, newCounter())), x);
    finalValue = final.value;
    finalGradientNorm = norm2(final.gradient);
  }
  const finite = allFinite(x) && Number.isFinite(finalValue) && Number.isFinite(finalGradientNorm);
  if (!finite && status === "converged") {
    status = "non-finite";
    detail = "the final point, value or gradient is not finite";
  }
  const success = status === "converged" && finite;
  const source = (objective as { jacobianSource?: string }).jacobianSource;
  const suffix = source === "finite-differences" ? " (Jacobian by finite differences)" : "";
  return {
    x,
    value: finalValue,
    gradientNorm: finalGradientNorm,
    iterations,
    evaluations: {
      value: counter.value,
      gradient: counter.gradient,
      hessianVector: counter.hessianVector,
      gaussNewtonVector: counter.gaussNewtonVector,
    },
    status,
    success,
    message:
      `${methodName}: ${status} after ${iterations} iteration${iterations === 1 ? "" : "s"}: ` +
      `${detail}; f = ${finalValue}${suffix}`,
    trace,
  };
}

/** Whether a value is an Optimizer: an object with a name, needs, init and step. */
function isOptimizer(value: unknown): value is Optimizer<unknown> {
  if (value === null || typeof value !== "object") return false;
  const o = value as Partial<Optimizer<unknown>>;
  return typeof o.init === "function" && typeof o.step === "function" &&
    typeof o.name === "string" && Array.isArray(o.needs);
}

/**
 * Guards the objective against points a method computed from NaN (a NaN slope, a NaN step
 * length): the objective is never called there, since it would reject the point as a caller's
 * mistake. Such a point gets f = +∞ and a NaN gradient instead, exactly as an overflow does, so
 * the method rejects it, or the run ends with status "non-finite": numerical trouble is a status,
 * not an exception. Calls at such points are not counted as evaluations.
 */
function finitePointsOnly(objective: CountedObjective): CountedObjective {
  const nanGradient = (out?: Float64Array) => (out ?? new Float64Array(objective.dim)).fill(NaN);
  return {
    ...objective,
    value: (x) => allFinite(x) ? objective.value(x) : Infinity,
    gradient: (x, out) => allFinite(x) ? objective.gradient(x, out) : nanGradient(out),
    valueAndGradient: (x, out) =>
      allFinite(x)
        ? objective.valueAndGradient(x, out)
        : { value: Infinity, gradient: nanGradient(out) },
  };
}

function evaluateAt(objective: CountedObjective, x: Float64Array) {
  return objective.valueAndGradient(x);
}
