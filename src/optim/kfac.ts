/**
 * The K-FAC optimiser of Martens and Grosse ("Optimizing neural networks with
 * Kronecker-factored approximate curvature", ICML 2015): a preconditioned step
 * x ← x + α·Δ, Δ = −(F̂ + damping)⁻¹·∇f, with F̂ the block-diagonal Kronecker-factored
 * Gauss-Newton matrix (see `src/curvature/kfac.ts`).
 *
 * One iteration k, following the paper (§5–§7), with this module's option names:
 *
 * 1. every `factorUpdateInterval` steps, compute the factors Aₗ, Sₗ at x and fold them into
 *    exponential moving averages, F ← ε·F + (1 − ε)·F_new with ε = min(1 − 1/j, `factorDecay`)
 *    at the j-th update (§5: the first update takes the fresh estimate whole);
 * 2. every `inverseUpdateInterval` steps (T₃), and on each of the first `inverseWarmup` steps,
 *    eigendecompose the averaged factors: the expensive part of the inverse. The damped inverse
 *    for the current λ is rebuilt from the eigenvalues at negligible cost whenever λ changes;
 * 3. the proposal Δ = −[(Aₗ + π·γ·I) ⊗ (Sₗ + (γ/π)·I)]⁻¹·∇f layer by layer, γ = √(λ + 1/C)
 *    (§6.3: factored Tikhonov damping, with the regulariser η = 1/C folded into γ);
 * 4. the step length α: by default the minimiser of the damped quadratic model along Δ,
 *    M(αΔ) = α·∇fᵀΔ + ½α²·Δᵀ(G + λI)Δ with the exact Gauss-Newton matrix G (one
 *    Gauss-Newton-vector product; §7 without the momentum term), so α = −∇fᵀΔ / Δᵀ(G + λI)Δ;
 *    or a fixed `learningRate`; or a backtracking Armijo line search;
 * 5. every `dampingInterval` steps (T₁), the Levenberg-Marquardt rule on the reduction ratio
 *    ρ = (f(x + αΔ) − f(x)) / M(αΔ): λ ← ω₁·λ when ρ > 3/4, λ ← λ/ω₁ when ρ < 1/4 or when
 *    the model predicts no decrease (M(αΔ) ≥ 0, possible only for an α other than the
 *    model's), with ω₁ = (19/20)^T₁ (§6.5).
 *
 * Differences from the paper: one damping λ serves both the model and the factored inverse
 * (the paper adapts the inverse's γ separately, by a grid search every T₂ steps); the factors
 * are by default the exact Gauss-Newton ones (K back-propagations per sample) rather than one
 * Monte-Carlo sample (`curvature: "sampled-gauss-newton"` gives the latter); and steps are
 * always taken, as in the paper, unless f overflows at the new point.
 *
 * @module
 */

import type { CountedObjective, Optimizer, StepInfo, StepResult } from "./types.ts";
import type { NetworkObjective } from "../curvature/network_objective.ts";
import {
  computeKfacFactorsInto,
  decomposeKfac,
  emptyKfacFactors,
  inverseFromDecomposition,
  KFAC_CURVATURES,
  KFAC_DAMPING_MODES,
  type KfacCurvature,
  type KfacDampingMode,
  type KfacDecomposition,
  type KfacFactors,
  supportsKfac,
} from "../curvature/kfac.ts";
import { describe, NonFiniteError, optionsObject } from "../validate.ts";
import { countMultiplyAdds } from "../linalg/gemm.ts";
import { gradientMultiplyAdds } from "../nn/passes.ts";
import { OptionReader } from "./options.ts";
import { armijoBacktracking, exactQuadraticStep } from "./line_search.ts";

/**
 * How {@linkcode kfac} chooses the step length α along the K-FAC direction Δ:
 * - `"quadratic-model"`: α = −∇fᵀΔ / Δᵀ(G + λI)Δ, the minimiser of the damped quadratic model
 *   along Δ (Martens and Grosse §7, without momentum);
 * - `"armijo"`: backtracking from α = `learningRate` until Armijo's condition holds;
 * - `"fixed"`: α = `learningRate`.
 *
 * Only `"armijo"` guarantees that f decreases; with the other two the optimiser is marked
 * non-monotone (`monotone: false`), so the driver's valueTolerance test does not apply.
 */
