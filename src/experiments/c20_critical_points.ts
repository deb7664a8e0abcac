/**
 * C20: at a critical point, a positive definite Hessian means a local minimum, and
 * eigenvalues of both signs mean a saddle point.
 *
 * Critical points of three kinds of function are classified by the Hessian's inertia
 * (`classifyCriticalPoint`) and, independently, by probing the function: f(x* + t·d) − f(x*)
 * along the Hessian's eigenvectors and along random directions, at a few small steps t.
 * A probe that goes down from a "minimum", or a "saddle" whose probes never go down (or never
 * up), would refute the claim.
 * - quadratics ½xᵀAx with a chosen inertia;
 * - two-variable polynomials, including degenerate critical points where the test says
 *   nothing (x⁴ + y⁴ is a minimum, x³ − 3xy² a monkey saddle, both with H = 0);
 * - networks: the all-zero parameters of a tanh network on centred targets (critical by
 *   symmetry) and a minimum of a regularised network found by damped Newton.
 *
 * @module
 */

import type { Row } from "./experiment.ts";
import type { LegacyExperiment as Experiment } from "./legacy.ts";
import { fmt, randomRegression } from "./common.ts";
import { mlp } from "../nn/mlp.ts";
import { networkObjective } from "../curvature/network_objective.ts";
import { denseOperator } from "../operator/linear_operator.ts";
import type { LinearOperator } from "../operator/linear_operator.ts";
import { damp } from "../operator/algebra.ts";
import { matrixWithSpectrum } from "../problems/quadratic.ts";
import { createRandom } from "../random/random.ts";
import { norm2 } from "../linalg/vector.ts";
import { classifyCriticalPoint, type CriticalPointKind } from "../solve/critical_point.ts";
import { directSolve } from "../solve/direct_solve.ts";
import { eigh } from "../solve/eigh.ts";
import { barChart } from "../report/specs.ts";

/** A function with a critical point to classify. */
interface Case {
  family: string;
  name: string;
  dim: number;
  value(x: Float64Array): number;
  point: Float64Array;
  gradient: Float64Array;
  hessian: LinearOperator;
}

/** What probing f around x* shows. */
export type ProbedKind = "minimum" | "maximum" | "saddle" | "flat";

/**
 * Probes f(x* + t·d) − f(x*) for unit directions d (the Hessian's eigenvectors and `random`
 * ones) and steps t: a strict minimum goes up along every probe, a maximum down, a saddle
 * both ways. Changes within `noise` of zero count as flat.
 */
export function probe(
  value: (x: Float64Array) => number,
  point: Float64Array,
  directions: Float64Array[],
  steps: readonly number[],
  noise: number,
): { kind: ProbedKind; up: number; down: number } {
  const f0 = value(point);
  let up = 0, down = 0;
  const x = new Float64Array(point.length);
  for (const d of directions) {
    for (const t of steps) {
      for (const sign of [1, -1]) {
        for (let i = 0; i < x.length; i++) x[i] = point[i] + sign * t * d[i];
        const change = value(x) - f0;
        if (change > noise) up++;
        else if (change < -noise) down++;
      }
    }
  }
  const total = 2 * directions.length * steps.length;
  const kind: ProbedKind = up === total
    ? "minimum"
    : down === total
    ? "maximum"
    : up > 0 && down > 0
    ? "saddle"
    : "flat";
  return { kind, up, down };
}

function unitDirections(n: number, count: number, seed: number): Float64Array[] {
  const random = createRandom(seed);
  return Array.from({ length: count }, () => {
    const d = random.fillNormal(new Float64Array(n));
    const s = 1 / norm2(d);
    return d.map((v) => v * s);
  });
}

function polynomial(
  name: string,
  f: (x: number, y: number) => number,
  point: [number, number],
  gradient: [number, number],
  hessian: [[number, number], [number, number]],
): Case {
  return {
    family: "polynomial",
    name,
    dim: 2,
    value: (x) => f(x[0], x[1]),
    point: Float64Array.from(point),
    gradient: Float64Array.from(gradient),
    hessian: denseOperator(hessian),
  };
}

