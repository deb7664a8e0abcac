/**
 * Multilayer perceptrons: a list of layer widths, a hidden activation, an output map and a
 * loss. The parameters are one flat `Float64Array`. Layer l (from width nₗ to nₗ₊₁) stores its
 * weight matrix Wₗ (nₗ₊₁ × nₗ, row-major: row j holds the weights into unit j) followed by its
 * bias bₗ (nₗ₊₁); layers follow one another.
 *
 * @module
 */

import { type Activation, ACTIVATIONS } from "./activations.ts";
import {
  type HeadKind,
  headKind,
  type Loss,
  LOSSES,
  OUTPUT_MAPS,
  type OutputMap,
} from "./heads.ts";
import { createRandom } from "../random/random.ts";
import { describe, finiteVector, integerInRange, oneOf, optionsObject } from "../validate.ts";
import { forwardBatch, NetworkWorkspace } from "./passes.ts";

/** Where one layer's parameters sit in the flat parameter vector. */
export interface LayerLayout {
  /** Width of the layer's input. */
  readonly inputs: number;
  /** Width of the layer's output. */
  readonly outputs: number;
  /** Offset of Wₗ (outputs × inputs, row-major). */
  readonly weightOffset: number;
  /** Offset of bₗ (outputs). */
  readonly biasOffset: number;
}

/** The definition of an MLP, as given to {@linkcode mlp}. */
export interface MlpSpec {
  /** Layer widths from input to output, for example `[2, 3, 1]`. At least two entries. */
  sizes: readonly number[];
  /** Hidden activation. Default `"tanh"`. */
  activation?: Activation;
  /** Output map applied to the last linear layer. Default `"identity"`. */
  output?: OutputMap;
  /** Loss on the mapped output. Default `"squared"` (ξ = ‖o − y‖², so B = 2I). */
  loss?: Loss;
}

/** An MLP: its architecture, parameter layout, initialisation and prediction. */
export interface Network {
  /** Layer widths from input to output. */
  readonly sizes: readonly number[];
  /** Hidden activation. */
  readonly activation: Activation;
  /** Output map. */
  readonly output: OutputMap;
  /** Loss. */
  readonly loss: Loss;
  /** The resolved (output, loss) pair. */
  readonly head: HeadKind;
  /** The number of parameters. */
  readonly dim: number;
  /** Where each layer's weights and biases sit in the parameter vector. */
  readonly layers: readonly LayerLayout[];
  /**
   * Seeded Glorot-normal initial parameters: Wₗ entries ~ N(0, 2/(nₗ + nₗ₊₁)), biases zero.
   */
  initialParameters(seed: number): Float64Array;
  /** The mapped outputs o(z^{L+1}) for each input row. */
  predict(
    params: Float64Array | readonly number[],
    inputs: readonly (readonly number[])[],
  ): number[][];
}

/**
 * Defines an MLP.
 *
 * Supported (output, loss) pairs: any output with `"squared"`; `"sigmoid"` with `"logistic"`
 * (binary cross-entropy); `"softmax"` with `"cross-entropy"`. Other pairs throw a `TypeError`
 * that says which pair to use instead.
 *
 * @example A 2-3-1 classifier
 * ```ts
 * import { mlp } from "@secondorder/harness";
 * const net = mlp({ sizes: [2, 3, 1], activation: "tanh", output: "sigmoid", loss: "logistic" });
 * if (net.dim !== 2 * 3 + 3 + 3 * 1 + 1) throw new Error("unexpected");
 * const [[p]] = net.predict(net.initialParameters(0), [[0.5, 0.5]]);
 * if (!(p > 0 && p < 1)) throw new Error("unexpected");
 * ```
 */
