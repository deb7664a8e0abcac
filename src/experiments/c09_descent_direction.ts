/**
 * C09: with a positive definite G, the Newton direction d = −G⁻¹∇f is a descent direction,
 * ∇fᵀd < 0.
 *
 * At random points θ of regularised network objectives (tanh + softmax/cross-entropy, sigmoid
 * + sigmoid/logistic, and tanh + sigmoid/squared, whose split falls at the mapped outputs;
 * each with C = 1, 100 and 10⁴), the Gauss-Newton matrix G = I/C + (1/I)·Σ JᵀBJ and the exact
 * Hessian H are formed densely, and d = −K⁻¹∇f is solved directly for K = G and K = H. The
 * record: ∇fᵀd, cos∠(∇f, d), the spectrum of G and whether H is indefinite.
 *
 * The bound: with eigenvalues of G in [λmin, λmax],
 *   −∇fᵀd = ∇fᵀG⁻¹∇f ≥ ‖∇f‖²/λmax   and   ‖d‖ = ‖G⁻¹∇f‖ ≤ ‖∇f‖/λmin,
 * so −cos∠(∇f, d) ≥ λmin/λmax = 1/κ(G): the direction is never more than arccos(1/κ) from
 * −∇f. Nothing of the kind holds for an indefinite H, where d may point uphill.
 *
 * @module
 */

import type { Row } from "./experiment.ts";
import type { LegacyExperiment as Experiment } from "./legacy.ts";
import { fmt, randomDatasetFor } from "./common.ts";
import { mlp, type MlpSpec } from "../nn/mlp.ts";
import { networkObjective } from "../curvature/network_objective.ts";
import { denseFromData, toDenseData } from "../operator/linear_operator.ts";
import { directSolve } from "../solve/direct_solve.ts";
import { eigh } from "../solve/eigh.ts";
import { createRandom } from "../random/random.ts";
import { dot, norm2 } from "../linalg/vector.ts";
import { concatenated, layered, lineChart, pointChart } from "../report/specs.ts";

/**
 * The computed cosine may fall short of the bound 1/κ by the rounding of the solve: a backward
 * stable solve of G·d = −∇f gives d with relative error about n·κ·ε, and the cosine inherits
 * it. The check is −cos·κ ≥ 1 − 10·n·κ·ε (the C01 experiment's factor 10·n for one solve).
 */
const boundSlack = (n: number, kappa: number) => 10 * n * kappa * Number.EPSILON;

interface NetworkCase {
  label: string;
  spec: MlpSpec;
}

