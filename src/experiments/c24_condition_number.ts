/**
 * C24: a larger condition number κ = λmax/λmin means slower gradient descent.
 *
 * On rotated quadratics ½θᵀAθ in 20 dimensions whose eigenvalues are spread log-uniformly over
 * [1, κ], gradient descent runs from random starts with the two classical fixed learning rates,
 * α = 1/λmax and α = 2/(λmin + λmax), until ‖θₖ‖ ≤ ε‖θ₀‖. The iteration counts are compared
 * with the predictions of the slowest eigen-direction: ln(1/ε)/(−ln(1 − 1/κ)) ≈ κ·ln(1/ε) for
 * α = 1/λmax and ln(1/ε)/(−ln((κ − 1)/(κ + 1))) ≈ (κ/2)·ln(1/ε) for α = 2/(λmin + λmax).
 *
 * @module
 */

import type { Row } from "./experiment.ts";
import type { LegacyExperiment as Experiment } from "./legacy.ts";
import { fmt, gradientDescent } from "./common.ts";
import { matrixWithSpectrum, quadraticObjective } from "../problems/quadratic.ts";
import { createRandom } from "../random/random.ts";
import { layered, lineChart, pointChart } from "../report/specs.ts";

/** The tolerance ε on ‖θₖ‖/‖θ₀‖ (the minimiser is θ = 0). */
const TOLERANCE = 1e-6;

/** The dimension of the quadratics. */
const DIMENSION = 20;

/** Least-squares slope of y against x. */
function slope(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  const mx = x.reduce((s, v) => s + v, 0) / n, my = y.reduce((s, v) => s + v, 0) / n;
  let sxy = 0, sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
  }
  return sxy / sxx;
}