export type KfacStepSize = "quadratic-model" | "armijo" | "fixed";

/** The step-length rules. */
export const KFAC_STEP_SIZES: readonly KfacStepSize[] = ["quadratic-model", "armijo", "fixed"];

/** Options of {@linkcode kfac}. Every constant of the update rule is here, with its default. */
export interface KfacOptions {
  /** Which curvature the factors approximate. Default `"gauss-newton"`. */
  curvature?: KfacCurvature;
  /** Seed of the Rademacher draws when `curvature` is `"sampled-gauss-newton"`. Default 0. */
  seed?: number;
  /** Initial damping λ, in [minDamping, maxDamping]. Default 1e-2. */
  damping?: number;
  /** Adapt λ by the Levenberg-Marquardt rule on ρ. Default true. */
  adaptDamping?: boolean;
  /** T₁: steps between damping adjustments. Default 5 (Martens and Grosse). */
  dampingInterval?: number;
  /** ω₁ in (0, 1): λ's multiplier after a good step. Default (19/20)^T₁. */
  dampingDecrease?: number;
  /** Lower bound of λ, > 0 (it keeps the damped inverse finite). Default 1e-8. */
  minDamping?: number;
  /** Upper bound of λ. Default 1e8. */
  maxDamping?: number;
  /** How damping enters the inverse. Default `"factored"` (§6.3). */
  dampingMode?: KfacDampingMode;
  /** The π-correction of factored damping. Default true. */
  piCorrection?: boolean;
  /** ε, the largest weight of the old factors in the moving averages, in [0, 1). Default 0.95. */
  factorDecay?: number;
  /** Steps between factor updates. Default 1 (every step, as in the paper). */
  factorUpdateInterval?: number;
  /** T₃: steps between eigendecompositions of the factors. Default 20 (Martens and Grosse). */
  inverseUpdateInterval?: number;
  /** The first steps, each of which refreshes the inverse. Default 3 (Martens and Grosse). */
  inverseWarmup?: number;
  /** The step-length rule. Default `"quadratic-model"`. */
  stepSize?: KfacStepSize;
  /** α for `"fixed"`, and the first trial α of `"armijo"`. Default 1. */
  learningRate?: number;
  /** Armijo's sufficient-decrease fraction ν in (0, 1) for `"armijo"`. Default 1e-4. */
  nu?: number;
  /** Backtracking factor in (0, 1) for `"armijo"`. Default 0.5. */
  shrink?: number;
  /** The most reductions of α for `"armijo"`. Default 50. */
  maxReductions?: number;
}

/** The option names of {@linkcode kfac}, as `minimize()` accepts them with method "kfac". */
export const KFAC_OPTIONS: readonly string[] = [
  "curvature",
  "seed",
  "damping",
  "adaptDamping",
  "dampingInterval",
  "dampingDecrease",
  "minDamping",
  "maxDamping",
  "dampingMode",
  "piCorrection",
  "factorDecay",
  "factorUpdateInterval",
  "inverseUpdateInterval",
  "inverseWarmup",
  "stepSize",
  "learningRate",
  "nu",
  "shrink",
  "maxReductions",
];

/** The state of {@linkcode kfac}: moving averages of the factors and the current inverse. */
export interface KfacState {
  /** Iterations done. */
  readonly iteration: number;
  /** Factor updates folded into the averages so far. */
  readonly factorUpdates: number;
  /** The damping λ in force. */
  readonly damping: number;
  /** The moving averages of the factors (updated in place). */
  readonly factors: KfacFactors;
  /** Scratch for the fresh factors of a step. */
  readonly fresh: KfacFactors;
  /** Eigendecompositions of the averaged factors at the last inverse update. */
  readonly decomposition: KfacDecomposition;
  /** Eigendecompositions done so far. */
  readonly inverseUpdates: number;
  /**
   * The work of `init` (the factors at x₀ and their eigendecomposition), in gradient-equivalents
   * of the objective it was given.
   */
  readonly initGradientEquivalents: number;
}

type Resolved = Required<KfacOptions>;

