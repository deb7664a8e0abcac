/**
 * Ten nonlinear regression problems of the NIST Statistical Reference Datasets (StRD), with
 * NIST's certified parameters and residual sums of squares (computed in 128-bit arithmetic, given
 * to 11 significant digits), the two official starting points (start 1 far from the solution,
 * start 2 near it), and each model written out with its analytic Jacobian.
 *
 * Each problem builds a {@linkcode leastSquares} objective with residuals
 * rᵢ(b) = f(xᵢ; b) − yᵢ, so its value is ½·RSS: NIST's objective, the residual sum of squares,
 * is twice the objective's value. Accuracy is graded as NIST and McCullough (1998) do, by the
 * log relative error of each parameter ({@linkcode correctDigits}).
 *
 * The data are read from `data/nist_strd.json` as a JSON module, so importing this file needs no
 * permission.
 *
 * @module
 */

import data from "../../data/nist_strd.json" with { type: "json" };
import { leastSquares, type LeastSquaresObjective } from "./least_squares.ts";
import {
  describe,
  finiteNumber,
  finiteVector,
  NonFiniteError,
  oneOf,
  optionsObject,
} from "../validate.ts";

/** The names of the ten problems. */
export type NistProblemName =
  | "Misra1a"
  | "BoxBOD"
  | "DanWood"
  | "Rat42"
  | "MGH09"
  | "MGH10"
  | "Eckerle4"
  | "Rat43"
  | "Lanczos3"
  | "Thurber";

/**
 * A model f(x; b) with its derivatives: returns f and writes ∂f/∂bⱼ into `d` when given. The
 * formulas are NIST's, differentiated by hand; `nist_test.ts` checks every one against central
 * differences.
 */
type Model = (b: Float64Array, x: number, d?: Float64Array) => number;

/** y = b1·(1 − exp(−b2·x)) (Misra1a, BoxBOD). */
const exponentialRise: Model = (b, x, d) => {
  const e = Math.exp(-b[1] * x);
  if (d) {
    d[0] = 1 - e;
    d[1] = b[0] * x * e;
  }
  return b[0] * (1 - e);
};

/** y = b1·x^b2 (DanWood). */
const powerLaw: Model = (b, x, d) => {
  const p = Math.pow(x, b[1]);
  if (d) {
    d[0] = p;
    d[1] = b[0] * p * Math.log(x);
  }
  return b[0] * p;
};

/** y = b1 / (1 + exp(b2 − b3·x)) (Rat42). */
const logistic3: Model = (b, x, d) => {
  const e = Math.exp(b[1] - b[2] * x);
  const q = 1 / (1 + e);
  if (d) {
    // ∂/∂b2 = −b1·e/(1 + e)², ∂/∂b3 = b1·x·e/(1 + e)².
    const s = b[0] * e * q * q;
    d[0] = q;
    d[1] = -s;
    d[2] = s * x;
  }
  return b[0] * q;
};

/** y = b1·(x² + x·b2) / (x² + x·b3 + b4) (MGH09). */
const rational22: Model = (b, x, d) => {
  const numerator = x * x + x * b[1];
  const denominator = x * x + x * b[2] + b[3];
  const ratio = numerator / denominator;
  if (d) {
    d[0] = ratio;
    d[1] = b[0] * x / denominator;
    d[2] = -b[0] * ratio * x / denominator;
    d[3] = -b[0] * ratio / denominator;
  }
  return b[0] * ratio;
};

/** y = b1·exp(b2 / (x + b3)) (MGH10). */
const meyer: Model = (b, x, d) => {
  const t = 1 / (x + b[2]);
  const e = Math.exp(b[1] * t);
  if (d) {
    d[0] = e;
    d[1] = b[0] * e * t;
    d[2] = -b[0] * e * b[1] * t * t;
  }
  return b[0] * e;
};

/** y = (b1/b2)·exp(−½((x − b3)/b2)²) (Eckerle4). */
const gaussianPeak: Model = (b, x, d) => {
  const u = (x - b[2]) / b[1];
  const e = Math.exp(-0.5 * u * u);
  if (d) {
    // With u = (x − b3)/b2: ∂u/∂b2 = −u/b2 and ∂u/∂b3 = −1/b2.
    const s = b[0] * e / (b[1] * b[1]);
    d[0] = e / b[1];
    d[1] = s * (u * u - 1);
    d[2] = s * u;
  }
  return (b[0] / b[1]) * e;
};

/** y = b1 / (1 + exp(b2 − b3·x))^(1/b4) (Rat43). */
const richards: Model = (b, x, d) => {
  const e = Math.exp(b[1] - b[2] * x);
  const logBase = Math.log1p(e); // ln(1 + e)
  const p = Math.exp(-logBase / b[3]); // (1 + e)^(−1/b4)
  if (d) {
    // ∂/∂b2 = −(b1/b4)·p·e/(1 + e); ∂/∂b3 = −x·∂/∂b2; ∂/∂b4 = b1·p·ln(1 + e)/b4².
    const s = b[0] * p * (e / (1 + e)) / b[3];
    d[0] = p;
    d[1] = -s;
    d[2] = s * x;
    d[3] = b[0] * p * logBase / (b[3] * b[3]);
  }
  return b[0] * p;
};

