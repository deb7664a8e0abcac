/**
 * Exact dense oracles for network objectives, computed by the independent hyper-dual reference
 * network: the dense Hessian, second directional derivatives, explicit per-sample Jacobians,
 * and the Gauss-Newton matrix assembled from them. Exact to rounding (no step size), slow by
 * design: the dense Hessian costs n(n+1)/2 passes over the data.
 *
 * @module
 */

import type { NetworkObjective } from "../curvature/network_objective.ts";
import { constant, type HyperDual } from "./hyper_dual.ts";
import {
  naiveLogits,
  naiveLossAtSplit,
  naiveObjective,
  naiveSplitOutputs,
} from "./naive_network.ts";
import { describe, finiteVector, requireFiniteEntries, requireFiniteValue } from "../validate.ts";

function checkNetworkObjective(where: string, objective: NetworkObjective): void {
  if (
    objective === null || typeof objective !== "object" || !objective.network ||
    !objective.data
  ) {
    throw new TypeError(
      `Cannot ${where}: objective is ${describe(objective)}, expected a networkObjective()`,
    );
  }
}

function seeded(x: Float64Array, u?: Float64Array, v?: Float64Array): HyperDual[] {
  return Array.from(x, (a, i) => ({ a, b: u ? u[i] : 0, c: v ? v[i] : 0, d: 0 }));
}

/**
 * The exact directional derivative ∇f(x)ᵀu, from one dual-number pass over the data.
 *
 * @example
 * ```ts
 * import { directionalDerivative, mlp, networkObjective } from "@secondorder/harness";
 * const net = mlp({ sizes: [2, 2, 1], activation: "relu" });
 * const f = networkObjective(net, { inputs: [[1, -1]], targets: [[0.5]] });
 * const x = net.initialParameters(1), u = new Float64Array(net.dim).fill(1);
 * const exact = directionalDerivative(f, x, u);
 * const viaGradient = f.gradient(x).reduce((s, g, i) => s + g * u[i], 0);
 * if (Math.abs(exact - viaGradient) > 1e-12 * Math.max(1, Math.abs(exact))) throw new Error("bad");
 * ```
 */
export function directionalDerivative(
  objective: NetworkObjective,
  x: Float64Array,
  u: Float64Array,
): number {
  const where = "compute the directional derivative";
  checkNetworkObjective(where, objective);
  const n = objective.dim;
  const point = finiteVector(where, "x", x, n);
  const theta = seeded(point, finiteVector(where, "u", u, n));
  const { inputs, targets } = objective.data;
  const value =
    naiveObjective(objective.network, theta, inputs, targets, objective.samples, objective.C).b;
  return requireFiniteValue(where, value, point);
}

/**
 * The exact second directional derivative uᵀ∇²f(x)v, from one hyper-dual pass over the data.
 *
 * @example
 * ```ts
 * import { mlp, networkObjective, secondDirectionalDerivative } from "@secondorder/harness";
 * const net = mlp({ sizes: [1, 2, 1], activation: "tanh" });
 * const f = networkObjective(net, { inputs: [[1]], targets: [[0.5]] });
 * const x = net.initialParameters(0), u = new Float64Array(net.dim).fill(1);
 * const exact = secondDirectionalDerivative(f, x, u, u);
 * const viaHvp = f.hessian(x).matvec(u).reduce((s, h, i) => s + h * u[i], 0);
 * if (Math.abs(exact - viaHvp) > 1e-12 * Math.max(1, Math.abs(exact))) throw new Error("mismatch");
 * ```
 */
export function secondDirectionalDerivative(
  objective: NetworkObjective,
  x: Float64Array,
  u: Float64Array,
  v: Float64Array,
): number {
  const where = "compute the second directional derivative";
  checkNetworkObjective(where, objective);
  const n = objective.dim;
  const point = finiteVector(where, "x", x, n);
  const theta = seeded(point, finiteVector(where, "u", u, n), finiteVector(where, "v", v, n));
  const { inputs, targets } = objective.data;
  const value =
    naiveObjective(objective.network, theta, inputs, targets, objective.samples, objective.C).d;
  return requireFiniteValue(where, value, point);
}

/**
 * The exact dense Hessian ∇²f(x) by hyper-dual numbers: Hᵢⱼ is the ε₁ε₂ part of f at
 * x + ε₁eᵢ + ε₂eⱼ. Independent of the R-operator code, exact to rounding.
 *
 * @example
 * ```ts
 * import { exactDenseHessian, mlp, networkObjective } from "@secondorder/harness";
 * const net = mlp({ sizes: [1, 1], activation: "identity" });
 * const f = networkObjective(net, { inputs: [[2]], targets: [[0]] });
 * // f = (2w + b)², so H = 2·[[4, 2], [2, 1]].
 * const H = exactDenseHessian(f, new Float64Array([0.3, -0.1]));
 * if (H[0][0] !== 8 || H[0][1] !== 4 || H[1][1] !== 2) throw new Error("unexpected");
 * ```
 */
