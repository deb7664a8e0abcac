/**
 * The training objective of an MLP on a data set, with exact curvature:
 *
 *   f(θ) = θᵀθ/(2C) + (1/I)·Σᵢ ξ(z^{L+1,i}; yⁱ)
 *
 * (the regulariser is absent when C is not given). The Hessian is applied through
 * Pearlmutter's R-operator and the Gauss-Newton matrix G = I/C + (1/I)·Σᵢ JᵢᵀBᵢJᵢ through
 * J·v and Jᵀ·u products, both without forming a matrix. Each curvature operator computes the
 * forward (and, for the Hessian, backward) pass at its point once and reuses it for every
 * matvec, so a product inside CG costs about two gradients (Hessian) or 1.3 (Gauss-Newton).
 *
 * @module
 */

import type { Objective, ValueAndGradient } from "../objective.ts";
import { checkMatvec, type LinearOperator } from "../operator/linear_operator.ts";
import { dataMatrix, type Network } from "../nn/mlp.ts";
import {
  backwardBatch,
  BackwardBuffers,
  forwardBatch,
  NetworkWorkspace,
  rBackwardBatch,
  RBuffers,
  rForwardBatch,
} from "../nn/passes.ts";
import {
  headGaussNewton,
  headGradient,
  headHessian,
  headLoss,
  headSplitMap,
  splitsAtLogits,
} from "../nn/heads.ts";
import {
  describe,
  finiteVector,
  integerInRange,
  notAliased,
  optionsObject,
  outBuffer,
  positiveNumber,
  requireFiniteEntries,
  requireFiniteValue,
} from "../validate.ts";

/** A data set: one input row and one target row per sample. */
export interface Dataset {
  /** Input rows, each of the network's input width. */
  inputs: readonly (readonly number[])[];
  /** Target rows, each of the network's output width. */
  targets: readonly (readonly number[])[];
}

/** Options of {@linkcode networkObjective}. */
export interface NetworkObjectiveOptions {
  /**
   * The regularisation constant C > 0 of the term θᵀθ/(2C). Default: none (no regulariser,
   * so G is only positive semi-definite).
   */
  C?: number;
}

/** The objective of an MLP on a data set, with its exact curvature operators. */
export interface NetworkObjective extends Objective {
  /** The network. */
  readonly network: Network;
  /** The number of samples I. */
  readonly samples: number;
  /** The regularisation constant, or undefined for none. */
  readonly C: number | undefined;
  /**
   * Where the Gauss-Newton split falls: at the logits z^{L+1} (`"logits"`, for matching
   * output-loss pairs) or at the mapped outputs o (`"outputs"`). `jvp` and `vjp` differentiate
   * that quantity.
   */
  readonly split: "logits" | "outputs";
  /** f(x) and ∇f(x) from one forward and one backward pass. */
  valueAndGradient(x: Float64Array, out?: Float64Array): ValueAndGradient;
  /** The exact Hessian at x (R-operator; forward and backward pass cached). */
  hessian(x: Float64Array): LinearOperator;
  /** The Gauss-Newton matrix at x (J·v then Jᵀ·B·u; forward pass cached). */
  gaussNewton(x: Float64Array): LinearOperator;
  /**
   * Jacobian-vector products for every sample: row i of the result (I rows of K) is Jᵢ·v, the
   * derivative of sample i's split output along v.
   */
  jvp(x: Float64Array, v: Float64Array, out?: Float64Array): Float64Array;
  /**
   * Vector-Jacobian products summed over samples: Σᵢ Jᵢᵀ·uᵢ, with uᵢ row i of `u` (I rows of
   * K). To get one sample's Jᵢᵀ·uᵢ, leave the other rows zero.
   */
  vjp(x: Float64Array, u: Float64Array, out?: Float64Array): Float64Array;
  /** The same objective on a subset of the samples (a mini-batch), in the given order. */
  subset(indices: ArrayLike<number>): NetworkObjective;
  /** The data as row-major matrices: inputs (I × n₀) and targets (I × K). */
  readonly data: { readonly inputs: Float64Array; readonly targets: Float64Array };
}

