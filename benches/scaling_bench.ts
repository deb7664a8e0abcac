/**
 * Gradient and cached Hessian-vector product against the parameter count, from 10² to 10⁵, on
 * w-w-w tanh/softmax networks with a batch of 32 (one group per size, each with its gradient as
 * baseline). The report fits the slope of log(time) against log(parameters). Target: the
 * Hessian-vector product's slope is 1.0 ± 0.1 (its cost is linear in the parameter count).
 */

import {
  networkProblem,
  SCALING_BATCH,
  SCALING_PARAMETERS,
  scalingGroup,
  scalingSizes,
} from "./_fixtures.ts";

for (const parameters of SCALING_PARAMETERS) {
  const { f, x, v, out } = networkProblem(scalingSizes(parameters), SCALING_BATCH, 5);
  const hessian = f.hessian(x);
  const group = scalingGroup(parameters);
  Deno.bench("gradient", { group, baseline: true }, () => {
    f.gradient(x, out);
  });
  Deno.bench("Hessian-vector, cached point", { group }, () => {
    hessian.matvec(v, out);
  });
}