/** Damped Newton (Levenberg-Marquardt on the Hessian) to a critical point; returns the point. */
function dampedNewton(
  objective: ReturnType<typeof networkObjective>,
  start: Float64Array,
  iterations: number,
): Float64Array {
  let x = start.slice();
  let mu = 1;
  let fx = objective.value(x);
  for (let k = 0; k < iterations; k++) {
    const g = objective.gradient(x);
    if (norm2(g) < 1e-13) break;
    const step = directSolve(damp(objective.hessian(x), mu), g);
    if (!step.success) {
      mu *= 4;
      continue;
    }
    const trial = x.map((v, i) => v - step.x[i]);
    const ft = objective.value(trial);
    if (ft < fx) {
      x = trial;
      fx = ft;
      mu = Math.max(mu / 3, 1e-12);
    } else {
      mu *= 4;
    }
  }
  return x;
}

export const c20: Experiment = {
  id: "C20",
  title: "The Hessian's inertia classifies critical points",
  claim: "At a critical point, a positive definite Hessian means a local minimum; eigenvalues " +
    "of both signs mean a saddle point.",
  note: "004",
  run(context) {
    const cases: Case[] = [];
    // Quadratics with a chosen inertia (critical point 0).
    const quadratics = context.quick ? 6 : 12;
    const random = createRandom(context.seed);
    for (let q = 0; q < quadratics; q++) {
      const n = 2 + random.integer(7);
      const negatives = q % 3 === 0 ? 0 : q % 3 === 1 ? 1 + random.integer(n - 1) : n;
      const eigenvalues = Array.from(
        { length: n },
        (_, i) => (i < negatives ? -1 : 1) * 10 ** (2 * random.uniform() - 1),
      );
      const { matrix } = matrixWithSpectrum(eigenvalues, { seed: context.seed + q });
      const A = denseOperator(matrix);
      cases.push({
        family: "quadratic",
        name: `quadratic n = ${n}, ${negatives} negative`,
        dim: n,
        value: (x) => {
          const ax = A.matvec(x);
          return 0.5 * x.reduce((s, v, i) => s + v * ax[i], 0);
        },
        point: new Float64Array(n),
        gradient: new Float64Array(n),
        hessian: A,
      });
    }
    // Polynomials with known critical points.
    cases.push(
      polynomial("x⁴ − 2x² + y² at (1, 0)", (x, y) => x ** 4 - 2 * x * x + y * y, [1, 0], [0, 0], [[
        8,
        0,
      ], [0, 2]]),
      polynomial("x⁴ − 2x² + y² at (0, 0)", (x, y) => x ** 4 - 2 * x * x + y * y, [0, 0], [0, 0], [[
        -4,
        0,
      ], [0, 2]]),
      polynomial("−x² − y² + xy at (0, 0)", (x, y) => -x * x - y * y + x * y, [0, 0], [0, 0], [[
        -2,
        1,
      ], [1, -2]]),
      polynomial("x⁴ + y⁴ at (0, 0)", (x, y) => x ** 4 + y ** 4, [0, 0], [0, 0], [[0, 0], [0, 0]]),
      polynomial("x³ − 3xy² at (0, 0)", (x, y) => x ** 3 - 3 * x * y * y, [0, 0], [0, 0], [[0, 0], [
        0,
        0,
      ]]),
      polynomial("x² + y³ at (0, 0)", (x, y) => x * x + y ** 3, [0, 0], [0, 0], [[2, 0], [0, 0]]),
    );
    // Networks. The zero point of a tanh network with centred targets: every gradient term
    // carries a factor tanh(0) = 0, the output weights (zero), or the mean residual (zero).
    {
      const net = mlp({
        sizes: [2, 3, 1],
        activation: "tanh",
        output: "identity",
        loss: "squared",
      });
      const data = randomRegression(context.seed, 12, 2, 1);
      const mean = data.targets.reduce((s, t) => s + t[0], 0) / data.targets.length;
      const centred = { inputs: data.inputs, targets: data.targets.map((t) => [t[0] - mean]) };
      const f = networkObjective(net, centred);
      const x = new Float64Array(net.dim);
      cases.push({
        family: "network",
        name: "2-3-1 tanh, all-zero parameters",
        dim: net.dim,
        value: (p) => f.value(p),
        point: x,
        gradient: f.gradient(x),
        hessian: f.hessian(x),
      });
      const regularised = networkObjective(net, data, { C: 10 });
      const minimum = dampedNewton(regularised, net.initialParameters(context.seed), 200);
      cases.push({
        family: "network",
        name: "2-3-1 tanh, C = 10, after damped Newton",
        dim: net.dim,
        value: (p) => regularised.value(p),
        point: minimum,
        gradient: regularised.gradient(minimum),
        hessian: regularised.hessian(minimum),
      });
    }
    context.progress(0.5);

    const rows: Row[] = [];
    let agreements = 0, decided = 0, degenerate = 0, contradictions = 0, notCritical = 0;
    cases.forEach((c, index) => {
      const result = classifyCriticalPoint(c.hessian, c.gradient);
      const { vectors } = eigh(c.hessian);
      const directions = [...vectors, ...unitDirections(c.dim, 20, context.seed + index)];
      // Steps small enough that the quadratic term dominates where it is not zero, and a
      // noise level of 100 ulps of f(x*) plus an absolute 1e-14.
      const f0 = Math.abs(c.value(c.point));
      const probed = probe(
        c.value,
        c.point,
        directions,
        [1e-2, 1e-3],
        100 * Number.EPSILON * f0 + 1e-14,
      );
      const testDecides = result.kind === "minimum" || result.kind === "saddle" ||
        result.kind === "maximum";
      let agrees: boolean | null = null;
      if (!result.critical) {
        // Not a critical point (a Newton run that stopped short): outside the claim.
        notCritical++;
      } else if (testDecides) {
        decided++;
        agrees = probed.kind === result.kind;
        if (agrees) agreements++;
        else contradictions++;
      } else {
        degenerate++;
      }
      rows.push({
        family: c.family,
        case: c.name,
        dim: c.dim,
        gradientNorm: result.gradientNorm ?? null,
        critical: result.critical ?? null,
        positive: result.inertia.positive,
        negative: result.inertia.negative,
        zero: result.inertia.zero,
        lambdaMin: result.eigenvalues[0],
        lambdaMax: result.eigenvalues[result.eigenvalues.length - 1],
        secondOrderTest: result.kind,
        probedKind: probed.kind,
        probesUp: probed.up,
        probesDown: probed.down,
        agrees,
      });
    });
    context.progress(1);
    const verdict = contradictions === 0 && decided > 0 ? "holds" : "refuted";
    const degenerateRows = rows.filter((r) => r.secondOrderTest === "degenerate") as Row[];
    const kinds: CriticalPointKind[] = ["minimum", "maximum", "saddle", "degenerate"];
    const counts: Row[] = [];
    for (const kind of kinds) {
      for (const probed of ["minimum", "maximum", "saddle", "flat"]) {
        const count = rows.filter((r) => r.secondOrderTest === kind && r.probedKind === probed)
          .length;
        if (count > 0) counts.push({ secondOrderTest: kind, probedKind: probed, cases: count });
      }
    }
    const networkRows = rows.filter((r) => r.family === "network");
    return {
      rows,
      spec: barChart({
        data: counts,
        x: "secondOrderTest",
        y: "cases",
        color: "probedKind",
        xTitle: "second-order test (Hessian inertia)",
        yTitle: "critical points",
        title: "C20: the inertia test against probing f around the point",
      }),
      verdict,
      explanation:
        `Of ${rows.length} critical points (‖∇f‖ ≤ 1e-6 at ${
          rows.filter((r) => r.critical === true).length
        }), the Hessian decides ${decided}, and probing f along its eigenvectors and 20 random ` +
        `directions agrees every time (${agreements} of ${decided}, ${contradictions} ` +
        `contradictions), including the network's all-zero point, a ${
          networkRows[0].secondOrderTest
        } with ${networkRows[0].negative} negative eigenvalues, and its damped-Newton point, a ${
          networkRows[1].secondOrderTest
        } (λ_min = ${fmt(networkRows[1].lambdaMin as number)}). The test is silent on the ` +
        `${degenerate} degenerate points, where probing finds ${
          degenerateRows.map((r) => `${r.probedKind} (${r.case})`).join(", ")
        }: a semi-definite Hessian decides nothing.${
          notCritical > 0 ? ` ${notCritical} point(s) were not critical and are left out.` : ""
        }`,
      keyNumbers: {
        contradictions,
        criticalPoints: rows.length,
        decidedByInertia: decided,
        agreements,
        degenerate,
        notCritical,
        networkZeroNegativeEigenvalues: networkRows[0].negative as number,
        trainedNetworkLambdaMin: networkRows[1].lambdaMin as number,
        trainedNetworkGradientNorm: networkRows[1].gradientNorm as number,
      },
    };
  },
};
