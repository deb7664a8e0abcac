/**
 * Hidden-layer activations, each with φ, φ′ and φ″ side by side, evaluated elementwise over a
 * batch. The second derivative is what Pearlmutter's R-operator needs in the backward pass.
 *
 * @module
 */

/** The hidden activations an MLP may use. */
export type Activation = "tanh" | "sigmoid" | "relu" | "softplus" | "identity";

/** The hidden activations, in documentation order. */
export const ACTIVATIONS: readonly Activation[] = [
  "tanh",
  "sigmoid",
  "relu",
  "softplus",
  "identity",
];

/** The logistic function 1/(1 + e^{−z}), computed without overflow for any z. */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** softplus(z) = log(1 + e^z), computed without overflow for any z. */
export function softplus(z: number): number {
  return Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
}

/** log σ(z) = −softplus(−z), finite for z = −1000. */
export function logSigmoid(z: number): number {
  return -softplus(-z);
}

/**
 * log Σ exp(zₖ) over `count` entries of `z` from `offset`, shifted by the maximum so that it
 * never overflows (finite for entries of ±1000).
 */
export function logSumExp(z: ArrayLike<number>, offset = 0, count?: number): number {
  const n = count ?? z.length - offset;
  let max = -Infinity;
  for (let k = 0; k < n; k++) if (z[offset + k] > max) max = z[offset + k];
  if (max === -Infinity || max === Infinity) return max;
  let s = 0;
  for (let k = 0; k < n; k++) s += Math.exp(z[offset + k] - max);
  return max + Math.log(s);
}

/**
 * Applies the activation to `z` (length n), writing φ(z) to `a` and φ′(z) to `d1`, and φ″(z) to
 * `d2` when it is given.
 */
export function activate(
  kind: Activation,
  z: Float64Array,
  a: Float64Array,
  d1: Float64Array,
  d2?: Float64Array,
): void {
  const n = z.length;
  switch (kind) {
    case "tanh":
      for (let i = 0; i < n; i++) {
        const t = Math.tanh(z[i]);
        const s = 1 - t * t;
        a[i] = t;
        d1[i] = s; // tanh′ = 1 − tanh²
        if (d2) d2[i] = -2 * t * s; // tanh″ = −2 tanh (1 − tanh²)
      }
      return;
    case "sigmoid":
      for (let i = 0; i < n; i++) {
        const s = sigmoid(z[i]);
        const ds = s * (1 - s);
        a[i] = s;
        d1[i] = ds; // σ′ = σ(1 − σ)
        if (d2) d2[i] = ds * (1 - 2 * s); // σ″ = σ(1 − σ)(1 − 2σ)
      }
      return;
    case "relu":
      for (let i = 0; i < n; i++) {
        const positive = z[i] > 0;
        a[i] = positive ? z[i] : 0;
        d1[i] = positive ? 1 : 0; // the subgradient 0 is taken at the kink
        if (d2) d2[i] = 0;
      }
      return;
    case "softplus":
      for (let i = 0; i < n; i++) {
        const s = sigmoid(z[i]);
        a[i] = softplus(z[i]);
        d1[i] = s; // softplus′ = σ
        if (d2) d2[i] = s * (1 - s); // softplus″ = σ(1 − σ)
      }
      return;
    case "identity":
      a.set(z);
      d1.fill(1);
      if (d2) d2.fill(0);
      return;
  }
}

/** True when φ″ vanishes identically (almost everywhere for ReLU), so R-terms in φ″ drop. */
export function isPiecewiseLinear(kind: Activation): boolean {
  return kind === "relu" || kind === "identity";
}
