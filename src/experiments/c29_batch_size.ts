/**
 * C29: larger batches converge in fewer updates, and smaller batches make more updates per
 * second.
 *
 * Mini-batch SGD trains a 4-8-3 tanh softmax network on Iris (f = θᵀθ/(2C) + mean
 * cross-entropy, C = 1000) with batch sizes from 1 to the full 150 samples, for several seeds
 * (initialisation and shuffles). Outcome: the updates needed to bring the full training loss to
 * a target, at one fixed learning rate and at the best of a small grid for each batch size.
 *
 * Time per update is measured deterministically, not with a clock: the multiply-adds of the
 * dense-layer kernels in one mini-batch gradient (`countMultiplyAdds`). That proxy is linear in
 * S by construction; it cannot show hardware parallelism, where an update on 10 samples costs
 * about as much as one on 1.
 *
 * @module
 */

import type { Row } from "./experiment.ts";
import type { LegacyExperiment as Experiment } from "./legacy.ts";
import { fmt } from "./common.ts";
import { trainOnMiniBatches } from "./minibatch_training.ts";
import { mlp } from "../nn/mlp.ts";
import { networkObjective } from "../curvature/network_objective.ts";
import { irisDataset } from "../problems/datasets.ts";
import { gd } from "../optim/gd.ts";
import type { Optimizer } from "../optim/types.ts";
import { countMultiplyAdds } from "../linalg/gemm.ts";
import { createRandom } from "../random/random.ts";
import {
  concatenated,
  layered,
  lineChart,
  pointChart,
  type VegaLiteSpec,
} from "../report/specs.ts";

/** The target full training loss (the best runs end near 0.066). */
const TARGET = 0.08;

/** The fixed learning rate of the first series. */
const FIXED_RATE = 0.3;

/** A log batch-size axis from 1 to the full batch. */
function batchAxis(spec: VegaLiteSpec, samples: number): VegaLiteSpec {
  const encoding = spec.encoding as Record<string, Record<string, unknown>>;
  const x = { ...encoding.x, scale: { type: "log", domain: [1, samples] } };
  return { ...spec, encoding: { ...encoding, x } };
}

/** Dashes in the given order of series (the first solid), without a legend. */
function solidFirst(spec: VegaLiteSpec, order: string[]): VegaLiteSpec {
  const encoding = spec.encoding as Record<string, Record<string, unknown>>;
  const strokeDash = { ...encoding.strokeDash, scale: { domain: order }, legend: null };
  return { ...spec, encoding: { ...encoding, strokeDash } };
}

function median(values: readonly number[]): number {
  const sorted = values.slice().sort((a, b) => a - b);
  const m = sorted.length >> 1;
  return sorted.length % 2 ? sorted[m] : 0.5 * (sorted[m - 1] + sorted[m]);
}

