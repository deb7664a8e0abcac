/**
 * The network's head: the output map o(z) and the loss ξ(o; y), handled together as a function
 * of the last linear layer's output z = z^{L+1} (the logits). Working in z keeps every value and
 * derivative finite even for logits of ±1000 (log-sigmoid and log-sum-exp are never formed
 * from probabilities).
 *
 * Where the Gauss-Newton split falls (see DESIGN.md):
 * - matching pairs (identity + squared, sigmoid + logistic, softmax + cross-entropy) split at z.
 *   The loss is convex in z and B = ∇²_z ξ: 2I, diag(σ(1 − σ)), or s·(diag(p) − ppᵀ) with
 *   s = Σₖ yₖ;
 * - the other supported pairs (sigmoid + squared, softmax + squared) split at the mapped output
 *   o, where B = ∇²_o ξ = 2I. In z-space that is Dᵀ·2I·D with D = ∂o/∂z.
 * Either way B is positive semi-definite, so G is too.
 *
 * @module
 */

/** The output maps an MLP may use. */
export type OutputMap = "identity" | "sigmoid" | "softmax";
/** The losses an MLP may use. */
export type Loss = "squared" | "logistic" | "cross-entropy";

/** The output maps, in documentation order. */
export const OUTPUT_MAPS: readonly OutputMap[] = ["identity", "sigmoid", "softmax"];
/** The losses, in documentation order. */
export const LOSSES: readonly Loss[] = ["squared", "logistic", "cross-entropy"];

/** The five supported (output, loss) pairs. */
export type HeadKind =
  | "identity-squared"
  | "sigmoid-logistic"
  | "softmax-cross-entropy"
  | "sigmoid-squared"
  | "softmax-squared";

import { logSumExp, sigmoid, softplus } from "./activations.ts";

/**
 * Resolves an (output, loss) pair to a head, or explains why the pair is not supported.
 */
export function headKind(
  output: OutputMap,
  loss: Loss,
): { kind: HeadKind } | { error: string } {
  if (loss === "squared") return { kind: `${output}-squared` as HeadKind };
  if (loss === "logistic") {
    return output === "sigmoid" ? { kind: "sigmoid-logistic" } : {
      error: `loss "logistic" (binary cross-entropy) needs output "sigmoid", got output ` +
        `"${output}"`,
    };
  }
  if (output === "softmax") return { kind: "softmax-cross-entropy" };
  return {
    error: `loss "cross-entropy" (categorical) needs output "softmax", got output "${output}"` +
      (output === "sigmoid" ? `; for sigmoid outputs use loss "logistic" (binary)` : ""),
  };
}

/** True when the Gauss-Newton split is at the logits z (a matching pair). */
export function splitsAtLogits(kind: HeadKind): boolean {
  return kind === "identity-squared" || kind === "sigmoid-logistic" ||
    kind === "softmax-cross-entropy";
}

/** o ← output map of z, for I rows of K entries. */
export function headOutputs(
  kind: HeadKind,
  z: Float64Array,
  o: Float64Array,
  rows: number,
  k: number,
): void {
  if (kind === "identity-squared") {
    o.set(z.subarray(0, rows * k));
    return;
  }
  if (kind === "sigmoid-logistic" || kind === "sigmoid-squared") {
    for (let i = 0; i < rows * k; i++) o[i] = sigmoid(z[i]);
    return;
  }
  for (let r = 0; r < rows; r++) {
    const off = r * k;
    const lse = logSumExp(z, off, k);
    for (let j = 0; j < k; j++) o[off + j] = Math.exp(z[off + j] - lse);
  }
}

/** Σᵢ ξ(zⁱ; yⁱ) over the rows (not divided by the row count). */
export function headLoss(
  kind: HeadKind,
  z: Float64Array,
  o: Float64Array,
  y: Float64Array,
  rows: number,
  k: number,
): number {
  let total = 0;
  switch (kind) {
    case "identity-squared":
      for (let i = 0; i < rows * k; i++) total += (z[i] - y[i]) ** 2;
      return total;
    case "sigmoid-squared":
    case "softmax-squared":
      for (let i = 0; i < rows * k; i++) total += (o[i] - y[i]) ** 2;
      return total;
    case "sigmoid-logistic":
      // ξ = −y log σ(z) − (1 − y) log(1 − σ(z)) = softplus(z) − y z.
      for (let i = 0; i < rows * k; i++) total += softplus(z[i]) - y[i] * z[i];
      return total;
    case "softmax-cross-entropy":
      // ξ = −Σₖ yₖ log pₖ = (Σₖ yₖ)·lse(z) − Σₖ yₖ zₖ.
      for (let r = 0; r < rows; r++) {
        const off = r * k;
        const lse = logSumExp(z, off, k);
        for (let j = 0; j < k; j++) total += y[off + j] * (lse - z[off + j]);
      }
      return total;
  }
}

/** out ← D·w per row, with D = ∂o/∂z the Jacobian of the output map (symmetric). */
function outputJacobian(
  kind: HeadKind,
  o: Float64Array,
  w: Float64Array,
  out: Float64Array,
  rows: number,
  k: number,
): void {
  if (kind === "sigmoid-squared" || kind === "sigmoid-logistic") {
    for (let i = 0; i < rows * k; i++) out[i] = o[i] * (1 - o[i]) * w[i];
    return;
  }
  if (kind === "identity-squared") {
    out.set(w.subarray(0, rows * k));
    return;
  }
  for (let r = 0; r < rows; r++) {
    const off = r * k;
    let ow = 0;
    for (let j = 0; j < k; j++) ow += o[off + j] * w[off + j];
    for (let j = 0; j < k; j++) out[off + j] = o[off + j] * (w[off + j] - ow);
  }
}

