/**
 * C10: backtracking line search finds a step α with f(θ + αd) < f(θ) + ν∇f(θ)ᵀ(αd) after
 * finitely many reductions.
 *
 * `armijoBacktracking` (α = α₀ρᵏ, k = 0, 1, ...; α₀ = 1) runs along descent directions of
 * - random quadratics ½xᵀAx + bᵀx in 10 dimensions, κ(A) = 10, 10³ and 10⁶ at random scales
 *   (directions −∇f and −A⁻¹∇f);
 * - the Rosenbrock function in 2 and 10 dimensions at random points (−∇f, the Newton direction
 *   −H⁻¹∇f where it descends, and the Gauss-Newton direction −G⁻¹∇f);
 * - a regularised tanh + softmax network (−∇f and −G⁻¹∇f);
 * for ν ∈ {10⁻⁴, 0.1, 0.4, 0.8} and ρ ∈ {0.1, 0.5, 0.9}.
 *
 * The bound. Let s = ∇fᵀd < 0 and φ(α) = f(θ + αd). If φ″ ≤ M on [0, α₀], Taylor's theorem
 * gives φ(α) ≤ φ(0) + αs + ½α²M there, so Armijo's condition φ(α) < φ(0) + ναs holds for every
 * α < ᾱ = 2(1 − ν)|s|/M. Backtracking stops at the latest at the first α₀ρᵏ < ᾱ:
 *
 *   reductions ≤ k̄ = 0 if α₀ < ᾱ, else ⌊log(ᾱ/α₀)/log ρ⌋ + 1,
 *
 * finite whenever s < 0 and M < ∞. For an L-smooth f, M ≤ L‖d‖². On a quadratic φ″ = dᵀAd
 * exactly and Armijo holds exactly when α < ᾱ, so the bound is attained. On Rosenbrock (a
 * quartic polynomial) φ″ is a quadratic in α, so its maximum on [0, α₀] is computed exactly
 * from three Hessian-vector products; on the network M is estimated from φ″ on a grid.
 *
 * Along an ascent direction (s ≥ 0) the condition fails for every small α (φ(α) ≈ φ(0) + αs >
 * φ(0) + ναs), and on a convex function for every α, so the search must give up: the library
 * refuses at once ("not-descent"), and the same rule without that check exhausts its cap.
 *
 * @module
 */

import type { Row } from "./experiment.ts";
import type { LegacyExperiment as Experiment } from "./legacy.ts";
import { fmt, randomDatasetFor } from "./common.ts";
import type { Objective } from "../objective.ts";
import { matrixWithSpectrum, quadraticObjective } from "../problems/quadratic.ts";
import { rosenbrock } from "../problems/rosenbrock.ts";
import { mlp } from "../nn/mlp.ts";
import { networkObjective } from "../curvature/network_objective.ts";
import { armijoBacktracking } from "../optim/line_search.ts";
import { directSolve } from "../solve/direct_solve.ts";
import { createRandom } from "../random/random.ts";
import { dot } from "../linalg/vector.ts";
import { concatenated, layered, lineChart, pointChart } from "../report/specs.ts";

/** The first trial step α₀ (the full Newton step). */
const INITIAL_STEP = 1;

/**
 * The cap on reductions along descent directions: above every bound met (the largest is
 * about 250, at ρ = 0.9 on Rosenbrock, where α₀ρᵏ must fall to 10⁻¹¹), so that a search stops because
 * the condition held, not because of the cap.
 */
const DESCENT_CAP = 400;

/** The library's default cap, used for the ascent directions. */
const ASCENT_CAP = 50;

/** Grid points for the estimate of max φ″ on the network (not a polynomial). */
const CURVATURE_GRID = 65;

const NUS = [1e-4, 0.1, 0.4, 0.8];
const SHRINKS = [0.1, 0.5, 0.9];

