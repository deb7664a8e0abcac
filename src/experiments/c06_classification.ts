/**
 * C06: note 000's classification run. A 2-3-1 network (tanh hidden layer, sigmoid output,
 * cross-entropy loss) is trained on the notes' two-class Gaussian mixture by 50 full-batch Adam
 * steps (learning rate 0.1), then by undamped Newton steps with the full Hessian; the notes' run
 * ended there with "Singular matrix".
 *
 * Over several data sets and initialisations (all derived from the run's seed), the experiment
 * records:
 * - the undamped run (direct solve, full step α = 1, no fallback): the Hessian's spectrum at
 *   every iterate (smallest and largest eigenvalue, how many are negative, the condition number
 *   max|λ|/min|λ|), how the run ended and at which step;
 * - from the same Adam point, damped Newton (Armijo backtracking, falling back to H + λI when the
 *   Newton direction is unusable), Levenberg-Marquardt and Gauss-Newton through `minimize()`:
 *   final loss, gradient norm, iterations, whether the end point is a local minimum, and the
 *   training accuracy.
 *
 * Both runs use the notes' objective (no regulariser) and, as a variant, the same objective with
 * the term θᵀθ/(2C), C = 1000, which gives the loss a minimiser at finite weights.
 *
 * @module
 */

import type { Row } from "./experiment.ts";
import type { LegacyExperiment as Experiment } from "./legacy.ts";
import { fmt } from "./common.ts";
import { median, runSteps, type SteppedRun } from "./stepping.ts";
import { gaussianMixture, type LabelledDataset } from "../problems/datasets.ts";
import { mlp, type Network } from "../nn/mlp.ts";
import { type NetworkObjective, networkObjective } from "../curvature/network_objective.ts";
import { adam } from "../optim/adam.ts";
import { newton } from "../optim/newton.ts";
import { minimize } from "../optim/minimize.ts";
import type { MinimizeResult } from "../optim/types.ts";
import { eigh } from "../solve/eigh.ts";
import { createRandom } from "../random/random.ts";
import {
  concatenated,
  continuousHeatMap,
  layered,
  lineChart,
  pointChart,
  type VegaLiteSpec,
} from "../report/specs.ts";

/** The notes' schedule: 50 full-batch Adam steps at learning rate 0.1. */
const ADAM_STEPS = 50;
const ADAM_RATE = 0.1;

/** The regularised variant's constant C of θᵀθ/(2C). */
const C_VARIANT = 1000;

/**
 * An end point is a local minimum when λmin(H) ≥ −√ε·max|λ|: eigenvalues closer to zero than
 * that are flat directions (saturated units, weights running off to infinity) that the
 * second-order test cannot sign, at the relative accuracy of a Hessian formed from products
 * whose rounding is compounded over the data.
 */
const MINIMUM_TOLERANCE = Math.sqrt(Number.EPSILON);

/**
 * The damped methods stop when ‖∇f‖ ≤ 1e-6. Near a minimum where H ⪰ μI the loss is then
 * within ‖∇f‖²/(2μ) of the minimum value: 5e-10 for the μ ≈ 1e-3 that the regulariser
 * θᵀθ/(2C), C = 1000, guarantees, below every difference between the runs' losses quoted.
 */
const GRADIENT_TOLERANCE = 1e-6;

/** Losses and eigenvalue magnitudes are plotted on log axes with this floor. */
const PLOT_FLOOR = 1e-16;

/** Grid cells per side of the decision-boundary heat map. */
const GRID = 40;

/** The damped methods that finish the job, as `minimize()` names them. */
const DAMPED = ["newton", "levenberg-marquardt", "gauss-newton"] as const;
type DampedMethod = (typeof DAMPED)[number];

const METHOD_LABEL: Record<DampedMethod | "adam" | "undamped", string> = {
  adam: "Adam (50 steps)",
  undamped: "undamped Newton",
  newton: "damped Newton",
  "levenberg-marquardt": "Levenberg-Marquardt",
  "gauss-newton": "Gauss-Newton",
};

interface Configuration {
  label: string;
  C: number | undefined;
}

/** The Hessian's spectrum at a point. */
interface Spectrum {
  values: Float64Array;
  min: number;
  max: number;
  negatives: number;
  /** max|λ| / min|λ| (∞ when an eigenvalue is exactly 0). */
  condition: number;
}

function spectrum(f: NetworkObjective, x: Float64Array): Spectrum {
  const { values } = eigh(f.hessian(x));
  let smallest = Infinity, largest = 0, negatives = 0;
  for (const v of values) {
    smallest = Math.min(smallest, Math.abs(v));
    largest = Math.max(largest, Math.abs(v));
    if (v < 0) negatives++;
  }
  return {
    values,
    min: values[0],
    max: values[values.length - 1],
    negatives,
    condition: largest / smallest,
  };
}