export const c24: Experiment = {
  id: "C24",
  title: "Gradient descent slows down as the condition number grows",
  claim: "A larger condition number λmax/λmin means slower gradient descent.",
  note: "004",
  run(context) {
    const kappas = context.quick
      ? [1, 3, 10, 30, 100, 300]
      : [1, 2, 4, 10, 30, 100, 300, 1000, 3000];
    const seeds = context.quick ? 2 : 4;
    const rules = [
      {
        name: "α = 1/λmax",
        alpha: (kappa: number) => 1 / kappa,
        predicted: (kappa: number) =>
          kappa === 1 ? 1 : Math.log(1 / TOLERANCE) / -Math.log(1 - 1 / kappa),
      },
      {
        name: "α = 2/(λmin + λmax)",
        alpha: (kappa: number) => 2 / (1 + kappa),
        predicted: (kappa: number) =>
          kappa === 1 ? 1 : Math.log(1 / TOLERANCE) / -Math.log((kappa - 1) / (kappa + 1)),
      },
    ];
    const random = createRandom(context.seed);
    const rows: Row[] = [];
    // iterations[rule][seed][kappa index]
    const iterations = rules.map(() => Array.from({ length: seeds }, () => [] as number[]));
    let worstPredictionRatio = 1, bestPredictionRatio = 1;
    let done = 0;
    for (let s = 0; s < seeds; s++) {
      for (const kappa of kappas) {
        const lambda = Array.from(
          { length: DIMENSION },
          (_, i) => kappa ** (i / (DIMENSION - 1)),
        );
        const f = quadraticObjective(
          matrixWithSpectrum(lambda, { seed: random.integer(0x7fffffff) }).matrix,
        );
        const theta0 = random.fillNormal(new Float64Array(DIMENSION));
        const norm0 = Math.hypot(...theta0);
        rules.forEach((rule, r) => {
          let reached = Infinity;
          const budget = Math.ceil(3 * rule.predicted(kappa)) + 10;
          gradientDescent(f, theta0, rule.alpha(kappa), budget, (k, x) => {
            if (Math.hypot(...x) <= TOLERANCE * norm0) {
              reached = k;
              return false;
            }
          });
          iterations[r][s].push(reached);
          const predicted = rule.predicted(kappa);
          if (kappa > 1 && Number.isFinite(reached)) {
            worstPredictionRatio = Math.max(worstPredictionRatio, reached / predicted);
            bestPredictionRatio = Math.min(bestPredictionRatio, reached / predicted);
          }
          rows.push({
            learningRate: rule.name,
            seed: s,
            conditionNumber: kappa,
            iterations: Number.isFinite(reached) ? reached : null,
            predicted,
            ratioToPrediction: Number.isFinite(reached) ? reached / predicted : null,
          });
        });
        done++;
        context.progress(done / (seeds * kappas.length));
      }
    }

    // Slower with larger κ: count the adjacent pairs of κ where the iterations did not grow.
    let violations = 0, pairs = 0, unreached = 0;
    for (const perRule of iterations) {
      for (const counts of perRule) {
        unreached += counts.filter((c) => !Number.isFinite(c)).length;
        for (let i = 1; i < counts.length; i++) {
          pairs++;
          if (!(counts[i] > counts[i - 1])) violations++;
        }
      }
    }
    // The log-log slope of iterations against κ over κ ≥ 10 (1 for a linear law).
    const slopes = iterations.map((perRule) => {
      const xs: number[] = [], ys: number[] = [];
      for (const counts of perRule) {
        counts.forEach((c, i) => {
          if (kappas[i] >= 10 && Number.isFinite(c)) {
            xs.push(Math.log(kappas[i]));
            ys.push(Math.log(c));
          }
        });
      }
      return slope(xs, ys);
    });
    const monotone = violations === 0 && unreached === 0;
    const linear = slopes.every((v) => Math.abs(v - 1) <= 0.15);
    const verdict = monotone && linear
      ? "holds"
      : violations <= pairs / 10 && unreached === 0
      ? "holds under conditions"
      : "refuted";
    const lineRows = rules.flatMap((rule) =>
      kappas.map((kappa) => ({
        learningRate: rule.name,
        conditionNumber: kappa,
        iterations: rule.predicted(kappa),
      }))
    );
    const largest = kappas[kappas.length - 1];
    const medianAt = (r: number, i: number) => {
      const v = iterations[r].map((c) => c[i]).sort((a, b) => a - b);
      return v[v.length >> 1];
    };
    return {
      rows,
      spec: layered(
        `C24: gradient-descent iterations to ‖θ‖ ≤ ${
          fmt(TOLERANCE)
        }·‖θ₀‖ against κ (n = ${DIMENSION}; lines: prediction)`,
        [
          pointChart({
            data: rows.filter((r) => r.iterations !== null),
            x: "conditionNumber",
            y: "iterations",
            color: "learningRate",
            logX: true,
            logY: true,
            xTitle: "condition number κ = λmax/λmin",
            yTitle: "iterations",
            width: 420,
            height: 300,
          }),
          // Lines: the slowest direction's prediction ln(1/ε)/(−ln ρ) for each rule.
          lineChart({
            data: lineRows,
            x: "conditionNumber",
            y: "iterations",
            color: "learningRate",
            logX: true,
            logY: true,
            xTitle: "condition number κ = λmax/λmin",
            yTitle: "iterations",
          }),
        ],
      ),
      verdict,
      explanation:
        `The iterations to reach ε = ${fmt(TOLERANCE)} grow with κ in ${
          pairs - violations
        } of ${pairs} steps up the κ grid (${seeds} random starts, two learning rates): from ` +
        `${medianAt(0, 0)} at κ = 1 to ${medianAt(0, kappas.length - 1)} at κ = ${largest} ` +
        `with α = 1/λmax, and to ${medianAt(1, kappas.length - 1)} with α = 2/(λmin + λmax). ` +
        `Log-log slopes ${fmt(slopes[0])} and ${fmt(slopes[1])} for κ ≥ 10; the counts are ` +
        `${fmt(bestPredictionRatio)}–${fmt(worstPredictionRatio)} times the slowest ` +
        `direction's prediction (≈ κ·ln(1/ε) and (κ/2)·ln(1/ε)).`,
      keyNumbers: {
        slopeOneOverLambdaMax: slopes[0],
        slopeTwoOverSum: slopes[1],
        monotoneViolations: violations,
        // A median run that missed the target counts as its budget, 3× the prediction + 10.
        iterationsAtLargestKappa: Math.min(
          medianAt(0, kappas.length - 1),
          Math.ceil(3 * rules[0].predicted(largest)) + 10,
        ),
        runsMissingTarget: unreached,
        worstPredictionRatio,
        bestPredictionRatio,
      },
    };
  },
};
