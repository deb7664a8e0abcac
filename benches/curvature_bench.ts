/**
 * Cost of curvature products relative to a gradient, on a 20-64-64-10 tanh/softmax network with
 * a batch of 256 (the gradient is each group's baseline). Targets, as ratios within one run:
 * cached Hessian-vector product ≤ 2.0× a gradient, cached Gauss-Newton product ≤ 1.5×.
 *
 * The dense-Hessian group uses a 10-20-5 network (325 parameters): building a dense Hessian of
 * the 6,154-parameter network takes thousands of products per iteration, too slow for a bench.
 */

import { createRandom, mlp, networkObjective, toDense } from "@secondorder/harness";
import { hessianByGradientDifferences } from "@secondorder/harness";

function problem(sizes: number[], samples: number, seed: number) {
  const net = mlp({ sizes, activation: "tanh", output: "softmax", loss: "cross-entropy" });
  const random = createRandom(seed);
  const k = sizes[sizes.length - 1];
  const inputs = Array.from(
    { length: samples },
    () => Array.from({ length: sizes[0] }, () => random.normal()),
  );
  const targets = inputs.map((_, i) => Array.from({ length: k }, (_, j) => (j === i % k ? 1 : 0)));
  const f = networkObjective(net, { inputs, targets }, { C: 100 });
  const x = net.initialParameters(seed);
  const v = random.fillNormal(new Float64Array(net.dim));
  return { net, f, x, v, out: new Float64Array(net.dim) };
}

const main = problem([20, 64, 64, 10], 256, 1);
const hessian = main.f.hessian(main.x);
const gaussNewton = main.f.gaussNewton(main.x);

Deno.bench("gradient", { group: "curvature 20-64-64-10 ×256", baseline: true }, () => {
  main.f.gradient(main.x, main.out);
});
Deno.bench("Hessian-vector, fresh point", { group: "curvature 20-64-64-10 ×256" }, () => {
  main.f.hessian(main.x).matvec(main.v, main.out);
});
Deno.bench("Hessian-vector, cached point", { group: "curvature 20-64-64-10 ×256" }, () => {
  hessian.matvec(main.v, main.out);
});
Deno.bench("Gauss-Newton-vector, cached point", { group: "curvature 20-64-64-10 ×256" }, () => {
  gaussNewton.matvec(main.v, main.out);
});

const small = problem([10, 20, 5], 256, 2);
Deno.bench("gradient", { group: "dense Hessian 10-20-5 ×256", baseline: true }, () => {
  small.f.gradient(small.x, small.out);
});
Deno.bench("dense Hessian from n cached HVPs", { group: "dense Hessian 10-20-5 ×256" }, () => {
  toDense(small.f.hessian(small.x));
});
Deno.bench(
  "dense Hessian from 2n gradient differences",
  { group: "dense Hessian 10-20-5 ×256" },
  () => {
    hessianByGradientDifferences(small.f, small.x);
  },
);
