/**
 * Batched forward and backward passes of an MLP, with Pearlmutter's R-operator passes next to
 * them. All activations are row-major matrices with one row per sample, so each layer is three
 * matrix products (forward Z = A·Wᵀ, backward ∂W = Δᵀ·A and δA = Δ·W) on register-blocked
 * kernels. Buffers live in workspaces allocated once per batch size; no pass allocates.
 *
 * Notation (layer l = 0..L−1 maps width nₗ to nₗ₊₁):
 *   zₗ = aₗ·Wₗᵀ + bₗ,  aₗ₊₁ = φ(zₗ) (hidden layers),  a₀ = X,  z_{L−1} = the logits.
 *   Backward: Δₗ = ∂f/∂zₗ,  ∂f/∂Wₗ = Δₗᵀ·aₗ,  δaₗ = Δₗ·Wₗ,  Δₗ₋₁ = φ′(zₗ₋₁) ⊙ δaₗ.
 *   R-forward along v = (Vₗ, cₗ):  R{zₗ} = aₗ·Vₗᵀ + R{aₗ}·Wₗᵀ + cₗ,  R{aₗ₊₁} = φ′(zₗ) ⊙ R{zₗ}.
 *   R-backward:  R{∂Wₗ} = R{Δₗ}ᵀ·aₗ + Δₗᵀ·R{aₗ},  R{δaₗ} = R{Δₗ}·Wₗ + Δₗ·Vₗ,
 *                R{Δₗ₋₁} = φ″(zₗ₋₁) ⊙ δaₗ ⊙ R{zₗ₋₁} + φ′(zₗ₋₁) ⊙ R{δaₗ}.
 * (Pearlmutter, "Fast exact multiplication by the Hessian", Neural Computation 6, 1994.)
 *
 * @module
 */

import { activate, isPiecewiseLinear } from "./activations.ts";
import { headOutputs } from "./heads.ts";
import { gemmNN, gemmNT, gemmTN } from "../linalg/gemm.ts";
import type { Network } from "./mlp.ts";

/** Forward-pass buffers for a batch of `rows` samples. */
export class NetworkWorkspace {
  /** Number of samples. */
  readonly rows: number;
  /** Pre-activations zₗ, rows × nₗ₊₁, for every layer; the last is the logits. */
  readonly z: Float64Array[];
  /** Activations aₗ for l = 1..L−1 (index 0 is the data matrix, set by the forward pass). */
  readonly acts: Float64Array[];
  /** φ′(zₗ₋₁) stored at index l = 1..L−1, aligned with `acts`. */
  readonly d1: Float64Array[];
  /** φ″(zₗ₋₁) at index l = 1..L−1, filled only when the forward pass is asked for it. */
  readonly d2: Float64Array[];
  /** The mapped outputs o(z_{L−1}), rows × K. */
  readonly out: Float64Array;

  constructor(network: Network, rows: number) {
    this.rows = rows;
    const L = network.layers.length;
    this.z = network.layers.map((l) => new Float64Array(rows * l.outputs));
    this.acts = [new Float64Array(0)];
    this.d1 = [new Float64Array(0)];
    this.d2 = [new Float64Array(0)];
    for (let l = 1; l < L; l++) {
      const width = network.layers[l].inputs;
      this.acts.push(new Float64Array(rows * width));
      this.d1.push(new Float64Array(rows * width));
      this.d2.push(new Float64Array(0));
    }
    this.out = new Float64Array(rows * network.sizes[L]);
  }

  /** Allocates the φ″ buffers (once) so the forward pass can fill them. */
  ensureSecondDerivatives(network: Network): void {
    for (let l = 1; l < network.layers.length; l++) {
      if (this.d2[l].length === 0) this.d2[l] = new Float64Array(this.acts[l].length);
    }
  }
}

/** Backward-pass buffers: Δₗ (rows × nₗ₊₁) for every layer and δaₗ (rows × nₗ) for l ≥ 1. */
export class BackwardBuffers {
  /** Δₗ = ∂f/∂zₗ. The caller fills the last one before a backward pass. */
  readonly deltas: Float64Array[];
  /** δaₗ = ∂f/∂aₗ for l = 1..L−1 (index 0 unused). */
  readonly dActs: Float64Array[];

