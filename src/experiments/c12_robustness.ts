/**
 * C12: higher-order methods are more robust (their behaviour is consistent across easy and
 * difficult problems), while stochastic gradient is sensitive to its parameters.
 *
 * Two problems, both f(θ) = θᵀθ/(2C) + mean cross-entropy with C = 1000 and tanh softmax MLPs:
 * Iris (easy: 4-8-3, 150 samples, standardised) and an MNIST subset (harder: 7 × 7 pooled
 * images, 49-16-10, 20 samples of each digit). Every method gets the same budget of
 * gradient-equivalents (GE): a full gradient is 1, a mini-batch gradient of S samples S/N, a
 * Hessian- or Gauss-Newton-vector product 2 or 4/3 (the driver's counts).
 *
 * - Mini-batch SGD and Adam (S = 16) over a log grid of learning rates spanning three decades,
 *   for several seeds (initialisation and shuffles);
 * - trust-region Newton-CG, Hessian-free and L-BFGS at their default settings, for the same
 *   seeds.
 *
 * Outcome: the final training loss as a fraction of the way from the start back to the best
 * loss any run reached, gap = (f − f_best)/(f₀ − f_best), clamped to [0, 1] (a diverged run
 * counts as 1). A method is robust on a problem when its worst gap over all its configurations
 * is at most 0.1; its spread is max gap − min gap. The comparison is the one the claim makes:
 * the first-order methods over learning rates and seeds, the second-order ones over seeds at
 * their defaults (none of their own parameters is swept).
 *
 * @module
 */

import type { Row } from "./experiment.ts";
import type { LegacyExperiment as Experiment } from "./legacy.ts";
import { fmt } from "./common.ts";
import { trainOnMiniBatches } from "./minibatch_training.ts";
import { mlp, type Network } from "../nn/mlp.ts";
import { type NetworkObjective, networkObjective } from "../curvature/network_objective.ts";
import { irisDataset, mnistSubset } from "../problems/datasets.ts";
import { minimize } from "../optim/minimize.ts";
import { gd } from "../optim/gd.ts";
import { adam } from "../optim/adam.ts";
import type { Optimizer } from "../optim/types.ts";
import { createRandom } from "../random/random.ts";
import {
  concatenated,
  layered,
  lineChart,
  pointChart,
  type VegaLiteSpec,
  withColorScale,
} from "../report/specs.ts";

/** The regularisation constant of both problems. */
const C = 1000;

/** Mini-batch size of SGD and Adam. */
const BATCH_SIZE = 16;

/** A method is robust on a problem when no configuration ends further than this gap. */
const ROBUST_GAP = 0.1;

type FirstOrder = "SGD" | "Adam";
type SecondOrder = "Newton-CG (trust region)" | "Hessian-free" | "L-BFGS";
type MethodName = FirstOrder | SecondOrder;

const SECOND_ORDER: { name: SecondOrder; method: "trust-region" | "hessian-free" | "lbfgs" }[] = [
  { name: "Newton-CG (trust region)", method: "trust-region" },
  { name: "Hessian-free", method: "hessian-free" },
  { name: "L-BFGS", method: "lbfgs" },
];

interface Outcome {
  problem: string;
  method: MethodName;
  learningRate: number | null;
  seed: number;
  initialLoss: number;
  /** The loss at each budget (index as `budgets`). */
  losses: number[];
}

interface Problem {
  name: string;
  objective: NetworkObjective;
  network: Network;
}

function logGrid(low: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => Number((low * Math.sqrt(10) ** i).toPrecision(2)));
}