export const c09: Experiment = {
  id: "C09",
  title: "A positive definite G makes the Newton direction a descent direction",
  claim: "With a positive definite G, the Newton direction d = −G⁻¹∇f is a descent " +
    "direction: ∇fᵀd < 0.",
  note: "001",
  run(context) {
    const random = createRandom(context.seed);
    const pointsPerCase = context.quick ? 6 : 40;
    const samples = 30;
    const networks: NetworkCase[] = [
      {
        label: "tanh, softmax + cross-entropy (3-6-3)",
        spec: { sizes: [3, 6, 3], activation: "tanh", output: "softmax", loss: "cross-entropy" },
      },
      {
        label: "sigmoid, sigmoid + logistic (3-6-1)",
        spec: { sizes: [3, 6, 1], activation: "sigmoid", output: "sigmoid", loss: "logistic" },
      },
      {
        label: "tanh, sigmoid + squared (3-6-2)",
        spec: { sizes: [3, 6, 2], activation: "tanh", output: "sigmoid", loss: "squared" },
      },
    ];
    const regularisations = [1, 100, 1e4];

    const rows: Row[] = [];
    const gPoints: Row[] = [];
    let gDirections = 0, gDescent = 0, boundHolds = 0, worstBoundRatio = Infinity;
    let largestGCos = -Infinity;
    let hPositiveDefinite = 0, hIndefinite = 0, hIndefiniteAscent = 0, hSingular = 0;
    let hPdDescent = 0;
    let largestKappa = 0;
    const cosines = new Map<string, number[]>();
    const record = (kind: string, cos: number) => {
      cosines.set(kind, [...(cosines.get(kind) ?? []), cos]);
    };
    const total = networks.length * regularisations.length * pointsPerCase;
    let done = 0;
    for (const network of networks) {
      const net = mlp(network.spec);
      const data = randomDatasetFor(net, random.integer(0x7fffffff), samples);
      for (const C of regularisations) {
        const f = networkObjective(net, data, { C });
        const n = f.dim;
        for (let p = 0; p < pointsPerCase; p++) {
          // Glorot-scale weights times a factor log-uniform in [0.3, 5], random biases: points
          // from near the start of training to saturated units.
          const scale = 0.3 * (5 / 0.3) ** random.uniform();
          const x = net.initialParameters(random.integer(0x7fffffff)).map((v) =>
            scale * v + 0.3 * random.normal()
          );
          const g = f.gradient(x);
          const gNorm = norm2(g);
          const G = denseFromData(n, toDenseData(f.gaussNewton(x)), "symmetric");
          const H = denseFromData(n, toDenseData(f.hessian(x)), "symmetric");
          const gSpectrum = eigh(G).values;
          const hSpectrum = eigh(H).values;
          const gMin = gSpectrum[0], gMax = gSpectrum[n - 1];
          const kappa = gMax / gMin;
          largestKappa = Math.max(largestKappa, kappa);
          const minusG = g.map((v) => -v);

          // K = G.
          const dG = directSolve(G, minusG).x;
          const slopeG = dot(g, dG);
          const cosG = slopeG / (gNorm * norm2(dG));
          gDirections++;
          if (slopeG < 0) gDescent++;
          const ratio = -cosG * kappa;
          worstBoundRatio = Math.min(worstBoundRatio, ratio);
          if (ratio >= 1 - boundSlack(n, kappa)) boundHolds++;
          largestGCos = Math.max(largestGCos, cosG);
          record("G (positive definite)", cosG);
          gPoints.push({ kappa, minusCos: -cosG, series: "G: −cos∠(∇f, d)" });

          // K = H.
          const hMin = hSpectrum[0], hMax = hSpectrum[n - 1];
          const indefinite = hMin < 0 && hMax > 0;
          const solvedH = directSolve(H, minusG);
          let slopeH = NaN, cosH = NaN;
          if (solvedH.success) {
            slopeH = dot(g, solvedH.x);
            cosH = slopeH / (gNorm * norm2(solvedH.x));
            if (indefinite) {
              hIndefinite++;
              if (slopeH > 0) hIndefiniteAscent++;
              record("H indefinite", cosH);
            } else if (hMin > 0) {
              hPositiveDefinite++;
              if (slopeH < 0) hPdDescent++;
              record("H positive definite", cosH);
            }
          } else {
            hSingular++;
          }
          rows.push({
            network: network.label,
            C,
            point: p,
            scale,
            gradientNorm: gNorm,
            gMinEigenvalue: gMin,
            gMaxEigenvalue: gMax,
            gCondition: kappa,
            gSlope: slopeG,
            gCos: cosG,
            gBound: -1 / kappa,
            hMinEigenvalue: hMin,
            hMaxEigenvalue: hMax,
            hIndefinite: indefinite,
            hSolveStatus: solvedH.status,
            hSlope: solvedH.success ? slopeH : null,
            hCos: solvedH.success ? cosH : null,
          });
          done++;
          context.progress(done / total);
        }
      }
    }

    // The empirical distribution function of the cosine, per kind of direction.
    const distributionRows: Row[] = [];
    for (const [kind, values] of cosines) {
      const sorted = values.slice().sort((u, v) => u - v);
      sorted.forEach((cosine, i) => {
        distributionRows.push({ direction: kind, cosine, fraction: (i + 1) / sorted.length });
      });
    }
    // The bound −cos ≥ 1/κ as a line over the range of κ met.
    const kappas = gPoints.map((r) => r.kappa as number);
    const lowK = Math.min(...kappas), highK = Math.max(...kappas);
    const boundLine: Row[] = Array.from({ length: 30 }, (_, i) => {
      const kappa = lowK * (highK / lowK) ** (i / 29);
      return { kappa, minusCos: 1 / kappa, series: "bound 1/κ(G)" };
    });

    const allDescent = gDescent === gDirections;
    const allBound = boundHolds === gDirections;
    const verdict = allDescent && allBound ? "holds" : "refuted";
    return {
      rows,
      spec: concatenated(
        `C09: Newton directions at ${gDirections} random points of regularised networks`,
        [
          lineChart({
            data: distributionRows,
            x: "cosine",
            y: "fraction",
            color: "direction",
            xTitle: "cos∠(∇f, d) (negative: descent, positive: ascent)",
            yTitle: "fraction of directions with a smaller cosine",
            title: "Distribution of cos∠(∇f, d) for d = −K⁻¹∇f, K = G or H",
            width: 380,
          }),
          layered("G's directions against the bound −cos ≥ 1/κ(G)", [
            pointChart({
              data: gPoints,
              x: "kappa",
              y: "minusCos",
              color: "series",
              logX: true,
              logY: true,
              xTitle: "κ(G) = λmax/λmin",
              yTitle: "−cos∠(∇f, d)",
              size: 20,
            }),
            lineChart({
              data: boundLine,
              x: "kappa",
              y: "minusCos",
              color: "series",
              logX: true,
              logY: true,
              xTitle: "κ(G) = λmax/λmin",
              yTitle: "−cos∠(∇f, d)",
            }),
          ]),
        ],
      ),
      verdict,
      explanation: `At ${gDirections} random points, d = −G⁻¹∇f was a descent direction ` +
        `${gDescent} times (largest cosine with ∇f ${fmt(largestGCos)}), and −cos∠(∇f, d) ≥ ` +
        `1/κ(G) held at ${boundHolds} (smallest −cos·κ ${fmt(worstBoundRatio)}, κ up to ` +
        `${fmt(largestKappa)}). With the exact Hessian, H was indefinite at ${hIndefinite} ` +
        `points and −H⁻¹∇f pointed uphill at ${hIndefiniteAscent} of them, while at the ` +
        `${hPositiveDefinite} points where H was positive definite it was always ` +
        `${hPdDescent === hPositiveDefinite ? "" : "not "}downhill: positive definiteness is ` +
        `what makes the direction a descent direction.`,
      keyNumbers: {
        gaussNewtonDescentDirections: gDescent,
        points: gDirections,
        boundSatisfied: boundHolds,
        smallestCosTimesCondition: worstBoundRatio,
        largestGaussNewtonCosine: largestGCos,
        largestGaussNewtonCondition: largestKappa,
        hessianIndefinitePoints: hIndefinite,
        hessianIndefiniteAscentDirections: hIndefiniteAscent,
        hessianPositiveDefinitePoints: hPositiveDefinite,
        hessianPositiveDefiniteDescent: hPdDescent,
        hessianSingularPoints: hSingular,
      },
    };
  },
};