function isLocalMinimum(s: Spectrum): boolean {
  return s.min >= -MINIMUM_TOLERANCE * Math.max(Math.abs(s.min), Math.abs(s.max));
}

function accuracy(net: Network, x: Float64Array, data: LabelledDataset): number {
  const p = net.predict(x, data.inputs);
  let right = 0;
  p.forEach(([q], i) => {
    if ((q >= 0.5 ? 1 : 0) === data.labels[i]) right++;
  });
  return right / data.labels.length;
}

/**
 * A unit counts as saturated when its derivative has all but vanished: 1 − tanh² (hidden) or
 * σ(1 − σ) (output) below this. Its contribution to every first and second derivative is then
 * scaled by less than 1e-8, so its rows of the Hessian are numerically zero.
 */
const SATURATED = 1e-8;

/** The fractions of (sample, hidden unit) pairs and of samples' outputs that are saturated. */
function saturation(
  net: Network,
  x: Float64Array,
  data: LabelledDataset,
): { hidden: number; output: number } {
  const layer = net.layers[0];
  let hidden = 0, output = 0;
  const outputs = net.predict(x, data.inputs);
  data.inputs.forEach((input, r) => {
    for (let j = 0; j < layer.outputs; j++) {
      let z = x[layer.biasOffset + j];
      for (let i = 0; i < layer.inputs; i++) {
        z += x[layer.weightOffset + j * layer.inputs + i] * input[i];
      }
      const h = Math.tanh(z);
      if (1 - h * h < SATURATED) hidden++;
    }
    const p = outputs[r][0];
    if (p * (1 - p) < SATURATED) output++;
  });
  return {
    hidden: hidden / (data.inputs.length * layer.outputs),
    output: output / data.inputs.length,
  };
}

/** How an undamped run ended, in words, and whether that is a failure. */
function undampedOutcome(
  run: SteppedRun,
  end: Spectrum,
): { outcome: string; failed: boolean } {
  const start = run.values[0], last = run.values[run.values.length - 1];
  switch (run.status) {
    case "singular":
      return { outcome: "singular Hessian", failed: true };
    case "non-finite":
      return { outcome: "non-finite step", failed: true };
    case "converged":
      if (!isLocalMinimum(end)) return { outcome: "converged to a saddle point", failed: true };
      if (last > start) return { outcome: "converged to a higher minimum", failed: true };
      return { outcome: "converged to a minimum", failed: false };
    default:
      return last > start
        ? { outcome: "diverged (loss above the start)", failed: true }
        : { outcome: "not converged", failed: true };
  }
}

/** A finite number for a row, or null. */
const finite = (v: number) => (Number.isFinite(v) ? v : null);

function range(values: readonly number[]): string {
  if (values.length === 0) return "none";
  const lo = Math.min(...values), hi = Math.max(...values);
  return lo === hi ? fmt(lo) : `${fmt(lo)} to ${fmt(hi)}`;
}

