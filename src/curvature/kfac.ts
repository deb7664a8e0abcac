/**
 * K-FAC, the Kronecker-factored approximate curvature of Martens and Grosse ("Optimizing neural
 * networks with Kronecker-factored approximate curvature", ICML 2015), for the Gauss-Newton
 * matrix of an MLP objective (and, as a variant, the empirical Fisher).
 *
 * **The approximation.** Write layer l's parameters as the augmented matrix W̄ₗ = [Wₗ | bₗ]
 * (nₗ₊₁ × (nₗ + 1)) and āᵢ = (aₗ,ᵢ, 1) for sample i's layer input with a 1 appended. Let Lᵢ be a
 * square root of the loss curvature at the split, Bᵢ = LᵢLᵢᵀ (pulled back to the logits z), and
 * gᵢₖ the back-propagation to zₗ of Lᵢ's column k. The exact diagonal block of
 * G = I/C + (1/I)·Σᵢ JᵢᵀBᵢJᵢ is then
 *
 *   G_ll = I/C + (1/I)·Σᵢ (āᵢāᵢᵀ) ⊗ Sᵢ,   Sᵢ = Σₖ gᵢₖgᵢₖᵀ,
 *
 * and K-FAC replaces the mean of Kronecker products by the Kronecker product of the means:
 *
 *   G_ll ≈ I/C + Aₗ ⊗ Sₗ,   Aₗ = (1/I)·Σᵢ āᵢāᵢᵀ,   Sₗ = (1/I)·Σᵢ Sᵢ,
 *
 * dropping the off-diagonal blocks G_lm (l ≠ m) altogether. The error of a block is a
 * covariance over samples, (1/I)·Σᵢ (āᵢāᵢᵀ − Aₗ) ⊗ (Sᵢ − Sₗ), so the block is exact whenever
 * either factor is the same for every sample: one sample (any depth, any head), the last layer
 * under the squared loss (Sᵢ = 2I), every layer of a linear network under the squared loss
 * (Sᵢ does not depend on the input), or identical inputs.
 *
 * **The square roots Lᵢ** (column k; p = softmax(z), σ = sigmoid(z), s = Σₖ yₖ):
 * identity + squared √2·eₖ; sigmoid + logistic √(σₖ(1 − σₖ))·eₖ; softmax + cross-entropy
 * √(s·pₖ)·(eₖ − p), which gives LLᵀ = s·(diag(p) − ppᵀ); sigmoid + squared √2·σₖ(1 − σₖ)·eₖ;
 * softmax + squared √2·pₖ·(eₖ − p). The last two are √2·D with D = ∂o/∂z, since B_z = D·2I·D.
 *
 * **Index map.** The Kronecker product A ⊗ S acts on the column-major vectorisation of W̄:
 * entry (j, p) of W̄ (unit j, input p, with p = nₗ for the bias) sits at Kronecker index
 * p·nₗ₊₁ + j, while this project's layout stores it at `weightOffset + j·nₗ + p` for p < nₗ and
 * at `biasOffset + j` for the bias. In matrix form the block acts as V̄ ↦ S·V̄·A on the layer's
 * slice read as V̄ = [V | c], which is how the operators apply it; only the dense reference
 * forms the Kronecker product.
 *
 * **Damping.** With γ = √(λ + 1/C) (the regulariser counts as damping, as in Martens and
 * Grosse §6.3 with η = 1/C), the damped inverse uses factored Tikhonov damping
 * (A + π·γ·I) ⊗ (S + (γ/π)·I) with π = √((tr A/(nₗ + 1)) / (tr S/nₗ₊₁)), or, on request, the
 * exact Tikhonov damping A ⊗ S + γ²·I. Both are inverted through eigendecompositions of the
 * small factors, A = U·diag(α)·Uᵀ and S = V·diag(σ)·Vᵀ, since A ⊗ S = (U ⊗ V)·diag(α ⊗ σ)·(U ⊗
 * V)ᵀ; applying the inverse costs four products of the small matrices, never the Kronecker
 * product.
 *
 * @module
 */

import type { NetworkObjective } from "./network_objective.ts";
import { checkMatvec, type LinearOperator } from "../operator/linear_operator.ts";
import type { Network } from "../nn/mlp.ts";
import { forwardBatch, NetworkWorkspace } from "../nn/passes.ts";
import { headGradient, type HeadKind } from "../nn/heads.ts";
import { gemmNN, gemmNT, gemmTN } from "../linalg/gemm.ts";
import { allFinite } from "../linalg/vector.ts";
import { symmetricEigen } from "../solve/eigh.ts";
import { createRandom } from "../random/random.ts";
import {
  describe,
  finiteVector,
  integerInRange,
  nonNegativeNumber,
  oneOf,
  optionsObject,
  requireFiniteEntries,
} from "../validate.ts";