export const c29: Experiment = {
  id: "C29",
  title: "Batch size: fewer updates with large batches, cheaper updates with small ones",
  claim: "Larger batches converge in fewer updates, and smaller batches make more updates " +
    "per second.",
  note: "004",
  async run(context) {
    const iris = await irisDataset();
    const net = mlp({
      sizes: [4, 8, 3],
      activation: "tanh",
      output: "softmax",
      loss: "cross-entropy",
    });
    const f = networkObjective(net, iris, { C: 1000 });
    const samples = f.samples;
    const sizes = context.quick ? [1, 8, samples] : [1, 2, 4, 8, 16, 32, 64, samples];
    const rates = [0.1, FIXED_RATE, 1];
    const random = createRandom(context.seed);
    const seeds = Array.from({ length: context.quick ? 2 : 3 }, () => random.integer(0x7fffffff));
    const maxUpdates = context.quick ? 1000 : 3000;
    const checkpoints: number[] = [];
    for (let u = 1; u <= maxUpdates; u = Math.max(u + 1, Math.ceil(u * 1.02))) checkpoints.push(u);

    const rows: Row[] = [];
    // updates[size index][rate index][seed]
    const updates = sizes.map(() => rates.map(() => [] as number[]));
    let done = 0;
    for (const [i, S] of sizes.entries()) {
      for (const [r, lr] of rates.entries()) {
        for (const [s, seed] of seeds.entries()) {
          let reached = Infinity;
          trainOnMiniBatches(
            f,
            net.initialParameters(seed),
            gd({ learningRate: lr }) as Optimizer<unknown>,
            {
              batchSize: S,
              seed,
              updates: maxUpdates,
              checkpoints,
              onCheckpoint: (update, _x, loss) => {
                if (loss <= TARGET) {
                  reached = update;
                  return "stop";
                }
              },
            },
          );
          updates[i][r].push(reached);
          rows.push({
            part: "run",
            batchSize: S,
            learningRate: lr,
            seed: s,
            updatesToTarget: Number.isFinite(reached) ? reached : null,
            reached: Number.isFinite(reached),
          });
          context.progress(++done / (sizes.length * rates.length * seeds.length));
        }
      }
    }

    // Cost of one update: multiply-adds of one mini-batch gradient (and its gradient-equivalents).
    const x = net.initialParameters(seeds[0]);
    const order = createRandom(seeds[0]).permutation(samples);
    const cost = sizes.map((S) =>
      countMultiplyAdds(() => f.subset(order.subarray(0, S)).gradient(x))
    );

    // Medians over seeds (a run that missed the target counts as Infinity).
    const fixedIndex = rates.indexOf(FIXED_RATE);
    const fixed = sizes.map((_, i) => median(updates[i][fixedIndex]));
    const bestRate = sizes.map((_, i) => {
      const medians = rates.map((_, r) => median(updates[i][r]));
      const r = medians.indexOf(Math.min(...medians));
      return { index: r, rate: rates[r], updates: medians[r] };
    });
    const tuned = bestRate.map((b) => b.updates);
    const series = [
      {
        name: `α = ${FIXED_RATE}`,
        values: fixed,
        seedValues: sizes.map((_, i) => updates[i][fixedIndex]),
      },
      {
        name: "best α per batch size",
        values: tuned,
        seedValues: sizes.map((_, i) => updates[i][bestRate[i].index]),
      },
    ];
    // "Fewer updates with larger batches": a larger batch is clearly slower than a smaller one
    // when every seed at the larger size needed more updates than every seed at the smaller
    // one (first-passage counts vary by about ±10% across seeds, so medians alone would flag
    // noise where the curve has flattened); and the full batch needs clearly fewer than S = 1.
    const violations = series.map(({ seedValues }) => {
      let v = 0;
      for (let a = 0; a < seedValues.length; a++) {
        for (let b = a + 1; b < seedValues.length; b++) {
          if (Math.min(...seedValues[b]) > Math.max(...seedValues[a])) v++;
        }
      }
      return v;
    });
    const gains = series.map(({ values }) => values[0] / values[values.length - 1]);
    const fewerUpdates = violations.every((v) => v === 0) && gains.every((g) => g >= 1.5);
    const costPerSample = cost.map((c, i) => c / sizes[i]);
    const costLinear = costPerSample.every((c) => Math.abs(c / costPerSample[0] - 1) < 1e-12);
    const cheaperUpdates = cost.every((c, i) => i === 0 || c > cost[i - 1]);
    const verdict = fewerUpdates && cheaperUpdates
      ? "holds"
      : cheaperUpdates && violations.some((v) => v === 0)
      ? "holds under conditions"
      : "refuted";
    const computeToTarget = series.map(({ values }) => values.map((u, i) => u * cost[i]));
    const cheapest = computeToTarget[1].indexOf(Math.min(...computeToTarget[1]));
    // Saturation: the gain from the largest batch over a batch of 32.
    const i32 = sizes.indexOf(32);
    const saturation = i32 >= 0 ? tuned[i32] / tuned[tuned.length - 1] : NaN;

    const summaryRows: Row[] = [];
    sizes.forEach((S, i) => {
      summaryRows.push({
        part: "summary",
        batchSize: S,
        medianUpdatesFixedRate: Number.isFinite(fixed[i]) ? fixed[i] : null,
        bestRate: bestRate[i].rate,
        medianUpdatesBestRate: Number.isFinite(tuned[i]) ? tuned[i] : null,
        multiplyAddsPerUpdate: cost[i],
        gradientEquivalentsPerUpdate: S / samples,
        updatesPerMillionMultiplyAdds: 1e6 / cost[i],
        multiplyAddsToTargetBestRate: Number.isFinite(tuned[i]) ? tuned[i] * cost[i] : null,
      });
    });
    rows.push(...summaryRows);
    const curveRows = series.flatMap(({ name, values }) =>
      sizes.flatMap((S, i) =>
        Number.isFinite(values[i]) ? [{ series: name, batchSize: S, updates: values[i] }] : []
      )
    );
    const pointRows = rows
      .filter((r) => r.part === "run" && r.reached)
      .map((r) => ({ ...r, learningRate: `α = ${r.learningRate}` }));
    const costRows = summaryRows.flatMap((r) => [
      {
        quantity: "multiply-adds per update",
        batchSize: r.batchSize,
        value: r.multiplyAddsPerUpdate,
      },
      ...(r.multiplyAddsToTargetBestRate === null ? [] : [{
        quantity: "multiply-adds to the target (best α)",
        batchSize: r.batchSize,
        value: r.multiplyAddsToTargetBestRate,
      }]),
    ]);
    const last = sizes.length - 1;
    const show = (v: number) => (Number.isFinite(v) ? fmt(v) : `> ${maxUpdates}`);
    const explanation = `Updates to reach a training loss of ${TARGET} (median of ` +
      `${seeds.length} seeds) fall from ${show(fixed[0])} at S = 1 to ${show(fixed[last])} at ` +
      `S = ${samples} with α = ${FIXED_RATE}, and from ${show(tuned[0])} to ${show(tuned[last])} ` +
      `with the best α of {${rates.join(", ")}} per size` +
      (Number.isFinite(saturation)
        ? ` (flattening out: S = 32 needs ${fmt(saturation)}× the full batch's updates)`
        : "") +
      `; ${
        violations.every((v) => v === 0)
          ? "no larger batch was clearly slower than a smaller one"
          : `a larger batch was clearly slower (every seed) in ${
            violations.reduce((x, y) => x + y)
          } pairs`
      }. Time per update, measured as ` +
      `multiply-adds of one mini-batch gradient, grows ${costLinear ? "exactly " : ""}linearly ` +
      `from ${fmt(cost[0])} (S = 1) to ${fmt(cost[last])}, so small batches make ` +
      `${fmt(cost[last] / cost[0])}× more updates per unit of compute and reach the target with ` +
      `the least compute at S = ${sizes[cheapest]} (a flop proxy, blind to hardware parallelism).`;
    return {
      rows,
      spec: concatenated(`C29: mini-batch SGD on Iris, batch sizes 1 to ${samples}`, [
        layered(
          `updates to a loss of ${TARGET}; medians: best α (solid), α = ${FIXED_RATE} (dashed)`,
          [
            batchAxis(
              pointChart({
                data: pointRows,
                x: "batchSize",
                y: "updatesToTarget",
                color: "learningRate",
                logX: true,
                logY: true,
                size: 20,
                xTitle: "batch size S",
                yTitle: "updates",
                width: 300,
              }),
              samples,
            ),
            solidFirst(
              batchAxis(
                lineChart({
                  data: curveRows,
                  x: "batchSize",
                  y: "updates",
                  detail: "series",
                  logX: true,
                  logY: true,
                  xTitle: "batch size S",
                  yTitle: "updates",
                }),
                samples,
              ),
              [series[1].name, series[0].name],
            ),
          ],
        ),
        batchAxis(
          lineChart({
            data: costRows,
            x: "batchSize",
            y: "value",
            color: "quantity",
            points: true,
            logX: true,
            logY: true,
            title: "cost in multiply-adds (deterministic proxy for time)",
            xTitle: "batch size S",
            yTitle: "multiply-adds",
            width: 300,
          }),
          samples,
        ),
      ]),
      verdict,
      explanation,
      keyNumbers: {
        // Medians over seeds; where the median run missed the target, the budget of updates.
        updatesAtOneFixedRateCapped: Math.min(fixed[0], maxUpdates),
        updatesAtFullBatchFixedRateCapped: Math.min(fixed[last], maxUpdates),
        updatesAtOneBestRateCapped: Math.min(tuned[0], maxUpdates),
        updatesAtFullBatchBestRateCapped: Math.min(tuned[last], maxUpdates),
        multiplyAddsPerUpdateAtOne: cost[0],
        multiplyAddsPerUpdateAtFullBatch: cost[last],
        batchSizeWithLeastComputeToTarget: sizes[cheapest],
      },
    };
  },
};
