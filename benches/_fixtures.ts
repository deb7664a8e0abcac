/**
 * Problems shared by the bench suites and the report script: networks on seeded random batches,
 * the architectures of the scaling sweep, the GEMM sizes of the kernel comparison with a
 * reference matrix multiply, and the small helpers that name groups. Nothing here is timed.
 *
 * @module
 */

import { createRandom, mlp, networkObjective } from "@secondorder/harness";

/** A network objective at a seeded point, with a seeded direction and an output buffer. */
export function networkProblem(sizes: readonly number[], samples: number, seed: number) {
  const k = sizes[sizes.length - 1];
  // One output: sigmoid + logistic; several: softmax + cross-entropy (both split at the logits).
  const net = k === 1
    ? mlp({ sizes: [...sizes], activation: "tanh", output: "sigmoid", loss: "logistic" })
    : mlp({ sizes: [...sizes], activation: "tanh", output: "softmax", loss: "cross-entropy" });
  const random = createRandom(seed);
  const inputs = Array.from(
    { length: samples },
    () => Array.from({ length: sizes[0] }, () => random.normal()),
  );
  const targets = inputs.map((_, i) =>
    k === 1 ? [i % 2] : Array.from({ length: k }, (_, j) => (j === i % k ? 1 : 0))
  );
  const f = networkObjective(net, { inputs, targets }, { C: 100 });
  const x = net.initialParameters(seed);
  const v = random.fillNormal(new Float64Array(net.dim));
  return { net, f, x, v, inputs, targets, out: new Float64Array(net.dim) };
}

/** The architectures of the curvature suite, all on a batch of {@linkcode CURVATURE_BATCH}. */
export const ARCHITECTURES: readonly (readonly number[])[] = [
  [2, 3, 1],
  [20, 64, 64, 10],
  [784, 128, 10],
];

/** The batch size of the curvature suite and of the TensorFlow.js comparison. */
export const CURVATURE_BATCH = 256;

/** The group name of an architecture's curvature benches. */
export function curvatureGroup(sizes: readonly number[]): string {
  return `curvature ${sizes.join("-")} ×${CURVATURE_BATCH}`;
}

/** The group name of the TensorFlow.js comparison on an architecture. */
export function tfjsGroup(sizes: readonly number[]): string {
  return `peer TF.js gradient ${sizes.join("-")} ×${CURVATURE_BATCH}`;
}

export { PEER_PREFIX } from "./_analysis.ts";

/** Parameter counts of the scaling sweep, 10² to 10⁵. */
export const SCALING_PARAMETERS: readonly number[] = [100, 300, 1000, 3000, 10000, 30000, 100000];

/** The batch size of the scaling sweep. */
export const SCALING_BATCH = 32;

/**
 * The architecture w-w-w whose parameter count 2w² + 2w is closest to `parameters`. Every width
 * scales together, so the multiply-adds of a pass are a fixed multiple of w², that is of the
 * parameter count (a fixed output width, as in w-w-10, would not do: its last layer costs three
 * products per weight against the first layer's two, and its share of the weights shrinks as w
 * grows, which bends the curve below slope 1 for reasons unrelated to the implementation).
 */
export function scalingSizes(parameters: number): number[] {
  let best = 1, bestError = Infinity;
  for (let w = 1; w < 1000; w++) {
    const error = Math.abs(2 * w * w + 2 * w - parameters);
    if (error < bestError) best = w, bestError = error;
  }
  return [best, best, best];
}

/** The group name of one size of the scaling sweep (the exact parameter count is in it). */
export function scalingGroup(parameters: number): string {
  const sizes = scalingSizes(parameters);
  const w = sizes[0];
  return `scaling ${2 * w * w + 2 * w} parameters (${sizes.join("-")} ×${SCALING_BATCH})`;
}

/** Reads the parameter count back from a scaling group's name. */
export function parametersOfScalingGroup(group: string): number | undefined {
  const match = /^scaling (\d+) parameters/.exec(group);
  return match ? Number(match[1]) : undefined;
}