export function mlp(spec: MlpSpec): Network {
  const where = "define the MLP";
  const opts = optionsObject(where, spec, "spec");
  if (spec === undefined) {
    throw new TypeError(
      `Cannot ${where}: spec is undefined, expected { sizes, activation, output, loss }`,
    );
  }
  const sizesValue: unknown = opts.sizes;
  if (!Array.isArray(sizesValue)) {
    throw new TypeError(
      `Cannot ${where}: sizes is ${
        describe(sizesValue)
      }, expected an array of layer widths such as [2, 3, 1]`,
    );
  }
  if (sizesValue.length < 2) {
    throw new RangeError(
      `Cannot ${where}: sizes has length ${sizesValue.length}, expected at least 2 (input and output widths)`,
    );
  }
  const sizes = sizesValue.map((s, i) => integerInRange(where, `sizes[${i}]`, s, 1, 1 << 24));
  const activation = oneOf(where, "activation", opts.activation ?? "tanh", ACTIVATIONS);
  const output = oneOf(where, "output", opts.output ?? "identity", OUTPUT_MAPS);
  const loss = oneOf(where, "loss", opts.loss ?? "squared", LOSSES);
  const resolved = headKind(output, loss);
  if ("error" in resolved) throw new TypeError(`Cannot ${where}: ${resolved.error}`);
  const outputs = sizes[sizes.length - 1];
  if (output === "softmax" && outputs < 2) {
    throw new RangeError(
      `Cannot ${where}: output "softmax" needs at least 2 output units, got sizes[${
        sizes.length - 1
      }] = ${outputs}`,
    );
  }

  const layers: LayerLayout[] = [];
  let offset = 0;
  for (let l = 0; l + 1 < sizes.length; l++) {
    const inputs = sizes[l], outs = sizes[l + 1];
    layers.push({
      inputs,
      outputs: outs,
      weightOffset: offset,
      biasOffset: offset + inputs * outs,
    });
    offset += inputs * outs + outs;
  }
  const dim = offset;
  if (dim > 2 ** 27) {
    throw new RangeError(
      `Cannot ${where}: the network has ${dim} parameters, expected at most 2^27`,
    );
  }

  const network: Network = {
    sizes: Object.freeze(sizes.slice()),
    activation,
    output,
    loss,
    head: resolved.kind,
    dim,
    layers: Object.freeze(layers.map((l) => Object.freeze(l))),
    initialParameters(seed: number): Float64Array {
      const random = createRandom(
        integerInRange("draw initial parameters", "seed", seed, 0, 0xffffffff),
      );
      const theta = new Float64Array(dim);
      for (const layer of layers) {
        const std = Math.sqrt(2 / (layer.inputs + layer.outputs));
        const count = layer.inputs * layer.outputs;
        for (let i = 0; i < count; i++) theta[layer.weightOffset + i] = std * random.normal();
      }
      return theta;
    },
    predict(params, inputs) {
      const w = "predict";
      const theta = finiteVector(w, "params", params, dim, " (the network's dim)");
      const x = dataMatrix(w, "inputs", inputs, sizes[0]);
      const rows = inputs.length;
      const workspace = new NetworkWorkspace(network, rows);
      forwardBatch(network, theta, x, rows, workspace, false);
      const result: number[][] = [];
      for (let r = 0; r < rows; r++) {
        result.push(Array.from(workspace.out.subarray(r * outputs, (r + 1) * outputs)));
      }
      return result;
    },
  };
  return network;
}

/**
 * Reads a data matrix (rows of `width` finite numbers) into a row-major `Float64Array`. An
 * empty matrix is rejected.
 */
export function dataMatrix(
  where: string,
  name: string,
  rows: unknown,
  width: number,
): Float64Array {
  if (!Array.isArray(rows)) {
    throw new TypeError(`Cannot ${where}: ${name} is ${describe(rows)}, expected number[][]`);
  }
  if (rows.length === 0) {
    throw new RangeError(`Cannot ${where}: ${name} has 0 rows, expected at least 1`);
  }
  const data = new Float64Array(rows.length * width);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    if (!Array.isArray(row) && !ArrayBuffer.isView(row)) {
      throw new TypeError(
        `Cannot ${where}: ${name}[${r}] is ${describe(row)}, expected a row of numbers`,
      );
    }
    data.set(finiteVector(where, `${name}[${r}]`, row, width, " (the layer width)"), r * width);
  }
  return data;
}