/** y = b1·exp(−b2·x) + b3·exp(−b4·x) + b5·exp(−b6·x) (Lanczos3). */
const threeExponentials: Model = (b, x, d) => {
  let y = 0;
  for (let k = 0; k < 6; k += 2) {
    const e = Math.exp(-b[k + 1] * x);
    if (d) {
      d[k] = e;
      d[k + 1] = -b[k] * x * e;
    }
    y += b[k] * e;
  }
  return y;
};

/** y = (b1 + b2·x + b3·x² + b4·x³) / (1 + b5·x + b6·x² + b7·x³) (Thurber). */
const rational33: Model = (b, x, d) => {
  const x2 = x * x, x3 = x2 * x;
  const numerator = b[0] + b[1] * x + b[2] * x2 + b[3] * x3;
  const denominator = 1 + b[4] * x + b[5] * x2 + b[6] * x3;
  const ratio = numerator / denominator;
  if (d) {
    d[0] = 1 / denominator;
    d[1] = x / denominator;
    d[2] = x2 / denominator;
    d[3] = x3 / denominator;
    d[4] = -ratio * x / denominator;
    d[5] = -ratio * x2 / denominator;
    d[6] = -ratio * x3 / denominator;
  }
  return ratio;
};

const MODELS: Readonly<Record<NistProblemName, Model>> = {
  Misra1a: exponentialRise,
  BoxBOD: exponentialRise,
  DanWood: powerLaw,
  Rat42: logistic3,
  MGH09: rational22,
  MGH10: meyer,
  Eckerle4: gaussianPeak,
  Rat43: richards,
  Lanczos3: threeExponentials,
  Thurber: rational33,
};

/** The problem names, in the order of the data file (NIST's lower to higher difficulty mixed). */
export const NIST_PROBLEM_NAMES: readonly NistProblemName[] = Object.freeze(
  data.datasets.map((set) => set.name as NistProblemName),
);

/** NIST's difficulty levels. */
export type NistDifficulty = "lower" | "average" | "higher";

/** Options of {@linkcode NistProblem.objective}. */
export interface NistObjectiveOptions {
  /**
   * `"analytic"` (default): the model's hand-written Jacobian. `"finite-differences"`: central
   * differences of the residuals, as {@linkcode leastSquares} does without a Jacobian.
   */
  jacobian?: "analytic" | "finite-differences";
}

/** One NIST StRD nonlinear regression problem. */
export interface NistProblem {
  /** NIST's name of the data set. */
  readonly name: NistProblemName;
  /** NIST's level of difficulty. */
  readonly difficulty: NistDifficulty;
  /** The model as NIST writes it, e.g. `"y = b1*(1-exp(-b2*x))"`. */
  readonly model: string;
  /** The parameter names b1, b2, .... */
  readonly parameterNames: readonly string[];
  /** NIST's first starting point (far from the solution). */
  readonly start1: readonly number[];
  /** NIST's second starting point (near the solution). */
  readonly start2: readonly number[];
  /** The certified parameter estimates (11 significant digits). */
  readonly certified: readonly number[];
  /** The certified standard deviations of the estimates. */
  readonly certifiedStandardDeviations: readonly number[];
  /** The certified residual sum of squares Σ(yᵢ − f(xᵢ; b*))², twice the objective's value. */
  readonly certifiedResidualSumOfSquares: number;
  /** The certified residual standard deviation √(RSS/(m − n)). */
  readonly certifiedResidualStandardDeviation: number;
  /** The predictor values xᵢ. */
  readonly x: readonly number[];
  /** The responses yᵢ. */
  readonly y: readonly number[];
  /**
   * The model f(x; b) at one predictor value; a NonFiniteError where it overflows (MGH09 at
   * x = 1e308).
   */
  predict(parameters: ArrayLike<number>, x: number): number;
  /** The least-squares objective ½Σ(f(xᵢ; b) − yᵢ)² = ½·RSS, with the analytic Jacobian. */
  objective(options?: NistObjectiveOptions): LeastSquaresObjective;
}

function difficultyOf(text: string): NistDifficulty {
  const lower = text.toLowerCase();
  return lower.startsWith("lower") ? "lower" : lower.startsWith("average") ? "average" : "higher";
}

function frozen(values: readonly number[]): readonly number[] {
  return Object.freeze(values.slice());
}

/**
 * One NIST StRD problem by name.
 *
 * @example The certified fit of Misra1a, and its residual sum of squares
 * ```ts
 * import { nistProblem } from "@secondorder/harness";
 * const misra = nistProblem("Misra1a");
 * const f = misra.objective();
 * const rss = 2 * f.value(new Float64Array(misra.certified));
 * if (Math.abs(rss - misra.certifiedResidualSumOfSquares) > 1e-9 * rss) throw new Error();
 * ```
 */
