/**
 * C11: higher-order information gives faster final local convergence: Newton's error decreases
 * quadratically, gradient descent's only linearly.
 *
 * Four problems with non-degenerate minimisers:
 * - the Rosenbrock function in 2-D, from (−1.2, 1) and from random points;
 * - L2-regularised logistic regression (C = 100, 40 samples, 3 features and a bias);
 * - a 2-3-1 tanh regression network with regularisation (C = 10);
 * - a strictly convex, non-quadratic sum of exponentials, f(x) = Σⱼ exp(aⱼᵀx) − bᵀx + ½μ‖x‖².
 *
 * From each start, Newton (direct solve, Armijo backtracking), BFGS (strong-Wolfe line search)
 * and gradient descent (α = 1/λmax(∇²f(x*))) run to near machine precision. Gradient descent
 * backtracks from that α while far from x*; once Armijo's test can no longer see f decrease
 * (f at its rounding floor, eₖ near √ε), it goes on with the same fixed α without the test.
 * Each run's limit x* is its last point polished by pure Newton steps, kept only when it is a
 * minimum (the Hessian's inertia) within 10⁻³ of where the run ended, and eₖ = ‖xₖ − x*‖.
 *
 * The order q is the least-squares slope of log eₖ₊₁ against log eₖ over the pairs of the local
 * phase, eₖ ≤ 10⁻²·s and eₖ₊₁ ≥ 100·κ·ε·s (s = max(1, ‖x*‖), κ the condition number of
 * ∇²f(x*): a hundred times the rounding of one Newton step; for BFGS, whose line search compares
 * values of f, also ten times √(2ε|f*|/λmin)), pooled over the starts. For gradient descent the
 * median rate eₖ₊₁/eₖ over the window is compared with max|1 − αλᵢ| over the eigenvalues of
 * ∇²f(x*), the contraction of the slowest eigen-direction (1 − λmin/λmax when α = 1/λmax there;
 * α comes from the minimiser Newton finds from the first start, which another start's run may
 * not share on the network). A fitted slope is only as sharp as eₖ₊₁ = Mₖ·eₖ^q₀ has a constant
 * Mₖ: where Mₖ depends on the direction of the error the slope can stray from q₀ by up to the
 * spread of log Mₖ over the range of log eₖ (its "resolution"); Newton's order counts as
 * quadratic when within max(0.2, resolution) of 2 and its ratio eₖ₊₁/eₖ at the smallest errors
 * is below 10⁻², where gradient descent's stays at its fixed rate.
 *
 * @module
 */

import type { Row } from "./experiment.ts";
import type { LegacyExperiment as Experiment } from "./legacy.ts";
import { fmt } from "./common.ts";
import { distance, median, runSteps } from "./stepping.ts";
import type { Objective } from "../objective.ts";
import { rosenbrock } from "../problems/rosenbrock.ts";
import { mlp } from "../nn/mlp.ts";
import { networkObjective } from "../curvature/network_objective.ts";
import { denseOperator } from "../operator/linear_operator.ts";
import { newton } from "../optim/newton.ts";
import { bfgs } from "../optim/bfgs.ts";
import { gd } from "../optim/gd.ts";
import { classifyCriticalPoint } from "../solve/critical_point.ts";
import { eigh } from "../solve/eigh.ts";
import { directSolve } from "../solve/direct_solve.ts";
import { createRandom, type Random } from "../random/random.ts";
import { concatenated, lineChart, pointChart } from "../report/specs.ts";

/** The local phase starts once eₖ ≤ FIT_CEILING·s (s = max(1, ‖x*‖)). */
const FIT_CEILING = 1e-2;

/**
 * Errors below FIT_FLOOR_FACTOR·κ·ε·s are not used: a Newton step's relative rounding is about
 * κ·ε, so the errors fitted stay two orders above what rounding can produce.
 */
const FIT_FLOOR_FACTOR = 100;

/** Runs stop once ‖∇f‖ ≤ this, or when the method stops itself. */
const STOP_GRADIENT = 1e-14;

/** A polished limit more than this (relative to s) from the run's last point is not its limit. */
const POLISH_DISTANCE = 1e-3;

/** Plotted errors are floored here (an exact 0 has no logarithm). */
const PLOT_FLOOR = 1e-17;

/** Newton's order counts as quadratic within this distance of 2 (the claim's "quadratically"). */
const QUADRATIC_ORDER_TOLERANCE = 0.2;