/**
 * Which curvature the factors approximate:
 * - `"gauss-newton"`: the Gauss-Newton matrix, with every column of each Lᵢ back-propagated
 *   (K backward passes; the block is exact in the cases listed in the module doc);
 * - `"sampled-gauss-newton"`: one back-propagation per sample of Lᵢ·rᵢ with a Rademacher vector
 *   rᵢ, so that E[gᵢgᵢᵀ] = Bᵢ (the analogue of Martens and Grosse's Monte-Carlo Fisher; one
 *   backward pass; needs `seed`);
 * - `"empirical-fisher"`: gᵢ = ∂ξᵢ/∂z back-propagated (the per-sample gradient), so that the
 *   factors approximate (1/I)·Σᵢ ∇ξᵢ∇ξᵢᵀ. Cheap, but not a curvature of the loss.
 */
export type KfacCurvature = "gauss-newton" | "sampled-gauss-newton" | "empirical-fisher";

/** The curvatures K-FAC can approximate. */
export const KFAC_CURVATURES: readonly KfacCurvature[] = [
  "gauss-newton",
  "sampled-gauss-newton",
  "empirical-fisher",
];

/**
 * How damping enters the Kronecker block (γ = √(λ + 1/C)):
 * - `"factored"`: (A + π·γ·I) ⊗ (S + (γ/π)·I), Martens and Grosse's factored Tikhonov damping
 *   with the π-correction;
 * - `"exact"`: A ⊗ S + γ²·I, Tikhonov damping of the Kronecker block itself.
 */
export type KfacDampingMode = "factored" | "exact";

/** The damping modes. */
export const KFAC_DAMPING_MODES: readonly KfacDampingMode[] = ["factored", "exact"];

/** The two Kronecker factors of one layer. */
export interface KfacLayerFactors {
  /** Width nₗ of the layer's input. */
  readonly inputs: number;
  /** Width nₗ₊₁ of the layer's output. */
  readonly outputs: number;
  /** Offset of Wₗ in the parameter vector. */
  readonly weightOffset: number;
  /** Offset of bₗ in the parameter vector. */
  readonly biasOffset: number;
  /**
   * A = (1/I)·Σᵢ āᵢāᵢᵀ, (nₗ + 1) × (nₗ + 1) row-major; the last row and column belong to the
   * appended 1 (the bias), so the corner entry is 1.
   */
  readonly activationFactor: Float64Array;
  /** S = (1/I)·Σᵢ Σₖ gᵢₖgᵢₖᵀ, nₗ₊₁ × nₗ₊₁ row-major. */
  readonly gradientFactor: Float64Array;
}

/** The Kronecker factors of every layer at one point, from {@linkcode kfacFactors}. */
export interface KfacFactors {
  /** The number of parameters n (the operators' dim). */
  readonly dim: number;
  /** The regularisation constant C of the objective (I/C is added to the diagonal), if any. */
  readonly C: number | undefined;
  /** The curvature the factors approximate. */
  readonly curvature: KfacCurvature;
  /** One entry per layer, input to output. */
  readonly layers: readonly KfacLayerFactors[];
}

/** Options of {@linkcode kfacFactors}. */
export interface KfacFactorsOptions {
  /** The curvature to approximate. Default `"gauss-newton"`. */
  curvature?: KfacCurvature;
  /** Seed of the Rademacher draws of `"sampled-gauss-newton"` (ignored otherwise). Default 0. */
  seed?: number;
}

