/**
 * C07: saddle points are a problem for second-order methods. Newton's method is attracted to
 * them; a method that rescales by |H| (saddle-free Newton) or follows directions of negative
 * curvature (trust-region Newton-CG) escapes.
 *
 * Three functions with a non-degenerate saddle at the origin:
 * - f(x, y) = x²/2 + y⁴/4 − y²/2: a saddle at (0, 0) with H = diag(1, −1), minima at (0, ±1);
 * - a quadratic-quartic in 10 dimensions, f(x) = Σᵢ λᵢzᵢ²/2 + Σ_{λᵢ<0} zᵢ⁴/4 with z = Qᵀx
 *   for a random rotation Q, three negative λᵢ and seven positive: a saddle of index 3 at 0
 *   and 2³ minima at zᵢ = ±√|λᵢ|;
 * - a 2-3-1 tanh regression network with regularisation (C = 10) on centred targets: all-zero
 *   parameters, where every hidden unit is the same (zero) unit, are a critical point by
 *   symmetry, and the coupling of input and output weights makes it a saddle.
 *
 * From seeded random starts near the origin, five methods run: pure Newton (direct solve,
 * α = 1, no fallback), Newton with its safeguards (Armijo backtracking, damping when the
 * direction is not a descent direction), gradient descent with a fixed learning rate,
 * saddle-free Newton, and trust-region Newton-CG. The end point is classified by the Hessian's
 * inertia there (`classifyCriticalPoint`) and by its distance to the saddle.
 *
 * @module
 */

import type { Row } from "./experiment.ts";
import type { LegacyExperiment as Experiment } from "./legacy.ts";
import { fmt } from "./common.ts";
import { distance, median, runSteps, type SteppedRun } from "./stepping.ts";
import type { Objective } from "../objective.ts";
import { denseOperator } from "../operator/linear_operator.ts";
import { randomOrthogonal } from "../problems/quadratic.ts";
import { mlp } from "../nn/mlp.ts";
import { networkObjective } from "../curvature/network_objective.ts";
import { newton } from "../optim/newton.ts";
import { gd } from "../optim/gd.ts";
import { saddleFreeNewton } from "../optim/saddle_free_newton.ts";
import { trustRegion } from "../optim/trust_region.ts";
import type { Optimizer } from "../optim/types.ts";
import { classifyCriticalPoint } from "../solve/critical_point.ts";
import { createRandom, type Random } from "../random/random.ts";
import {
  barChart,
  concatenated,
  heatMap,
  layered,
  lineChart,
  type VegaLiteSpec,
} from "../report/specs.ts";

/** A point is critical when ‖∇f‖ is at most this (every method runs to 1e-10 or its budget). */
const CRITICAL_GRADIENT = 1e-6;

/**
 * A critical point within this distance of the origin is the saddle: the nearest other critical
 * points (the minima) are at distance 1 or more on the two synthetic functions, and the
 * network's are far from its near-zero starts.
 */
const AT_SADDLE = 1e-4;

/** Runs stop once ‖∇f‖ ≤ this (converged to a critical point to near machine precision). */
const STOP_GRADIENT = 1e-10;

/** Distances are plotted with this floor (an exact 0 has no logarithm). */
const PLOT_FLOOR = 1e-16;

/** Where a run ended. */
type Outcome = "saddle" | "another saddle" | "minimum" | "other critical point" | "not converged";

/** A problem: an objective with a saddle at the origin, and the radii of the starts. */
interface Problem {
  name: string;
  objective: Objective;
  /** Starts are drawn at distances log-uniform in [minRadius, maxRadius] from the saddle. */
  minRadius: number;
  maxRadius: number;
  /** Gradient descent's fixed learning rate (below 2/λmax at the minima). */
  learningRate: number;
}

/**
 * f(x) = Σᵢ λᵢzᵢ²/2 + Σ_{λᵢ<0} zᵢ⁴/4 with z = Qᵀx: a saddle at 0 whose index is the number of
 * negative λᵢ, with H(x) = Q·diag(λᵢ + 3zᵢ²[λᵢ < 0])·Qᵀ.
 */