/** k̄ = the first k with α₀ρᵏ < ᾱ = 2(1 − ν)|s|/M (0 when M ≤ 0 or α₀ < ᾱ). */
export function reductionBound(
  slope: number,
  curvature: number,
  nu: number,
  shrink: number,
  initialStep = INITIAL_STEP,
): number {
  if (!(curvature > 0)) return 0;
  const limit = (2 * (1 - nu) * -slope) / curvature;
  if (initialStep < limit) return 0;
  return Math.floor(Math.log(limit / initialStep) / Math.log(shrink)) + 1;
}

/** A descent or ascent direction at a point of a problem. */
interface SearchCase {
  problem: string;
  family: "quadratic" | "Rosenbrock" | "network";
  direction: string;
  f: Objective;
  x: Float64Array;
  d: Float64Array;
}

/** φ″(t) = dᵀ∇²f(θ + td)d. */
function lineCurvature(c: SearchCase, t: number): number {
  const point = c.x.map((v, i) => v + t * c.d[i]);
  return dot(c.d, c.f.hessian!(point).matvec(c.d));
}

/** max φ″ on [0, α₀]: exact for quadratics and quartic polynomials, sampled for networks. */
function maxLineCurvature(c: SearchCase): { curvature: number; kind: string } {
  if (c.family === "quadratic") return { curvature: lineCurvature(c, 0), kind: "exact (dᵀAd)" };
  if (c.family === "Rosenbrock") {
    // φ″ is a quadratic p(t); interpolate it at 0, α₀/2, α₀ and maximise on [0, α₀].
    const h = INITIAL_STEP / 2;
    const [p0, p1, p2] = [0, h, 2 * h].map((t) => lineCurvature(c, t));
    const a = (p2 - 2 * p1 + p0) / (2 * h * h);
    const b = (p1 - p0) / h - a * h;
    let best = Math.max(p0, p2);
    if (a < 0) {
      const vertex = -b / (2 * a);
      if (vertex > 0 && vertex < 2 * h) best = Math.max(best, p0 + b * vertex + a * vertex ** 2);
    }
    return { curvature: best, kind: "exact (quartic polynomial)" };
  }
  let best = -Infinity;
  for (let i = 0; i < CURVATURE_GRID; i++) {
    best = Math.max(best, lineCurvature(c, (INITIAL_STEP * i) / (CURVATURE_GRID - 1)));
  }
  return { curvature: best, kind: `estimated (${CURVATURE_GRID}-point grid)` };
}

/** The Armijo rule without the descent check: the first α₀ρᵏ meeting the condition, if any. */
function unguardedBacktracking(
  valueAt: (alpha: number) => number,
  value0: number,
  slope: number,
  nu: number,
  shrink: number,
): { accepted: boolean; alpha: number; reductions: number } {
  let alpha = INITIAL_STEP;
  for (let k = 0; k <= ASCENT_CAP; k++) {
    if (valueAt(alpha) < value0 + nu * alpha * slope) {
      return { accepted: true, alpha, reductions: k };
    }
    if (k < ASCENT_CAP) alpha *= shrink;
  }
  return { accepted: false, alpha, reductions: ASCENT_CAP };
}

function negate(v: Float64Array): Float64Array {
  return v.map((x) => -x);
}

/** −K⁻¹∇f by a dense solve, or undefined when K is singular. */
function newtonDirection(
  f: Objective,
  x: Float64Array,
  kind: "hessian" | "gaussNewton",
): Float64Array | undefined {
  const K = kind === "hessian" ? f.hessian!(x) : f.gaussNewton!(x);
  const solved = directSolve(K, negate(f.gradient(x)));
  return solved.success ? solved.x : undefined;
}