/** Options of {@linkcode kfacOperator}, {@linkcode kfacInverse} and the dense reference. */
export interface KfacDampingOptions {
  /**
   * Damping λ ≥ 0, added to the regulariser's 1/C (so γ² = λ + 1/C). Default 0 for
   * {@linkcode kfacOperator}; {@linkcode kfacInverse} needs γ > 0, so there it defaults to 0
   * only when the objective has a regulariser and must be given otherwise.
   */
  damping?: number;
  /**
   * How the damping enters each block. Default `"exact"` for {@linkcode kfacOperator} (so that
   * with λ = 0 it is K-FAC's approximation I/C + ⊕ₗ Aₗ ⊗ Sₗ itself) and `"factored"` for
   * {@linkcode kfacInverse} (Martens and Grosse's choice). `kfacInverse(f, { damping })` is the
   * exact inverse of `kfacOperator(f, { damping, dampingMode: "factored" })`.
   */
  dampingMode?: KfacDampingMode;
  /**
   * Use the π-correction of factored damping (π = 1 otherwise). Default true. When tr S = 0
   * (a layer with no back-propagated signal, such as dead ReLU units) π is taken as 1.
   */
  piCorrection?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Argument checks.

/**
 * True when `objective` is a network objective, the kind K-FAC needs: it has a layered network
 * and row-major data. `minimize()` uses it to check an optimiser's `needs: ["kfac"]`.
 *
 * @example
 * ```ts
 * import { mlp, networkObjective, quadraticObjective, supportsKfac } from "@secondorder/harness";
 * const f = networkObjective(mlp({ sizes: [1, 1] }), { inputs: [[1]], targets: [[0]] });
 * if (!supportsKfac(f) || supportsKfac(quadraticObjective([[1]]))) throw new Error();
 * ```
 */
export function supportsKfac(objective: unknown): objective is NetworkObjective {
  if (objective === null || typeof objective !== "object") return false;
  const o = objective as Partial<NetworkObjective>;
  return typeof o.network === "object" && o.network !== null &&
    Array.isArray(o.network.layers) && typeof o.network.head === "string" &&
    typeof o.data === "object" && o.data !== null && o.data.inputs instanceof Float64Array &&
    o.data.targets instanceof Float64Array && typeof o.samples === "number" &&
    typeof o.dim === "number";
}

function networkObjectiveArgument(where: string, objective: unknown): NetworkObjective {
  if (!supportsKfac(objective)) {
    throw new TypeError(
      `Cannot ${where}: objective is ${
        describe(objective)
      }, expected a networkObjective() (K-FAC needs the network's layers and data)`,
    );
  }
  return objective;
}

/** Checks that `factors` has the shape of {@linkcode KfacFactors} with finite entries. */
function factorsArgument(where: string, factors: unknown): KfacFactors {
  const bad = (what: string) =>
    new TypeError(
      `Cannot ${where}: ${what}, expected the KfacFactors that kfacFactors() returns`,
    );
  if (factors === null || typeof factors !== "object") {
    throw bad(`factors is ${describe(factors)}`);
  }
  const f = factors as Partial<KfacFactors>;
  if (!Array.isArray(f.layers) || f.layers.length === 0) {
    throw bad(`factors.layers is ${describe(f.layers)}`);
  }
  const dim = integerInRange(where, "factors.dim", f.dim, 1);
  if (f.C !== undefined) {
    if (typeof f.C !== "number" || !(f.C > 0) || !Number.isFinite(f.C)) {
      throw new RangeError(
        `Cannot ${where}: factors.C is ${describe(f.C)}, expected a finite number > 0 or undefined`,
      );
    }
  }
  let covered = 0;
  f.layers.forEach((layer: unknown, l: number) => {
    const name = `factors.layers[${l}]`;
    if (layer === null || typeof layer !== "object") throw bad(`${name} is ${describe(layer)}`);
    const lf = layer as KfacLayerFactors;
    const inputs = integerInRange(where, `${name}.inputs`, lf.inputs, 1);
    const outputs = integerInRange(where, `${name}.outputs`, lf.outputs, 1);
    const w = integerInRange(where, `${name}.weightOffset`, lf.weightOffset, 0, dim - 1);
    integerInRange(where, `${name}.biasOffset`, lf.biasOffset, w + inputs * outputs, dim - outputs);
    if (lf.biasOffset !== w + inputs * outputs) {
      throw new RangeError(
        `Cannot ${where}: ${name}.biasOffset is ${lf.biasOffset}, expected ${
          w + inputs * outputs
        } (weightOffset + inputs·outputs)`,
      );
    }
    const na = inputs + 1;
    finiteVector(
      where,
      `${name}.activationFactor`,
      lf.activationFactor,
      na * na,
      ` ((inputs + 1)²)`,
    );
    finiteVector(
      where,
      `${name}.gradientFactor`,
      lf.gradientFactor,
      outputs * outputs,
      ` (outputs²)`,
    );
    covered += inputs * outputs + outputs;
  });
  if (covered > dim) {
    throw new RangeError(
      `Cannot ${where}: factors.layers cover ${covered} parameters, expected at most ` +
        `factors.dim = ${dim}`,
    );
  }
  return f as KfacFactors;
}

/** Resolves and checks damping options (shared with the dense reference). */
export function dampingArguments(
  where: string,
  factors: KfacFactors,
  options: KfacDampingOptions | undefined,
  defaultMode: KfacDampingMode,
): { lambda: number; gamma: number; mode: KfacDampingMode; piCorrection: boolean } {
  const opts = optionsObject(where, options, "options", ["damping", "dampingMode", "piCorrection"]);
  const lambda = opts.damping === undefined
    ? 0
    : nonNegativeNumber(where, "options.damping", opts.damping);
  const mode = opts.dampingMode === undefined
    ? defaultMode
    : oneOf(where, "options.dampingMode", opts.dampingMode, KFAC_DAMPING_MODES);
  let piCorrection = true;
  if (opts.piCorrection !== undefined) {
    if (typeof opts.piCorrection !== "boolean") {
      throw new TypeError(
        `Cannot ${where}: options.piCorrection is ${
          describe(opts.piCorrection)
        }, expected a boolean`,
      );
    }
    piCorrection = opts.piCorrection;
  }
  const gamma = Math.sqrt(lambda + (factors.C === undefined ? 0 : 1 / factors.C));
  if (!Number.isFinite(gamma)) {
    throw new RangeError(
      `Cannot ${where}: options.damping is ${lambda}, expected a value whose sum with 1/C ` +
        `is finite`,
    );
  }
  return { lambda, gamma, mode, piCorrection };
}

// ---------------------------------------------------------------------------------------------
// Factors.

/** Buffers of one factor computation, allocated once per objective and reused. */
interface FactorWorkspace {
  columns: number;
  ws: NetworkWorkspace;
  /** Back-propagated signals Δₗ, (I·columns) × nₗ₊₁ per layer; row i·columns + k. */
  deltas: Float64Array[];
  /** Scratch Δₗ·Wₗ, (I·columns) × (widest layer input). */
  dAct: Float64Array;
  /** Augmented inputs Ā, I × (widest input + 1). */
  augmented: Float64Array;
  /** Per-sample ∂ξ/∂z (empirical Fisher). */
  gradientRows: Float64Array;
}

const workspaces = new WeakMap<NetworkObjective, FactorWorkspace>();

function factorWorkspace(objective: NetworkObjective, columns: number): FactorWorkspace {
  const cached = workspaces.get(objective);
  if (cached && cached.columns === columns) return cached;
  const network = objective.network;
  const rows = objective.samples;
  let widest = 0;
  for (const l of network.layers) widest = Math.max(widest, l.inputs);
  const k = network.sizes[network.sizes.length - 1];
  const created: FactorWorkspace = {
    columns,
    ws: cached?.ws ?? new NetworkWorkspace(network, rows),
    deltas: network.layers.map((l) => new Float64Array(rows * columns * l.outputs)),
    dAct: new Float64Array(rows * columns * widest),
    augmented: cached?.augmented ?? new Float64Array(rows * (widest + 1)),
    gradientRows: cached?.gradientRows ?? new Float64Array(rows * k),
  };
  workspaces.set(objective, created);
  return created;
}

/** Allocates zeroed factors for a network. */
export function emptyKfacFactors(
  network: Network,
  C: number | undefined,
  curvature: KfacCurvature,
): KfacFactors {
  return {
    dim: network.dim,
    C,
    curvature,
    layers: network.layers.map((l) => ({
      inputs: l.inputs,
      outputs: l.outputs,
      weightOffset: l.weightOffset,
      biasOffset: l.biasOffset,
      activationFactor: new Float64Array((l.inputs + 1) * (l.inputs + 1)),
      gradientFactor: new Float64Array(l.outputs * l.outputs),
    })),
  };
}

/**
 * Writes the top signals Lᵢ·eₖ (one row per sample and column) for the Gauss-Newton factors, or
 * Lᵢ·rᵢ (one row per sample) for the sampled variant. `o` holds the mapped outputs, `y` the
 * targets; rows of `top` are K wide.
 */
function seedSquareRoots(
  head: HeadKind,
  o: Float64Array,
  y: Float64Array,
  rows: number,
  k: number,
  signs: Float64Array | undefined,
  top: Float64Array,
): void {
  const columns = signs === undefined ? k : 1;
  top.fill(0, 0, rows * columns * k);
  for (let i = 0; i < rows; i++) {
    const off = i * k;
    let s = 0;
    if (head === "softmax-cross-entropy") { for (let j = 0; j < k; j++) s += y[off + j]; }
    for (let m = 0; m < k; m++) {
      // Column m of Lᵢ, accumulated into row (i, m) or, when sampled, into row i with sign rₘ.
      const row = signs === undefined ? (i * k + m) * k : i * k;
      const r = signs === undefined ? 1 : signs[i * k + m];
      const om = o[off + m];
      switch (head) {
        case "identity-squared":
          top[row + m] += r * Math.SQRT2;
          break;
        case "sigmoid-logistic":
          top[row + m] += r * Math.sqrt(om * (1 - om));
          break;
        case "sigmoid-squared":
          top[row + m] += r * Math.SQRT2 * om * (1 - om);
          break;
        case "softmax-cross-entropy":
        case "softmax-squared": {
          // √(s·pₘ)·(eₘ − p) or √2·pₘ·(eₘ − p).
          const c = r * (head === "softmax-cross-entropy" ? Math.sqrt(s * om) : Math.SQRT2 * om);
          for (let j = 0; j < k; j++) top[row + j] -= c * o[off + j];
          top[row + m] += c;
          break;
        }
      }
    }
  }
}

/**
 * The per-layer Kronecker factors Aₗ = (1/I)·Σᵢ āᵢāᵢᵀ and Sₗ = (1/I)·Σᵢ Σₖ gᵢₖgᵢₖᵀ of a
 * network objective at x (see the module doc for gᵢₖ). Costs one forward pass, one backward
 * pass of the signals (K of them per sample for `"gauss-newton"`, one otherwise, without the
 * weight gradients) and the factor products. The workspaces are cached per objective.
 *
 * @example The factors of a 2-3-1 network
 * ```ts
 * import { kfacFactors, mlp, networkObjective } from "@secondorder/harness";
 * const net = mlp({ sizes: [2, 3, 1], activation: "tanh" });
 * const f = networkObjective(net, { inputs: [[1, 2], [0, -1]], targets: [[1], [0]] });
 * const factors = kfacFactors(f, net.initialParameters(0));
 * const [first, second] = factors.layers;
 * // A of the first layer is 3 × 3, its corner (the bias's 1) is exactly 1.
 * if (first.activationFactor.length !== 9 || first.activationFactor[8] !== 1) throw new Error();
 * // The last layer under the squared loss: S = (√2)² = 2 (B = 2I back-propagates unchanged).
 * if (Math.abs(second.gradientFactor[0] - 2) > 1e-15) throw new Error();
 * ```
 */
export function kfacFactors(
  objective: NetworkObjective,
  x: Float64Array,
  options: KfacFactorsOptions = {},
): KfacFactors {
  const where = "compute the K-FAC factors";
  const f = networkObjectiveArgument(where, objective);
  const opts = optionsObject(where, options, "options", ["curvature", "seed"]);
  const curvature = opts.curvature === undefined
    ? "gauss-newton"
    : oneOf(where, "options.curvature", opts.curvature, KFAC_CURVATURES);
  const seed = opts.seed === undefined
    ? 0
    : integerInRange(where, "options.seed", opts.seed, 0, 0xffffffff);
  const theta = finiteVector(where, "x", x, f.dim, " (the network's parameter count)");
  const factors = emptyKfacFactors(f.network, f.C, curvature);
  computeKfacFactorsInto(f, theta, curvature, seed, factors);
  return factors;
}

/**
 * Computes the factors into `out` (same network). Internal: arguments are trusted. Throws
 * {@linkcode NonFiniteError} when the network overflows at `theta`.
 */
export function computeKfacFactorsInto(
  objective: NetworkObjective,
  theta: Float64Array,
  curvature: KfacCurvature,
  seed: number,
  out: KfacFactors,
): void {
  const where = "compute the K-FAC factors";
  const network = objective.network;
  const layers = network.layers;
  const L = layers.length;
  const rows = objective.samples;
  const k = network.sizes[L];
  const columns = curvature === "gauss-newton" ? k : 1;
  const buffers = factorWorkspace(objective, columns);
  const { ws, deltas, dAct, augmented } = buffers;
  const { inputs, targets } = objective.data;
  forwardBatch(network, theta, inputs, rows, ws, false);
  requireFiniteEntries(where, "the network's output", ws.out, theta);

  // Top signals at the logits, one row per (sample, column).
  const top = deltas[L - 1];
  if (curvature === "empirical-fisher") {
    headGradient(network.head, ws.z[L - 1], ws.out, targets, rows, k, 1, top);
  } else {
    let signs: Float64Array | undefined;
    if (curvature === "sampled-gauss-newton") {
      signs = createRandom(seed).fillRademacher(new Float64Array(rows * k));
    }
    seedSquareRoots(network.head, ws.out, targets, rows, k, signs, top);
  }

  // Back-propagate the signals: Δₗ₋₁ = φ′(zₗ₋₁) ⊙ (Δₗ·Wₗ), row r uses sample ⌊r/columns⌋.
  const stacked = rows * columns;
  for (let l = L - 1; l >= 0; l--) {
    const { inputs: nIn, outputs: nOut, weightOffset } = layers[l];
    const delta = deltas[l];
    const S = out.layers[l].gradientFactor;
    gemmTN(nOut, nOut, stacked, delta, delta, S, 0, false);
    finishFactor(S, nOut, rows);
    if (l > 0) {
      gemmNN(stacked, nIn, nOut, delta, theta, weightOffset, dAct, false);
      const d1 = ws.d1[l], below = deltas[l - 1];
      for (let r = 0; r < stacked; r++) {
        const sampleRow = Math.floor(r / columns) * nIn, row = r * nIn;
        for (let c = 0; c < nIn; c++) below[row + c] = d1[sampleRow + c] * dAct[row + c];
      }
    }
  }

  // Aₗ = (1/I)·ĀᵀĀ with Ā = [aₗ | 1].
  for (let l = 0; l < L; l++) {
    const nIn = layers[l].inputs, na = nIn + 1;
    const acts = ws.acts[l];
    for (let i = 0; i < rows; i++) {
      for (let c = 0; c < nIn; c++) augmented[i * na + c] = acts[i * nIn + c];
      augmented[i * na + nIn] = 1;
    }
    const A = out.layers[l].activationFactor;
    gemmTN(na, na, rows, augmented, augmented, A, 0, false);
    finishFactor(A, na, rows);
  }
  for (const layer of out.layers) {
    requireFiniteEntries(where, "a K-FAC factor", layer.activationFactor, theta);
    requireFiniteEntries(where, "a K-FAC factor", layer.gradientFactor, theta);
  }
}

/** Divides a sum of outer products by the sample count and symmetrises it exactly. */
function finishFactor(m: Float64Array, n: number, rows: number): void {
  for (let i = 0; i < n; i++) {
    m[i * n + i] /= rows;
    for (let j = 0; j < i; j++) {
      const s = 0.5 * (m[i * n + j] + m[j * n + i]) / rows;
      m[i * n + j] = s;
      m[j * n + i] = s;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Operators.

/** π = √((tr A/(nₗ + 1)) / (tr S/nₗ₊₁)), or 1 when a trace vanishes. */
export function piCorrectionOf(layer: KfacLayerFactors): number {
  const na = layer.inputs + 1, no = layer.outputs;
  let trA = 0, trS = 0;
  for (let i = 0; i < na; i++) trA += layer.activationFactor[i * na + i];
  for (let i = 0; i < no; i++) trS += layer.gradientFactor[i * no + i];
  const pi = Math.sqrt((trA / na) / (trS / no));
  return pi > 0 && Number.isFinite(pi) ? pi : 1;
}

/** Copies the layer's slice of v into V̄ = [V | c] (outputs × (inputs + 1), row-major). */
function gather(v: Float64Array, layer: KfacLayerFactors, bar: Float64Array): void {
  const { inputs, outputs, weightOffset, biasOffset } = layer;
  const na = inputs + 1;
  for (let j = 0; j < outputs; j++) {
    const src = weightOffset + j * inputs, dst = j * na;
    for (let p = 0; p < inputs; p++) bar[dst + p] = v[src + p];
    bar[dst + inputs] = v[biasOffset + j];
  }
}

/** Writes Ȳ = [Y | d] back into the layer's slice of `out`. */
function scatter(bar: Float64Array, layer: KfacLayerFactors, out: Float64Array): void {
  const { inputs, outputs, weightOffset, biasOffset } = layer;
  const na = inputs + 1;
  for (let j = 0; j < outputs; j++) {
    const dst = weightOffset + j * inputs, src = j * na;
    for (let p = 0; p < inputs; p++) out[dst + p] = bar[src + p];
    out[biasOffset + j] = bar[src + inputs];
  }
}

/** Scratch for products on one layer's V̄. */
function layerScratch(factors: KfacFactors): { first: Float64Array; second: Float64Array } {
  let widest = 0;
  for (const l of factors.layers) widest = Math.max(widest, (l.inputs + 1) * l.outputs);
  return { first: new Float64Array(widest), second: new Float64Array(widest) };
}

/** 1 for the parameters some layer covers (all of them for a network's factors), 0 elsewhere. */
function coveredMask(factors: KfacFactors): Uint8Array {
  const mask = new Uint8Array(factors.dim);
  for (const l of factors.layers) mask.fill(1, l.weightOffset, l.biasOffset + l.outputs);
  return mask;
}

/** M + shift·I for a row-major n × n matrix (copied). */
function shifted(m: Float64Array, n: number, shift: number): Float64Array {
  const c = m.slice();
  for (let i = 0; i < n; i++) c[i * n + i] += shift;
  return c;
}

/**
 * The block-diagonal K-FAC operator ⊕ₗ Aₗ ⊗ Sₗ + (λ + 1/C)·I, applied layer by layer as
 * V̄ ↦ Sₗ·V̄·Aₗ (see the module doc for the index map). With `dampingMode: "factored"` each
 * block is (Aₗ + π·γ·I) ⊗ (Sₗ + (γ/π)·I) instead, γ = √(λ + 1/C): the operator whose inverse
 * {@linkcode kfacInverse} applies. A matvec costs 2·Σₗ nₗ₊₁·(nₗ + 1)·(nₗ + nₗ₊₁ + 1)
 * multiply-adds and allocates nothing.
 *
 * @example K-FAC equals the Gauss-Newton matrix for one sample and one layer
 * ```ts
 * import { kfacFactors, kfacOperator, mlp, networkObjective, toDense } from "@secondorder/harness";
 * const net = mlp({ sizes: [2, 2], output: "softmax", loss: "cross-entropy" });
 * const f = networkObjective(net, { inputs: [[0.5, -1]], targets: [[0, 1]] }, { C: 10 });
 * const x = net.initialParameters(3);
 * const K = toDense(kfacOperator(kfacFactors(f, x)));
 * const G = toDense(f.gaussNewton(x));
 * for (let i = 0; i < net.dim; i++) {
 *   for (let j = 0; j < net.dim; j++) if (Math.abs(K[i][j] - G[i][j]) > 1e-14) throw new Error();
 * }
 * ```
 */
export function kfacOperator(
  factors: KfacFactors,
  options: KfacDampingOptions = {},
): LinearOperator {
  const where = "build the K-FAC operator";
  const checked = factorsArgument(where, factors);
  const { gamma, mode, piCorrection } = dampingArguments(where, checked, options, "exact");
  const dim = checked.dim;
  const blocks = checked.layers.map((layer) => {
    const na = layer.inputs + 1, no = layer.outputs;
    if (mode === "exact") {
      return {
        layer,
        A: layer.activationFactor.slice(),
        S: layer.gradientFactor.slice(),
        diagonal: gamma * gamma,
      };
    }
    const pi = piCorrection ? piCorrectionOf(layer) : 1;
    return {
      layer,
      A: shifted(layer.activationFactor, na, pi * gamma),
      S: shifted(layer.gradientFactor, no, gamma / pi),
      diagonal: 0,
    };
  });
  const mask = coveredMask(checked);
  const outside = gamma * gamma;
  const { first, second } = layerScratch(checked);
  return {
    dim,
    structure: gamma > 0 ? "spd" : "symmetric",
    matvec(v: Float64Array, out?: Float64Array): Float64Array {
      const result = checkMatvec(dim, v, out);
      for (let i = 0; i < dim; i++) result[i] = mask[i] ? 0 : outside * v[i];
      for (const { layer, A, S, diagonal } of blocks) {
        const na = layer.inputs + 1, no = layer.outputs;
        gather(v, layer, first);
        gemmNN(no, na, no, S, first, 0, second, false); // S·V̄
        if (diagonal !== 0) {
          // (S·V̄)·A + γ²·V̄: keep V̄ in `first`, accumulate into it.
          const n = no * na;
          for (let i = 0; i < n; i++) first[i] *= diagonal;
          gemmNN(no, na, na, second, A, 0, first, true);
        } else {
          gemmNN(no, na, na, second, A, 0, first, false);
        }
        scatter(first, layer, result);
      }
      return result;
    },
  };
}

/** The eigendecompositions of every layer's factors, from which damped inverses are built. */
export interface KfacDecomposition {
  /** The factors decomposed (not copied). */
  readonly factors: KfacFactors;
  /** Per layer: eigenvalues (clamped at 0) and eigenvectors as columns, row-major. */
  readonly layers: readonly {
    readonly activationValues: Float64Array;
    readonly activationVectors: Float64Array;
    readonly gradientValues: Float64Array;
    readonly gradientVectors: Float64Array;
    readonly pi: number;
  }[];
}

/** Eigenvalues clamped at 0 (the factors are PSD; negatives are rounding) and U with columns. */
function decomposeFactor(
  n: number,
  data: Float64Array,
): { values: Float64Array; vectors: Float64Array } {
  const { values, vectors } = symmetricEigen(n, data);
  const U = new Float64Array(n * n);
  for (let c = 0; c < n; c++) {
    const v = vectors[c];
    for (let r = 0; r < n; r++) U[r * n + c] = v[r];
  }
  for (let i = 0; i < n; i++) values[i] = Math.max(0, values[i]);
  return { values, vectors: U };
}

/**
 * Eigendecomposes every layer's two factors: the expensive part of an inverse update
 * (Σₗ O((nₗ + 1)³ + nₗ₊₁³)), done once; {@linkcode inverseFromDecomposition} then builds the
 * damped inverse for any damping at O(Σₗ nₗ₊₁·(nₗ + 1)).
 */
export function decomposeKfac(factors: KfacFactors): KfacDecomposition {
  return {
    factors,
    layers: factors.layers.map((layer) => {
      const a = decomposeFactor(layer.inputs + 1, layer.activationFactor);
      const s = decomposeFactor(layer.outputs, layer.gradientFactor);
      return {
        activationValues: a.values,
        activationVectors: a.vectors,
        gradientValues: s.values,
        gradientVectors: s.vectors,
        pi: piCorrectionOf(layer),
      };
    }),
  };
}

/**
 * The damped inverse from a decomposition: each block is (U ⊗ V)·diag(1/dₚⱼ)·(U ⊗ V)ᵀ with
 * dₚⱼ = (αₚ + π·γ)(σⱼ + γ/π) (factored) or αₚσⱼ + γ² (exact), applied as
 * V̄ ↦ V·((Vᵀ·V̄·U) ⊘ D)·Uᵀ. Needs γ > 0 (arguments trusted). Returns undefined when the
 * inverse is not representable: some dₚⱼ (or γ² outside the blocks) is so small that its
 * reciprocal overflows, as with γ ≈ 1e-162.
 */
export function inverseFromDecomposition(
  decomposition: KfacDecomposition,
  gamma: number,
  mode: KfacDampingMode,
  piCorrection: boolean,
): LinearOperator | undefined {
  const factors = decomposition.factors;
  const dim = factors.dim;
  const blocks = decomposition.layers.map((d, l) => {
    const layer = factors.layers[l];
    const na = layer.inputs + 1, no = layer.outputs;
    const pi = piCorrection ? d.pi : 1;
    const inverseDiagonal = new Float64Array(no * na);
    for (let j = 0; j < no; j++) {
      for (let p = 0; p < na; p++) {
        const a = d.activationValues[p], s = d.gradientValues[j];
        const value = mode === "factored"
          ? (a + pi * gamma) * (s + gamma / pi)
          : a * s + gamma * gamma;
        inverseDiagonal[j * na + p] = 1 / value;
      }
    }
    return { layer, U: d.activationVectors, V: d.gradientVectors, inverseDiagonal };
  });
  const outside = 1 / (gamma * gamma);
  if (!Number.isFinite(outside) || blocks.some((b) => !allFinite(b.inverseDiagonal))) {
    return undefined;
  }
  const mask = coveredMask(factors);
  const { first, second } = layerScratch(factors);
  return {
    dim,
    structure: "spd",
    matvec(v: Float64Array, out?: Float64Array): Float64Array {
      const result = checkMatvec(dim, v, out);
      for (let i = 0; i < dim; i++) result[i] = mask[i] ? 0 : outside * v[i];
      for (const { layer, U, V, inverseDiagonal } of blocks) {
        const na = layer.inputs + 1, no = layer.outputs;
        gather(v, layer, first);
        gemmTN(no, na, no, V, first, second, 0, false); // Vᵀ·V̄
        gemmNN(no, na, na, second, U, 0, first, false); // (Vᵀ·V̄)·U
        const n = no * na;
        for (let i = 0; i < n; i++) first[i] *= inverseDiagonal[i];
        gemmNN(no, na, no, V, first, 0, second, false); // V·(…)
        gemmNT(no, na, na, second, U, 0, first, false); // (…)·Uᵀ
        scatter(first, layer, result);
      }
      return result;
    },
  };
}

/**
 * The damped inverse of the K-FAC operator, block by block through the eigendecompositions of
 * the small factors (never the Kronecker product): by default Martens and Grosse's factored
 * Tikhonov damping [(Aₗ + π·γ·I) ⊗ (Sₗ + (γ/π)·I)]⁻¹ with γ = √(λ + 1/C); with
 * `dampingMode: "exact"`, (Aₗ ⊗ Sₗ + γ²·I)⁻¹. Building it costs Σₗ O((nₗ + 1)³ + nₗ₊₁³); a
 * matvec costs 2·Σₗ nₗ₊₁·(nₗ + 1)·(nₗ + nₗ₊₁ + 1) multiply-adds and allocates nothing.
 *
 * γ must be positive: give `damping` > 0 unless the objective has a regulariser (C), since the
 * factors are singular in general (for example Sₗ has rank at most I·K).
 *
 * @example A K-FAC (natural-gradient-like) direction
 * ```ts
 * import {
 *   kfacFactors, kfacInverse, kfacOperator, mlp, networkObjective,
 * } from "@secondorder/harness";
 * const net = mlp({ sizes: [2, 3, 1], activation: "tanh" });
 * const f = networkObjective(net, { inputs: [[1, 2], [0, -1], [2, 0]], targets: [[1], [0], [1]] });
 * const x = net.initialParameters(1);
 * const factors = kfacFactors(f, x);
 * const inverse = kfacInverse(factors, { damping: 1e-3 });
 * const g = f.gradient(x);
 * const direction = inverse.matvec(g);
 * // The inverse undoes the factored-damped operator.
 * const back = kfacOperator(factors, { damping: 1e-3, dampingMode: "factored" }).matvec(direction);
 * for (let i = 0; i < g.length; i++) if (Math.abs(back[i] - g[i]) > 1e-9) throw new Error();
 * ```
 */
export function kfacInverse(
  factors: KfacFactors,
  options: KfacDampingOptions = {},
): LinearOperator {
  const where = "build the K-FAC inverse";
  const checked = factorsArgument(where, factors);
  const { gamma, mode, piCorrection } = dampingArguments(where, checked, options, "factored");
  if (!(gamma > 0)) {
    throw new RangeError(
      `Cannot ${where}: options.damping is ${options?.damping ?? "not given"} and the ` +
        `objective has no regulariser C, expected damping > 0 (the factors are singular in ` +
        `general)`,
    );
  }
  const inverse = inverseFromDecomposition(decomposeKfac(checked), gamma, mode, piCorrection);
  if (inverse === undefined) {
    throw new RangeError(
      `Cannot ${where}: options.damping is ${options?.damping ?? "not given"}, so γ = ${gamma} ` +
        `and the damped factors' smallest eigenvalue products are so small that their ` +
        `reciprocals overflow; expected a larger damping`,
    );
  }
  return inverse;
}

export { factorsArgument as checkKfacFactors };