/** g ← scale·∂ξ/∂z per row. */
export function headGradient(
  kind: HeadKind,
  z: Float64Array,
  o: Float64Array,
  y: Float64Array,
  rows: number,
  k: number,
  scale: number,
  g: Float64Array,
): void {
  const n = rows * k;
  switch (kind) {
    case "identity-squared":
      for (let i = 0; i < n; i++) g[i] = scale * 2 * (z[i] - y[i]);
      return;
    case "sigmoid-logistic":
      for (let i = 0; i < n; i++) g[i] = scale * (o[i] - y[i]);
      return;
    case "softmax-cross-entropy":
      for (let r = 0; r < rows; r++) {
        const off = r * k;
        let s = 0;
        for (let j = 0; j < k; j++) s += y[off + j];
        for (let j = 0; j < k; j++) g[off + j] = scale * (s * o[off + j] - y[off + j]);
      }
      return;
    case "sigmoid-squared":
    case "softmax-squared":
      // ∂ξ/∂z = D·2(o − y).
      for (let i = 0; i < n; i++) g[i] = 2 * (o[i] - y[i]);
      outputJacobian(kind, o, g, g, rows, k);
      for (let i = 0; i < n; i++) g[i] *= scale;
      return;
  }
}

/**
 * out ← scale·B_z·u per row: the positive semi-definite curvature of the loss at the split,
 * pulled back to z. For matching pairs B_z = ∇²_z ξ; otherwise B_z = D·2I·D.
 */
export function headGaussNewton(
  kind: HeadKind,
  o: Float64Array,
  y: Float64Array,
  u: Float64Array,
  rows: number,
  k: number,
  scale: number,
  out: Float64Array,
): void {
  const n = rows * k;
  switch (kind) {
    case "identity-squared":
      for (let i = 0; i < n; i++) out[i] = scale * 2 * u[i];
      return;
    case "sigmoid-logistic":
      for (let i = 0; i < n; i++) out[i] = scale * o[i] * (1 - o[i]) * u[i];
      return;
    case "softmax-cross-entropy":
      for (let r = 0; r < rows; r++) {
        const off = r * k;
        let s = 0, ou = 0;
        for (let j = 0; j < k; j++) {
          s += y[off + j];
          ou += o[off + j] * u[off + j];
        }
        for (let j = 0; j < k; j++) out[off + j] = scale * s * o[off + j] * (u[off + j] - ou);
      }
      return;
    case "sigmoid-squared":
    case "softmax-squared":
      outputJacobian(kind, o, u, out, rows, k);
      for (let i = 0; i < n; i++) out[i] *= 2;
      outputJacobian(kind, o, out, out, rows, k);
      for (let i = 0; i < n; i++) out[i] *= scale;
      return;
  }
}

/**
 * out ← scale·∇²_z ξ·u per row: the exact curvature of the head, including the second
 * derivatives of the output map for non-matching pairs. `q` is a scratch row buffer.
 */
export function headHessian(
  kind: HeadKind,
  o: Float64Array,
  y: Float64Array,
  u: Float64Array,
  rows: number,
  k: number,
  scale: number,
  out: Float64Array,
  q: Float64Array,
): void {
  if (splitsAtLogits(kind)) {
    headGaussNewton(kind, o, y, u, rows, k, scale, out);
    return;
  }
  // ∂ξ/∂z = D r with r = 2(o − y). Its directional derivative (R-operator) along u is
  // R{D} r + D R{r}, with R{o} = q = D u and R{r} = 2q.
  outputJacobian(kind, o, u, q, rows, k);
  if (kind === "sigmoid-squared") {
    // D = diag(o(1 − o)), R{D} = diag((1 − 2o)·q).
    for (let i = 0; i < rows * k; i++) {
      const d = o[i] * (1 - o[i]);
      out[i] = scale * ((1 - 2 * o[i]) * q[i] * 2 * (o[i] - y[i]) + 2 * d * q[i]);
    }
    return;
  }
  // softmax: D w = o⊙w − o(o·w); R{D} r = q⊙r − q(o·r) − o(q·r).
  for (let row = 0; row < rows; row++) {
    const off = row * k;
    let or = 0, qr = 0, oq = 0;
    for (let j = 0; j < k; j++) {
      const r = 2 * (o[off + j] - y[off + j]);
      or += o[off + j] * r;
      qr += q[off + j] * r;
      oq += o[off + j] * q[off + j];
    }
    for (let j = 0; j < k; j++) {
      const r = 2 * (o[off + j] - y[off + j]);
      const rd = q[off + j] * r - q[off + j] * or - o[off + j] * qr;
      const dr = 2 * o[off + j] * (q[off + j] - oq);
      out[off + j] = scale * (rd + dr);
    }
  }
}

/**
 * Maps z-space tangents to the split space (J_split v = D·J_z v) or split-space cotangents back
 * to z (D is symmetric, so the same product serves both). The identity for matching pairs.
 */
export function headSplitMap(
  kind: HeadKind,
  o: Float64Array,
  w: Float64Array,
  out: Float64Array,
  rows: number,
  k: number,
): void {
  if (splitsAtLogits(kind)) out.set(w.subarray(0, rows * k));
  else outputJacobian(kind, o, w, out, rows, k);
}
