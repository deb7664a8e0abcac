/**
 * Small helpers shared by the experiments: seeded data sets and number formatting for the
 * explanations.
 *
 * @module
 */

import { createRandom } from "../random/random.ts";
import type { Dataset } from "../curvature/network_objective.ts";
import type { Network } from "../nn/mlp.ts";

/**
 * A random regression data set: inputs and targets standard normal, as note 002 draws them
 * (`torch.randn`).
 */
export function randomRegression(
  seed: number,
  samples: number,
  inputWidth: number,
  outputWidth: number,
): Dataset {
  const random = createRandom(seed);
  const inputs = Array.from(
    { length: samples },
    () => Array.from({ length: inputWidth }, () => random.normal()),
  );
  const targets = Array.from(
    { length: samples },
    () => Array.from({ length: outputWidth }, () => random.normal()),
  );
  return { inputs, targets };
}

/** A random classification data set: normal inputs, one-hot targets of `classes` classes. */
export function randomClassification(
  seed: number,
  samples: number,
  inputWidth: number,
  classes: number,
): Dataset {
  const random = createRandom(seed);
  const inputs = Array.from(
    { length: samples },
    () => Array.from({ length: inputWidth }, () => random.normal()),
  );
  const targets = Array.from({ length: samples }, () => {
    const t = new Array<number>(classes).fill(0);
    t[random.integer(classes)] = 1;
    return t;
  });
  return { inputs, targets };
}

/**
 * A random data set suited to a network's head: standard normal inputs; targets standard normal
 * (identity + squared), uniform in [0, 1] (sigmoid or softmax + squared), binary labels
 * (logistic) or one-hot classes (cross-entropy).
 */
export function randomDatasetFor(network: Network, seed: number, samples: number): Dataset {
  const random = createRandom(seed);
  const n0 = network.sizes[0], k = network.sizes[network.sizes.length - 1];
  const inputs = Array.from(
    { length: samples },
    () => Array.from({ length: n0 }, () => random.normal()),
  );
  const targets = Array.from({ length: samples }, () => {
    switch (network.head) {
      case "identity-squared":
        return Array.from({ length: k }, () => random.normal());
      case "sigmoid-squared":
      case "softmax-squared":
        return Array.from({ length: k }, () => random.uniform());
      case "sigmoid-logistic":
        return Array.from({ length: k }, () => random.integer(2));
      case "softmax-cross-entropy": {
        const t = new Array<number>(k).fill(0);
        t[random.integer(k)] = 1;
        return t;
      }
    }
  });
  return { inputs, targets };
}

/**
 * Plain gradient descent θ ← θ − α·∇f(θ), the update the notes analyse, written out so an
 * experiment about gradient descent itself runs exactly that rule. Calls `onStep` after every
 * step with the iteration, the new point and its value; stops early if it returns false.
 */
export function gradientDescent(
  objective: {
    gradient(x: Float64Array, out?: Float64Array): Float64Array;
    value(x: Float64Array): number;
  },
  x0: Float64Array,
  learningRate: number,
  steps: number,
  onStep?: (iteration: number, x: Float64Array, value: number) => boolean | void,
): Float64Array {
  const x = x0.slice();
  const g = new Float64Array(x.length);
  for (let k = 1; k <= steps; k++) {
    objective.gradient(x, g);
    for (let i = 0; i < x.length; i++) x[i] -= learningRate * g[i];
    if (onStep && onStep(k, x, objective.value(x)) === false) break;
  }
  return x;
}

/** Formats a number for an explanation: 4 significant digits, exponent form when far from 1. */
export function fmt(value: number, digits = 3): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return "0";
  const a = Math.abs(value);
  if (a < 1e-3 || a >= 1e5) return value.toExponential(Math.max(0, digits - 1));
  return String(Number(value.toPrecision(digits)));
}

/** The largest absolute entry of a matrix given as rows. */
export function maxAbsEntry(rows: readonly (readonly number[])[]): number {
  let m = 0;
  for (const row of rows) for (const v of row) m = Math.max(m, Math.abs(v));
  return m;
}

/** max|Aᵢⱼ − Aⱼᵢ| / max|A|: the relative asymmetry of a square matrix. */
export function relativeAsymmetry(rows: readonly (readonly number[])[]): number {
  let diff = 0;
  for (let i = 0; i < rows.length; i++) {
    for (let j = 0; j < i; j++) diff = Math.max(diff, Math.abs(rows[i][j] - rows[j][i]));
  }
  const scale = maxAbsEntry(rows);
  return scale === 0 ? 0 : diff / scale;
}