  constructor(network: Network, rows: number) {
    this.deltas = network.layers.map((l) => new Float64Array(rows * l.outputs));
    this.dActs = network.layers.map((l, i) => new Float64Array(i === 0 ? 0 : rows * l.inputs));
  }
}

/** Buffers of the R-operator passes. */
export class RBuffers {
  /** R{zₗ}. */
  readonly rz: Float64Array[];
  /** R{aₗ} for l = 1..L−1. */
  readonly rActs: Float64Array[];
  /** R{Δₗ}. */
  readonly rDeltas: Float64Array[];
  /** Scratch for R{δaₗ}, sized for the widest layer input. */
  readonly rdAct: Float64Array;
  /** Scratch of rows × K for the head. */
  readonly headScratch: Float64Array;

  constructor(network: Network, rows: number) {
    this.rz = network.layers.map((l) => new Float64Array(rows * l.outputs));
    this.rActs = network.layers.map((l, i) => new Float64Array(i === 0 ? 0 : rows * l.inputs));
    this.rDeltas = network.layers.map((l) => new Float64Array(rows * l.outputs));
    let widest = 0;
    for (const l of network.layers) widest = Math.max(widest, l.inputs);
    this.rdAct = new Float64Array(rows * widest);
    this.headScratch = new Float64Array(rows * network.sizes[network.sizes.length - 1]);
  }
}

function addBias(z: Float64Array, params: Float64Array, offset: number, rows: number, n: number) {
  for (let r = 0; r < rows; r++) {
    const row = r * n;
    for (let j = 0; j < n; j++) z[row + j] += params[offset + j];
  }
}

function columnSums(
  m: Float64Array,
  rows: number,
  n: number,
  out: Float64Array,
  offset: number,
) {
  for (let j = 0; j < n; j++) out[offset + j] = 0;
  for (let r = 0; r < rows; r++) {
    const row = r * n;
    for (let j = 0; j < n; j++) out[offset + j] += m[row + j];
  }
}

/**
 * The multiply-adds of one gradient (a forward and a backward pass) over `rows` samples, as the
 * kernels count them: rows·nₗ·nₗ₊₁ per layer forward, the same again for ∂W, and once more for
 * δa in every layer but the first.
 */
export function gradientMultiplyAdds(network: Network, rows: number): number {
  let total = 0;
  network.layers.forEach((layer, l) => {
    total += rows * layer.inputs * layer.outputs * (l === 0 ? 2 : 3);
  });
  return total;
}

/**
 * The forward pass: fills z, the activations, φ′ (and φ″ when `second`), and the mapped
 * outputs. `x` is the rows × n₀ data matrix.
 */
export function forwardBatch(
  network: Network,
  theta: Float64Array,
  x: Float64Array,
  rows: number,
  ws: NetworkWorkspace,
  second: boolean,
): void {
  const layers = network.layers;
  const L = layers.length;
  if (second) ws.ensureSecondDerivatives(network);
  ws.acts[0] = x;
  for (let l = 0; l < L; l++) {
    const { inputs, outputs, weightOffset, biasOffset } = layers[l];
    const z = ws.z[l];
    gemmNT(rows, outputs, inputs, ws.acts[l], theta, weightOffset, z, false);
    addBias(z, theta, biasOffset, rows, outputs);
    if (l + 1 < L) {
      activate(
        network.activation,
        z,
        ws.acts[l + 1],
        ws.d1[l + 1],
        second ? ws.d2[l + 1] : undefined,
      );
    }
  }
  headOutputs(network.head, ws.z[L - 1], ws.out, rows, network.sizes[L]);
}

/**
 * The backward pass from Δ_{L−1} (already in `bw.deltas[L−1]`) to the parameter gradient,
 * written into `grad` (every entry overwritten). Leaves Δₗ and δaₗ in `bw`.
 */