export const c10: Experiment = {
  id: "C10",
  title: "Backtracking reaches Armijo's condition in finitely many reductions",
  claim: "Backtracking line search finds a step α with f(θ + αd) < f(θ) + ν∇f(θ)ᵀ(αd) " +
    "after finitely many reductions.",
  note: "001",
  run(context) {
    const random = createRandom(context.seed);
    const points = context.quick ? 4 : 20;
    const cases: SearchCase[] = [];
    const addNewtonCases = (
      problem: string,
      family: SearchCase["family"],
      f: Objective,
      x: Float64Array,
      kinds: ("hessian" | "gaussNewton")[],
    ) => {
      cases.push({ problem, family, direction: "−∇f", f, x, d: negate(f.gradient(x)) });
      for (const kind of kinds) {
        const d = newtonDirection(f, x, kind);
        if (d) {
          cases.push({
            problem,
            family,
            direction: kind === "hessian" ? "−H⁻¹∇f" : "−G⁻¹∇f",
            f,
            x,
            d,
          });
        }
      }
    };

    // Quadratics: eigenvalues log-spaced over [λ₀, κλ₀] with λ₀ log-uniform in [10⁻³, 10].
    const n = 10;
    for (const kappa of [10, 1e3, 1e6]) {
      for (let p = 0; p < points; p++) {
        const low = 1e-3 * 1e4 ** random.uniform();
        const eigenvalues = Array.from({ length: n }, (_, i) => low * kappa ** (i / (n - 1)));
        const { matrix } = matrixWithSpectrum(eigenvalues, { seed: random.integer(0x7fffffff) });
        const f = quadraticObjective(matrix, { b: random.fillNormal(new Float64Array(n)) });
        const x = random.fillNormal(new Float64Array(n));
        addNewtonCases(`quadratic, κ = ${fmt(kappa)}`, "quadratic", f, x, ["hessian"]);
      }
    }
    // Rosenbrock at random points around the valley.
    for (const dim of [2, 10]) {
      const f = rosenbrock(dim);
      for (let p = 0; p < points; p++) {
        const x = random.fillNormal(new Float64Array(dim)).map((v) => 1.5 * v);
        addNewtonCases(`Rosenbrock ${dim}-D`, "Rosenbrock", f, x, ["hessian", "gaussNewton"]);
      }
    }
    // A regularised network.
    const net = mlp({
      sizes: [3, 5, 3],
      activation: "tanh",
      output: "softmax",
      loss: "cross-entropy",
    });
    const network = networkObjective(net, randomDatasetFor(net, random.integer(0x7fffffff), 30), {
      C: 10,
    });
    for (let p = 0; p < points; p++) {
      const x = net.initialParameters(random.integer(0x7fffffff)).map((v) =>
        (0.5 + 2.5 * random.uniform()) * v
      );
      addNewtonCases("tanh + softmax network", "network", network, x, ["gaussNewton"]);
    }

    const rows: Row[] = [];
    const curvePoints: Row[] = [];
    const scatter: Row[] = [];
    let descentDirections = 0, searches = 0, succeeded = 0, conditionMet = 0;
    let rigorous = 0, withinRigorous = 0, exactOnQuadratic = 0, quadraticSearches = 0;
    let estimated = 0, withinEstimated = 0, largestReductions = 0;
    let ascentCases = 0, refused = 0, exhausted = 0, convexAscent = 0, convexExhausted = 0;
    let smallestAscentAlpha = Infinity;
    cases.forEach((c, index) => {
      const value0 = c.f.value(c.x);
      const slope = dot(c.f.gradient(c.x), c.d);
      const trial = new Float64Array(c.x.length);
      const valueAt = (alpha: number) => {
        for (let i = 0; i < trial.length; i++) trial[i] = c.x[i] + alpha * c.d[i];
        return c.f.value(trial);
      };
      if (!(slope < 0)) {
        // An ascent direction (Newton's, where H is indefinite): the search cannot succeed.
        ascentCases++;
        const library = armijoBacktracking(valueAt, value0, slope, { nu: 1e-4, shrink: 0.5 });
        if (library.status === "not-descent") refused++;
        const rule = unguardedBacktracking(valueAt, value0, slope, 1e-4, 0.5);
        if (!rule.accepted) exhausted++;
        else smallestAscentAlpha = Math.min(smallestAscentAlpha, rule.alpha);
        rows.push({
          part: "ascent direction",
          problem: c.problem,
          direction: c.direction,
          slope,
          libraryStatus: library.status,
          withoutCheckAccepted: rule.accepted,
          withoutCheckAlpha: rule.alpha,
          withoutCheckReductions: rule.reductions,
        });
        return;
      }
      descentDirections++;
      const { curvature, kind } = maxLineCurvature(c);
      for (const nu of NUS) {
        for (const shrink of SHRINKS) {
          const search = armijoBacktracking(valueAt, value0, slope, {
            nu,
            shrink,
            initialStep: INITIAL_STEP,
            maxReductions: DESCENT_CAP,
          });
          searches++;
          const reductions = search.evaluations - 1;
          const ok = search.status === "ok";
          if (ok) succeeded++;
          largestReductions = Math.max(largestReductions, reductions);
          // Re-check the condition at the accepted step.
          const met = ok && valueAt(search.alpha) < value0 + nu * search.alpha * slope;
          if (met) conditionMet++;
          const bound = reductionBound(slope, curvature, nu, shrink);
          if (c.family === "network") {
            estimated++;
            if (reductions <= bound) withinEstimated++;
          } else {
            rigorous++;
            if (reductions <= bound) withinRigorous++;
          }
          if (c.family === "quadratic") {
            quadraticSearches++;
            if (reductions === bound) exactOnQuadratic++;
          }
          rows.push({
            part: "descent direction",
            problem: c.problem,
            direction: c.direction,
            nu,
            shrink,
            slope,
            maxLineCurvature: curvature,
            curvatureKind: kind,
            status: search.status,
            alpha: search.alpha,
            reductions,
            bound,
            conditionMet: met,
          });
          scatter.push({ problem: c.family, bound, reductions });
          if (c.family === "quadratic" && c.direction === "−∇f" && shrink === 0.5) {
            curvePoints.push({ nu: `ν = ${nu}`, ratio: curvature / -slope, reductions });
          }
        }
      }
      context.progress((index + 1) / cases.length);
    });
    // +∇f is an ascent direction; on the convex quadratics no α > 0 is acceptable along it.
    for (const c of cases.filter((c) => c.direction === "−∇f")) {
      const d = negate(c.d);
      const value0 = c.f.value(c.x);
      const slope = -dot(c.d, c.d);
      const valueAt = (alpha: number) => c.f.value(c.x.map((v, i) => v + alpha * d[i]));
      const library = armijoBacktracking(valueAt, value0, -slope, { nu: 1e-4, shrink: 0.5 });
      const rule = unguardedBacktracking(valueAt, value0, -slope, 1e-4, 0.5);
      const convex = c.family === "quadratic";
      ascentCases++;
      if (convex) convexAscent++;
      if (library.status === "not-descent") refused++;
      if (!rule.accepted) {
        exhausted++;
        if (convex) convexExhausted++;
      } else smallestAscentAlpha = Math.min(smallestAscentAlpha, rule.alpha);
      rows.push({
        part: "ascent direction",
        problem: c.problem,
        direction: "+∇f",
        slope: -slope,
        libraryStatus: library.status,
        withoutCheckAccepted: rule.accepted,
        withoutCheckAlpha: rule.alpha,
        withoutCheckReductions: rule.reductions,
      });
    }

    // The bound as a function of M/|s| (ρ = 0.5), one line per ν.
    const ratios = curvePoints.map((r) => r.ratio as number);
    const lowRatio = Math.min(...ratios), highRatio = Math.max(...ratios);
    const boundLines: Row[] = [];
    for (const nu of NUS) {
      for (let i = 0; i <= 400; i++) {
        const ratio = lowRatio * (highRatio / lowRatio) ** (i / 400);
        boundLines.push({
          nu: `ν = ${nu}`,
          ratio,
          reductions: reductionBound(-1, ratio, nu, 0.5),
        });
      }
    }
    const largestBound = Math.max(...scatter.map((r) => r.bound as number));
    const diagonal: Row[] = [
      { problem: "reductions = bound", bound: 0, reductions: 0 },
      { problem: "reductions = bound", bound: largestBound, reductions: largestBound },
    ];

    const descentHolds = succeeded === searches && conditionMet === searches &&
      withinRigorous === rigorous;
    const ascentFails = refused === ascentCases && convexExhausted === convexAscent;
    const verdict = descentHolds && ascentFails ? "holds" : "refuted";
    return {
      rows,
      spec: concatenated(
        `C10: ${searches} Armijo backtracking searches (α₀ = 1)`,
        [
          layered("Quadratics, d = −∇f, ρ = 0.5: reductions against curvature", [
            pointChart({
              data: curvePoints,
              x: "ratio",
              y: "reductions",
              color: "nu",
              logX: true,
              xTitle: "curvature along d over slope, dᵀAd/|∇fᵀd|",
              yTitle: "reductions (points: measured; lines: bound k̄)",
              size: 30,
            }),
            lineChart({
              data: boundLines,
              x: "ratio",
              y: "reductions",
              color: "nu",
              logX: true,
              xTitle: "curvature along d over slope, dᵀAd/|∇fᵀd|",
              yTitle: "reductions (points: measured; lines: bound k̄)",
            }),
          ]),
          layered("Every problem: measured reductions against the bound", [
            pointChart({
              data: scatter,
              x: "bound",
              y: "reductions",
              color: "problem",
              xTitle: "bound k̄ from max φ″ on [0, α₀]",
              yTitle: "reductions",
              size: 25,
              filled: false,
            }),
            lineChart({
              data: diagonal,
              x: "bound",
              y: "reductions",
              color: "problem",
              xTitle: "bound k̄ from max φ″ on [0, α₀]",
              yTitle: "reductions",
            }),
          ]),
        ],
      ),
      verdict,
      explanation: `Along ${descentDirections} descent directions ` +
        `(ν from 1e-4 to 0.8, ρ from 0.1 to 0.9), ${succeeded} of ${searches} searches found ` +
        `a step, after at most ${largestReductions} reductions, and the condition held at ` +
        `${conditionMet} accepted steps; reductions stayed within the bound ` +
        `⌊log(ᾱ/α₀)/log ρ⌋ + 1, ᾱ = 2(1 − ν)|∇fᵀd|/max φ″, in ${withinRigorous} of ` +
        `${rigorous} exact cases (equal to it in ${exactOnQuadratic} of ${quadraticSearches} ` +
        `on quadratics) and ${withinEstimated} of ${estimated} on the network. Along ` +
        `${ascentCases} ascent directions the library refused ${refused} times, and the rule ` +
        `without that check exhausted its ${ASCENT_CAP} reductions in ${exhausted} ` +
        `(${convexExhausted} of ${convexAscent} on convex quadratics)` +
        (exhausted < ascentCases
          ? `; elsewhere it accepted only long steps past a rise of f, α ≥ ` +
            `${fmt(smallestAscentAlpha)}.`
          : "."),
      keyNumbers: {
        succeeded,
        descentDirections,
        searches,
        conditionMetAtAcceptedStep: conditionMet,
        largestReductions,
        exactBoundCases: rigorous,
        withinExactBound: withinRigorous,
        quadraticSearches,
        equalToBoundOnQuadratics: exactOnQuadratic,
        estimatedBoundCases: estimated,
        withinEstimatedBound: withinEstimated,
        ascentDirections: ascentCases,
        refusedAsNotDescent: refused,
        exhaustedWithoutCheck: exhausted,
        convexAscentDirections: convexAscent,
        convexExhaustedWithoutCheck: convexExhausted,
        smallestStepAcceptedAlongAscent: Number.isFinite(smallestAscentAlpha)
          ? smallestAscentAlpha
          : -1,
      },
    };
  },
};
