/**
 * C25: under a constant gradient, momentum (p ← μp − α∇J, θ ← θ + p) reaches the terminal
 * velocity −α/(1 − μ)·∇J; momentum damps oscillations, sometimes helps a lot and almost never
 * hurts.
 *
 * 1. Terminal velocity: the library's momentum step on a linear objective J = gᵀθ, where the
 *    velocity should follow pₖ = −α(1 − μᵏ)/(1 − μ)·g exactly.
 * 2. Helps or hurts: gradient descent and momentum with the same learning rate on rotated
 *    quadratics (n = 20, κ = 10, 100, 1000, α from 0.1/λmax to 1.9/λmax) and on a softmax
 *    network on Iris, for μ = 0.5, 0.9, 0.99. Outcome: iterations to reach a target (f ≤ 10⁻⁶f₀
 *    on the quadratics, a training loss of 0.1 on Iris) within a budget.
 * 3. Oscillations: where gradient descent zig-zags across the valley (αλmax > 1), the distance
 *    travelled along the top eigenvector, Σₖ|q₁ᵀ(θₖ₊₁ − θₖ)|, with and without momentum.
 *
 * @module
 */

import type { Row } from "./experiment.ts";
import type { LegacyExperiment as Experiment } from "./legacy.ts";
import { fmt } from "./common.ts";
import { momentum } from "../optim/momentum.ts";
import { countedObjective, newCounter } from "../optim/counting.ts";
import type { Objective } from "../objective.ts";
import { matrixWithSpectrum, quadraticObjective } from "../problems/quadratic.ts";
import { irisDataset } from "../problems/datasets.ts";
import { mlp } from "../nn/mlp.ts";
import { networkObjective } from "../curvature/network_objective.ts";
import { createRandom } from "../random/random.ts";
import {
  concatenated,
  layered,
  lineChart,
  pointChart,
  type VegaLiteSpec,
} from "../report/specs.ts";

/** Velocities within this relative distance of the closed form agree up to rounding. */
const VELOCITY_AGREEMENT = 1e-12;

/** Momentum "helps a lot" when it needs at most this fraction of gradient descent's iterations. */
const HELPS_A_LOT = 0.2;

/** Momentum "hurts" when it needs more than this multiple of gradient descent's iterations. */
const HURTS = 1.1;

/** "Almost never": at most this fraction of the settings. */
const ALMOST_NEVER = 0.1;

const MOMENTA = [0.5, 0.9, 0.99];

interface RunOutcome {
  /** Iterations to reach the target, or Infinity. */
  iterations: number;
  /** The final value (the value at the target, or after the budget). */
  value: number;
  /** Σ|q₁ᵀ(θₖ₊₁ − θₖ)| along a direction, when one is given. */
  travel: number;
  /** Iterates, when recorded. */
  path: Float64Array[];
}

/**
 * Runs the library's momentum step (μ = 0 is plain gradient descent: p = −α∇f, θ ← θ + p)
 * until f ≤ target or the budget runs out.
 */
function runMomentum(
  objective: Objective,
  x0: Float64Array,
  learningRate: number,
  mu: number,
  target: number,
  budget: number,
  direction?: ArrayLike<number>,
  record = 0,
): RunOutcome {
  const f = countedObjective(objective, newCounter());
  const optimizer = momentum({ learningRate, momentum: mu });
  let x: Float64Array = x0.slice();
  let { value, gradient } = f.valueAndGradient(x);
  let state = optimizer.init(x, value, gradient, f);
  let travel = 0;
  const path = [x];
  for (let k = 1; k <= budget; k++) {
    const step = optimizer.step(x, value, gradient, state, f);
    if (direction) {
      let d = 0;
      for (let i = 0; i < x.length; i++) d += direction[i] * (step.x[i] - x[i]);
      travel += Math.abs(d);
    }
    ({ x, value, gradient, state } = step);
    if (k <= record) path.push(x);
    if (!Number.isFinite(value)) return { iterations: Infinity, value: Infinity, travel, path };
    if (value <= target) return { iterations: k, value, travel, path };
  }
  return { iterations: Infinity, value, travel, path };
}

type Effect = "helps a lot" | "helps" | "neutral" | "hurts";

/** Compares momentum with gradient descent on one setting. */
function effectOf(gd: RunOutcome, withMomentum: RunOutcome): { effect: Effect; ratio: number } {
  const reachedGd = Number.isFinite(gd.iterations);
  const reachedMomentum = Number.isFinite(withMomentum.iterations);
  if (reachedGd && reachedMomentum) {
    const ratio = withMomentum.iterations / gd.iterations;
    const effect = ratio <= HELPS_A_LOT
      ? "helps a lot"
      : ratio < 1
      ? "helps"
      : ratio > HURTS
      ? "hurts"
      : "neutral";
    return { effect, ratio };
  }
  if (reachedMomentum) return { effect: "helps a lot", ratio: 0 };
  if (reachedGd) return { effect: "hurts", ratio: Infinity };
  // Neither reached the target: compare where they ended.
  const ratio = withMomentum.value / gd.value;
  return { effect: ratio < 1 ? "helps" : ratio > HURTS ? "hurts" : "neutral", ratio: NaN };
}