export const c06: Experiment = {
  id: "C06",
  title: "Note 000's classifier: undamped Newton breaks, damped methods finish",
  claim: "On the notes' two-class Gaussian mixture, a 2-3-1 tanh/sigmoid network trained by 50 " +
    "Adam steps and then undamped Newton steps with the full Hessian ends in a singular " +
    "matrix; damped Newton, Levenberg-Marquardt and Gauss-Newton finish the job.",
  note: "000",
  run(context) {
    const seeds = context.quick ? 3 : 8;
    const undampedSteps = context.quick ? 30 : 50;
    const maxIterations = context.quick ? 100 : 200;
    const net = mlp({ sizes: [2, 3, 1], activation: "tanh", output: "sigmoid", loss: "logistic" });
    const configurations: Configuration[] = [
      { label: "no regulariser (the notes)", C: undefined },
      { label: `C = ${C_VARIANT}`, C: C_VARIANT },
    ];
    const random = createRandom(context.seed);
    const draws = Array.from({ length: seeds }, () => ({
      data: random.integer(0x7fffffff),
      init: random.integer(0x7fffffff),
    }));

    const rows: Row[] = [];
    const lossRows: Row[][] = configurations.map(() => []);
    const eigenRows: Row[] = [];
    let boundary: { x: Float64Array; data: LabelledDataset; method: string } | undefined;

    // Per configuration: undamped failures and their details, damped finishes per method.
    const stats = configurations.map(() => ({
      undampedFailed: 0,
      singular: 0,
      indefiniteAtStart: 0,
      lossRoseFirstStep: 0,
      failureSteps: [] as number[],
      startLambdaMin: [] as number[],
      peakLoss: [] as number[],
      saturatedOutputsAtEnd: [] as number[],
      saturatedHiddenAtEnd: [] as number[],
      saturatedOutputsAtStart: [] as number[],
      endCondition: [] as number[],
      exactlyZero: 0,
      outcomes: new Map<string, number>(),
      finished: Object.fromEntries(DAMPED.map((m) => [m, 0])) as Record<DampedMethod, number>,
      finalLoss: Object.fromEntries(DAMPED.map((m) => [m, [] as number[]])) as Record<
        DampedMethod,
        number[]
      >,
      startLoss: [] as number[],
    }));

    draws.forEach((draw, s) => {
      const data = gaussianMixture(draw.data);
      const x0 = net.initialParameters(draw.init);
      configurations.forEach((config, c) => {
        const f = networkObjective(net, data, config.C === undefined ? {} : { C: config.C });
        const st = stats[c];
        const adamRun = runSteps(adam({ learningRate: ADAM_RATE }), f, x0, {
          maxSteps: ADAM_STEPS,
        });
        const xa = adamRun.points[adamRun.points.length - 1];
        const fa = adamRun.values[adamRun.values.length - 1];
        st.startLoss.push(fa);
        const base = {
          seed: s,
          dataSeed: draw.data,
          initSeed: draw.init,
          objective: config.label,
          adamLoss: fa,
        };

        // Undamped Newton: H d = −∇f by a direct solve, full step, no fallback.
        const undamped = runSteps(
          newton({ solver: "direct", lineSearch: "none", fallback: "none" }),
          f,
          xa,
          { maxSteps: undampedSteps, gradientTolerance: 1e-8 },
        );
        // A failed step returns the point it started from: the spectrum is the same there.
        const distinct = undamped.status === "singular" || undamped.status === "line-search-failed"
          ? undamped.points.slice(0, -1)
          : undamped.points;
        const spectra = distinct.map((p) => spectrum(f, p));
        const first = spectra[0], end = spectra[spectra.length - 1];
        const { outcome, failed } = undampedOutcome(undamped, end);
        const steps = undamped.infos.length;
        const peak = Math.max(...undamped.values);
        if (failed) st.undampedFailed++;
        if (undamped.status === "singular") st.singular++;
        if (first.negatives > 0) st.indefiniteAtStart++;
        if (undamped.values.length > 1 && undamped.values[1] > undamped.values[0]) {
          st.lossRoseFirstStep++;
        }
        st.failureSteps.push(steps);
        st.startLambdaMin.push(first.min);
        st.peakLoss.push(peak);
        const saturatedStart = saturation(net, xa, data);
        const saturatedEnd = saturation(net, distinct[distinct.length - 1], data);
        st.saturatedOutputsAtStart.push(saturatedStart.output);
        st.saturatedOutputsAtEnd.push(saturatedEnd.output);
        st.saturatedHiddenAtEnd.push(saturatedEnd.hidden);
        if (Number.isFinite(end.condition)) st.endCondition.push(end.condition);
        else st.exactlyZero++;
        st.outcomes.set(outcome, (st.outcomes.get(outcome) ?? 0) + 1);
        rows.push({
          ...base,
          method: METHOD_LABEL.undamped,
          status: undamped.status,
          outcome,
          finished: !failed,
          iterations: steps,
          finalLoss: undamped.values[undamped.values.length - 1],
          peakLoss: peak,
          gradientNorm: undamped.gradientNorms[undamped.gradientNorms.length - 1],
          accuracy: accuracy(net, distinct[distinct.length - 1], data),
          saturatedOutputsStart: saturatedStart.output,
          saturatedOutputsEnd: saturatedEnd.output,
          saturatedHiddenEnd: saturatedEnd.hidden,
          lambdaMinStart: first.min,
          negativeEigenvaluesStart: first.negatives,
          lambdaMinEnd: end.min,
          lambdaMaxEnd: end.max,
          negativeEigenvaluesEnd: end.negatives,
          conditionEnd: finite(end.condition),
        });

        // The other methods from the same Adam point.
        const results = new Map<DampedMethod, MinimizeResult>();
        for (const method of DAMPED) {
          const result = minimize(f, xa, {
            method,
            maxIterations,
            gradientTolerance: GRADIENT_TOLERANCE,
          });
          results.set(method, result);
          const endSpectrum = spectrum(f, result.x);
          const done = result.success && isLocalMinimum(endSpectrum) && result.value <= fa;
          if (done) st.finished[method]++;
          st.finalLoss[method].push(result.value);
          rows.push({
            ...base,
            method: METHOD_LABEL[method],
            status: result.status,
            outcome: done
              ? "converged to a minimum"
              : result.success
              ? (isLocalMinimum(endSpectrum)
                ? "converged above the start"
                : "converged to a saddle")
              : result.status,
            finished: done,
            iterations: result.iterations,
            finalLoss: result.value,
            peakLoss: Math.max(...result.trace.map((r) => r.value)),
            gradientNorm: result.gradientNorm,
            accuracy: accuracy(net, result.x, data),
            lambdaMinStart: first.min,
            negativeEigenvaluesStart: first.negatives,
            lambdaMinEnd: endSpectrum.min,
            lambdaMaxEnd: endSpectrum.max,
            negativeEigenvaluesEnd: endSpectrum.negatives,
            conditionEnd: finite(endSpectrum.condition),
          });
        }

        // Figures: the first data set.
        if (s !== 0) return;
        const losses = lossRows[c];
        adamRun.values.forEach((v, k) => {
          losses.push({
            method: METHOD_LABEL.adam,
            iteration: k - ADAM_STEPS,
            loss: Math.max(v, PLOT_FLOOR),
          });
        });
        undamped.values.slice(0, distinct.length).forEach((v, k) => {
          losses.push({
            method: METHOD_LABEL.undamped,
            iteration: k,
            loss: Math.max(v, PLOT_FLOOR),
          });
        });
        for (const [method, result] of results) {
          for (const r of result.trace) {
            losses.push({
              method: METHOD_LABEL[method],
              iteration: r.iteration,
              loss: Math.max(r.value, PLOT_FLOOR),
            });
          }
        }
        if (c === 0) {
          spectra.forEach((sp, k) => {
            for (const v of sp.values) {
              eigenRows.push({
                iteration: k,
                absEigenvalue: Math.max(Math.abs(v), PLOT_FLOOR),
                sign: v > 0 ? "λ > 0" : v < 0 ? "λ < 0" : "λ = 0",
              });
            }
          });
          boundary = { x: results.get("newton")!.x, data, method: METHOD_LABEL.newton };
        }
      });
      context.progress((s + 1) / seeds);
    });

    // The decision boundary of the first data set's damped-Newton network.
    const spec = figure(net, boundary!, lossRows, eigenRows, configurations);

    const notes = stats[0], reg = stats[1];
    const allFinished = (st: (typeof stats)[number]) =>
      DAMPED.every((m) => st.finished[m] === seeds);
    // Each damped method reached a minimum on at least half the data sets.
    const mostFinished = (st: (typeof stats)[number]) =>
      DAMPED.every((m) => 2 * st.finished[m] >= seeds);
    const verdict = notes.undampedFailed === 0
      ? "refuted"
      : allFinished(notes)
      ? "holds"
      : mostFinished(reg) || mostFinished(notes)
      ? "holds under conditions"
      : "refuted";
    const outcomeList = (st: (typeof stats)[number]) =>
      [...st.outcomes].map(([o, n]) => `${o} ${n}`).join(", ");
    const medianLoss = (st: (typeof stats)[number], m: DampedMethod) => median(st.finalLoss[m]);
    const finishedList = (st: (typeof stats)[number]) =>
      DAMPED.map((m) =>
        `${METHOD_LABEL[m]} ${st.finished[m]} (median final loss ${fmt(medianLoss(st, m))})`
      ).join(", ");
    const explanation =
      `Undamped Newton from the Adam point failed on ${notes.undampedFailed} of ` +
      `${seeds} data sets without a regulariser (${outcomeList(notes)}): the Hessian there was ` +
      `indefinite on ${notes.indefiniteAtStart} (λmin ${range(notes.startLambdaMin)}), the ` +
      `first full step raised the loss on ${notes.lossRoseFirstStep}, and the loss peaked at ` +
      `a median ${fmt(median(notes.peakLoss))} (from ${fmt(median(notes.startLoss))}) as the ` +
      `units saturated (at the last iterate a median ${
        fmt(100 * median(notes.saturatedOutputsAtEnd))
      }% of the sigmoid outputs and ${
        fmt(100 * median(notes.saturatedHiddenAtEnd))
      }% of the tanh activations had derivatives below 1e-8, against ${
        fmt(100 * median(notes.saturatedOutputsAtStart))
      }% of the outputs at the Adam point), until the Hessian was numerically singular after ` +
      `${range(notes.failureSteps)} steps (condition number there ` +
      `${range(notes.endCondition)}` +
      (notes.exactlyZero > 0
        ? `, infinite on ${notes.exactlyZero} with an eigenvalue exactly 0`
        : "") +
      `); with C = ${C_VARIANT} it failed on ` +
      `${reg.undampedFailed} (${outcomeList(reg)}). ` +
      `From the same points, the damped methods reached a local minimum below the Adam loss ` +
      `within ${maxIterations} iterations on, of ${seeds} data sets, ${finishedList(notes)} ` +
      `without a regulariser, where the loss has no minimiser at finite weights and keeps ` +
      `falling as they grow, and on ${finishedList(reg)} with C = ${C_VARIANT}.`;

    const keyNumbers: Record<string, number> = {
      undampedFailedNoRegulariser: notes.undampedFailed,
      seeds,
      undampedSingularNoRegulariser: notes.singular,
      indefiniteAtAdamPointNoRegulariser: notes.indefiniteAtStart,
      medianStepsToFailureNoRegulariser: median(notes.failureSteps),
      undampedFailedRegularised: reg.undampedFailed,
    };
    for (const [st, tag] of [[notes, "NoRegulariser"], [reg, "Regularised"]] as const) {
      for (const m of DAMPED) {
        const key = m.replace(/-(\w)/g, (_, ch: string) => ch.toUpperCase());
        keyNumbers[`${key}Finished${tag}`] = st.finished[m];
        keyNumbers[`${key}MedianFinalLoss${tag}`] = medianLoss(st, m);
      }
    }
    const worstStart = Math.min(...notes.startLambdaMin);
    if (Number.isFinite(worstStart)) keyNumbers.mostNegativeLambdaAtAdamPoint = worstStart;
    return { rows, spec, verdict, explanation, keyNumbers };
  },
};

