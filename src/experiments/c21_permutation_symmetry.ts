/**
 * C21: training a network with hidden units is not convex, because of permutation symmetry.
 *
 * A 2-4-1 tanh network is trained by gradient descent on a smooth regression problem. Its
 * hidden units are then permuted: the loss is unchanged, so the permuted point is an equally
 * good solution. Convexity would force the loss on the segment between the two points to stay at
 * or below their common value (f((1 − t)a + tb) ≤ (1 − t)f(a) + t·f(b)); the experiment measures
 * how far above it rises, and the curvature at the segment's midpoint.
 *
 * @module
 */

import type { Row } from "./experiment.ts";
import type { LegacyExperiment as Experiment } from "./legacy.ts";
import { fmt, gradientDescent } from "./common.ts";
import { mlp } from "../nn/mlp.ts";
import { networkObjective } from "../curvature/network_objective.ts";
import { permuteHiddenUnits } from "../nn/symmetry.ts";
import { createRandom } from "../random/random.ts";
import { eigh } from "../solve/eigh.ts";
import { norm2 } from "../linalg/vector.ts";
import { lineChart } from "../report/specs.ts";

/** Loss differences below this (relative) are rounding: the permuted network is the same. */
const SAME_FUNCTION = 1e-12;

export const c21: Experiment = {
  id: "C21",
  title: "Permutation symmetry makes training non-convex",
  claim: "Training a network with hidden units is not a convex problem, because reordering " +
    "the hidden units leaves the network's function unchanged.",
  note: "004",
  run(context) {
    const random = createRandom(context.seed);
    const samples = 40;
    const inputs = Array.from(
      { length: samples },
      () => [2 * random.uniform() - 1, 2 * random.uniform() - 1],
    );
    const targets = inputs.map(([a, b]) => [Math.sin(2 * a) * Math.cos(b)]);
    const net = mlp({ sizes: [2, 4, 1], activation: "tanh", output: "identity", loss: "squared" });
    const f = networkObjective(net, { inputs, targets });
    const steps = context.quick ? 3000 : 12000;
    const trained = gradientDescent(f, net.initialParameters(context.seed), 0.2, steps, (k) => {
      if (k % 500 === 0) context.progress(0.8 * k / steps);
    });
    const fStar = f.value(trained);
    const gradientNorm = norm2(f.gradient(trained));

    const permutations: [string, number[]][] = [
      ["swap units 0 and 1", [1, 0, 2, 3]],
      ["cycle 0→1→2→3→0", [3, 0, 1, 2]],
      ["reverse", [3, 2, 1, 0]],
    ];
    const rows: Row[] = [];
    let worstLossChange = 0, largestBump = 0, smallestBump = Infinity;
    let midpointMinEigenvalue = Infinity;
    const ts = Array.from({ length: 41 }, (_, i) => i / 40);
    for (const [name, perm] of permutations) {
      const permuted = permuteHiddenUnits(net, trained, 0, perm);
      worstLossChange = Math.max(worstLossChange, Math.abs(f.value(permuted) - fStar) / fStar);
      let bump = 0;
      for (const t of ts) {
        const point = trained.map((v, i) => (1 - t) * v + t * permuted[i]);
        const value = f.value(point);
        bump = Math.max(bump, value - fStar);
        rows.push({ permutation: name, t, loss: value, convexBound: fStar });
        if (t === 0.5) {
          const values = eigh(f.hessian(point)).values;
          midpointMinEigenvalue = Math.min(midpointMinEigenvalue, values[0]);
        }
      }
      largestBump = Math.max(largestBump, bump);
      smallestBump = Math.min(smallestBump, bump);
    }
    context.progress(1);
    const atMinimumH = eigh(f.hessian(trained)).values;
    const sameFunction = worstLossChange <= SAME_FUNCTION;
    // A bump above 1% of the loss is far outside any rounding and shows non-convexity.
    const nonConvex = smallestBump > 0.01 * fStar;
    const verdict = sameFunction && nonConvex ? "holds" : "refuted";
    const boundRows = [{ t: 0, loss: fStar, permutation: "convexity bound" }, {
      t: 1,
      loss: fStar,
      permutation: "convexity bound",
    }];
    return {
      rows,
      spec: lineChart({
        data: [...rows, ...boundRows],
        x: "t",
        y: "loss",
        color: "permutation",
        xTitle: "t along θ(t) = (1 − t)·θ* + t·πθ*",
        yTitle: "training loss",
        logY: true,
        title: "C21: the loss between a trained network and its permuted copy",
      }),
      verdict,
      explanation: `After ${steps} gradient-descent steps (loss ${fmt(fStar)}, ‖∇f‖ = ` +
        `${fmt(gradientNorm)}), permuting the 4 hidden units changed the loss by at most ` +
        `${fmt(worstLossChange)} relative: the same function, an equally good minimum (one of ` +
        `4! = 24, and 2⁴·4! = 384 with tanh's sign flips). On the segment between them the loss ` +
        `rose to ${fmt(fStar + largestBump)} (at least ${fmt(smallestBump / fStar)}× the loss ` +
        `above it for every permutation), which a convex function cannot do; the Hessian at a ` +
        `midpoint has λmin = ${fmt(midpointMinEigenvalue)} (at the minimum: ${
          fmt(atMinimumH[0])
        }).`,
      keyNumbers: {
        trainedLoss: fStar,
        worstRelativeLossChange: worstLossChange,
        largestBumpAboveMinimum: largestBump,
        smallestRelativeBump: smallestBump / fStar,
        midpointMinEigenvalue,
      },
    };
  },
};