/** Keeps a nominal x axis in the order of the data (settings grouped by problem). */
function inDataOrder(spec: VegaLiteSpec): VegaLiteSpec {
  const encoding = spec.encoding as Record<string, Record<string, unknown>>;
  return { ...spec, encoding: { ...encoding, x: { ...encoding.x, sort: null } } };
}

/** Adds an `order` channel so a line joins points in iteration order. */
function inOrder(spec: VegaLiteSpec, field: string): VegaLiteSpec {
  const encoding = spec.encoding as Record<string, unknown>;
  return { ...spec, encoding: { ...encoding, order: { field, type: "quantitative" } } };
}

export const c25: Experiment = {
  id: "C25",
  title: "Momentum: terminal velocity, damping, helps or hurts",
  claim: "Under a constant gradient, momentum reaches the terminal velocity " +
    "−α/(1 − μ)·∂J/∂θ; momentum damps oscillations, sometimes helps a lot, and almost never " +
    "hurts.",
  note: "004",
  async run(context) {
    const rows: Row[] = [];
    const random = createRandom(context.seed);

    // 1. Terminal velocity on J = gᵀθ.
    const g = random.fillNormal(new Float64Array(5));
    const linear = countedObjective(
      quadraticObjective(Array.from({ length: 5 }, () => new Array(5).fill(0)), { b: g }),
      newCounter(),
    );
    const alpha = 0.1;
    const velocityRows: Row[] = [];
    let worstTransient = 0, worstTerminal = 0;
    for (const mu of MOMENTA) {
      const optimizer = momentum({ learningRate: alpha, momentum: mu });
      let x: Float64Array = random.fillNormal(new Float64Array(5));
      let { value, gradient } = linear.valueAndGradient(x);
      let state = optimizer.init(x, value, gradient, linear);
      const terminal = g.map((v) => -alpha / (1 - mu) * v);
      const terminalNorm = Math.hypot(...terminal);
      const steps = 4000; // 0.99⁴⁰⁰⁰ ≈ 3e-18: every μ has reached its terminal velocity
      for (let k = 1; k <= steps; k++) {
        ({ x, value, gradient, state } = optimizer.step(x, value, gradient, state, linear));
        const p = state.velocity;
        const factor = 1 - mu ** k;
        const transient = Math.hypot(...p.map((v, i) => v - factor * terminal[i])) /
          (factor * terminalNorm);
        worstTransient = Math.max(worstTransient, transient);
        if (k === steps) {
          worstTerminal = Math.max(
            worstTerminal,
            Math.hypot(...p.map((v, i) => v - terminal[i])) / terminalNorm,
          );
        }
        if (k <= 600 && (k <= 20 || k % 10 === 0)) {
          velocityRows.push({
            part: "velocity",
            momentum: `μ = ${mu}`,
            k,
            velocityOverTerminal: Math.hypot(...p) / terminalNorm,
            formula: factor,
          });
        }
      }
    }
    rows.push(...velocityRows);
    const velocityHolds = worstTransient <= VELOCITY_AGREEMENT && worstTerminal <= 1e-10;
    context.progress(0.1);

    // 2 and 3. Quadratics: same α for gradient descent and momentum.
    interface Setting {
      problem: string;
      label: string;
      mu: number;
      effect: Effect;
      ratio: number;
      oscillating: boolean;
      damped: boolean | null;
    }
    const settings: Setting[] = [];
    const kappas = [10, 100, 1000];
    const fractions = context.quick ? [0.1, 1, 1.9] : [0.1, 0.5, 1, 1.5, 1.9];
    const budget = context.quick ? 2000 : 5000;
    const n = 20;
    let done = 0;
    const totalQuadratic = kappas.length * fractions.length;
    for (const kappa of kappas) {
      const lambda = Array.from({ length: n }, (_, i) => kappa ** (i / (n - 1)));
      const { matrix, eigenvectors } = matrixWithSpectrum(lambda, {
        seed: random.integer(0x7fffffff),
      });
      const f = quadraticObjective(matrix);
      const top = eigenvectors.map((row) => row[n - 1]);
      const x0 = random.fillNormal(new Float64Array(n));
      const target = 1e-6 * f.value(x0);
      for (const fraction of fractions) {
        const lr = fraction / kappa;
        const gd = runMomentum(f, x0, lr, 0, target, budget, top);
        for (const mu of MOMENTA) {
          const m = runMomentum(f, x0, lr, mu, target, budget, top);
          const { effect, ratio } = effectOf(gd, m);
          const oscillating = fraction > 1;
          const damped = oscillating ? m.travel < gd.travel : null;
          settings.push({
            problem: "quadratic",
            label: `κ = ${kappa}, αλmax = ${fraction}`,
            mu,
            effect,
            ratio,
            oscillating,
            damped,
          });
          rows.push({
            part: "setting",
            problem: `quadratic, κ = ${kappa}`,
            setting: `κ = ${kappa}, αλmax = ${fraction}`,
            learningRate: lr,
            momentum: mu,
            gdIterations: Number.isFinite(gd.iterations) ? gd.iterations : null,
            momentumIterations: Number.isFinite(m.iterations) ? m.iterations : null,
            gdFinalValue: gd.value,
            momentumFinalValue: m.value,
            iterationRatio: Number.isFinite(ratio) ? ratio : null,
            effect,
            gdAcrossValleyTravel: gd.travel,
            momentumAcrossValleyTravel: m.travel,
          });
        }
        done++;
        context.progress(0.1 + 0.5 * done / totalQuadratic);
      }
    }

    // The network: a 4-8-3 tanh softmax network on Iris, full batch.
    const iris = await irisDataset();
    const net = mlp({
      sizes: [4, 8, 3],
      activation: "tanh",
      output: "softmax",
      loss: "cross-entropy",
    });
    const network = networkObjective(net, iris);
    const theta0 = net.initialParameters(context.seed);
    const networkTarget = 0.1;
    const networkBudget = context.quick ? 400 : 1000;
    const rates = context.quick ? [0.1, 1] : [0.03, 0.1, 0.3, 1, 3];
    for (const [index, lr] of rates.entries()) {
      const gd = runMomentum(network, theta0, lr, 0, networkTarget, networkBudget);
      for (const mu of MOMENTA) {
        const m = runMomentum(network, theta0, lr, mu, networkTarget, networkBudget);
        const { effect, ratio } = effectOf(gd, m);
        settings.push({
          problem: "Iris network",
          label: `Iris, α = ${lr}`,
          mu,
          effect,
          ratio,
          oscillating: false,
          damped: null,
        });
        rows.push({
          part: "setting",
          problem: "Iris 4-8-3 network",
          setting: `Iris, α = ${lr}`,
          learningRate: lr,
          momentum: mu,
          gdIterations: Number.isFinite(gd.iterations) ? gd.iterations : null,
          momentumIterations: Number.isFinite(m.iterations) ? m.iterations : null,
          gdFinalValue: gd.value,
          momentumFinalValue: m.value,
          iterationRatio: Number.isFinite(ratio) ? ratio : null,
          effect,
        });
      }
      context.progress(0.6 + 0.35 * (index + 1) / rates.length);
    }

    // The figure's valley: κ = 50 in 2-D, α = 1.9/λmax, 40 steps.
    const valley = matrixWithSpectrum([1, 50], { seed: random.integer(0x7fffffff) });
    const valleyF = quadraticObjective(valley.matrix);
    const valleyStart = new Float64Array(2);
    for (let r = 0; r < 2; r++) {
      valleyStart[r] = 2 * valley.eigenvectors[r][0] + 0.3 * valley.eigenvectors[r][1];
    }
    const pathRows: Row[] = [];
    for (const mu of [0, 0.5, 0.9]) {
      const run = runMomentum(valleyF, valleyStart, 1.9 / 50, mu, 0, 40, undefined, 40);
      run.path.forEach((p, k) => {
        pathRows.push({
          part: "valley path",
          method: mu === 0 ? "gradient descent" : `momentum μ = ${mu}`,
          k,
          theta1: p[0],
          theta2: p[1],
        });
      });
    }
    rows.push(...pathRows);
    context.progress(1);

    // Counts.
    const count = (list: Setting[], effect: Effect) =>
      list.filter((s) => s.effect === effect).length;
    const hurtFraction = (list: Setting[]) => count(list, "hurts") / list.length;
    const helpsALot = count(settings, "helps a lot");
    const hurts = count(settings, "hurts");
    const overallHurt = hurtFraction(settings);
    const byMu = MOMENTA.map((mu) => {
      const list = settings.filter((s) => s.mu === mu);
      return { mu, hurts: count(list, "hurts"), total: list.length, fraction: hurtFraction(list) };
    });
    const oscillating = settings.filter((s) => s.oscillating);
    const damped = oscillating.filter((s) => s.damped).length;
    const dampedByMu = MOMENTA.map((mu) => {
      const list = oscillating.filter((s) => s.mu === mu);
      return { mu, damped: list.filter((s) => s.damped).length, total: list.length };
    });
    // "Damps oscillations" is read as a tendency: momentum cuts the zig-zag in more than half
    // of the settings where gradient descent zig-zags. "Almost never hurts": at most
    // ALMOST_NEVER of the settings. Both are checked for each μ, and for all μ up to a bound.
    const holdsFor = (list: Setting[]) => {
      const osc = list.filter((s) => s.oscillating);
      return hurtFraction(list) <= ALMOST_NEVER &&
        osc.filter((s) => s.damped).length > osc.length / 2;
    };
    const safe = MOMENTA.filter((mu) =>
      MOMENTA.filter((m) => m <= mu).every((m) => holdsFor(settings.filter((s) => s.mu === m)))
    );
    const verdict = velocityHolds && helpsALot > 0 && safe.length === MOMENTA.length
      ? "holds"
      : velocityHolds && helpsALot > 0 && safe.length > 0
      ? "holds under conditions"
      : "refuted";
    const muText = byMu.map((b) => `${b.hurts}/${b.total} at μ = ${b.mu}`).join(", ");
    const dampText = dampedByMu.map((d) => `${d.damped}/${d.total} at μ = ${d.mu}`).join(", ");
    const explanation = `The velocity follows −α(1 − μᵏ)/(1 − μ)·g to ${fmt(worstTransient)} ` +
      `and reaches the terminal velocity −α/(1 − μ)·g (error ${fmt(worstTerminal)} after the ` +
      `last step). At the same learning rate as gradient descent, momentum helped a lot ` +
      `(≤ ${HELPS_A_LOT}× the iterations) in ${helpsALot} of ${settings.length} settings but ` +
      `hurt in ${hurts} (${muText}); where gradient descent zig-zags it cut the distance ` +
      `travelled across the valley in ${dampText}` +
      (verdict === "holds under conditions"
        ? `, so "almost never hurts" and "damps oscillations" hold only for μ ≤ ${
          safe[safe.length - 1]
        }.`
        : ".");

    // The figure's ratio: where a run missed the target, its budget bounds the ratio.
    const settingRows = rows.filter((r) => r.part === "setting").map((r) => {
      const cap = r.problem === "Iris 4-8-3 network" ? networkBudget : budget;
      const g = r.gdIterations as number | null, m = r.momentumIterations as number | null;
      const [ratio, outcome] = g !== null && m !== null
        ? [m / g, "both reached the target"]
        : m !== null
        ? [m / cap, "only momentum reached it (upper bound)"]
        : g !== null
        ? [cap / g, "only GD reached it (lower bound)"]
        : [
          (r.momentumFinalValue as number) / (r.gdFinalValue as number),
          "neither (ratio of final values)",
        ];
      return { setting: r.setting, momentum: `μ = ${r.momentum}`, ratio, outcome };
    });
    const velocityAxes = { x: "k", xTitle: "step k", yTitle: "‖pₖ‖ / (α‖g‖/(1 − μ))", width: 260 };
    return {
      rows,
      spec: concatenated(
        "C25: momentum p ← μp − α∇J, θ ← θ + p",
        [
          concatenated(undefined, [
            layered("‖pₖ‖ / terminal speed (points) and 1 − μᵏ (lines)", [
              pointChart({
                ...velocityAxes,
                data: velocityRows,
                y: "velocityOverTerminal",
                color: "momentum",
                size: 12,
              }),
              lineChart({ ...velocityAxes, data: velocityRows, y: "formula", color: "momentum" }),
            ]),
            inOrder(
              lineChart({
                data: pathRows,
                x: "theta1",
                y: "theta2",
                color: "method",
                points: true,
                title: "valley κ = 50, α = 1.9/λmax, 40 steps",
                xTitle: "θ₁",
                yTitle: "θ₂",
                width: 260,
              }),
              "k",
            ),
          ]),
          inDataOrder(pointChart({
            data: settingRows,
            x: "setting",
            xType: "nominal",
            y: "ratio",
            color: "momentum",
            detail: "outcome",
            logY: true,
            title: "iterations to the target, momentum / gradient descent, same α (< 1: helps)",
            yTitle: "ratio",
            width: 640,
            height: 200,
          })),
        ],
        "vertical",
      ),
      verdict,
      explanation,
      keyNumbers: {
        worstVelocityTransientError: worstTransient,
        terminalVelocityError: worstTerminal,
        settings: settings.length,
        helpsALot,
        hurts,
        hurtFraction: overallHurt,
        oscillatingSettingsDamped: damped,
        oscillatingSettings: oscillating.length,
      },
    };
  },
};