export function nistProblem(name: NistProblemName): NistProblem {
  const where = "build the NIST problem";
  const chosen = oneOf(where, "name", name, NIST_PROBLEM_NAMES);
  const set = data.datasets.find((s) => s.name === chosen)!;
  const model = MODELS[chosen];
  const n = set.parameters.length;
  const xs = frozen(set.x), ys = frozen(set.y);
  const m = xs.length;

  const residuals = (b: Float64Array, out = new Float64Array(m)) => {
    for (let i = 0; i < m; i++) out[i] = model(b, xs[i]) - ys[i];
    return out;
  };
  const jacobian = (b: Float64Array) => {
    const J = new Float64Array(m * n);
    for (let i = 0; i < m; i++) model(b, xs[i], J.subarray(i * n, (i + 1) * n));
    return J;
  };

  return Object.freeze({
    name: chosen,
    difficulty: difficultyOf(set.difficulty),
    model: set.model,
    parameterNames: Object.freeze(set.parameters.map((p) => p.name)),
    start1: frozen(set.parameters.map((p) => p.start1)),
    start2: frozen(set.parameters.map((p) => p.start2)),
    certified: frozen(set.parameters.map((p) => p.certified)),
    certifiedStandardDeviations: frozen(set.parameters.map((p) => p.certifiedStdDev)),
    certifiedResidualSumOfSquares: set.certifiedResidualSumOfSquares,
    certifiedResidualStandardDeviation: set.residualStdDev,
    x: xs,
    y: ys,
    predict(parameters: ArrayLike<number>, x: number): number {
      const what = `evaluate the ${chosen} model`;
      const b = finiteVector(what, "parameters", parameters, n, " (the model's parameters)");
      const value = model(b, finiteNumber(what, "x", x));
      if (!Number.isFinite(value)) {
        throw new NonFiniteError(`${what} at x = ${x}`, "f(x; parameters)", b);
      }
      return value;
    },
    objective(options: NistObjectiveOptions = {}): LeastSquaresObjective {
      const what = `build the ${chosen} objective`;
      const opts = optionsObject(what, options, "options", ["jacobian"]);
      const source = opts.jacobian === undefined
        ? "analytic"
        : oneOf(what, "options.jacobian", opts.jacobian, ["analytic", "finite-differences"]);
      return leastSquares({
        parameters: n,
        observations: m,
        residuals,
        ...(source === "analytic" ? { jacobian } : {}),
      });
    },
  });
}

/**
 * All ten NIST StRD problems, in {@linkcode NIST_PROBLEM_NAMES}' order.
 *
 * @example
 * ```ts
 * import { nistProblems } from "@secondorder/harness";
 * const sizes = nistProblems().map((p) => `${p.name}: ${p.certified.length} × ${p.x.length}`);
 * if (sizes.length !== 10) throw new Error(sizes.join(", "));
 * ```
 */
export function nistProblems(): NistProblem[] {
  return NIST_PROBLEM_NAMES.map(nistProblem);
}

/** Options of {@linkcode correctDigits}. */
export interface CorrectDigitsOptions {
  /**
   * The most digits credited. Default 11: NIST certifies its values to 11 significant digits,
   * so agreement beyond that cannot be graded.
   */
  maxDigits?: number;
}

/**
 * The number of correct significant digits of an estimate, by the log relative error
 * LRE = −log₁₀(|b − b*| / |b*|) (McCullough 1998, the measure NIST's StRD results use), clipped
 * to [0, maxDigits]. When the certified value is 0 the absolute error is used, −log₁₀|b|. An
 * exact match, or an error below 10^−maxDigits, scores maxDigits (11 by default); a non-finite
 * estimate, or one wrong by 100% or more, scores 0.
 *
 * @example
 * ```ts
 * import { correctDigits } from "@secondorder/harness";
 * if (Math.abs(correctDigits(238.9421, 238.94212918) - 6.91) > 0.01) throw new Error();
 * if (correctDigits(238.94212918, 238.94212918) !== 11) throw new Error();
 * ```
 */
export function correctDigits(
  estimate: number,
  certified: number,
  options: CorrectDigitsOptions = {},
): number {
  const where = "count the correct digits";
  if (typeof estimate !== "number") {
    throw new TypeError(`Cannot ${where}: estimate is ${describe(estimate)}, expected a number`);
  }
  const reference = finiteNumber(where, "certified", certified);
  const opts = optionsObject(where, options, "options", ["maxDigits"]);
  const maxDigits = opts.maxDigits === undefined
    ? 11
    : finiteNumber(where, "options.maxDigits", opts.maxDigits, { min: 0, max: 17 });
  if (!Number.isFinite(estimate)) return 0;
  const error = reference === 0
    ? Math.abs(estimate)
    : Math.abs(estimate - reference) / Math.abs(reference);
  if (error === 0) return maxDigits;
  return Math.min(maxDigits, Math.max(0, -Math.log10(error)));
}
