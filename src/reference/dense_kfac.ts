/**
 * The dense K-FAC matrix: every layer's Kronecker product Aₗ ⊗ Sₗ formed entry by entry and
 * placed in the parameter layout, so the matrix-free K-FAC operators can be checked against an
 * independent construction. Slow by design: O(n²) memory.
 *
 * @module
 */

import {
  checkKfacFactors,
  dampingArguments,
  type KfacDampingOptions,
  type KfacFactors,
  piCorrectionOf,
} from "../curvature/kfac.ts";

/**
 * The position in the parameter vector of entry (j, p) of layer l's augmented matrix
 * W̄ = [W | b]: `weightOffset + j·inputs + p` for a weight (p < inputs), `biasOffset + j` for
 * the bias (p = inputs). The Kronecker product A ⊗ S indexes the same entry as p·outputs + j.
 */
function parameterIndex(
  layer: { inputs: number; weightOffset: number; biasOffset: number },
  j: number,
  p: number,
): number {
  return p < layer.inputs ? layer.weightOffset + j * layer.inputs + p : layer.biasOffset + j;
}

/**
 * The dense K-FAC matrix ⊕ₗ Aₗ ⊗ Sₗ + (λ + 1/C)·I as rows, with the Kronecker products formed
 * explicitly: (A ⊗ S)[p·nₗ₊₁ + j][q·nₗ₊₁ + k] = A[p][q]·S[j][k], scattered to the parameter
 * layout (see the index map of `kfacOperator`). Takes the same damping options as
 * `kfacOperator` (default `"exact"`, that is Tikhonov damping; `"factored"` forms
 * (A + π·γ·I) ⊗ (S + (γ/π)·I) with γ = √(λ + 1/C)). Entries between layers are zero.
 *
 * @example The Kronecker structure of a one-layer network
 * ```ts
 * import { denseKfac, kfacFactors, mlp, networkObjective } from "@secondorder/harness";
 * const net = mlp({ sizes: [1, 2] });
 * const f = networkObjective(net, { inputs: [[3]], targets: [[0, 1]] });
 * // Parameters (w₀, w₁, b₀, b₁); A = [[9, 3], [3, 1]] and S = 2I, so K = A ⊗ S:
 * // the weight and bias of one unit couple (K[0][2] = 3·2), two units do not (K[0][1] = 0).
 * const K = denseKfac(kfacFactors(f, new Float64Array([1, 2, 0, 0])));
 * const near = (a: number, b: number) => Math.abs(a - b) <= 1e-14;
 * if (!near(K[0][0], 18) || !near(K[0][2], 6) || K[0][1] !== 0 || !near(K[3][3], 2)) {
 *   throw new Error();
 * }
 * ```
 */
export function denseKfac(
  factors: KfacFactors,
  options: KfacDampingOptions = {},
): number[][] {
  const where = "form the dense K-FAC matrix";
  const checked = checkKfacFactors(where, factors);
  const { gamma, mode, piCorrection } = dampingArguments(where, checked, options, "exact");
  const gammaSquared = gamma * gamma;
  const n = checked.dim;
  const K: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const covered = new Uint8Array(n);
  for (const layer of checked.layers) {
    const na = layer.inputs + 1, no = layer.outputs;
    const pi = mode === "factored" && piCorrection ? piCorrectionOf(layer) : 1;
    const aShift = mode === "factored" ? pi * gamma : 0;
    const sShift = mode === "factored" ? gamma / pi : 0;
    const A = (p: number, q: number) => layer.activationFactor[p * na + q] + (p === q ? aShift : 0);
    const S = (j: number, k: number) => layer.gradientFactor[j * no + k] + (j === k ? sShift : 0);
    for (let p = 0; p < na; p++) {
      for (let j = 0; j < no; j++) {
        const row = parameterIndex(layer, j, p);
        covered[row] = 1;
        for (let q = 0; q < na; q++) {
          for (let k = 0; k < no; k++) K[row][parameterIndex(layer, k, q)] = A(p, q) * S(j, k);
        }
        if (mode === "exact") K[row][row] += gammaSquared;
      }
    }
  }
  for (let i = 0; i < n; i++) if (!covered[i]) K[i][i] = gammaSquared;
  return K;
}