/**
 * Newton's ratio eₖ₊₁/eₖ at its smallest errors must fall below this: a quadratically converging
 * error of 10⁻⁴ or less with a constant up to ~100 gives a ratio of 10⁻² or less.
 */
const SUPERLINEAR_RATIO = 1e-2;

/** Gradient descent's order counts as linear within this distance of 1. */
const LINEAR_ORDER_TOLERANCE = 0.05;

interface Problem {
  name: string;
  f: Objective;
  /** The starts. */
  starts: Float64Array[];
  /** Gradient descent's budget of iterations per start. */
  gdBudget: number;
}

/** f(x) = Σⱼ exp(aⱼᵀx) − bᵀx + ½μ‖x‖²: strictly convex (∇²f ⪰ μI) and not quadratic. */
function sumOfExponentials(random: Random, n: number, m: number, mu: number): Objective {
  const a = Array.from(
    { length: m },
    () => random.fillNormal(new Float64Array(n)).map((v) => v / Math.sqrt(n)),
  );
  const b = random.fillNormal(new Float64Array(n));
  const exps = (x: Float64Array) =>
    a.map((row) => {
      let s = 0;
      for (let i = 0; i < n; i++) s += row[i] * x[i];
      return Math.exp(s);
    });
  const value = (x: Float64Array) => {
    let f = exps(x).reduce((s, e) => s + e, 0);
    for (let i = 0; i < n; i++) f += -b[i] * x[i] + 0.5 * mu * x[i] * x[i];
    return f;
  };
  const gradient = (x: Float64Array, out?: Float64Array) => {
    const g = out ?? new Float64Array(n);
    for (let i = 0; i < n; i++) g[i] = -b[i] + mu * x[i];
    exps(x).forEach((e, j) => {
      for (let i = 0; i < n; i++) g[i] += e * a[j][i];
    });
    return g;
  };
  const hessian = (x: Float64Array) => {
    const rows = Array.from(
      { length: n },
      (_, i) => Array.from({ length: n }, (_, k) => (i === k ? mu : 0)),
    );
    exps(x).forEach((e, j) => {
      for (let i = 0; i < n; i++) {
        for (let k = 0; k < n; k++) rows[i][k] += e * a[j][i] * a[j][k];
      }
    });
    return denseOperator(rows);
  };
  return {
    dim: n,
    value,
    gradient,
    valueAndGradient: (x, out) => ({ value: value(x), gradient: gradient(x, out) }),
    hessian,
  };
}

/** The least-squares slope and intercept of y against x. */
function fitLine(pairs: readonly [number, number][]): { slope: number; intercept: number } {
  const mx = pairs.reduce((s, p) => s + p[0], 0) / pairs.length;
  const my = pairs.reduce((s, p) => s + p[1], 0) / pairs.length;
  const sxy = pairs.reduce((s, p) => s + (p[0] - mx) * (p[1] - my), 0);
  const sxx = pairs.reduce((s, p) => s + (p[0] - mx) ** 2, 0);
  const slope = sxy / sxx;
  return { slope, intercept: my - slope * mx };
}

/**
 * The pairs (eₖ, eₖ₊₁) of the local phase: eₖ ≤ ceiling and eₖ₊₁ ≥ floor. When fewer than two
 * fall in the window (a fast method may jump across it), the last two pairs above the floor.
 */
function localPairs(errors: readonly number[], floor: number, ceiling: number): [number, number][] {
  const inWindow: [number, number][] = [];
  const aboveFloor: [number, number][] = [];
  for (let k = 0; k + 1 < errors.length; k++) {
    const [e, next] = [errors[k], errors[k + 1]];
    if (next >= floor && e > 0) {
      aboveFloor.push([e, next]);
      if (e <= ceiling) inWindow.push([e, next]);
    }
  }
  return inWindow.length >= 2 ? inWindow : aboveFloor.slice(-2);
}

/** Keeps about `count` of the indices 0..length−1 (log-spaced, plus the last). */
function sampleIndices(length: number, count: number): number[] {
  if (length <= count) return Array.from({ length }, (_, i) => i);
  const picked = new Set<number>([0, length - 1]);
  for (let i = 0; i < count; i++) picked.add(Math.round(length ** (i / (count - 1))) - 1);
  return [...picked].filter((i) => i >= 0 && i < length).sort((a, b) => a - b);
}

