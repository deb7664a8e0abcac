/**
 * C19: the Hessian-vector product can be computed without forming the Hessian, at the cost of a
 * small multiple of a gradient. Cost is measured as the multiply-adds the dense-layer kernels
 * execute (deterministic, unlike wall time; the wall-time ratios are in the curvature bench).
 * Accuracy is checked against the independent hyper-dual reference.
 *
 * @module
 */

import type { Row } from "./experiment.ts";
import type { LegacyExperiment as Experiment } from "./legacy.ts";
import { fmt, randomDatasetFor } from "./common.ts";
import { mlp, type MlpSpec } from "../nn/mlp.ts";
import { networkObjective } from "../curvature/network_objective.ts";
import { countMultiplyAdds } from "../linalg/gemm.ts";
import { createRandom } from "../random/random.ts";
import { secondDirectionalDerivative } from "../reference/network_oracles.ts";
import { dot } from "../linalg/vector.ts";
import { lineChart } from "../report/specs.ts";

/** "A small multiple": at most this many gradients, at every size. */
const SMALL_MULTIPLE = 3;

export const c19: Experiment = {
  id: "C19",
  title: "Hessian-vector products cost a few gradients",
  claim: "The Hessian-vector product Hv can be computed without forming the Hessian, at a cost " +
    "of a small multiple of one gradient evaluation.",
  note: "002",
  run(context) {
    const specs: (MlpSpec & { samples: number })[] = [
      { sizes: [3, 5, 1], activation: "sigmoid", output: "identity", loss: "squared", samples: 10 },
      { sizes: [2, 3, 1], activation: "tanh", output: "sigmoid", loss: "logistic", samples: 80 },
      {
        sizes: [20, 64, 64, 10],
        activation: "tanh",
        output: "softmax",
        loss: "cross-entropy",
        samples: 256,
      },
      {
        sizes: [50, 200, 200, 10],
        activation: "softplus",
        output: "softmax",
        loss: "squared",
        samples: 64,
      },
      {
        sizes: [784, 128, 10],
        activation: "tanh",
        output: "softmax",
        loss: "cross-entropy",
        samples: 256,
      },
    ];
    const cases = context.quick
      ? specs.map((s) => ({ ...s, samples: Math.min(s.samples, 32) }))
      : specs;
    const rows: Row[] = [];
    let worstCached = 0, worstFresh = 0, worstGaussNewton = 0, worstError = 0;
    cases.forEach((spec, index) => {
      const net = mlp(spec);
      const f = networkObjective(net, randomDatasetFor(net, context.seed + index, spec.samples));
      const x = net.initialParameters(context.seed + index);
      const random = createRandom(context.seed + 100 + index);
      const v = random.fillNormal(new Float64Array(net.dim));
      const gradient = countMultiplyAdds(() => f.gradient(x));
      const H = f.hessian(x);
      const cached = countMultiplyAdds(() => H.matvec(v));
      const fresh = countMultiplyAdds(() => f.hessian(x).matvec(v));
      const G = f.gaussNewton(x);
      const gaussNewton = countMultiplyAdds(() => G.matvec(v));
      // Accuracy: uᵀ(Hv) against the exact hyper-dual second derivative (small networks only;
      // the reference is slow by design).
      let error = NaN;
      if (net.dim * spec.samples <= 20_000) {
        const u = random.fillNormal(new Float64Array(net.dim));
        const exact = secondDirectionalDerivative(f, x, u, v);
        error = Math.abs(dot(u, H.matvec(v)) - exact) / Math.max(1, Math.abs(exact));
        worstError = Math.max(worstError, error);
      }
      const ratios: [string, number][] = [
        ["Hessian-vector, forward pass cached", cached / gradient],
        ["Hessian-vector, fresh point", fresh / gradient],
        ["Gauss-Newton-vector, cached", gaussNewton / gradient],
        ["dense Hessian (n products)", (net.dim * cached) / gradient],
      ];
      for (const [product, ratio] of ratios) {
        rows.push({
          network: spec.sizes.join("-"),
          samples: spec.samples,
          parameters: net.dim,
          product,
          multiplyAddsPerGradient: ratio,
          gradientMultiplyAdds: gradient,
          relativeErrorVsExact: Number.isNaN(error) ? null : error,
        });
      }
      worstCached = Math.max(worstCached, cached / gradient);
      worstFresh = Math.max(worstFresh, fresh / gradient);
      worstGaussNewton = Math.max(worstGaussNewton, gaussNewton / gradient);
      context.progress((index + 1) / cases.length);
    });
    const smallest = Math.min(...cases.map((s) => mlp(s).dim));
    const largest = Math.max(...cases.map((s) => mlp(s).dim));
    const holds = worstFresh <= SMALL_MULTIPLE && worstError <= 1e-10;
    return {
      rows,
      spec: lineChart({
        data: rows,
        x: "parameters",
        y: "multiplyAddsPerGradient",
        yTitle: "cost in gradients (multiply-adds)",
        xTitle: "parameters n",
        color: "product",
        logX: true,
        logY: true,
        points: true,
        title: "C19: cost of curvature products relative to one gradient",
      }),
      verdict: holds ? "holds" : "refuted",
      explanation: `From ${smallest} to ${largest} parameters, a Hessian-vector product cost at ` +
        `most ${fmt(worstCached)} gradients with the forward pass cached and ${
          fmt(worstFresh)
        } at ` +
        `a fresh point (Gauss-Newton: ${
          fmt(worstGaussNewton)
        }), counted in kernel multiply-adds, ` +
        `while forming H takes n products. It agrees with the exact hyper-dual second derivative ` +
        `to ${fmt(worstError)}.`,
      keyNumbers: {
        cachedHessianVectorCost: worstCached,
        freshHessianVectorCost: worstFresh,
        gaussNewtonVectorCost: worstGaussNewton,
        worstRelativeError: worstError,
      },
    };
  },
};