export function backwardBatch(
  network: Network,
  theta: Float64Array,
  ws: NetworkWorkspace,
  bw: BackwardBuffers,
  grad: Float64Array,
): void {
  const layers = network.layers;
  const rows = ws.rows;
  for (let l = layers.length - 1; l >= 0; l--) {
    const { inputs, outputs, weightOffset, biasOffset } = layers[l];
    const delta = bw.deltas[l];
    gemmTN(outputs, inputs, rows, delta, ws.acts[l], grad, weightOffset, false);
    columnSums(delta, rows, outputs, grad, biasOffset);
    if (l > 0) {
      const dAct = bw.dActs[l];
      gemmNN(rows, inputs, outputs, delta, theta, weightOffset, dAct, false);
      const d1 = ws.d1[l], below = bw.deltas[l - 1];
      for (let i = 0; i < dAct.length; i++) below[i] = d1[i] * dAct[i];
    }
  }
}

/**
 * The R-forward pass along v: fills R{zₗ} and R{aₗ}. R{z_{L−1}} is J_z·v, the product of the
 * logits' Jacobian with v, for every sample at once.
 */
export function rForwardBatch(
  network: Network,
  theta: Float64Array,
  v: Float64Array,
  ws: NetworkWorkspace,
  rb: RBuffers,
): void {
  const layers = network.layers;
  const L = layers.length;
  const rows = ws.rows;
  for (let l = 0; l < L; l++) {
    const { inputs, outputs, weightOffset, biasOffset } = layers[l];
    const rz = rb.rz[l];
    gemmNT(rows, outputs, inputs, ws.acts[l], v, weightOffset, rz, false);
    if (l > 0) gemmNT(rows, outputs, inputs, rb.rActs[l], theta, weightOffset, rz, true);
    addBias(rz, v, biasOffset, rows, outputs);
    if (l + 1 < L) {
      const d1 = ws.d1[l + 1], rAct = rb.rActs[l + 1];
      for (let i = 0; i < rz.length; i++) rAct[i] = d1[i] * rz[i];
    }
  }
}

/**
 * The R-backward pass: from R{Δ_{L−1}} (already in `rb.rDeltas[L−1]`) to H·v (without the
 * regulariser), written into `result`. Needs the forward pass with φ″, the ordinary backward
 * buffers `bw` at the same point, and `d2dAct[l] = φ″(zₗ₋₁) ⊙ δaₗ`.
 */
export function rBackwardBatch(
  network: Network,
  theta: Float64Array,
  v: Float64Array,
  ws: NetworkWorkspace,
  bw: BackwardBuffers,
  d2dAct: Float64Array[],
  rb: RBuffers,
  result: Float64Array,
): void {
  const layers = network.layers;
  const rows = ws.rows;
  const curved = !isPiecewiseLinear(network.activation);
  for (let l = layers.length - 1; l >= 0; l--) {
    const { inputs, outputs, weightOffset, biasOffset } = layers[l];
    const rDelta = rb.rDeltas[l];
    gemmTN(outputs, inputs, rows, rDelta, ws.acts[l], result, weightOffset, false);
    if (l > 0) gemmTN(outputs, inputs, rows, bw.deltas[l], rb.rActs[l], result, weightOffset, true);
    columnSums(rDelta, rows, outputs, result, biasOffset);
    if (l > 0) {
      const rdAct = rb.rdAct;
      gemmNN(rows, inputs, outputs, rDelta, theta, weightOffset, rdAct, false);
      gemmNN(rows, inputs, outputs, bw.deltas[l], v, weightOffset, rdAct, true);
      const d1 = ws.d1[l], below = rb.rDeltas[l - 1], rzBelow = rb.rz[l - 1];
      const n = rows * inputs;
      if (curved) {
        const s = d2dAct[l];
        for (let i = 0; i < n; i++) below[i] = s[i] * rzBelow[i] + d1[i] * rdAct[i];
      } else {
        for (let i = 0; i < n; i++) below[i] = d1[i] * rdAct[i];
      }
    }
  }
}