/**
 * The critical point near x, by pure Newton steps x ← x − ∇²f(x)⁻¹∇f(x) (dense solve, α = 1)
 * taken while they shrink: the first step that does not is rounding, and the polishing stops.
 * (Newton's own stopping rule, a decrement below the rounding of f, may stop where ‖x − x*‖ is
 * still near √ε; the reference point needs the full precision of x.)
 */
function polish(f: Objective, x: Float64Array): Float64Array {
  let point = x.slice();
  let previous = Infinity;
  for (let k = 0; k < 30; k++) {
    const solved = directSolve(f.hessian!(point), f.gradient(point));
    if (!solved.success) break;
    const size = Math.hypot(...solved.x);
    if (!(size < previous)) break;
    point = point.map((v, i) => v - solved.x[i]);
    previous = size;
    if (size <= Number.EPSILON * Math.max(1, Math.hypot(...point))) break;
  }
  return point;
}

/**
 * Gradient descent with α = `step`: Armijo backtracking from α while it finds decrease, then,
 * once f is at its rounding floor and the test fails, the fixed step α for the rest of the
 * budget (or until ∇f = 0 or the iterate stops moving).
 */
function gradientDescentPoints(
  f: Objective,
  x0: Float64Array,
  step: number,
  budget: number,
): Float64Array[] {
  const first = runSteps(gd({ learningRate: step, lineSearch: "armijo" }), f, x0, {
    maxSteps: budget,
    gradientTolerance: STOP_GRADIENT,
  });
  const points = first.points;
  if (first.status !== "line-search-failed") return points;
  // The failed step left x unchanged: drop the repeated point.
  if (points.length > 1) points.pop();
  let x = points[points.length - 1];
  const g = new Float64Array(x.length);
  while (points.length <= budget) {
    f.gradient(x, g);
    const next = x.map((v, i) => v - step * g[i]);
    if (next.every((v, i) => v === x[i])) break;
    points.push(next);
    x = next;
    if (Math.hypot(...g) <= STOP_GRADIENT) break;
  }
  return points;
}