function figure(
  net: Network,
  boundary: { x: Float64Array; data: LabelledDataset; method: string },
  lossRows: Row[][],
  eigenRows: Row[],
  configurations: readonly Configuration[],
): VegaLiteSpec {
  const { data } = boundary;
  let lo = 0, hi = 1;
  for (const [a, b] of data.inputs) {
    lo = Math.min(lo, Math.floor(10 * Math.min(a, b)) / 10);
    hi = Math.max(hi, Math.ceil(10 * Math.max(a, b)) / 10);
  }
  const cell = (hi - lo) / GRID;
  const grid: number[][] = [];
  for (let i = 0; i <= GRID; i++) {
    for (let j = 0; j <= GRID; j++) grid.push([lo + i * cell, lo + j * cell]);
  }
  const probabilities = net.predict(boundary.x, grid);
  const gridRows = grid.map(([x1, x2], i) => ({ x1, x2, probability: probabilities[i][0] }));
  const pointRows = data.inputs.map(([x1, x2], i) => ({
    x1,
    x2,
    class: data.classes[data.labels[i]],
  }));
  const points = pointChart({ data: pointRows, x: "x1", y: "x2", color: "class" });
  const lossCharts = configurations.map((config, c) =>
    lineChart({
      data: lossRows[c],
      x: "iteration",
      y: "loss",
      color: "method",
      logY: true,
      xTitle: "iteration (Adam before 0, then each method from the Adam point)",
      yTitle: "training loss f (log; floor 1e-16)",
      title: `Loss, first data set: ${config.label}`,
    })
  );
  const eigen = pointChart({
    data: eigenRows,
    x: "iteration",
    y: "absEigenvalue",
    color: "sign",
    logY: true,
    size: 30,
    xType: "ordinal",
    xTitle: "undamped Newton iteration (0 = Adam point)",
    yTitle: "|λ| of the 13 Hessian eigenvalues (log; floor 1e-16)",
    title: "Hessian spectrum along undamped Newton (no regulariser)",
  });
  const map = layered(
    `Decision boundary: P(class 1) after ${boundary.method} (no regulariser)`,
    [
      continuousHeatMap({
        data: gridRows,
        x: "x1",
        y: "x2",
        value: "probability",
        valueTitle: "P(class 1)",
        domain: [0, 1],
        cellWidth: cell,
        cellHeight: cell,
      }),
      { ...points, mark: { ...(points.mark as object), stroke: "black", strokeWidth: 0.8 } },
    ],
  );
  return concatenated(
    "C06: note 000's 2-3-1 classifier, 50 Adam steps then Newton-type methods",
    [
      concatenated(undefined, lossCharts),
      concatenated(undefined, [eigen, {
        ...map,
        resolve: { scale: { color: "independent" } },
      }]),
    ],
    "vertical",
  );
}
