/**
 * Register-blocked matrix products on row-major `Float64Array`s: the kernels of every dense
 * layer's forward, backward and R-operator pass. Each computes a 4×4 tile of C in sixteen
 * local accumulators, so one pass over the shared dimension reuses every loaded value four
 * times. Offsets let a kernel read a weight matrix in place inside the flat parameter vector.
 *
 * All three follow BLAS: C ← A·B (or accumulate into C with `accumulate = true`).
 *
 * Every call adds m·n·k to a multiply-add counter, so the cost of a pass can be measured
 * exactly and deterministically (see {@linkcode countMultiplyAdds}).
 *
 * @module
 */

let multiplyAdds = 0;

/**
 * Runs `work` and returns how many multiply-adds the dense-layer kernels executed meanwhile:
 * a deterministic measure of cost, unlike wall time. (Elementwise work, O(rows·width) per
 * layer, is not counted; it is a lower-order term.)
 *
 * @example A gradient of a network with one 3×2 and one 1×3 layer on 4 samples
 * ```ts
 * import { countMultiplyAdds, mlp, networkObjective } from "@secondorder/harness";
 * const net = mlp({ sizes: [2, 3, 1] });
 * const f = networkObjective(net, { inputs: [[0, 1], [1, 0], [1, 1], [0, 0]], targets: [[0], [1], [1], [0]] });
 * const x = net.initialParameters(0);
 * const count = countMultiplyAdds(() => f.gradient(x));
 * // forward 4·(6 + 3), weight gradients 4·(6 + 3), input gradient of layer 2: 4·3
 * if (count !== 84) throw new Error(`unexpected ${count}`);
 * ```
 */
export function countMultiplyAdds(work: () => unknown): number {
  const before = multiplyAdds;
  work();
  return multiplyAdds - before;
}

/**
 * C[M×N] (+)= A[M×K] · B[N×K]ᵀ, B read at `bOffset`. The forward pass Z = A·Wᵀ.
 */
export function gemmNT(
  m: number,
  n: number,
  k: number,
  a: Float64Array,
  b: Float64Array,
  bOffset: number,
  c: Float64Array,
  accumulate: boolean,
): void {
  multiplyAdds += m * n * k;
  let i = 0;
  for (; i + 3 < m; i += 4) {
    const a0 = i * k, a1 = a0 + k, a2 = a1 + k, a3 = a2 + k;
    const c0 = i * n, c1 = c0 + n, c2 = c1 + n, c3 = c2 + n;
    let j = 0;
    for (; j + 3 < n; j += 4) {
      const b0 = bOffset + j * k, b1 = b0 + k, b2 = b1 + k, b3 = b2 + k;
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0;
      let s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      let s20 = 0, s21 = 0, s22 = 0, s23 = 0;
      let s30 = 0, s31 = 0, s32 = 0, s33 = 0;
      for (let p = 0; p < k; p++) {
        const x0 = a[a0 + p], x1 = a[a1 + p], x2 = a[a2 + p], x3 = a[a3 + p];
        const y0 = b[b0 + p], y1 = b[b1 + p], y2 = b[b2 + p], y3 = b[b3 + p];
        s00 += x0 * y0;
        s01 += x0 * y1;
        s02 += x0 * y2;
        s03 += x0 * y3;
        s10 += x1 * y0;
        s11 += x1 * y1;
        s12 += x1 * y2;
        s13 += x1 * y3;
        s20 += x2 * y0;
        s21 += x2 * y1;
        s22 += x2 * y2;
        s23 += x2 * y3;
        s30 += x3 * y0;
        s31 += x3 * y1;
        s32 += x3 * y2;
        s33 += x3 * y3;
      }
      if (accumulate) {
        c[c0 + j] += s00, c[c0 + j + 1] += s01, c[c0 + j + 2] += s02, c[c0 + j + 3] += s03;
        c[c1 + j] += s10, c[c1 + j + 1] += s11, c[c1 + j + 2] += s12, c[c1 + j + 3] += s13;
        c[c2 + j] += s20, c[c2 + j + 1] += s21, c[c2 + j + 2] += s22, c[c2 + j + 3] += s23;
        c[c3 + j] += s30, c[c3 + j + 1] += s31, c[c3 + j + 2] += s32, c[c3 + j + 3] += s33;
      } else {
        c[c0 + j] = s00, c[c0 + j + 1] = s01, c[c0 + j + 2] = s02, c[c0 + j + 3] = s03;
        c[c1 + j] = s10, c[c1 + j + 1] = s11, c[c1 + j + 2] = s12, c[c1 + j + 3] = s13;
        c[c2 + j] = s20, c[c2 + j + 1] = s21, c[c2 + j + 2] = s22, c[c2 + j + 3] = s23;
        c[c3 + j] = s30, c[c3 + j + 1] = s31, c[c3 + j + 2] = s32, c[c3 + j + 3] = s33;
      }
    }
    for (; j < n; j++) {
      const b0 = bOffset + j * k;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let p = 0; p < k; p++) {
        const y = b[b0 + p];
        s0 += a[a0 + p] * y;
        s1 += a[a1 + p] * y;
        s2 += a[a2 + p] * y;
        s3 += a[a3 + p] * y;
      }
      if (accumulate) c[c0 + j] += s0, c[c1 + j] += s1, c[c2 + j] += s2, c[c3 + j] += s3;
      else c[c0 + j] = s0, c[c1 + j] = s1, c[c2 + j] = s2, c[c3 + j] = s3;
    }
  }
  for (; i < m; i++) {
    const a0 = i * k, c0 = i * n;
    for (let j = 0; j < n; j++) {
      const b0 = bOffset + j * k;
      let s = 0;
      for (let p = 0; p < k; p++) s += a[a0 + p] * b[b0 + p];
      c[c0 + j] = accumulate ? c[c0 + j] + s : s;
    }
  }
}

