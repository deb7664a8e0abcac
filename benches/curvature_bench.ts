/**
 * Cost of curvature products relative to a gradient, per architecture (2-3-1, 20-64-64-10 and
 * 784-128-10, tanh hidden layers, on a batch of 256; the gradient is each group's baseline).
 * Targets, as ratios within one run: cached Hessian-vector product ≤ 2.0× a gradient, cached
 * Gauss-Newton product ≤ 1.5× (the multiply-add counts allow about 2× and 1.3×).
 *
 * - "fresh point" builds the operator at the point (forward and backward pass, φ″) and applies
 *   it once, as a method does that takes one product per point;
 * - the K-FAC factor update computes the factors Aₗ, Sₗ with the exact Gauss-Newton square
 *   roots (K back-propagations per sample) in place.
 *
 * The dense-Hessian group uses a 10-20-5 network (325 parameters): building a dense Hessian of
 * the larger networks takes thousands of products per iteration, too slow for a bench.
 */

import { hessianByGradientDifferences, toDense } from "@secondorder/harness";
import { computeKfacFactorsInto, emptyKfacFactors } from "../src/curvature/kfac.ts";
import { ARCHITECTURES, CURVATURE_BATCH, curvatureGroup, networkProblem } from "./_fixtures.ts";

for (const sizes of ARCHITECTURES) {
  const { net, f, x, v, out } = networkProblem(sizes, CURVATURE_BATCH, 1);
  const hessian = f.hessian(x);
  const gaussNewton = f.gaussNewton(x);
  const factors = emptyKfacFactors(net, f.C, "gauss-newton");
  const group = curvatureGroup(sizes);
  Deno.bench("gradient", { group, baseline: true }, () => {
    f.gradient(x, out);
  });
  Deno.bench("Hessian-vector, fresh point", { group }, () => {
    f.hessian(x).matvec(v, out);
  });
  Deno.bench("Hessian-vector, cached point", { group }, () => {
    hessian.matvec(v, out);
  });
  Deno.bench("Gauss-Newton-vector, cached point", { group }, () => {
    gaussNewton.matvec(v, out);
  });
  Deno.bench("K-FAC factor update (Gauss-Newton)", { group }, () => {
    computeKfacFactorsInto(f, x, "gauss-newton", 0, factors);
  });
}

const small = networkProblem([10, 20, 5], CURVATURE_BATCH, 2);
const dense = "dense Hessian 10-20-5 ×256";
Deno.bench("gradient", { group: dense, baseline: true }, () => {
  small.f.gradient(small.x, small.out);
});
Deno.bench("dense Hessian, exact (n cached HVPs)", { group: dense, n: 20, warmup: 2 }, () => {
  toDense(small.f.hessian(small.x));
});
Deno.bench(
  "dense Hessian, finite differences (2n gradients)",
  { group: dense, n: 10, warmup: 1 },
  () => {
    hessianByGradientDifferences(small.f, small.x);
  },
);