function checkTargets(where: string, network: Network, targets: Float64Array, k: number): void {
  for (let i = 0; i < targets.length; i++) {
    const t = targets[i];
    const name = `targets[${Math.floor(i / k)}][${i % k}]`;
    if (network.loss === "logistic" && (t < 0 || t > 1)) {
      throw new RangeError(
        `Cannot ${where}: ${name} is ${t}, expected a value in [0, 1] for the logistic loss`,
      );
    }
    if (network.loss === "cross-entropy" && t < 0) {
      throw new RangeError(
        `Cannot ${where}: ${name} is ${t}, expected a non-negative value for the cross-entropy loss`,
      );
    }
  }
}

/**
 * The objective f(θ) = θᵀθ/(2C) + (1/I)·Σᵢ ξ(z^{L+1,i}; yⁱ) of a network on a data set.
 *
 * @example Gradient, Hessian-vector and Gauss-Newton-vector products
 * ```ts
 * import { mlp, networkObjective } from "@secondorder/harness";
 * const net = mlp({ sizes: [2, 3, 1], activation: "tanh", output: "sigmoid", loss: "logistic" });
 * const f = networkObjective(net, {
 *   inputs: [[0, 0], [0, 1], [1, 0], [1, 1]],
 *   targets: [[0], [1], [1], [0]],
 * }, { C: 100 });
 * const theta = net.initialParameters(7);
 * const g = f.gradient(theta);
 * const Hg = f.hessian(theta).matvec(g);
 * const Gg = f.gaussNewton(theta).matvec(g);
 * let gGg = 0;
 * for (let i = 0; i < g.length; i++) gGg += g[i] * Gg[i];
 * if (!(gGg > 0) || Hg.length !== net.dim) throw new Error("unexpected");
 * ```
 */
export function networkObjective(
  network: Network,
  data: Dataset,
  options: NetworkObjectiveOptions = {},
): NetworkObjective {
  const where = "build the network objective";
  if (
    network === null || typeof network !== "object" || !Array.isArray(network.layers) ||
    typeof network.dim !== "number"
  ) {
    throw new TypeError(
      `Cannot ${where}: network is ${describe(network)}, expected a Network from mlp()`,
    );
  }
  if (data === null || typeof data !== "object") {
    throw new TypeError(
      `Cannot ${where}: data is ${
        describe(data)
      }, expected { inputs: number[][], targets: number[][] }`,
    );
  }
  const opts = optionsObject(where, options, "options", ["C"]);
  const C = opts.C === undefined ? undefined : positiveNumber(where, "options.C", opts.C);
  if (C !== undefined && !Number.isFinite(1 / C)) {
    // The regulariser's curvature 1/C enters the Hessian and Gauss-Newton operators.
    throw new RangeError(
      `Cannot ${where}: options.C is ${C}, expected C ≥ ${1 / Number.MAX_VALUE} (1/C must be ` +
        `finite)`,
    );
  }
  const n0 = network.sizes[0];
  const k = network.sizes[network.sizes.length - 1];
  const inputs = dataMatrix(where, "inputs", data.inputs, n0);
  const targets = dataMatrix(where, "targets", data.targets, k);
  if (data.inputs.length !== data.targets.length) {
    throw new RangeError(
      `Cannot ${where}: targets has ${data.targets.length} rows, expected ${data.inputs.length} (one per input row)`,
    );
  }
  checkTargets(where, network, targets, k);
  return objectiveFromMatrices(network, inputs, targets, data.inputs.length, C);
}