/** Checks the options and fills in the defaults. */
function resolveOptions(options: KfacOptions): Resolved {
  const read = new OptionReader("kfac", optionsObject('minimize with method "kfac"', options));
  const dampingInterval = read.integer("dampingInterval", 5, 1);
  const minDamping = read.positive("minDamping", 1e-8);
  const maxDamping = read.number("maxDamping", Math.max(1e8, minDamping), { min: minDamping });
  return {
    curvature: read.choice("curvature", KFAC_CURVATURES, "gauss-newton"),
    seed: read.integer("seed", 0, 0, 0xffffffff),
    damping: read.number("damping", Math.min(Math.max(1e-2, minDamping), maxDamping), {
      min: minDamping,
      max: maxDamping,
    }),
    adaptDamping: read.boolean("adaptDamping", true),
    dampingInterval,
    dampingDecrease: read.fraction("dampingDecrease", (19 / 20) ** dampingInterval),
    minDamping,
    maxDamping,
    dampingMode: read.choice("dampingMode", KFAC_DAMPING_MODES, "factored"),
    piCorrection: read.boolean("piCorrection", true),
    factorDecay: read.number("factorDecay", 0.95, { min: 0, max: 1, exclusiveMax: true }),
    factorUpdateInterval: read.integer("factorUpdateInterval", 1, 1),
    inverseUpdateInterval: read.integer("inverseUpdateInterval", 20, 1),
    inverseWarmup: read.integer("inverseWarmup", 3, 0),
    stepSize: read.choice("stepSize", KFAC_STEP_SIZES, "quadratic-model"),
    learningRate: read.positive("learningRate", 1),
    nu: read.fraction("nu", 1e-4),
    shrink: read.fraction("shrink", 0.5),
    maxReductions: read.integer("maxReductions", 50, 1, 1000),
  };
}

/**
 * Multiply-adds of eigendecomposing every factor, estimated as 4.5m³ for an m × m symmetric
 * matrix: the symmetric QR algorithm with eigenvectors takes about 9m³ flops (Golub and Van
 * Loan, §8.3). Dense decompositions run outside the counted kernels, so their cost is estimated
 * rather than counted.
 */
function eigendecompositionMultiplyAdds(factors: KfacFactors): number {
  let total = 0;
  for (const layer of factors.layers) {
    total += 4.5 * ((layer.inputs + 1) ** 3 + layer.outputs ** 3);
  }
  return total;
}

/** The network objective behind the objective the driver passes. */
function networkOf(objective: CountedObjective): NetworkObjective {
  if (supportsKfac(objective)) return objective;
  throw new TypeError(
    `Cannot run kfac: objective is ${
      describe(objective)
    } without a network, expected a networkObjective() (K-FAC needs the layers and data)`,
  );
}

/** F ← ε·F + (1 − ε)·F_new, entry by entry over every factor. */
function blendFactors(average: KfacFactors, fresh: KfacFactors, decay: number): void {
  average.layers.forEach((layer, l) => {
    const next = fresh.layers[l];
    const pairs: [Float64Array, Float64Array][] = [
      [layer.activationFactor, next.activationFactor],
      [layer.gradientFactor, next.gradientFactor],
    ];
    for (const [old, fresh] of pairs) {
      for (let i = 0; i < old.length; i++) old[i] = decay * old[i] + (1 - decay) * fresh[i];
    }
  });
}