function quadraticQuartic(lambda: readonly number[], q: readonly (readonly number[])[]): Objective {
  const n = lambda.length;
  const rotate = (x: Float64Array) => {
    const z = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += q[i][k] * x[i];
      z[k] = s;
    }
    return z;
  };
  const value = (x: Float64Array) => {
    const z = rotate(x);
    let f = 0;
    for (let k = 0; k < n; k++) {
      f += 0.5 * lambda[k] * z[k] ** 2 + (lambda[k] < 0 ? z[k] ** 4 / 4 : 0);
    }
    return f;
  };
  const gradient = (x: Float64Array, out?: Float64Array) => {
    const z = rotate(x);
    const g = out ?? new Float64Array(n);
    g.fill(0);
    for (let k = 0; k < n; k++) {
      const dz = lambda[k] * z[k] + (lambda[k] < 0 ? z[k] ** 3 : 0);
      for (let i = 0; i < n; i++) g[i] += q[i][k] * dz;
    }
    return g;
  };
  const hessian = (x: Float64Array) => {
    const z = rotate(x);
    const d = lambda.map((l, k) => l + (l < 0 ? 3 * z[k] ** 2 : 0));
    const rows = Array.from({ length: n }, () => new Array<number>(n).fill(0));
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += q[i][k] * d[k] * q[j][k];
        rows[i][j] = s;
        rows[j][i] = s;
      }
    }
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

/** A unit direction times a radius log-uniform in [low, high]. */
function startNear(random: Random, n: number, low: number, high: number): Float64Array {
  const u = random.fillNormal(new Float64Array(n));
  let s = 0;
  for (const v of u) s += v * v;
  const r = low * (high / low) ** random.uniform();
  return u.map((v) => (v * r) / Math.sqrt(s));
}

/** The methods compared, with each one's iteration budget. */
function methods(learningRate: number): { name: string; make: () => Optimizer; budget: number }[] {
  return [
    {
      name: "pure Newton",
      make: () => newton({ solver: "direct", lineSearch: "none", fallback: "none" }),
      budget: 60,
    },
    {
      name: "Newton (line search + damping)",
      make: () => newton({ solver: "direct" }),
      budget: 60,
    },
    { name: "gradient descent", make: () => gd({ learningRate }), budget: 2000 },
    { name: "saddle-free Newton", make: () => saddleFreeNewton(), budget: 60 },
    { name: "trust-region Newton-CG", make: () => trustRegion(), budget: 60 },
  ];
}

function classify(objective: Objective, run: SteppedRun): Outcome {
  const x = run.points[run.points.length - 1];
  const g = objective.gradient(x);
  const point = classifyCriticalPoint(objective.hessian!(x), g, {
    gradientTolerance: CRITICAL_GRADIENT,
  });
  if (!point.critical) return "not converged";
  if (point.kind === "saddle") {
    return distance(x, new Float64Array(x.length)) <= AT_SADDLE ? "saddle" : "another saddle";
  }
  return point.kind === "minimum" ? "minimum" : "other critical point";
}

/** Re-encodes the ordinal heat map as rectangles on continuous axes [x, x2] × [y, y2]. */
function continuousHeatMap(spec: VegaLiteSpec, xTitle: string, yTitle: string): VegaLiteSpec {
  const encoding = spec.encoding as Record<string, unknown>;
  return {
    ...spec,
    encoding: {
      ...encoding,
      x: { field: "x", type: "quantitative", title: xTitle, scale: { nice: false } },
      x2: { field: "x2" },
      y: { field: "y", type: "quantitative", title: yTitle, scale: { nice: false } },
      y2: { field: "y2" },
    },
  };
}

/** Draws a line chart's rows as paths: in order of `k`, one path per `run`. */
function asPaths(spec: VegaLiteSpec): VegaLiteSpec {
  const encoding = spec.encoding as Record<string, unknown>;
  return {
    ...spec,
    encoding: {
      ...encoding,
      order: { field: "k", type: "quantitative" },
      detail: { field: "run", type: "nominal" },
    },
  };
}