/** Builds the objective from validated row-major data. */
function objectiveFromMatrices(
  network: Network,
  inputs: Float64Array,
  targets: Float64Array,
  rows: number,
  C: number | undefined,
): NetworkObjective {
  const dim = network.dim;
  const k = network.sizes[network.sizes.length - 1];
  const L = network.layers.length;
  const head = network.head;
  const invI = 1 / rows;
  const invC = C === undefined ? 0 : 1 / C;

  // Scratch for value and gradient calls: reused, so those calls allocate only their result.
  let shared: { ws: NetworkWorkspace; bw: BackwardBuffers } | undefined;
  const scratch = () =>
    shared ??= {
      ws: new NetworkWorkspace(network, rows),
      bw: new BackwardBuffers(network, rows),
    };

  const checkPoint = (what: string, x: unknown) =>
    finiteVector(what, "x", x, dim, " (the network's parameter count)");

  const regularisedValue = (x: Float64Array, loss: number) => {
    let value = loss * invI;
    if (invC !== 0) {
      let s = 0;
      for (let i = 0; i < dim; i++) s += x[i] * x[i];
      value += 0.5 * invC * s;
    }
    return value;
  };

  const addRegulariser = (x: Float64Array, out: Float64Array) => {
    if (invC !== 0) { for (let i = 0; i < dim; i++) out[i] += invC * x[i]; }
  };

  const valueAndGradientInto = (where: string, x: Float64Array, out: Float64Array): number => {
    const { ws, bw } = scratch();
    forwardBatch(network, x, inputs, rows, ws, false);
    const loss = headLoss(head, ws.z[L - 1], ws.out, targets, rows, k);
    const value = requireFiniteValue(where, regularisedValue(x, loss), x);
    headGradient(head, ws.z[L - 1], ws.out, targets, rows, k, invI, bw.deltas[L - 1]);
    backwardBatch(network, x, ws, bw, out);
    addRegulariser(x, out);
    requireFiniteEntries(where, "the gradient", out, x);
    return value;
  };

  const objective: NetworkObjective = {
    dim,
    network,
    samples: rows,
    C,
    split: splitsAtLogits(head) ? "logits" : "outputs",
    data: { inputs, targets },

    value(x: Float64Array): number {
      const where = "evaluate the objective";
      const point = checkPoint(where, x);
      const { ws } = scratch();
      forwardBatch(network, point, inputs, rows, ws, false);
      const loss = headLoss(head, ws.z[L - 1], ws.out, targets, rows, k);
      return requireFiniteValue(where, regularisedValue(point, loss), point);
    },

    gradient(x: Float64Array, out?: Float64Array): Float64Array {
      const point = checkPoint("compute the gradient", x);
      const g = outBuffer("compute the gradient", out, dim);
      notAliased("compute the gradient", g, point);
      valueAndGradientInto("compute the gradient", point, g);
      return g;
    },

    valueAndGradient(x: Float64Array, out?: Float64Array): ValueAndGradient {
      const point = checkPoint("compute the value and gradient", x);
      const g = outBuffer("compute the value and gradient", out, dim);
      notAliased("compute the value and gradient", g, point);
      return {
        value: valueAndGradientInto("compute the value and gradient", point, g),
        gradient: g,
      };
    },

    hessian(x: Float64Array): LinearOperator {
      const where = "build the Hessian";
      const theta = checkPoint(where, x).slice();
      const ws = new NetworkWorkspace(network, rows);
      const bw = new BackwardBuffers(network, rows);
      const rb = new RBuffers(network, rows);
      const gradient = new Float64Array(dim);
      forwardBatch(network, theta, inputs, rows, ws, true);
      requireFiniteEntries(where, "the network's output", ws.out, theta);
      headGradient(head, ws.z[L - 1], ws.out, targets, rows, k, invI, bw.deltas[L - 1]);
      backwardBatch(network, theta, ws, bw, gradient);
      requireFiniteEntries(where, "the gradient", gradient, theta);
      // φ″(zₗ₋₁) ⊙ δaₗ, the only point-dependent factor of R{Δ} besides φ′.
      const d2dAct = ws.d2.map((d2, l) => {
        const product = new Float64Array(d2.length);
        const dAct = bw.dActs[l];
        for (let i = 0; i < d2.length; i++) product[i] = d2[i] * dAct[i];
        return product;
      });
      return {
        dim,
        structure: "symmetric",
        matvec(v: Float64Array, out?: Float64Array): Float64Array {
          const result = checkMatvec(dim, v, out);
          rForwardBatch(network, theta, v, ws, rb);
          headHessian(
            head,
            ws.out,
            targets,
            rb.rz[L - 1],
            rows,
            k,
            invI,
            rb.rDeltas[L - 1],
            rb.headScratch,
          );
          rBackwardBatch(network, theta, v, ws, bw, d2dAct, rb, result);
          addRegulariser(v, result);
          return result;
        },
      };
    },

    gaussNewton(x: Float64Array): LinearOperator {
      const where = "build the Gauss-Newton operator";
      const theta = checkPoint(where, x).slice();
      const ws = new NetworkWorkspace(network, rows);
      const bw = new BackwardBuffers(network, rows);
      const rb = new RBuffers(network, rows);
      forwardBatch(network, theta, inputs, rows, ws, false);
      requireFiniteEntries(where, "the network's output", ws.out, theta);
      return {
        dim,
        structure: invC > 0 ? "spd" : "symmetric",
        matvec(v: Float64Array, out?: Float64Array): Float64Array {
          const result = checkMatvec(dim, v, out);
          rForwardBatch(network, theta, v, ws, rb);
          headGaussNewton(head, ws.out, targets, rb.rz[L - 1], rows, k, invI, bw.deltas[L - 1]);
          backwardBatch(network, theta, ws, bw, result);
          addRegulariser(v, result);
          return result;
        },
      };
    },

    jvp(x: Float64Array, v: Float64Array, out?: Float64Array): Float64Array {
      const where = "compute the Jacobian-vector product";
      const theta = checkPoint(where, x);
      const direction = finiteVector(where, "v", v, dim, " (the network's parameter count)");
      const result = outBuffer(where, out, rows * k);
      const ws = new NetworkWorkspace(network, rows);
      const rb = new RBuffers(network, rows);
      forwardBatch(network, theta, inputs, rows, ws, false);
      rForwardBatch(network, theta, direction, ws, rb);
      headSplitMap(head, ws.out, rb.rz[L - 1], result, rows, k);
      requireFiniteEntries(where, "J·v", result, theta);
      return result;
    },

    vjp(x: Float64Array, u: Float64Array, out?: Float64Array): Float64Array {
      const where = "compute the vector-Jacobian product";
      const theta = checkPoint(where, x);
      const cotangent = finiteVector(
        where,
        "u",
        u,
        rows * k,
        ` (samples × outputs = ${rows} × ${k})`,
      );
      const result = outBuffer(where, out, dim);
      notAliased(where, result, theta);
      const ws = new NetworkWorkspace(network, rows);
      const bw = new BackwardBuffers(network, rows);
      forwardBatch(network, theta, inputs, rows, ws, false);
      headSplitMap(head, ws.out, cotangent, bw.deltas[L - 1], rows, k);
      backwardBatch(network, theta, ws, bw, result);
      requireFiniteEntries(where, "Jᵀ·u", result, theta);
      return result;
    },

    subset(indices: ArrayLike<number>): NetworkObjective {
      const where = "take a subset of the samples";
      if (indices === null || typeof indices !== "object" || typeof indices.length !== "number") {
        throw new TypeError(`Cannot ${where}: indices is ${describe(indices)}, expected an array`);
      }
      integerInRange(where, "indices.length", indices.length, 1);
      const n0 = network.sizes[0];
      const subInputs = new Float64Array(indices.length * n0);
      const subTargets = new Float64Array(indices.length * k);
      for (let r = 0; r < indices.length; r++) {
        const i = integerInRange(where, `indices[${r}]`, indices[r], 0, rows - 1);
        subInputs.set(inputs.subarray(i * n0, (i + 1) * n0), r * n0);
        subTargets.set(targets.subarray(i * k, (i + 1) * k), r * k);
      }
      return objectiveFromMatrices(network, subInputs, subTargets, indices.length, C);
    },
  };
  return objective;
}
