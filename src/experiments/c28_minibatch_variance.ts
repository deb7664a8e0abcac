/**
 * C28: the variance of a mini-batch gradient of size S is var(single-example gradient)/S.
 *
 * At a fixed point of a softmax network on Iris, mini-batch gradients of size S are drawn many
 * times, with replacement (i.i.d. samples, the setting of the notes' derivation) and without
 * replacement (how epochs are usually cut). Their mean squared distance to the full gradient,
 * E‖g_S − g‖², is compared with σ²/S, where σ² = (1/N)·Σᵢ‖gᵢ − g‖² is the per-example variance
 * (summed over parameters). Without replacement the exact value carries the finite-population
 * factor (N − S)/(N − 1).
 *
 * @module
 */

import type { Row } from "./experiment.ts";
import type { LegacyExperiment as Experiment } from "./legacy.ts";
import { fmt } from "./common.ts";
import { mlp } from "../nn/mlp.ts";
import { networkObjective } from "../curvature/network_objective.ts";
import { irisDataset } from "../problems/datasets.ts";
import { createRandom } from "../random/random.ts";
import { layered, lineChart, pointChart } from "../report/specs.ts";
import { relativeError } from "../linalg/vector.ts";

export const c28: Experiment = {
  id: "C28",
  title: "Mini-batch gradient variance falls as 1/S",
  claim: "The variance of a mini-batch gradient of size S equals the variance of a " +
    "single-example gradient divided by S.",
  note: "004",
  async run(context) {
    const iris = await irisDataset();
    const net = mlp({
      sizes: [4, 8, 3],
      activation: "tanh",
      output: "softmax",
      loss: "cross-entropy",
    });
    const f = networkObjective(net, iris);
    const x = net.initialParameters(context.seed);
    const n = iris.inputs.length, dim = net.dim;

    // Per-example gradients gᵢ and the full gradient g = (1/N)·Σᵢ gᵢ.
    const perExample = Array.from({ length: n }, (_, i) => f.subset([i]).gradient(x));
    const full = f.gradient(x);
    let sigma2 = 0;
    for (const gi of perExample) for (let j = 0; j < dim; j++) sigma2 += (gi[j] - full[j]) ** 2;
    sigma2 /= n;

    const random = createRandom(context.seed);
    const draws = context.quick ? 400 : 3000;
    const sizes = [1, 2, 4, 8, 16, 32, 64, 128];
    const rows: Row[] = [];
    const mean = new Float64Array(dim);
    let worstWith = 0, worstWithout = 0, largestNaiveGap = 0, checkedBatch = 0;
    sizes.forEach((S, index) => {
      for (const replacement of [true, false]) {
        let sum = 0, sumSquares = 0;
        for (let d = 0; d < draws; d++) {
          const batch = replacement
            ? Array.from({ length: S }, () => random.integer(n))
            : Array.from(random.permutation(n).subarray(0, S));
          mean.fill(0);
          for (const i of batch) for (let j = 0; j < dim; j++) mean[j] += perExample[i][j] / S;
          if (d === 0 && index === 3 && replacement) {
            // The mini-batch objective's own gradient is this average: check it once.
            checkedBatch = relativeError(f.subset(batch).gradient(x), mean);
          }
          let dist = 0;
          for (let j = 0; j < dim; j++) dist += (mean[j] - full[j]) ** 2;
          sum += dist;
          sumSquares += dist * dist;
        }
        const measured = sum / draws;
        const standardError = Math.sqrt(Math.max(0, sumSquares / draws - measured ** 2) / draws);
        const naive = sigma2 / S;
        const exact = replacement ? naive : naive * (n - S) / (n - 1);
        const zScore = (measured - exact) / standardError;
        if (replacement) worstWith = Math.max(worstWith, Math.abs(zScore));
        else {
          worstWithout = Math.max(worstWithout, Math.abs(zScore));
          largestNaiveGap = Math.max(largestNaiveGap, Math.abs(measured - naive) / naive);
        }
        rows.push({
          batchSize: S,
          sampling: replacement ? "with replacement" : "without replacement",
          measuredVariance: measured,
          standardError,
          sigma2OverS: naive,
          exactExpectation: exact,
          zScore,
        });
      }
      context.progress((index + 1) / sizes.length);
    });

    // Within 4 standard errors at every S counts as agreement (draws are independent, so a
    // false alarm across 16 comparisons has probability below 0.1%).
    const agrees = (z: number) => z <= 4;
    const withHolds = agrees(worstWith);
    const naiveFailsWithout = largestNaiveGap > 0.25;
    const verdict = withHolds && agrees(worstWithout) && naiveFailsWithout
      ? "holds under conditions"
      : withHolds && !naiveFailsWithout
      ? "holds"
      : "refuted";
    const lineRows = sizes.map((S) => ({ batchSize: S, variance: sigma2 / S, curve: "σ²/S" }));
    return {
      rows,
      spec: layered("C28: mini-batch gradient variance against batch size (Iris, N = 150)", [
        pointChart({
          data: rows,
          x: "batchSize",
          y: "measuredVariance",
          color: "sampling",
          logX: true,
          logY: true,
          xTitle: "batch size S",
          yTitle: "E‖g_S − g‖²",
        }),
        lineChart({
          data: lineRows,
          x: "batchSize",
          y: "variance",
          detail: "curve",
          logX: true,
          logY: true,
        }),
      ]),
      verdict,
      explanation: `With i.i.d. sampling (with replacement) the measured variance matches σ²/S ` +
        `(σ² = ${fmt(sigma2)}) at every S from 1 to 128, within ${
          fmt(worstWith)
        } standard errors ` +
        `(${draws} draws each). Without replacement it follows σ²/S·(N − S)/(N − 1) instead ` +
        `(within ${fmt(worstWithout)} standard errors) and falls below σ²/S by up to ` +
        `${fmt(100 * largestNaiveGap)}% as S approaches N = ${n}: the 1/S law needs independent ` +
        `samples, or S ≪ N.`,
      keyNumbers: {
        perExampleVariance: sigma2,
        worstZWithReplacement: worstWith,
        worstZWithoutReplacement: worstWithout,
        largestGapWithoutReplacement: largestNaiveGap,
        minibatchGradientCheck: checkedBatch,
      },
    };
  },
};