export const c07: Experiment = {
  id: "C07",
  title: "Newton is attracted to saddle points; |H| and negative curvature escape them",
  claim: "Saddle points are a problem for second-order methods: Newton's method is attracted " +
    "to saddle points, while a method that uses |H| (saddle-free Newton) or directions of " +
    "negative curvature escapes them.",
  note: "000",
  run(context) {
    const random = createRandom(context.seed);
    const starts = context.quick ? 8 : 30;

    const twoD = quadraticQuartic([1, -1], [[1, 0], [0, 1]]);
    const n = 10;
    const lambda = [-1, -2, -3, 1, 1.5, 2, 3, 4, 6, 8];
    const tenD = quadraticQuartic(lambda, randomOrthogonal(n, random.integer(0x7fffffff)));
    // A regression network whose centred targets correlate with the inputs.
    const samples = 40;
    const inputs = Array.from({ length: samples }, () => [random.normal(), random.normal()]);
    const raw = inputs.map(([a, b]) => Math.sin(a) + 0.5 * b + 0.1 * random.normal());
    const mean = raw.reduce((s, v) => s + v, 0) / samples;
    const net = mlp({ sizes: [2, 3, 1], activation: "tanh", output: "identity", loss: "squared" });
    const network = networkObjective(net, { inputs, targets: raw.map((t) => [t - mean]) }, {
      C: 10,
    });
    const problems: Problem[] = [
      {
        name: "x²/2 + y⁴/4 − y²/2 (2-D)",
        objective: twoD,
        minRadius: 1e-3,
        maxRadius: 0.4,
        learningRate: 0.5,
      },
      {
        name: "quadratic-quartic, index 3 (10-D)",
        objective: tenD,
        minRadius: 1e-3,
        maxRadius: 0.4,
        learningRate: 0.1,
      },
      {
        name: `2-3-1 tanh network at θ = 0 (${net.dim}-D)`,
        objective: network,
        minRadius: 1e-3,
        maxRadius: 0.1,
        learningRate: 0.3,
      },
    ];

    const rows: Row[] = [];
    const fractionRows: Row[] = [];
    const distanceRows: Row[] = [];
    const pathRows: Row[] = [];
    /** Per method: the fraction of starts with each outcome, one entry per problem. */
    const outcomeFractions = new Map<string, Record<Outcome, number>[]>();
    /** Per method: the smallest final distance to the saddle over all runs that did not end there. */
    const nearestMiss = new Map<string, number>();
    const saddleChecks: Row[] = [];
    const plotted = 4;
    let done = 0;
    const total = problems.length * starts;
    for (const [p, problem] of problems.entries()) {
      const f = problem.objective;
      // The origin is the saddle: check it (critical, eigenvalues of both signs).
      const origin = new Float64Array(f.dim);
      const atOrigin = classifyCriticalPoint(f.hessian!(origin), f.gradient(origin), {
        gradientTolerance: CRITICAL_GRADIENT,
      });
      saddleChecks.push({
        problem: problem.name,
        kind: atOrigin.kind,
        critical: atOrigin.critical ?? false,
        negative: atOrigin.inertia.negative,
      });
      const list = methods(problem.learningRate);
      const counts = list.map((): Record<Outcome, number> => ({
        "saddle": 0,
        "another saddle": 0,
        "minimum": 0,
        "other critical point": 0,
        "not converged": 0,
      }));
      // Distance to the saddle at each iteration, per method (a finished run keeps its last).
      const distances = list.map((m) => Array.from({ length: m.budget + 1 }, () => [] as number[]));
      for (let s = 0; s < starts; s++) {
        const x0 = startNear(random, f.dim, problem.minRadius, problem.maxRadius);
        for (const [m, method] of list.entries()) {
          const run = runSteps(method.make(), f, x0, {
            maxSteps: method.budget,
            gradientTolerance: STOP_GRADIENT,
          });
          const outcome = classify(f, run);
          counts[m][outcome]++;
          const last = run.points.length - 1;
          if (outcome !== "saddle") {
            nearestMiss.set(
              method.name,
              Math.min(
                nearestMiss.get(method.name) ?? Infinity,
                distance(run.points[last], origin),
              ),
            );
          }
          for (let k = 0; k <= method.budget; k++) {
            distances[m][k].push(distance(run.points[Math.min(k, last)], origin));
          }
          rows.push({
            part: "run",
            problem: problem.name,
            method: method.name,
            start: s,
            startDistance: distance(x0, origin),
            status: run.status,
            iterations: last,
            outcome,
            finalDistance: distance(run.points[last], origin),
            finalGradientNorm: run.gradientNorms[last],
            finalValue: run.values[last],
          });
          if (p === 0 && s < plotted && method.name !== "trust-region Newton-CG") {
            const stride = method.name === "gradient descent" ? 4 : 1;
            for (let k = 0; k <= Math.min(last, 200); k += stride) {
              pathRows.push({
                method: method.name,
                run: `${method.name} ${s}`,
                k,
                x: run.points[k][0],
                y: run.points[k][1],
              });
            }
          }
        }
        done++;
        context.progress(done / total);
      }
      for (const [m, method] of list.entries()) {
        const fraction = counts[m].saddle / starts;
        const shares = Object.fromEntries(
          Object.entries(counts[m]).map(([k, v]) => [k, v / starts]),
        ) as Record<Outcome, number>;
        outcomeFractions.set(method.name, [...(outcomeFractions.get(method.name) ?? []), shares]);
        fractionRows.push({ problem: problem.name, method: method.name, fraction });
        rows.push({
          part: "summary",
          problem: problem.name,
          method: method.name,
          starts,
          fractionAtSaddle: fraction,
          fractionAtAnotherSaddle: shares["another saddle"],
          fractionAtMinimum: shares.minimum,
          fractionNotConverged: shares["not converged"],
        });
        // Every iteration up to 60, then every 5th up to 200 (gradient descent's slow escape).
        for (let k = 0; k <= Math.min(method.budget, 200); k += k < 60 ? 1 : 5) {
          distanceRows.push({
            problem: problem.name,
            method: method.name,
            iteration: k,
            medianDistance: Math.max(median(distances[m][k]), PLOT_FLOOR),
          });
        }
      }
    }

    // The heat map of the 2-D function on [−1.25, 1.25]².
    const grid = 40, half = 1.25, cell = (2 * half) / grid;
    const heat: Row[] = [];
    for (let i = 0; i < grid; i++) {
      for (let j = 0; j < grid; j++) {
        const x = -half + i * cell, y = -half + j * cell;
        const c = new Float64Array([x + cell / 2, y + cell / 2]);
        heat.push({ x, x2: x + cell, y, y2: y + cell, f: twoD.value(c) });
      }
    }
    const trajectories = layered(
      "Trajectories on x²/2 + y⁴/4 − y²/2 (saddle at 0, minima at (0, ±1))",
      [
        continuousHeatMap(
          heatMap({
            data: heat,
            x: "x",
            y: "y",
            value: "f",
            valueTitle: "f(x, y)",
            width: 320,
            height: 320,
          }),
          "x",
          "y",
        ),
        asPaths(lineChart({
          data: pathRows,
          x: "x",
          y: "y",
          color: "method",
          points: true,
          width: 320,
          height: 320,
        })),
      ],
    );
    trajectories.resolve = { scale: { color: "independent" } };

    const share = (method: string, outcome: Outcome) =>
      outcomeFractions.get(method)!.map((o) => o[outcome]);
    const pure = share("pure Newton", "saddle");
    const safeguarded = share("Newton (line search + damping)", "saddle");
    const safeguardedElsewhere = share("Newton (line search + damping)", "another saddle");
    const descent = share("gradient descent", "saddle");
    const saddleFree = share("saddle-free Newton", "saddle");
    const trust = share("trust-region Newton-CG", "saddle");
    const allSaddles = saddleChecks.every((c) => c.kind === "saddle" && c.critical === true);
    const attracted = Math.min(...pure);
    const escapedWorst = Math.max(...saddleFree, ...trust);
    const escapersAtMinimum = Math.min(
      ...share("saddle-free Newton", "minimum"),
      ...share("trust-region Newton-CG", "minimum"),
    );
    const escaperMiss = Math.min(
      nearestMiss.get("saddle-free Newton") ?? Infinity,
      nearestMiss.get("trust-region Newton-CG") ?? Infinity,
    );
    const descentMiss = nearestMiss.get("gradient descent") ?? Infinity;
    // Attracted: pure Newton ends at the saddle from nearly every start near it (≥ 90 %) on
    // every problem. Escape: no run of saddle-free Newton or the trust region ends there.
    const verdict = !allSaddles
      ? "refuted"
      : attracted >= 0.9 && escapedWorst === 0
      ? "holds"
      : attracted >= 0.5 && escapedWorst < attracted
      ? "holds under conditions"
      : "refuted";
    const percent = (v: number) => `${fmt(100 * v)} %`;
    const list = (v: number[]) => v.map(percent).join(", ");
    const escapers = escapedWorst === 0
      ? `never ended there (the nearest final point ${fmt(escaperMiss)} away) and reached a ` +
        `minimum in at least ${percent(escapersAtMinimum)} of runs`
      : `ended there in ${list(saddleFree)} and ${list(trust)} of runs`;

    return {
      rows: [
        ...saddleChecks.map((c) => ({ part: "saddle check", ...c })),
        ...rows,
      ],
      spec: {
        ...concatenated(
          `C07: ${starts} starts near the saddle per problem`,
          [
            concatenated(undefined, [
              trajectories,
              barChart({
                data: fractionRows,
                x: "method",
                y: "fraction",
                color: "problem",
                yTitle: "fraction of starts ending at the saddle",
                title: "Fraction of runs that end at the saddle",
                width: 300,
              }),
            ]),
            lineChart({
              data: distanceRows,
              x: "iteration",
              y: "medianDistance",
              color: "method",
              detail: "problem",
              logY: true,
              yTitle: "median ‖xₖ − saddle‖ (runs stop at ‖∇f‖ ≤ 1e-10)",
              title: "Distance to the saddle over the iterations",
              width: 640,
            }),
          ],
          "vertical",
        ),
        // Each panel keeps its own legends.
        resolve: { scale: { color: "independent", strokeDash: "independent" } },
      },
      verdict,
      explanation: `From ${starts} starts near the saddle of each of three functions (2-D, ` +
        `10-D of index 3, a 2-3-1 network at θ = 0), pure Newton ended at the saddle in ` +
        `${list(pure)} of runs; Newton with line search and damping in ${list(safeguarded)} ` +
        `(and at another saddle in ${list(safeguardedElsewhere)}), gradient descent in ` +
        `${list(descent)} (nearest final point ${fmt(descentMiss)} away). Saddle-free Newton ` +
        `and trust-region Newton-CG ${escapers}.`,
      keyNumbers: {
        pureNewtonAtSaddleMin: attracted,
        starts,
        pureNewtonAtSaddle2D: pure[0],
        pureNewtonAtSaddle10D: pure[1],
        pureNewtonAtSaddleNetwork: pure[2],
        safeguardedNewtonAtSaddleMax: Math.max(...safeguarded),
        safeguardedNewtonAtAnotherSaddleMax: Math.max(...safeguardedElsewhere),
        gradientDescentAtSaddleMax: Math.max(...descent),
        saddleFreeNewtonAtSaddleMax: Math.max(...saddleFree),
        trustRegionAtSaddleMax: Math.max(...trust),
        escapersAtMinimumMin: escapersAtMinimum,
        escapersNearestFinalDistance: Number.isFinite(escaperMiss) ? escaperMiss : -1,
        gradientDescentNearestFinalDistance: Number.isFinite(descentMiss) ? descentMiss : -1,
      },
    };
  },
};