/** A GEMM shape of the kernel comparison: C[m×n] = A[m×k]·B[k×n], 2mnk flops. */
export interface KernelCase {
  /** The layer it comes from, for the report. */
  layer: string;
  m: number;
  n: number;
  k: number;
}

/**
 * The products of two dense layers on a batch of 256: the forward pass (gemmNT), the weight
 * gradient (gemmTN) and the input gradient (gemmNN) each have their own shape.
 */
export const KERNEL_CASES: readonly KernelCase[] = [
  { layer: "64→64 forward", m: 256, n: 64, k: 64 },
  { layer: "64→64 weight gradient", m: 64, n: 64, k: 256 },
  { layer: "64→64 input gradient", m: 256, n: 64, k: 64 },
  { layer: "784→128 forward", m: 256, n: 128, k: 784 },
  { layer: "784→128 weight gradient", m: 128, n: 784, k: 256 },
  { layer: "128→10 input gradient", m: 256, n: 128, k: 10 },
];

/** The group name of one kernel shape. */
export function kernelGroup(c: KernelCase): string {
  return `kernel ${c.m}×${c.n}×${c.k} (${c.layer})`;
}

/** Reads m, n, k back from a kernel group's name. */
export function shapeOfKernelGroup(group: string): { m: number; n: number; k: number } | undefined {
  const match = /^kernel (\d+)×(\d+)×(\d+)/.exec(group);
  return match ? { m: Number(match[1]), n: Number(match[2]), k: Number(match[3]) } : undefined;
}

/**
 * The reference the kernels are measured against: C[m×n] = A[m×k]·B[k×n] on row-major
 * `Float64Array`s, register-blocked in 4×4 tiles of C (sixteen accumulators, every loaded
 * element of A and B used four times per step along k), with scalar loops for the edges.
 */
export function referenceMatmul(
  m: number,
  n: number,
  k: number,
  a: Float64Array,
  b: Float64Array,
  c: Float64Array,
): void {
  let i = 0;
  for (; i + 3 < m; i += 4) {
    const a0 = i * k, a1 = a0 + k, a2 = a1 + k, a3 = a2 + k;
    let j = 0;
    for (; j + 3 < n; j += 4) {
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
      let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
      let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      for (let p = 0, bp = j; p < k; p++, bp += n) {
        const b0 = b[bp], b1 = b[bp + 1], b2 = b[bp + 2], b3 = b[bp + 3];
        const x0 = a[a0 + p], x1 = a[a1 + p], x2 = a[a2 + p], x3 = a[a3 + p];
        c00 += x0 * b0, c01 += x0 * b1, c02 += x0 * b2, c03 += x0 * b3;
        c10 += x1 * b0, c11 += x1 * b1, c12 += x1 * b2, c13 += x1 * b3;
        c20 += x2 * b0, c21 += x2 * b1, c22 += x2 * b2, c23 += x2 * b3;
        c30 += x3 * b0, c31 += x3 * b1, c32 += x3 * b2, c33 += x3 * b3;
      }
      const r0 = i * n + j, r1 = r0 + n, r2 = r1 + n, r3 = r2 + n;
      c[r0] = c00, c[r0 + 1] = c01, c[r0 + 2] = c02, c[r0 + 3] = c03;
      c[r1] = c10, c[r1 + 1] = c11, c[r1 + 2] = c12, c[r1 + 3] = c13;
      c[r2] = c20, c[r2 + 1] = c21, c[r2 + 2] = c22, c[r2 + 3] = c23;
      c[r3] = c30, c[r3 + 1] = c31, c[r3 + 2] = c32, c[r3 + 3] = c33;
    }
    for (; j < n; j++) {
      for (let r = 0; r < 4; r++) {
        let s = 0;
        const row = (i + r) * k;
        for (let p = 0; p < k; p++) s += a[row + p] * b[p * n + j];
        c[(i + r) * n + j] = s;
      }
    }
  }
  for (; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[i * k + p] * b[p * n + j];
      c[i * n + j] = s;
    }
  }
}