export const c12: Experiment = {
  id: "C12",
  title:
    "Robustness: second-order methods at their defaults against SGD and Adam over learning rates",
  claim: "Higher-order methods are more robust: their behaviour is consistent across easy and " +
    "difficult problems, while stochastic gradient is sensitive to its parameters.",
  note: "001",
  async run(context) {
    const quick = context.quick;
    const random = createRandom(context.seed);
    const budgets = quick ? [5, 10, 20] : [25, 50, 100];
    const budget = budgets[budgets.length - 1];
    const seeds = Array.from({ length: quick ? 2 : 3 }, () => random.integer(0x7fffffff));
    const sgdRates = quick ? [0.01, 0.1, 1] : logGrid(0.003, 7);
    const adamRates = quick ? [0.001, 0.01, 0.1] : logGrid(0.0001, 7);
    const activation = "tanh" as const;
    const head = { output: "softmax" as const, loss: "cross-entropy" as const };
    const irisNet = mlp({ sizes: [4, 8, 3], activation, ...head });
    const mnistNet = mlp({ sizes: [49, 16, 10], activation, ...head });
    const problems: Problem[] = [
      {
        name: "Iris (easy)",
        network: irisNet,
        objective: networkObjective(irisNet, await irisDataset(), { C }),
      },
      {
        name: "MNIST 7×7 (harder)",
        network: mnistNet,
        objective: networkObjective(
          mnistNet,
          await mnistSubset({ perClass: quick ? 5 : 20, downsample: 4 }),
          { C },
        ),
      },
    ];
    const outcomes: Outcome[] = [];
    const curveRows: Row[] = [];
    const totalRuns = problems.length * seeds.length *
      (sgdRates.length + adamRates.length + SECOND_ORDER.length);
    let runs = 0;
    const tick = () => context.progress(++runs / (totalRuns + 2));

    for (const problem of problems) {
      const f = problem.objective;
      const samples = f.samples;
      for (const [s, seed] of seeds.entries()) {
        const x0 = problem.network.initialParameters(seed);
        const initialLoss = f.value(x0);
        // First-order methods on mini-batches: each update costs S/N gradient-equivalents.
        const updatesAt = budgets.map((b) => Math.floor((b * samples) / BATCH_SIZE));
        const firstOrder: [FirstOrder, number[], (lr: number) => Optimizer<unknown>][] = [
          ["SGD", sgdRates, (lr) => gd({ learningRate: lr }) as Optimizer<unknown>],
          ["Adam", adamRates, (lr) => adam({ learningRate: lr }) as Optimizer<unknown>],
        ];
        for (const [name, rates, make] of firstOrder) {
          for (const lr of rates) {
            const losses: number[] = [];
            const run = trainOnMiniBatches(f, x0, make(lr), {
              batchSize: BATCH_SIZE,
              seed,
              updates: updatesAt[updatesAt.length - 1],
              checkpoints: updatesAt,
              onCheckpoint: (_u, _x, loss) => {
                losses.push(loss);
              },
            });
            while (losses.length < budgets.length) losses.push(run.fullLoss); // diverged early
            outcomes.push({
              problem: problem.name,
              method: name,
              learningRate: lr,
              seed: s,
              initialLoss,
              losses,
            });
            tick();
          }
        }
        // Second-order methods at their defaults: the loss at the last iterate within budget.
        for (const { name, method } of SECOND_ORDER) {
          const result = minimize(f, x0, {
            method,
            maxIterations: 100_000,
            gradientTolerance: 1e-10,
            onIteration: (row) => (row.gradientEquivalents >= budget ? "stop" : undefined),
          });
          const losses = budgets.map((b) => {
            let value = result.trace[0].value;
            for (const row of result.trace) if (row.gradientEquivalents <= b) value = row.value;
            return value;
          });
          outcomes.push({
            problem: problem.name,
            method: name,
            learningRate: null,
            seed: s,
            initialLoss,
            losses,
          });
          if (problem === problems[0] && s === 0) {
            for (const row of result.trace) {
              if (row.gradientEquivalents <= budget) {
                curveRows.push({
                  method: name,
                  gradientEquivalents: row.gradientEquivalents,
                  loss: row.value,
                });
              }
            }
          }
          tick();
        }
      }
    }

    // Gaps and robustness per method, problem and budget.
    const methods: MethodName[] = ["SGD", "Adam", ...SECOND_ORDER.map((m) => m.name)];
    const bestOf = (problem: string) =>
      Math.min(...outcomes.filter((o) => o.problem === problem).flatMap((o) => o.losses));
    const best = new Map(problems.map((p) => [p.name, bestOf(p.name)]));
    const gapOf = (o: Outcome, b: number) => {
      const fBest = best.get(o.problem)!;
      const loss = o.losses[b];
      if (!Number.isFinite(loss)) return 1;
      return Math.min(1, Math.max(0, (loss - fBest) / (o.initialLoss - fBest)));
    };
    interface Summary {
      problem: string;
      method: MethodName;
      budgetIndex: number;
      worst: number;
      bestGap: number;
      spread: number;
      median: number;
      robust: boolean;
    }
    const summaries: Summary[] = [];
    for (const problem of problems) {
      for (const method of methods) {
        const list = outcomes.filter((o) => o.problem === problem.name && o.method === method);
        budgets.forEach((_, b) => {
          const gaps = list.map((o) => gapOf(o, b)).sort((x, y) => x - y);
          const worst = gaps[gaps.length - 1], bestGap = gaps[0];
          summaries.push({
            problem: problem.name,
            method,
            budgetIndex: b,
            worst,
            bestGap,
            spread: worst - bestGap,
            median: gaps[gaps.length >> 1],
            robust: worst <= ROBUST_GAP,
          });
        });
      }
    }
    const at = (problem: string, method: MethodName, b = budgets.length - 1) =>
      summaries.find((s) => s.problem === problem && s.method === method && s.budgetIndex === b)!;
    const verdictAt = (b: number) => {
      const firstOrderSensitive = (["SGD", "Adam"] as const).every((m) =>
        problems.some((p) => !at(p.name, m, b).robust)
      );
      const robust = SECOND_ORDER.filter(({ name }) =>
        problems.every((p) =>
          at(p.name, name, b).robust &&
          at(p.name, name, b).spread <
            Math.min(at(p.name, "SGD", b).spread, at(p.name, "Adam", b).spread)
        )
      ).map((m) => m.name);
      return { firstOrderSensitive, robust };
    };
    const main = verdictAt(budgets.length - 1);
    const verdict = main.firstOrderSensitive && main.robust.length === SECOND_ORDER.length
      ? "holds"
      : main.firstOrderSensitive && main.robust.length > 0
      ? "holds under conditions"
      : "refuted";

    // Iris convergence curves: Adam at its best learning rate on Iris (median gap over seeds).
    const iris = problems[0];
    const adamOnIris = adamRates.map((lr) => {
      const gaps = outcomes
        .filter((o) => o.problem === iris.name && o.method === "Adam" && o.learningRate === lr)
        .map((o) => gapOf(o, budgets.length - 1))
        .sort((x, y) => x - y);
      return { lr, median: gaps[gaps.length >> 1] };
    });
    const bestAdam = adamOnIris.reduce((a, b) => (b.median < a.median ? b : a));
    {
      const f = iris.objective;
      const x0 = iris.network.initialParameters(seeds[0]);
      const perGe = f.samples / BATCH_SIZE;
      const last = Math.floor(budget * perGe);
      const checkpoints = Array.from(
        new Set(
          Array.from({ length: 40 }, (_, i) => Math.max(1, Math.round(last ** (i / 39)))),
        ),
      );
      curveRows.push({
        method: "Adam",
        gradientEquivalents: 1,
        loss: f.value(x0),
      });
      trainOnMiniBatches(f, x0, adam({ learningRate: bestAdam.lr }) as Optimizer<unknown>, {
        batchSize: BATCH_SIZE,
        seed: seeds[0],
        updates: last,
        checkpoints,
        onCheckpoint: (update, _x, loss) => {
          curveRows.push({
            method: "Adam",
            gradientEquivalents: 1 + update / perGe,
            loss,
          });
        },
      });
    }
    const irisBest = best.get(iris.name)!;
    const excessRows = curveRows
      .map((r) => ({ ...r, excessLoss: (r.loss as number) - irisBest }))
      .filter((r) => r.excessLoss > 0);
    context.progress(1);

    // Rows: every run's outcome at every budget, then the summaries and the curves.
    const rows: Row[] = [];
    for (const o of outcomes) {
      budgets.forEach((b, i) => {
        rows.push({
          part: "run",
          problem: o.problem,
          method: o.method,
          learningRate: o.learningRate,
          seed: o.seed,
          budgetGradientEquivalents: b,
          initialLoss: o.initialLoss,
          finalLoss: Number.isFinite(o.losses[i]) ? o.losses[i] : null,
          diverged: !Number.isFinite(o.losses[i]),
          gap: gapOf(o, i),
        });
      });
    }
    for (const s of summaries) {
      rows.push({
        part: "summary",
        problem: s.problem,
        method: s.method,
        budgetGradientEquivalents: budgets[s.budgetIndex],
        worstGap: s.worst,
        bestGap: s.bestGap,
        spread: s.spread,
        medianGap: s.median,
        robust: s.robust,
      });
    }
    for (const r of excessRows) rows.push({ part: "Iris curve", ...r });

    // Explanation.
    const spreadText = (m: MethodName) =>
      problems.map((p) => fmt(at(p.name, m).spread, 2)).join("/");
    const robustBy = budgets.map((b, i) => `${verdictAt(i).robust.length} at ${b} GE`).join(", ");
    const notRobust = SECOND_ORDER.map((m) => m.name).filter((n) => !main.robust.includes(n));
    const worstText = (m: MethodName) => problems.map((p) => fmt(at(p.name, m).worst, 2)).join("/");
    const explanation =
      `Spread of the final loss gap (Iris/MNIST, ${budget} gradient-equivalents): ` +
      `SGD ${spreadText("SGD")} and Adam ${spreadText("Adam")} over ${sgdRates.length} ` +
      `learning rates × ${seeds.length} seeds, against ${
        SECOND_ORDER.map((m) => `${m.name} ${spreadText(m.name)}`).join(", ")
      } over seeds at default settings. ` +
      `Robust on both problems (worst gap ≤ ${ROBUST_GAP}): ${
        main.robust.length ? main.robust.join(" and ") : "none"
      }${
        notRobust.length
          ? `; not ${notRobust.join(", ")} (worst gap ${
            notRobust.map((n) => worstText(n)).join(", ")
          })`
          : ""
      } (second-order methods robust: ${robustBy}); ` +
      `SGD's and Adam's worst gaps are ${worstText("SGD")} and ${worstText("Adam")}.`;

    // Figure: Iris curves, and the sweeps of both problems.
    // One colour per method in every panel; the legend sits on the last panel.
    const colored = (spec: VegaLiteSpec, legend: boolean): VegaLiteSpec =>
      withColorScale(spec, methods, { legend });
    const sweepPanel = (problem: Problem, legend: boolean) => {
      const runRows = rows.filter((r) =>
        r.part === "run" && r.problem === problem.name &&
        r.budgetGradientEquivalents === budget && r.finalLoss !== null
      );
      const firstOrderRows = runRows.filter((r) => r.learningRate !== null);
      const lo = Math.min(...adamRates), hi = Math.max(...sgdRates);
      // The second-order methods have no learning rate: one horizontal line per seed.
      const secondOrderRows = runRows.filter((r) => r.learningRate === null).flatMap((r) =>
        [lo, hi].map((x) => ({
          method: r.method,
          seed: `seed ${r.seed}`,
          learningRate: x,
          finalLoss: r.finalLoss,
        }))
      );
      const axes = {
        x: "learningRate",
        y: "finalLoss",
        color: "method",
        logX: true,
        logY: true,
        xTitle: "learning rate of SGD and Adam",
        yTitle: "final training loss",
        width: 250,
      };
      return layered(`${problem.name}: after ${budget} GE (lines: defaults)`, [
        colored(pointChart({ ...axes, data: firstOrderRows }), legend),
        colored(
          {
            ...lineChart({ ...axes, data: secondOrderRows }),
            encoding: {
              ...(lineChart({ ...axes, data: secondOrderRows }).encoding as object),
              detail: { field: "seed", type: "nominal" },
            },
          },
          legend,
        ),
      ]);
    };
    return {
      rows,
      spec: concatenated("C12: robustness across learning rates, seeds and problems", [
        colored(
          lineChart({
            data: excessRows,
            x: "gradientEquivalents",
            y: "excessLoss",
            color: "method",
            points: true,
            logX: true,
            logY: true,
            title: `Iris, first seed (Adam at its best α = ${bestAdam.lr})`,
            xTitle: "gradient-equivalents",
            yTitle: "training loss − best loss found",
            width: 250,
          }),
          false,
        ),
        sweepPanel(problems[0], false),
        sweepPanel(problems[1], true),
      ]),
      verdict,
      explanation,
      keyNumbers: {
        sgdSpreadIris: at(problems[0].name, "SGD").spread,
        sgdSpreadMnist: at(problems[1].name, "SGD").spread,
        adamSpreadIris: at(problems[0].name, "Adam").spread,
        adamSpreadMnist: at(problems[1].name, "Adam").spread,
        newtonCgWorstGapIris: at(problems[0].name, "Newton-CG (trust region)").worst,
        newtonCgWorstGapMnist: at(problems[1].name, "Newton-CG (trust region)").worst,
        hessianFreeWorstGapIris: at(problems[0].name, "Hessian-free").worst,
        hessianFreeWorstGapMnist: at(problems[1].name, "Hessian-free").worst,
        lbfgsWorstGapIris: at(problems[0].name, "L-BFGS").worst,
        lbfgsWorstGapMnist: at(problems[1].name, "L-BFGS").worst,
        robustSecondOrderMethods: main.robust.length,
      },
    };
  },
};
