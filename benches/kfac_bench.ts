/**
 * Cost of K-FAC relative to a gradient, on a 20-64-64-10 tanh/softmax network with a batch of
 * 256 (the gradient is the first group's baseline):
 * - a factor update: the factors Aₗ, Sₗ at a point, written in place as the optimiser does,
 *   with the exact Gauss-Newton square roots (K = 10 back-propagations per sample), one sampled
 *   column, or the empirical Fisher;
 * - an inverse update: the eigendecompositions of the six factors (21², 64², 65², 64², 65², 10²)
 *   and the damped inverse built from them;
 * - one application of the damped inverse, against one cached Gauss-Newton-vector product (the
 *   second group's baseline), the product a CG-based method pays per iteration.
 *
 * Expected from the multiply-add counts: a Gauss-Newton factor update ≈ 7 gradients (the
 * 10 columns back-propagate through 2,560 stacked rows), a sampled or empirical-Fisher one ≈ 1;
 * an inverse application ≈ 0.23 gradients at this batch size (it does not depend on the batch).
 */

import {
  createRandom,
  kfacFactors,
  kfacInverse,
  mlp,
  networkObjective,
} from "@secondorder/harness";
import { computeKfacFactorsInto, emptyKfacFactors } from "../src/curvature/kfac.ts";

const sizes = [20, 64, 64, 10];
const samples = 256;
const net = mlp({ sizes, activation: "tanh", output: "softmax", loss: "cross-entropy" });
const random = createRandom(1);
const inputs = Array.from(
  { length: samples },
  () => Array.from({ length: sizes[0] }, () => random.normal()),
);
const targets = inputs.map((_, i) => Array.from({ length: 10 }, (_, j) => (j === i % 10 ? 1 : 0)));
const f = networkObjective(net, { inputs, targets }, { C: 100 });
const x = net.initialParameters(1);
const v = random.fillNormal(new Float64Array(net.dim));
const out = new Float64Array(net.dim);

const factors = kfacFactors(f, x);
const scratch = emptyKfacFactors(net, f.C, "gauss-newton");
const inverse = kfacInverse(factors, { damping: 1e-3 });
const gaussNewton = f.gaussNewton(x);

const group = "K-FAC 20-64-64-10 ×256";
Deno.bench("gradient", { group, baseline: true }, () => {
  f.gradient(x, out);
});
Deno.bench("factor update, Gauss-Newton (K = 10 columns)", { group }, () => {
  computeKfacFactorsInto(f, x, "gauss-newton", 0, scratch);
});
Deno.bench("factor update, sampled Gauss-Newton (1 column)", { group }, () => {
  computeKfacFactorsInto(f, x, "sampled-gauss-newton", 7, scratch);
});
Deno.bench("factor update, empirical Fisher", { group }, () => {
  computeKfacFactorsInto(f, x, "empirical-fisher", 0, scratch);
});
Deno.bench("inverse update (eigendecompositions + damped inverse)", { group }, () => {
  kfacInverse(factors, { damping: 1e-3 });
});
Deno.bench("damped K-FAC inverse application", { group }, () => {
  inverse.matvec(v, out);
});

const products = "K-FAC inverse vs Gauss-Newton product";
Deno.bench("Gauss-Newton-vector, cached point", { group: products, baseline: true }, () => {
  gaussNewton.matvec(v, out);
});
Deno.bench("damped K-FAC inverse application", { group: products }, () => {
  inverse.matvec(v, out);
});