export function exactDenseHessian(objective: NetworkObjective, x: Float64Array): number[][] {
  const where = "compute the exact dense Hessian";
  checkNetworkObjective(where, objective);
  const n = objective.dim;
  const point = finiteVector(where, "x", x, n);
  const theta = seeded(point);
  const { inputs, targets } = objective.data;
  const H: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const ti = theta[i], tj = theta[j];
      if (i === j) theta[i] = { a: point[i], b: 1, c: 1, d: 0 };
      else {
        theta[i] = { a: point[i], b: 1, c: 0, d: 0 };
        theta[j] = { a: point[j], b: 0, c: 1, d: 0 };
      }
      const value = naiveObjective(
        objective.network,
        theta,
        inputs,
        targets,
        objective.samples,
        objective.C,
      ).d;
      theta[i] = ti;
      theta[j] = tj;
      H[i][j] = value;
      H[j][i] = value;
    }
  }
  for (const row of H) requireFiniteEntries(where, "the Hessian", row, point);
  return H;
}

/**
 * The explicit Jacobian Jᵢ (K × n) of every sample's split output (logits or mapped outputs,
 * see `objective.split`) by forward-mode dual numbers, one pass per parameter.
 *
 * @example
 * ```ts
 * import { explicitJacobians, mlp, networkObjective } from "@secondorder/harness";
 * const net = mlp({ sizes: [1, 1] });
 * const f = networkObjective(net, { inputs: [[3]], targets: [[0]] });
 * const [J] = explicitJacobians(f, new Float64Array([1, 0])); // z = w·3 + b
 * if (J[0][0] !== 3 || J[0][1] !== 1) throw new Error("unexpected");
 * ```
 */
export function explicitJacobians(objective: NetworkObjective, x: Float64Array): number[][][] {
  const where = "compute explicit Jacobians";
  checkNetworkObjective(where, objective);
  const { network, samples } = objective;
  const n = objective.dim;
  const point = finiteVector(where, "x", x, n);
  const n0 = network.sizes[0], k = network.sizes[network.sizes.length - 1];
  const theta = seeded(point);
  const jacobians: number[][][] = Array.from(
    { length: samples },
    () => Array.from({ length: k }, () => new Array<number>(n).fill(0)),
  );
  for (let p = 0; p < n; p++) {
    theta[p] = { a: point[p], b: 1, c: 0, d: 0 };
    for (let r = 0; r < samples; r++) {
      const input = objective.data.inputs.subarray(r * n0, (r + 1) * n0);
      const split = naiveSplitOutputs(network, naiveLogits(network, theta, input));
      for (let q = 0; q < k; q++) jacobians[r][q][p] = split[q].b;
    }
    theta[p] = constant(point[p]);
  }
  for (const J of jacobians) {
    for (const row of J) requireFiniteEntries(where, "a Jacobian", row, point);
  }
  return jacobians;
}

/**
 * The dense Gauss-Newton matrix G = I/C + (1/I)·Σᵢ JᵢᵀBᵢJᵢ from explicit Jacobians, with Bᵢ the
 * loss Hessian at the split computed by hyper-dual numbers.
 *
 * @example
 * ```ts
 * import { denseGaussNewton, mlp, networkObjective } from "@secondorder/harness";
 * const net = mlp({ sizes: [1, 1] });
 * const f = networkObjective(net, { inputs: [[3]], targets: [[0]] });
 * const G = denseGaussNewton(f, new Float64Array([1, 0])); // 2·JᵀJ with J = [3, 1]
 * if (G[0][0] !== 18 || G[0][1] !== 6 || G[1][1] !== 2) throw new Error("unexpected");
 * ```
 */
export function denseGaussNewton(objective: NetworkObjective, x: Float64Array): number[][] {
  const where = "compute the dense Gauss-Newton matrix";
  checkNetworkObjective(where, objective);
  const { network, samples } = objective;
  const n = objective.dim;
  const point = finiteVector(where, "x", x, n);
  const jacobians = explicitJacobians(objective, point);
  const n0 = network.sizes[0], k = network.sizes[network.sizes.length - 1];
  const G: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const theta = seeded(point);
  for (let r = 0; r < samples; r++) {
    const input = objective.data.inputs.subarray(r * n0, (r + 1) * n0);
    const target = objective.data.targets.subarray(r * k, (r + 1) * k);
    const splitValues = naiveSplitOutputs(network, naiveLogits(network, theta, input)).map((s) =>
      s.a
    );
    // Bᵢ = ∇²ξ at the split, entry by entry with hyper-dual seeds on the split variables.
    const B: number[][] = Array.from({ length: k }, () => new Array<number>(k).fill(0));
    for (let s = 0; s < k; s++) {
      for (let t = 0; t < k; t++) {
        const vars = splitValues.map((a, q) => ({
          a,
          b: q === s ? 1 : 0,
          c: q === t ? 1 : 0,
          d: 0,
        }));
        B[s][t] = naiveLossAtSplit(network, vars, target).d;
      }
    }
    const J = jacobians[r];
    // BJ (K × n), then G += JᵀBJ / I.
    const BJ = B.map((row) => {
      const out = new Array<number>(n).fill(0);
      for (let t = 0; t < k; t++) for (let p = 0; p < n; p++) out[p] += row[t] * J[t][p];
      return out;
    });
    for (let p = 0; p < n; p++) {
      for (let q = 0; q < n; q++) {
        let s = 0;
        for (let t = 0; t < k; t++) s += J[t][p] * BJ[t][q];
        G[p][q] += s / samples;
      }
    }
  }
  if (objective.C !== undefined) { for (let p = 0; p < n; p++) G[p][p] += 1 / objective.C; }
  for (const row of G) requireFiniteEntries(where, "the Gauss-Newton matrix", row, point);
  return G;
}