export const c11: Experiment = {
  id: "C11",
  title: "Newton converges quadratically, gradient descent linearly",
  claim: "Higher-order information gives faster final local convergence: Newton's error " +
    "decreases quadratically, gradient descent's only linearly.",
  note: "001",
  run(context) {
    const random = createRandom(context.seed);
    // Logistic regression on a linearly noisy rule.
    const inputs = Array.from(
      { length: 40 },
      () => [random.normal(), random.normal(), random.normal()],
    );
    const targets = inputs.map(([a, b, c]) => [
      a - 2 * b + 0.5 * c + 0.5 * random.normal() > 0 ? 1 : 0,
    ]);
    const logistic = mlp({ sizes: [3, 1], output: "sigmoid", loss: "logistic" });
    // A tanh regression network.
    const netInputs = Array.from({ length: 30 }, () => [random.normal(), random.normal()]);
    const netTargets = netInputs.map(([a, b]) => [Math.sin(2 * a) * b + 0.1 * random.normal()]);
    const net = mlp({ sizes: [2, 3, 1], activation: "tanh", output: "identity", loss: "squared" });
    // Newton and BFGS run from every start, gradient descent (slow) from the first few.
    const starts = context.quick ? 4 : 12;
    const gdStarts = context.quick ? 1 : 2;
    const randomStarts = (count: number, make: () => Float64Array) =>
      Array.from({ length: count }, make);
    const problems: Problem[] = [
      {
        name: "Rosenbrock 2-D",
        f: rosenbrock(2),
        starts: [
          new Float64Array([-1.2, 1]),
          ...randomStarts(starts - 1, () => random.fillNormal(new Float64Array(2))),
        ],
        gdBudget: context.quick ? 20_000 : 100_000,
      },
      {
        name: "logistic regression",
        f: networkObjective(logistic, { inputs, targets }, { C: 100 }),
        starts: randomStarts(starts, () => random.fillNormal(new Float64Array(logistic.dim))),
        gdBudget: 5_000,
      },
      {
        name: "2-3-1 tanh network",
        f: networkObjective(net, { inputs: netInputs, targets: netTargets }, { C: 10 }),
        starts: randomStarts(starts, () => net.initialParameters(random.integer(0x7fffffff))),
        gdBudget: context.quick ? 5_000 : 20_000,
      },
      {
        name: "sum of exponentials",
        f: sumOfExponentials(random, 6, 20, 0.1),
        starts: randomStarts(starts, () => random.fillNormal(new Float64Array(6))),
        gdBudget: 5_000,
      },
    ];

    const rows: Row[] = [];
    const errorRows: Row[] = [];
    const pairRows: Row[] = [];
    const lineRows: Row[] = [];
    const methodNames = ["Newton", "BFGS", "gradient descent"] as const;
    type MethodName = typeof methodNames[number];
    const orders = new Map<MethodName, number[]>();
    const lastRatios = new Map<MethodName, number[]>();
    const resolutions = new Map<MethodName, number[]>();
    const gdRates: number[] = [];
    const predictedRates: number[] = [];
    let worstRateGap = 0, runsKept = 0, runsTotal = 0;
    const total = problems.reduce((s, p) => s + p.starts.length, 0);
    let done = 0;
    for (const problem of problems) {
      const f = problem.f;
      // The step size of gradient descent: 1/λmax at the minimiser Newton finds from the first
      // start.
      const reference = polish(
        f,
        runSteps(newton({ solver: "direct" }), f, problem.starts[0], {
          maxSteps: 200,
          gradientTolerance: STOP_GRADIENT,
        }).points.at(-1)!,
      );
      const referenceSpectrum = eigh(f.hessian!(reference)).values;
      const step = 1 / referenceSpectrum[referenceSpectrum.length - 1];
      const pooled = new Map<MethodName, [number, number][]>();
      // Gradient descent's rate and prediction on its first run that reached a minimum.
      let problemRate = NaN, problemPredicted = NaN;
      for (const [startIndex, x0] of problem.starts.entries()) {
        for (const name of methodNames) {
          if (name === "gradient descent" && startIndex >= gdStarts) continue;
          runsTotal++;
          const rawPoints = name === "Newton"
            ? runSteps(newton({ solver: "direct" }), f, x0, {
              maxSteps: 200,
              gradientTolerance: STOP_GRADIENT,
            }).points
            : name === "BFGS"
            ? runSteps(bfgs(), f, x0, { maxSteps: 1000, gradientTolerance: STOP_GRADIENT }).points
            : gradientDescentPoints(f, x0, step, problem.gdBudget);
          // A step that returns its own point (a method's stopping rule, a failed search)
          // is not an iteration: drop repeated points.
          const points = rawPoints.filter((x, k) =>
            k === 0 || x.some((v, i) => v !== rawPoints[k - 1][i])
          );
          const last = points[points.length - 1];
          const xStar = polish(f, last);
          const point = classifyCriticalPoint(f.hessian!(xStar), f.gradient(xStar), {
            gradientTolerance: 1e-8,
          });
          const scale = Math.max(1, Math.hypot(...xStar));
          const kept = point.kind === "minimum" && point.critical === true &&
            distance(last, xStar) <= POLISH_DISTANCE * scale;
          const kappa = point.eigenvalues[point.eigenvalues.length - 1] / point.eigenvalues[0];
          const errors = points.map((x) => distance(x, xStar));
          // BFGS's line search compares values of f, which cannot resolve eₖ below
          // √(2ε|f*|/λmin): its pairs stop ten times above that.
          const valueFloor = 10 * Math.sqrt(
            (2 * Number.EPSILON * Math.abs(f.value(xStar))) / point.eigenvalues[0],
          );
          const floor = !kept ? NaN : Math.max(
            FIT_FLOOR_FACTOR * kappa * Number.EPSILON * scale,
            name === "BFGS" ? valueFloor : 0,
          );
          const pairs = kept ? localPairs(errors, floor, FIT_CEILING * scale) : [];
          if (kept) runsKept++;
          pooled.set(name, (pooled.get(name) ?? []).concat(pairs));
          if (name === "gradient descent" && kept) {
            // This run's rate against the contraction predicted at its own minimiser.
            const rate = median(pairs.map(([e, next]) => next / e));
            // Under xₖ₊₁ − x* ≈ (I − αH)(xₖ − x*) the slowest mode contracts by
            // max|1 − αλᵢ| (1 − λmin/λmax when α = 1/λmax at this very minimiser).
            const lambda = point.eigenvalues;
            const predicted = Math.max(
              Math.abs(1 - step * lambda[0]),
              Math.abs(1 - step * lambda[lambda.length - 1]),
            );
            worstRateGap = Math.max(worstRateGap, Math.abs(rate - predicted) / (1 - predicted));
            if (Number.isNaN(problemRate)) [problemRate, problemPredicted] = [rate, predicted];
          }
          rows.push({
            part: "run",
            problem: problem.name,
            method: name,
            start: startIndex,
            iterations: points.length - 1,
            finalError: errors[errors.length - 1],
            limit: point.critical ? point.kind : "not critical",
            kept,
            pairsInWindow: pairs.length,
            fitFloor: kept ? floor : null,
          });
          if (startIndex === 0) {
            for (const k of sampleIndices(errors.length, 150)) {
              errorRows.push({
                problem: problem.name,
                method: name,
                iterationPlusOne: k + 1,
                error: Math.max(errors[k], PLOT_FLOOR),
              });
            }
          }
        }
        done++;
        context.progress(done / total);
      }
      for (const name of methodNames) {
        const pairs = pooled.get(name)!;
        const fit = pairs.length >= 2
          ? fitLine(pairs.map(([e, next]) => [Math.log(e), Math.log(next)]))
          : { slope: NaN, intercept: NaN };
        orders.set(name, [...(orders.get(name) ?? []), fit.slope]);
        // How far the fitted slope can stray from the nominal order q₀ (2 for Newton, 1
        // otherwise) when eₖ₊₁ = Mₖ·eₖ^q₀ with a constant Mₖ that depends on the direction of
        // the error (it alternates between about 2 and 20 on Rosenbrock's valley): the spread
        // of log Mₖ over the range of log eₖ fitted.
        const nominal = name === "Newton" ? 2 : 1;
        const logs = pairs.map(([e, next]) => [Math.log(e), Math.log(next)]);
        const offsets = logs.map(([x, y]) => y - nominal * x);
        const spread = (v: number[]) =>
          v.reduce((m, a) => Math.max(m, a), -Infinity) -
          v.reduce((m, a) => Math.min(m, a), Infinity);
        const resolution = pairs.length >= 2 ? spread(offsets) / spread(logs.map(([x]) => x)) : NaN;
        resolutions.set(name, [...(resolutions.get(name) ?? []), resolution]);
        // The ratio eₖ₊₁/eₖ at the smallest errors of the window (→ 0 when superlinear).
        const tail = pairs.slice().sort((a, b) => a[0] - b[0]).slice(0, 3);
        const lastRatio = median(tail.map(([e, next]) => next / e));
        lastRatios.set(name, [...(lastRatios.get(name) ?? []), lastRatio]);
        if (name === "gradient descent") {
          gdRates.push(problemRate);
          predictedRates.push(problemPredicted);
        }
        rows.push({
          part: "fit",
          problem: problem.name,
          method: name,
          pairsFitted: pairs.length,
          order: fit.slope,
          orderResolution: resolution,
          logConstant: fit.intercept,
          smallestErrorsRatio: lastRatio,
          medianRate: name === "gradient descent" ? problemRate : null,
          predictedRate: name === "gradient descent" ? problemPredicted : null,
        });
        const shown = sampleIndices(pairs.length, 40).map((i) => pairs[i]);
        for (const [e, next] of shown) {
          pairRows.push({ problem: problem.name, method: name, error: e, nextError: next });
        }
        if (pairs.length >= 2) {
          const xs = pairs.map((p) => p[0]);
          const low = xs.reduce((m, v) => Math.min(m, v), Infinity);
          const high = xs.reduce((m, v) => Math.max(m, v), 0);
          for (const e of [low, high]) {
            lineRows.push({
              series: `${name}, ${problem.name}: q = ${fit.slope.toFixed(2)}`,
              error: e,
              nextError: Math.exp(fit.intercept + fit.slope * Math.log(e)),
            });
          }
        }
      }
    }

    const newtonOrders = orders.get("Newton")!;
    const bfgsOrders = orders.get("BFGS")!;
    const gdOrders = orders.get("gradient descent")!;
    const bfgsRatios = lastRatios.get("BFGS")!;
    const newtonResolutions = resolutions.get("Newton")!;
    const gdResolutions = resolutions.get("gradient descent")!;
    const newtonRatios = lastRatios.get("Newton")!;
    // Quadratic: q within max(0.2, resolution) of 2, and eₖ₊₁/eₖ collapsing at the smallest
    // errors (below SUPERLINEAR_RATIO, where a linear method keeps a fixed rate).
    const newtonQuadratic = newtonOrders.every((q, i) =>
      Math.abs(q - 2) <= Math.max(QUADRATIC_ORDER_TOLERANCE, newtonResolutions[i]) &&
      newtonRatios[i] < SUPERLINEAR_RATIO
    );
    const gdLinear =
      gdOrders.every((q, i) =>
        Math.abs(q - 1) <= Math.max(LINEAR_ORDER_TOLERANCE, gdResolutions[i])
      ) && gdRates.every((r) => r < 1);
    const fasterEverywhere = newtonOrders.every((q, i) => q > gdOrders[i]);
    const verdict = newtonQuadratic && gdLinear
      ? "holds"
      : fasterEverywhere
      ? "holds under conditions"
      : "refuted";
    const list = (values: number[], digits = 3) => values.map((v) => fmt(v, digits)).join(", ");
    const bfgsBetween = bfgsOrders.every((q, i) => q > gdOrders[i] && q < newtonOrders[i]);
    // The headline first: Newton's smallest fitted order over the problems.
    const keyNumbers: Record<string, number> = {
      smallestNewtonOrder: Math.min(...newtonOrders),
      runsKept,
      runsTotal,
    };
    problems.forEach((_, i) => {
      const key = ["Rosenbrock", "Logistic", "Network", "Exponentials"][i];
      keyNumbers[`newtonOrder${key}`] = newtonOrders[i];
      keyNumbers[`newtonOrderResolution${key}`] = newtonResolutions[i];
      keyNumbers[`newtonSmallestErrorsRatio${key}`] = newtonRatios[i];
      keyNumbers[`bfgsOrder${key}`] = bfgsOrders[i];
      keyNumbers[`bfgsSmallestErrorsRatio${key}`] = bfgsRatios[i];
      keyNumbers[`gdOrder${key}`] = gdOrders[i];
      keyNumbers[`gdRate${key}`] = gdRates[i];
      keyNumbers[`gdPredictedRate${key}`] = predictedRates[i];
    });
    keyNumbers.worstGdRateGapRelative = worstRateGap;
    for (const [k, v] of Object.entries(keyNumbers)) if (!Number.isFinite(v)) keyNumbers[k] = -1;

    return {
      rows,
      spec: {
        ...concatenated(
          "C11: local convergence of Newton, BFGS and gradient descent",
          [
            lineChart({
              data: errorRows,
              x: "iterationPlusOne",
              y: "error",
              color: "method",
              detail: "problem",
              logX: true,
              logY: true,
              xTitle: "iteration + 1",
              yTitle: "‖xₖ − x*‖ (floor 1e-17)",
              title: "Error against iterations",
              width: 380,
            }),
            concatenated(undefined, [
              pointChart({
                data: pairRows,
                x: "error",
                y: "nextError",
                color: "method",
                detail: "problem",
                logX: true,
                logY: true,
                xTitle: "eₖ",
                yTitle: "eₖ₊₁",
                title: "eₖ₊₁ against eₖ in the local phase (slope = order q)",
                width: 300,
                size: 25,
              }),
              lineChart({
                data: lineRows,
                x: "error",
                y: "nextError",
                color: "series",
                logX: true,
                logY: true,
                xTitle: "eₖ",
                yTitle: "eₖ₊₁ of the fitted line",
                title: "Fitted lines log eₖ₊₁ = q·log eₖ + c",
                width: 300,
              }),
            ]),
          ],
          "vertical",
        ),
        // Each panel keeps its own legends.
        resolve: {
          scale: { color: "independent", strokeDash: "independent", shape: "independent" },
        },
      },
      verdict,
      explanation: `Fitting log eₖ₊₁ = q·log eₖ + c over the local phase of ${runsKept} ` +
        `runs (Rosenbrock, logistic regression, a tanh network, a sum of exponentials), ` +
        `Newton's order was ${list(newtonOrders)} (resolution ±${
          list(newtonResolutions, 2)
        }, from constants eₖ₊₁/eₖ² that vary with the error's direction; eₖ₊₁/eₖ down to ` +
        `${list(newtonRatios, 2)}) and gradient ` +
        `descent's ${list(gdOrders)}, ` +
        `its rate eₖ₊₁/eₖ ${list(gdRates, 5)} against the predicted max|1 − αλᵢ| = ` +
        `${list(predictedRates, 5)}. BFGS's fitted q was ${list(bfgsOrders)}` +
        (bfgsBetween ? " (between the two on every problem)" : "") +
        `, its ratio eₖ₊₁/eₖ at its smallest errors ${list(bfgsRatios)}.`,
      keyNumbers,
    };
  },
};