/**
 * C[M×N] (+)= A[M×K] · B[K×N], B read at `bOffset`. The backward pass to the inputs δA = Δ·W.
 */
export function gemmNN(
  m: number,
  n: number,
  k: number,
  a: Float64Array,
  b: Float64Array,
  bOffset: number,
  c: Float64Array,
  accumulate: boolean,
): void {
  multiplyAdds += m * n * k;
  let i = 0;
  for (; i + 3 < m; i += 4) {
    const a0 = i * k, a1 = a0 + k, a2 = a1 + k, a3 = a2 + k;
    const c0 = i * n, c1 = c0 + n, c2 = c1 + n, c3 = c2 + n;
    let j = 0;
    for (; j + 3 < n; j += 4) {
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0;
      let s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      let s20 = 0, s21 = 0, s22 = 0, s23 = 0;
      let s30 = 0, s31 = 0, s32 = 0, s33 = 0;
      let bp = bOffset + j;
      for (let p = 0; p < k; p++, bp += n) {
        const x0 = a[a0 + p], x1 = a[a1 + p], x2 = a[a2 + p], x3 = a[a3 + p];
        const y0 = b[bp], y1 = b[bp + 1], y2 = b[bp + 2], y3 = b[bp + 3];
        s00 += x0 * y0;
        s01 += x0 * y1;
        s02 += x0 * y2;
        s03 += x0 * y3;
        s10 += x1 * y0;
        s11 += x1 * y1;
        s12 += x1 * y2;
        s13 += x1 * y3;
        s20 += x2 * y0;
        s21 += x2 * y1;
        s22 += x2 * y2;
        s23 += x2 * y3;
        s30 += x3 * y0;
        s31 += x3 * y1;
        s32 += x3 * y2;
        s33 += x3 * y3;
      }
      if (accumulate) {
        c[c0 + j] += s00, c[c0 + j + 1] += s01, c[c0 + j + 2] += s02, c[c0 + j + 3] += s03;
        c[c1 + j] += s10, c[c1 + j + 1] += s11, c[c1 + j + 2] += s12, c[c1 + j + 3] += s13;
        c[c2 + j] += s20, c[c2 + j + 1] += s21, c[c2 + j + 2] += s22, c[c2 + j + 3] += s23;
        c[c3 + j] += s30, c[c3 + j + 1] += s31, c[c3 + j + 2] += s32, c[c3 + j + 3] += s33;
      } else {
        c[c0 + j] = s00, c[c0 + j + 1] = s01, c[c0 + j + 2] = s02, c[c0 + j + 3] = s03;
        c[c1 + j] = s10, c[c1 + j + 1] = s11, c[c1 + j + 2] = s12, c[c1 + j + 3] = s13;
        c[c2 + j] = s20, c[c2 + j + 1] = s21, c[c2 + j + 2] = s22, c[c2 + j + 3] = s23;
        c[c3 + j] = s30, c[c3 + j + 1] = s31, c[c3 + j + 2] = s32, c[c3 + j + 3] = s33;
      }
    }
    for (; j < n; j++) {
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      let bp = bOffset + j;
      for (let p = 0; p < k; p++, bp += n) {
        const y = b[bp];
        s0 += a[a0 + p] * y;
        s1 += a[a1 + p] * y;
        s2 += a[a2 + p] * y;
        s3 += a[a3 + p] * y;
      }
      if (accumulate) c[c0 + j] += s0, c[c1 + j] += s1, c[c2 + j] += s2, c[c3 + j] += s3;
      else c[c0 + j] = s0, c[c1 + j] = s1, c[c2 + j] = s2, c[c3 + j] = s3;
    }
  }
  for (; i < m; i++) {
    const a0 = i * k, c0 = i * n;
    for (let j = 0; j < n; j++) {
      let s = 0;
      let bp = bOffset + j;
      for (let p = 0; p < k; p++, bp += n) s += a[a0 + p] * b[bp];
      c[c0 + j] = accumulate ? c[c0 + j] + s : s;
    }
  }
}

