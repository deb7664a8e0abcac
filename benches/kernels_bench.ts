/**
 * The dense-layer kernels of `src/linalg/gemm.ts` against a reference register-blocked
 * Float64Array matrix multiply (`referenceMatmul` in `_fixtures.ts`), shape by shape: each group
 * holds one m×n×k product, the reference is its baseline, so the report reads GFLOP/s
 * (2mnk / time) and the ratio of the two. Target: the kernels reach ≥ 70% of the reference's
 * GFLOP/s.
 *
 * Each kernel runs in the layout the network passes use: the forward pass reads W (n×k) in place
 * (gemmNT), the weight gradient reads Δ (k×m) transposed (gemmTN), the input gradient is a plain
 * product (gemmNN).
 */

import { createRandom } from "@secondorder/harness";
import { gemmNN, gemmNT, gemmTN } from "../src/linalg/gemm.ts";
import { KERNEL_CASES, kernelGroup, referenceMatmul } from "./_fixtures.ts";

const random = createRandom(3);

for (const shape of KERNEL_CASES) {
  const { m, n, k, layer } = shape;
  const a = random.fillNormal(new Float64Array(m * k));
  const b = random.fillNormal(new Float64Array(k * n));
  const c = new Float64Array(m * n);
  const group = kernelGroup(shape);
  Deno.bench("reference register-blocked matmul", { group, baseline: true }, () => {
    referenceMatmul(m, n, k, a, b, c);
  });
  if (layer.endsWith("forward")) {
    Deno.bench("gemmNT (forward, W read in place)", { group }, () => {
      gemmNT(m, n, k, a, b, 0, c, false);
    });
  } else if (layer.endsWith("weight gradient")) {
    Deno.bench("gemmTN (weight gradient, Δᵀ·A)", { group }, () => {
      gemmTN(m, n, k, a, b, c, 0, false);
    });
  } else {
    Deno.bench("gemmNN (input gradient, Δ·W)", { group }, () => {
      gemmNN(m, n, k, a, b, 0, c, false);
    });
  }
}