function dotProduct(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** f at a trial point, or +∞ when the network overflows there (a step to reject). */
function trialValue(objective: CountedObjective, x: Float64Array): number {
  try {
    const v = objective.value(x);
    return Number.isFinite(v) ? v : Infinity;
  } catch (error) {
    if (error instanceof NonFiniteError) return Infinity;
    throw error;
  }
}

/**
 * The K-FAC optimiser for network objectives (`needs: ["kfac"]`). See the module doc for the
 * update rule and how it follows Martens and Grosse (2015).
 *
 * @example K-FAC through `minimize()` on a small regression
 * ```ts
 * import { minimize, mlp, networkObjective } from "@secondorder/harness";
 * const net = mlp({ sizes: [1, 4, 1], activation: "tanh" });
 * const f = networkObjective(net, {
 *   inputs: [[-1], [-0.5], [0], [0.5], [1]],
 *   targets: [[1], [0.25], [0], [0.25], [1]],
 * }, { C: 100 });
 * const x0 = net.initialParameters(1);
 * const run = minimize(f, x0, { method: "kfac", damping: 1e-2, maxIterations: 10 });
 * if (!(run.value < 0.5 * f.value(x0))) throw new Error(run.message);
 * ```
 *
 * @example One step at a time, as the driver calls it
 * ```ts
 * import { mlp, networkObjective } from "@secondorder/harness";
 * import { kfac } from "./kfac.ts";
 * const net = mlp({ sizes: [2, 3, 1], activation: "tanh" });
 * const f = networkObjective(net, { inputs: [[1, 0], [0, 1]], targets: [[1], [0]] }, { C: 10 });
 * const optimizer = kfac({ inverseUpdateInterval: 5 });
 * let x = net.initialParameters(2);
 * let { value, gradient } = f.valueAndGradient(x);
 * let state = optimizer.init(x, value, gradient, f);
 * for (let k = 0; k < 3; k++) {
 *   ({ x, value, gradient, state } = optimizer.step(x, value, gradient, state, f));
 * }
 * if (state.iteration !== 3 || state.factorUpdates !== 3) throw new Error("unexpected");
 * ```
 */
export function kfac(options: KfacOptions = {}): Optimizer<KfacState> {
  const o = resolveOptions(options);
  return {
    name: "kfac",
    needs: ["kfac"],
    // Only Armijo backtracking guarantees a decrease: a fixed α, and the quadratic model's α
    // (the model is only approximate), are taken whatever f does.
    monotone: o.stepSize === "armijo",

    init(x0, _value, _gradient, objective): KfacState {
      const f = networkOf(objective);
      const factors = emptyKfacFactors(f.network, f.C, o.curvature);
      // Counted as a step counts its factor and inverse updates (see step, parts 1 and 2).
      const multiplyAdds =
        countMultiplyAdds(() => computeKfacFactorsInto(f, x0, o.curvature, o.seed, factors)) +
        eigendecompositionMultiplyAdds(factors);
      return {
        iteration: 0,
        factorUpdates: 1,
        damping: o.damping,
        factors,
        fresh: emptyKfacFactors(f.network, f.C, o.curvature),
        decomposition: decomposeKfac(factors),
        inverseUpdates: 1,
        initGradientEquivalents: multiplyAdds / gradientMultiplyAdds(f.network, f.samples),
      };
    },

    initGradientEquivalents: (state) => state.initGradientEquivalents,

    step(x, value, gradient, state, objective): StepResult<KfacState> {
      const f = networkOf(objective);
      const k = state.iteration;
      let { factorUpdates, decomposition, inverseUpdates, damping } = state;
      const finish = (
        info: StepInfo,
        xNew = x,
        valueNew = value,
        gradientNew = gradient,
      ): StepResult<KfacState> => ({
        x: xNew,
        value: valueNew,
        gradient: gradientNew,
        state: {
          ...state,
          iteration: k + 1,
          factorUpdates,
          damping,
          decomposition,
          inverseUpdates,
        },
        info,
      });

      // 1. Moving averages of the factors (the factors at x₀ came from init).
      let extraMultiplyAdds = 0;
      if (k > 0 && k % o.factorUpdateInterval === 0) {
        extraMultiplyAdds += countMultiplyAdds(() =>
          computeKfacFactorsInto(f, x, o.curvature, (o.seed + k) >>> 0, state.fresh)
        );
        factorUpdates++;
        blendFactors(state.factors, state.fresh, Math.min(1 - 1 / factorUpdates, o.factorDecay));
      }
      // 2. Inverse update: eigendecompose the averaged factors.
      if (k > 0 && (k < o.inverseWarmup || k % o.inverseUpdateInterval === 0)) {
        decomposition = decomposeKfac(state.factors);
        inverseUpdates++;
        extraMultiplyAdds += eigendecompositionMultiplyAdds(state.factors);
      }
      // The factor and inverse work is not a call of the objective: report it as cost.
      const extraGradientEquivalents = extraMultiplyAdds /
        gradientMultiplyAdds(f.network, f.samples);
      // 3. Δ = −[(A + πγI) ⊗ (S + (γ/π)I)]⁻¹·∇f, γ = √(λ + 1/C).
      const gamma = Math.sqrt(damping + (f.C === undefined ? 0 : 1 / f.C));
      const inverse = inverseFromDecomposition(decomposition, gamma, o.dampingMode, o.piCorrection);
      if (inverse === undefined) {
        return finish({
          stepLength: 0,
          damping,
          accepted: false,
          failure: "non-finite",
          note: `the damped K-FAC inverse overflows at γ = ${gamma} (damping λ = ${damping}); ` +
            `raise minDamping`,
        });
      }
      const direction = inverse.matvec(gradient);
      for (let i = 0; i < direction.length; i++) direction[i] = -direction[i];
      const slope = dotProduct(gradient, direction); // ∇fᵀΔ < 0 unless ∇f = 0
      if (!(slope < 0)) {
        return finish({ stepLength: 0, damping, accepted: false, note: "zero gradient: no step" });
      }

      // 4. Step length. The damped quadratic model M(αΔ) = α·slope + ½α²·curvature, with
      //    curvature = Δᵀ(G + λI)Δ (exact G, I/C included), gives α (by default) and ρ.
      let curvature = NaN;
      if (
        (o.stepSize === "quadratic-model" || o.adaptDamping) &&
        typeof objective.gaussNewton === "function"
      ) {
        const Gd = objective.gaussNewton(x).matvec(direction);
        curvature = dotProduct(direction, Gd) + damping * dotProduct(direction, direction);
      }
      const trial = new Float64Array(x.length);
      const moveTo = (a: number) => {
        for (let i = 0; i < x.length; i++) trial[i] = x[i] + a * direction[i];
      };
      let alpha = o.stepSize === "quadratic-model"
        ? exactQuadraticStep(slope, curvature)
        : o.learningRate;
      if (o.stepSize === "armijo") {
        const search = armijoBacktracking(
          (a) => {
            moveTo(a);
            return trialValue(objective, trial);
          },
          value,
          slope,
          {
            nu: o.nu,
            shrink: o.shrink,
            initialStep: o.learningRate,
            maxReductions: o.maxReductions,
          },
        );
        if (search.status !== "ok") {
          return finish({
            stepLength: 0,
            alpha: search.alpha,
            damping,
            accepted: false,
            failure: "line-search-failed",
            note: `Armijo backtracking found no decrease along the K-FAC direction ` +
              `(${search.evaluations} trials)`,
          });
        }
        alpha = search.alpha;
      }
      let evaluated: { value: number; gradient: Float64Array } | undefined;
      if (Number.isFinite(alpha) && alpha > 0) {
        moveTo(alpha);
        try {
          evaluated = objective.valueAndGradient(trial);
        } catch (error) {
          if (!(error instanceof NonFiniteError)) throw error;
        }
      }
      if (evaluated === undefined || !Number.isFinite(evaluated.value)) {
        return finish({
          stepLength: 0,
          alpha,
          damping,
          accepted: false,
          failure: "non-finite",
          note: `f(x + αΔ) is not finite at α = ${alpha}`,
        });
      }

      // 5. Levenberg-Marquardt adjustment of λ from ρ = actual / predicted reduction. ρ is
      //    defined only where the model predicts a decrease, M(αΔ) < 0; a fixed or
      //    backtracked α beyond twice the model's minimiser predicts an increase, and that
      //    step counts as a poor one (λ grows), whatever f did.
      const predicted = alpha * slope + 0.5 * alpha * alpha * curvature;
      const rho = predicted < 0 ? (evaluated.value - value) / predicted : NaN;
      const stepDamping = damping;
      if (o.adaptDamping && (k + 1) % o.dampingInterval === 0 && Number.isFinite(curvature)) {
        if (rho > 0.75) damping *= o.dampingDecrease;
        else if (!(rho >= 0.25)) damping /= o.dampingDecrease;
        damping = Math.min(Math.max(damping, o.minDamping), o.maxDamping);
      }
      return finish(
        {
          stepLength: alpha * Math.sqrt(dotProduct(direction, direction)),
          alpha,
          damping: stepDamping,
          accepted: true,
          extraGradientEquivalents,
          ...(Number.isFinite(rho) ? { rho } : {}),
        },
        trial,
        evaluated.value,
        evaluated.gradient,
      );
    },
  };
}