/**
 * C[M×N] (+)= A[K×M]ᵀ · B[K×N], C written at `cOffset`. The weight gradient ∂W = Δᵀ·A, written
 * in place into the flat gradient vector.
 */
export function gemmTN(
  m: number,
  n: number,
  k: number,
  a: Float64Array,
  b: Float64Array,
  c: Float64Array,
  cOffset: number,
  accumulate: boolean,
): void {
  multiplyAdds += m * n * k;
  let i = 0;
  for (; i + 3 < m; i += 4) {
    const c0 = cOffset + i * n, c1 = c0 + n, c2 = c1 + n, c3 = c2 + n;
    let j = 0;
    for (; j + 3 < n; j += 4) {
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0;
      let s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      let s20 = 0, s21 = 0, s22 = 0, s23 = 0;
      let s30 = 0, s31 = 0, s32 = 0, s33 = 0;
      let ap = i, bp = j;
      for (let p = 0; p < k; p++, ap += m, bp += n) {
        const x0 = a[ap], x1 = a[ap + 1], x2 = a[ap + 2], x3 = a[ap + 3];
        const y0 = b[bp], y1 = b[bp + 1], y2 = b[bp + 2], y3 = b[bp + 3];
        s00 += x0 * y0;
        s01 += x0 * y1;
        s02 += x0 * y2;
        s03 += x0 * y3;
        s10 += x1 * y0;
        s11 += x1 * y1;
        s12 += x1 * y2;
        s13 += x1 * y3;
        s20 += x2 * y0;
        s21 += x2 * y1;
        s22 += x2 * y2;
        s23 += x2 * y3;
        s30 += x3 * y0;
        s31 += x3 * y1;
        s32 += x3 * y2;
        s33 += x3 * y3;
      }
      if (accumulate) {
        c[c0 + j] += s00, c[c0 + j + 1] += s01, c[c0 + j + 2] += s02, c[c0 + j + 3] += s03;
        c[c1 + j] += s10, c[c1 + j + 1] += s11, c[c1 + j + 2] += s12, c[c1 + j + 3] += s13;
        c[c2 + j] += s20, c[c2 + j + 1] += s21, c[c2 + j + 2] += s22, c[c2 + j + 3] += s23;
        c[c3 + j] += s30, c[c3 + j + 1] += s31, c[c3 + j + 2] += s32, c[c3 + j + 3] += s33;
      } else {
        c[c0 + j] = s00, c[c0 + j + 1] = s01, c[c0 + j + 2] = s02, c[c0 + j + 3] = s03;
        c[c1 + j] = s10, c[c1 + j + 1] = s11, c[c1 + j + 2] = s12, c[c1 + j + 3] = s13;
        c[c2 + j] = s20, c[c2 + j + 1] = s21, c[c2 + j + 2] = s22, c[c2 + j + 3] = s23;
        c[c3 + j] = s30, c[c3 + j + 1] = s31, c[c3 + j + 2] = s32, c[c3 + j + 3] = s33;
      }
    }
    for (; j < n; j++) {
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      let ap = i, bp = j;
      for (let p = 0; p < k; p++, ap += m, bp += n) {
        const y = b[bp];
        s0 += a[ap] * y;
        s1 += a[ap + 1] * y;
        s2 += a[ap + 2] * y;
        s3 += a[ap + 3] * y;
      }
      if (accumulate) c[c0 + j] += s0, c[c1 + j] += s1, c[c2 + j] += s2, c[c3 + j] += s3;
      else c[c0 + j] = s0, c[c1 + j] = s1, c[c2 + j] = s2, c[c3 + j] = s3;
    }
  }
  for (; i < m; i++) {
    const c0 = cOffset + i * n;
    for (let j = 0; j < n; j++) {
      let s = 0;
      let ap = i, bp = j;
      for (let p = 0; p < k; p++, ap += m, bp += n) s += a[ap] * b[bp];
      c[c0 + j] = accumulate ? c[c0 + j] + s : s;
    }
  }
}
