/**
 * C14: if f is not strictly convex, the Newton subproblem may not have a unique solution.
 *
 * The subproblem at a point with gradient g and Hessian H is to minimise the quadratic model
 * m(d) = gᵀd + ½dᵀHd, whose stationary points solve H·d = −g. The experiment measures:
 * - (a) H positive semi-definite and singular, g in its range: directSolve reports the system
 *   singular; CG started from different points converges to different solutions with the same
 *   model value, which differ by null-space vectors (CG never changes the null-space part of its
 *   start);
 * - (b) the same H with g outside its range: no d solves the system, since the residual
 *   ‖H·d + g‖ cannot fall below the null-space part of g; CG's residual stalls there, and the
 *   model decreases without bound along the null direction. With H indefinite and nonsingular
 *   the system has one solution, but it is a saddle of the model, which is again unbounded below;
 * - (c) real networks whose Hessian is singular: an over-parameterised linear model (more
 *   parameters than samples), a 2-3-1 network with two identical hidden units at an exact
 *   minimum (moving weight from one unit's output to the other's leaves f unchanged), and note
 *   000's classifier with a saturated hidden unit (the mechanism behind C06's "Singular
 *   matrix");
 * - (d) damping: H + λI is positive definite for every λ > 0, so the damped system has one
 *   solution d_λ, and d_λ tends to the minimum-norm solution d⁺ = −H⁺g as λ → 0 when g lies in
 *   the range (and grows like 1/λ when it does not).
 *
 * @module
 */

import type { Row } from "./experiment.ts";
import type { LegacyExperiment as Experiment } from "./legacy.ts";
import { fmt } from "./common.ts";
import { mlp } from "../nn/mlp.ts";
import { type NetworkObjective, networkObjective } from "../curvature/network_objective.ts";
import { gaussianMixture } from "../problems/datasets.ts";
import { matrixWithSpectrum } from "../problems/quadratic.ts";
import { denseOperator, type LinearOperator, toDense } from "../operator/linear_operator.ts";
import { damp } from "../operator/algebra.ts";
import { cg } from "../solve/cg.ts";
import { directSolve } from "../solve/direct_solve.ts";
import { eigh } from "../solve/eigh.ts";
import { createRandom, type Random } from "../random/random.ts";
import { dot, norm2 } from "../linalg/vector.ts";
import { concatenated, lineChart, pointChart } from "../report/specs.ts";

/** CG's relative tolerance: a solution to near working precision. */
const CG_RTOL = 1e-12;

/**
 * A solution counts as solving H·d = −g when its normwise backward error
 * ‖H·d + g‖ / (‖H‖·‖d‖ + ‖g‖) is at most this: 1000·ε, the level a backward-stable solver
 * reaches on a problem of this size, with room for CG's accumulated rounding.
 */
const BACKWARD_TOLERANCE = 1000 * Number.EPSILON;

/**
 * Eigenvalues with |λ| ≤ ZERO_TOLERANCE·max|λ| count as zero. A quadratic built from a chosen
 * spectrum carries its zeros as rounding, about n·ε·max|λ|; a network's zero eigenvalue is exact
 * only at a critical point, and at the tied network's end point (‖∇f‖ ≤ 1e-10) it is perturbed
 * by about that much. 1e-8 sits above both and far below the smallest nonzero |λ| measured
 * (reported as the spectral gap).
 */
const ZERO_TOLERANCE = 1e-8;

/**
 * For networks, a second solution d⁺ + u (u a unit null vector) has backward error at most about
 * |λ_u|/max|λ| ≤ ZERO_TOLERANCE, so that is the accuracy to which both are solutions.
 */
const NETWORK_BACKWARD_TOLERANCE = ZERO_TOLERANCE;

/** Log-axis floor for exact zeros. */
const PLOT_FLOOR = 1e-17;

/** ‖A‖₂ from the eigenvalues of a symmetric A. */
const spectralNorm = (values: Float64Array) => Math.max(...Array.from(values, Math.abs));

/** ‖H·d + g‖ / (‖H‖·‖d‖ + ‖g‖). */
function backwardError(H: LinearOperator, normH: number, g: Float64Array, d: Float64Array): number {
  const r = H.matvec(d);
  for (let i = 0; i < r.length; i++) r[i] += g[i];
  const scale = normH * norm2(d) + norm2(g);
  // d = 0 with g = 0 solves the system exactly.
  return scale === 0 ? norm2(r) : norm2(r) / scale;
}

/**
 * ‖H·xₖ + g‖/‖g‖ for CG's saved iterates, computed from the iterates (CG's recurrence residual
 * drifts from the true one once H·p loses accuracy, as it does on an inconsistent system).
 */
function trueResiduals(
  H: LinearOperator,
  g: Float64Array,
  iterates: readonly { x: Float64Array }[],
): number[] {
  return iterates.map(({ x }) => norm2(H.matvec(x).map((v, i) => v + g[i])) / norm2(g));
}

/** m(d) = gᵀd + ½dᵀHd. */
function model(H: LinearOperator, g: Float64Array, d: Float64Array): number {
  return dot(g, d) + 0.5 * dot(d, H.matvec(d));
}

/** −H⁺g from an eigendecomposition, dropping eigenvalues at most `threshold` in size. */
function minimumNormStep(
  values: Float64Array,
  vectors: Float64Array[],
  g: Float64Array,
  threshold: number,
): Float64Array {
  const d = new Float64Array(g.length);
  values.forEach((lambda, k) => {
    if (Math.abs(lambda) <= threshold) return;
    const c = dot(vectors[k], g) / lambda;
    for (let i = 0; i < d.length; i++) d[i] -= c * vectors[k][i];
  });
  return d;
}

/** The part of v in the span of the orthonormal `basis`. */
function project(basis: readonly Float64Array[], v: Float64Array): Float64Array {
  const p = new Float64Array(v.length);
  for (const b of basis) {
    const c = dot(b, v);
    for (let i = 0; i < p.length; i++) p[i] += c * b[i];
  }
  return p;
}

const minus = (v: Float64Array) => v.map((x) => -x);
const difference = (a: Float64Array, b: Float64Array) => a.map((x, i) => x - b[i]);
const column = (q: number[][], k: number) => Float64Array.from(q, (row) => row[k]);

/** Least-squares slope of log10(y) against log10(x). */
function logLogSlope(points: readonly [number, number][]): number {
  const xs = points.map(([x]) => Math.log10(x)), ys = points.map(([, y]) => Math.log10(y));
  const mx = xs.reduce((s, v) => s + v, 0) / xs.length;
  const my = ys.reduce((s, v) => s + v, 0) / ys.length;
  let sxy = 0, sxx = 0;
  xs.forEach((x, i) => {
    sxy += (x - mx) * (ys[i] - my);
    sxx += (x - mx) ** 2;
  });
  return sxy / sxx;
}

/** What part (c) measures on one network. */
interface NetworkCase {
  name: string;
  dim: number;
  /** |λ|/max|λ|, ascending. */
  relativeEigenvalues: number[];
  zeroEigenvalues: number;
  negativeEigenvalues: number;
  /** The smallest |λ|/max|λ| above the zero threshold. */
  spectralGap: number;
  directStatus: string;
  /** Two solutions of H·d = −g that differ by a null vector: their backward errors, distance. */
  backwardErrors: [number, number];
  solutionDistance: number;
  modelValues: [number, number];
  /** An orthonormal basis of the (numerical) null space. */
  nullBasis: Float64Array[];
  /** The two solutions d⁺ and d⁺ + null vector. */
  steps: [Float64Array, Float64Array];
  /** Extra evidence, per case. */
  extra: Record<string, number>;
  /** H, g and d⁺ for the damping sweep (positive semi-definite cases only). */
  sweep?: { H: LinearOperator; g: Float64Array; minimumNorm: Float64Array };
}

/** Analyses the Newton system of `f` at x: spectrum, direct solve, two distinct solutions. */
function analyseNetwork(
  name: string,
  f: NetworkObjective,
  x: Float64Array,
  extra: Record<string, number>,
): NetworkCase {
  const H = f.hessian(x);
  const dense = denseOperator(toDense(H));
  const g = f.gradient(x);
  const { values, vectors } = eigh(dense);
  const normH = spectralNorm(values);
  const threshold = ZERO_TOLERANCE * normH;
  const nullBasis = vectors.filter((_, k) => Math.abs(values[k]) <= threshold);
  const relative = Array.from(values, (v) => Math.abs(v) / normH).sort((a, b) => a - b);
  const dPlus = minimumNormStep(values, vectors, g, threshold);
  // A second solution: d⁺ plus a unit null vector (the sum of the null basis, normalised).
  const u = new Float64Array(x.length);
  for (const b of nullBasis) for (let i = 0; i < u.length; i++) u[i] += b[i];
  const un = norm2(u);
  const dOther = dPlus.map((v, i) => v + (un > 0 ? u[i] / un : 0));
  const psd = values[0] >= -threshold;
  return {
    name,
    dim: x.length,
    relativeEigenvalues: relative,
    zeroEigenvalues: nullBasis.length,
    negativeEigenvalues: values.filter((v) => v < -threshold).length,
    spectralGap: relative.find((v) => v > ZERO_TOLERANCE) ?? NaN,
    directStatus: directSolve(dense, minus(g)).status,
    backwardErrors: [
      backwardError(dense, normH, g, dPlus),
      backwardError(dense, normH, g, dOther),
    ],
    solutionDistance: norm2(difference(dPlus, dOther)),
    modelValues: [model(dense, g, dPlus), model(dense, g, dOther)],
    steps: [dPlus, dOther],
    nullBasis,
    extra,
    ...(psd ? { sweep: { H: dense, g, minimumNorm: dPlus } } : {}),
  };
}

/** An over-parameterised linear model: 6 inputs and a bias (7 parameters), 4 samples. */
function linearModelCase(random: Random): NetworkCase {
  const net = mlp({ sizes: [6, 1], output: "identity", loss: "squared" });
  const samples = 4;
  const inputs = Array.from({ length: samples }, () => Array.from({ length: 6 }, random.normal));
  const targets = inputs.map(() => [random.normal()]);
  const f = networkObjective(net, { inputs, targets });
  const x = net.initialParameters(random.integer(0x7fffffff));
  const c = analyseNetwork("linear model, 7 parameters, 4 samples", f, x, {});
  // f is quadratic, so its model is exact: both Newton steps land on global minimisers (loss 0,
  // the 4 samples being interpolated).
  const [a, b] = c.steps.map((d) => x.map((v, i) => v + d[i]));
  c.extra = {
    lossAtStart: f.value(x),
    lossAfterMinimumNormStep: f.value(a),
    lossAfterOtherStep: f.value(b),
  };
  return c;
}

/**
 * A 2-3-1 tanh network with hidden units 0 and 1 identical, at a critical point built exactly:
 * the targets come from a 2-2-1 teacher, and the student copies the teacher's first unit into
 * units 0 and 1 (each with half its outgoing weight) and its second unit into unit 2. The
 * student computes the teacher's function bit for bit, so the loss and the gradient are exactly
 * 0. There, H = (2/I)·JᵀJ, and J vanishes along the swap direction e (outgoing weight of unit 0
 * up, of unit 1 down) and along the three antisymmetric changes of the two units' incoming
 * weights and biases (their first-order effects cancel because the outgoing weights are equal):
 * four zero eigenvalues.
 */
function tiedUnitsCase(random: Random): NetworkCase {
  const net = mlp({ sizes: [2, 3, 1], activation: "tanh", output: "identity" });
  const teacher = mlp({ sizes: [2, 2, 1], activation: "tanh", output: "identity" });
  const t = teacher.initialParameters(random.integer(0x7fffffff)).map((v) => 2 * v);
  const inputs = Array.from(
    { length: 30 },
    () => [2 * random.uniform() - 1, 2 * random.uniform() - 1],
  );
  const targets = teacher.predict(t, inputs);
  const f = networkObjective(net, { inputs, targets });
  const [tIn, tOut] = teacher.layers, [into, out] = net.layers;
  const x = new Float64Array(net.dim);
  for (const [unit, from] of [[0, 0], [1, 0], [2, 1]]) {
    for (let i = 0; i < 2; i++) {
      x[into.weightOffset + 2 * unit + i] = t[tIn.weightOffset + 2 * from + i];
    }
    x[into.biasOffset + unit] = t[tIn.biasOffset + from];
    x[out.weightOffset + unit] = t[tOut.weightOffset + from] / (from === 0 ? 2 : 1);
  }
  x[out.biasOffset] = t[tOut.biasOffset];
  const e = new Float64Array(net.dim);
  e[out.weightOffset] = Math.SQRT1_2;
  e[out.weightOffset + 1] = -Math.SQRT1_2;
  let flat = 0;
  const f0 = f.value(x);
  for (const s of [-2, -1, -0.5, 0.5, 1, 2]) {
    flat = Math.max(flat, Math.abs(f.value(x.map((v, i) => v + s * e[i])) - f0));
  }
  const He = f.hessian(x).matvec(e);
  const c = analyseNetwork("2-3-1 tanh, two identical hidden units, at a minimum", f, x, {
    loss: f0,
    gradientNorm: norm2(f.gradient(x)),
    swapDirectionCurvatureNorm: norm2(He),
    largestLossChangeAlongSwapLine: flat,
  });
  // The swap direction lies in the null space eigh found.
  c.extra.swapDirectionOutsideNullSpace = norm2(difference(e, project(c.nullBasis, e)));
  return c;
}

/** Note 000's classifier with hidden unit 2 saturated (bias 40: tanh is exactly 1). */
function saturatedUnitCase(random: Random): NetworkCase {
  const net = mlp({ sizes: [2, 3, 1], activation: "tanh", output: "sigmoid", loss: "logistic" });
  const data = gaussianMixture(random.integer(0x7fffffff));
  const f = networkObjective(net, data);
  const x = net.initialParameters(random.integer(0x7fffffff));
  x[net.layers[0].biasOffset + 2] = 40;
  return analyseNetwork("2-3-1 classifier (C06), one saturated hidden unit", f, x, {});
}

export const c14: Experiment = {
  id: "C14",
  title: "Without strict convexity the Newton subproblem has many solutions, or none",
  claim: "If f is not strictly convex, the Newton subproblem (minimise gᵀd + ½dᵀHd, or solve " +
    "H·d = −g) may not have a unique solution.",
  note: "001",
  run(context) {
    const n = context.quick ? 6 : 10;
    const random = createRandom(context.seed);
    const rows: Row[] = [];
    const record = (part: string, caseName: string, quantity: string, value: number | string) =>
      rows.push({ part, case: caseName, quantity, value, lambda: null });

    // ---- (a) PSD, singular, g in the range -------------------------------------------------
    const nullity = 2;
    const spectrum = Array.from(
      { length: n },
      (_, i) => (i < nullity ? 0 : 0.5 * 2 ** ((5 * (i - nullity)) / (n - nullity - 1))),
    );
    const { matrix, eigenvectors } = matrixWithSpectrum(spectrum, {
      seed: random.integer(0x7fffffff),
    });
    const H = denseOperator(matrix);
    const normH = Math.max(...spectrum);
    const q = spectrum.map((_, k) => column(eigenvectors, k));
    const nullBasis = q.slice(0, nullity), rangeBasis = q.slice(nullity);
    const g = new Float64Array(n);
    for (const v of rangeBasis) {
      const c = random.normal();
      for (let i = 0; i < n; i++) g[i] += c * v[i];
    }
    // d⁺ = −H⁺g from the chosen spectrum, not from a solver under test.
    const dPlus = new Float64Array(n);
    rangeBasis.forEach((v, j) => {
      const c = dot(v, g) / spectrum[nullity + j];
      for (let i = 0; i < n; i++) dPlus[i] -= c * v[i];
    });
    const singularStatus = directSolve(H, minus(g)).status;
    record("a", "PSD singular, g in range", "directSolve status", singularStatus);

    const starts = context.quick ? 3 : 5;
    const everyIterate = Array.from({ length: 10 * n + 1 }, (_, k) => k);
    const residualRows: Row[] = [];
    const solutions: Float64Array[] = [];
    let worstBackward = 0, worstModelGap = 0, worstRangePart = 0, worstNullMismatch = 0;
    let worstModelTolerance = 0, worstRangeTolerance = 0;
    const modelAtPlus = model(H, g, dPlus);
    for (let s = 0; s < starts; s++) {
      const x0 = s === 0 ? new Float64Array(n) : random.fillNormal(new Float64Array(n));
      const run = cg(H, minus(g), { x0, rtol: CG_RTOL, saveIterates: everyIterate });
      const label = s === 0 ? "g in range, CG from x₀ = 0" : `g in range, CG from random x₀ #${s}`;
      trueResiduals(H, g, run.savedIterates).forEach((r, k) =>
        residualRows.push({ run: label, iteration: k, residual: Math.max(r, PLOT_FLOOR) })
      );
      solutions.push(run.x);
      const be = backwardError(H, normH, g, run.x);
      const gap = Math.abs(model(H, g, run.x) - modelAtPlus) / Math.abs(modelAtPlus);
      const offset = difference(run.x, dPlus);
      // CG keeps x₀'s null-space part: the solution is d⁺ + P_null·x₀.
      const mismatch = norm2(difference(offset, project(nullBasis, x0))) / norm2(dPlus);
      const rangePart = norm2(project(rangeBasis, offset)) / norm2(dPlus);
      worstBackward = Math.max(worstBackward, be);
      worstModelGap = Math.max(worstModelGap, gap);
      worstRangePart = Math.max(worstRangePart, rangePart);
      worstNullMismatch = Math.max(worstNullMismatch, mismatch);
      // A backward error η moves m by at most about η·(‖g‖‖d‖ + ‖H‖‖d‖²), and the range part of
      // d by about η·(‖H‖‖d‖ + ‖g‖)/λ₊min (the smallest nonzero eigenvalue).
      const dn = norm2(run.x);
      worstModelTolerance = Math.max(
        worstModelTolerance,
        BACKWARD_TOLERANCE * (norm2(g) * dn + normH * dn * dn) / Math.abs(modelAtPlus),
      );
      worstRangeTolerance = Math.max(
        worstRangeTolerance,
        BACKWARD_TOLERANCE * (normH * dn + norm2(g)) / spectrum[nullity] / norm2(dPlus),
      );
      record("a", label, "CG status", run.status);
      record("a", label, "backward error ‖Hd + g‖/(‖H‖‖d‖ + ‖g‖)", be);
      record("a", label, "‖d − d⁺‖/‖d⁺‖", norm2(offset) / norm2(dPlus));
      record("a", label, "range part of (d − d⁺), relative to ‖d⁺‖", rangePart);
      record("a", label, "|m(d) − m(d⁺)|/|m(d⁺)|", gap);
      record("a", label, "‖(d − d⁺) − P_null·x₀‖/‖d⁺‖ (CG keeps x₀'s null part)", mismatch);
    }
    let spread = 0;
    for (const a of solutions) {
      for (const b of solutions) spread = Math.max(spread, norm2(difference(a, b)) / norm2(dPlus));
    }
    record("a", "PSD singular, g in range", "largest ‖dᵢ − dⱼ‖/‖d⁺‖ between CG solutions", spread);
    // Distinct solutions: further apart than 10% of ‖d⁺‖, with the same model value and the
    // difference in the null space, to the accuracy their backward errors allow.
    const nonUnique = singularStatus === "singular" && worstBackward <= BACKWARD_TOLERANCE &&
      spread > 0.1 && worstModelGap <= worstModelTolerance &&
      worstRangePart <= worstRangeTolerance;
    context.progress(0.25);

    // ---- (b) g outside the range: no solution; indefinite H: a saddle of the model ---------
    const beta = 0.5;
    const u = nullBasis[0];
    const gOut = g.map((v, i) => v + beta * u[i]);
    const inconsistentStatus = directSolve(H, minus(gOut)).status;
    const outRun = cg(H, minus(gOut), { rtol: CG_RTOL, saveIterates: everyIterate });
    const outResiduals = trueResiduals(H, gOut, outRun.savedIterates);
    outResiduals.forEach((r, k) =>
      residualRows.push({
        run: "g outside range (β = 0.5), CG from x₀ = 0",
        iteration: k,
        residual: Math.max(r, PLOT_FLOOR),
      })
    );
    const floor = beta / norm2(gOut);
    for (let k = 0; k < outResiduals.length; k++) {
      residualRows.push({
        run: "least possible residual β/‖g‖ (g outside range)",
        iteration: k,
        residual: floor,
      });
    }
    const smallestResidual = Math.min(...outResiduals);
    // The least-squares solution −H⁺g leaves exactly the null part β·u as residual.
    const lsResidual = norm2(H.matvec(dPlus).map((v, i) => v + gOut[i]));
    record("b", "PSD singular, g outside range", "directSolve status", inconsistentStatus);
    record("b", "PSD singular, g outside range", "CG status", outRun.status);
    record("b", "PSD singular, g outside range", "smallest CG residual / ‖g‖", smallestResidual);
    record("b", "PSD singular, g outside range", "β/‖g‖ (the least possible)", floor);
    record("b", "PSD singular, g outside range", "‖H(−H⁺g) + g‖ (least squares)", lsResidual);
    const modelRows: Row[] = [];
    const ts = Array.from({ length: 41 }, (_, i) => -4 + i * 0.2);
    const mOutBase = model(H, gOut, dPlus);
    let unboundedRatio = 0;
    for (const t of [1e2, 1e4, 1e6]) {
      const d = dPlus.map((v, i) => v - t * u[i]);
      const drop = mOutBase - model(H, gOut, d);
      unboundedRatio = drop / (beta * t);
      record("b", "PSD singular, g outside range", `m(d⁺) − m(d⁺ − ${t}·u)`, drop);
    }
    // Indefinite and nonsingular: one stationary point, a saddle of the model.
    const indefiniteSpectrum = spectrum.map((v, i) => (i === 0 ? -1 : i === 1 ? 0.25 : v));
    const ind = matrixWithSpectrum(indefiniteSpectrum, { seed: random.integer(0x7fffffff) });
    const Hi = denseOperator(ind.matrix);
    const qi = column(ind.eigenvectors, 0);
    const solvedIndefinite = directSolve(Hi, minus(g));
    const dStar = solvedIndefinite.x;
    const mStar = model(Hi, g, dStar);
    record("b", "indefinite, nonsingular", "directSolve status", solvedIndefinite.status);
    record(
      "b",
      "indefinite, nonsingular",
      "backward error of the unique solution",
      backwardError(Hi, Math.max(...indefiniteSpectrum.map(Math.abs)), g, dStar),
    );
    const indefiniteDrop = mStar - model(Hi, g, dStar.map((v, i) => v + 1e3 * qi[i]));
    record(
      "b",
      "indefinite, nonsingular",
      "m(d*) − m(d* + 1000·q₋) (= ½·1e6·|λ₋|)",
      indefiniteDrop,
    );
    const mPlus = model(H, g, dPlus);
    for (const t of ts) {
      modelRows.push({
        case: "(a) g in range: m(d⁺ + t·u)",
        t,
        change: model(H, g, dPlus.map((v, i) => v + t * u[i])) - mPlus,
      });
      modelRows.push({
        case: "(b) g outside range: m(d⁺ + t·u)",
        t,
        change: model(H, gOut, dPlus.map((v, i) => v + t * u[i])) - mOutBase,
      });
      modelRows.push({
        case: "(b) indefinite H: m(d* + t·q₋)",
        t,
        change: model(Hi, g, dStar.map((v, i) => v + t * qi[i])) - mStar,
      });
    }
    const noSolution = inconsistentStatus === "singular" &&
      smallestResidual >= floor * (1 - 1e-6) && Math.abs(unboundedRatio - 1) <= 1e-6;
    const indefiniteUnbounded = solvedIndefinite.status === "solved" &&
      indefiniteDrop > 0;
    context.progress(0.5);

    // ---- (c) networks with a singular Hessian ----------------------------------------------
    const networks = [linearModelCase(random), tiedUnitsCase(random), saturatedUnitCase(random)];
    const spectrumRows: Row[] = [];
    let singularNetworks = 0;
    for (const c of networks) {
      const shows = c.zeroEigenvalues > 0 && c.directStatus === "singular" &&
        Math.max(...c.backwardErrors) <= NETWORK_BACKWARD_TOLERANCE && c.solutionDistance > 0.5;
      if (shows) singularNetworks++;
      record("c", c.name, "parameters", c.dim);
      record("c", c.name, "zero eigenvalues (|λ| ≤ 1e-8·max|λ|)", c.zeroEigenvalues);
      record("c", c.name, "negative eigenvalues", c.negativeEigenvalues);
      record(
        "c",
        c.name,
        "largest zero |λ|/max|λ|",
        c.relativeEigenvalues[Math.max(0, c.zeroEigenvalues - 1)],
      );
      record("c", c.name, "spectral gap: smallest nonzero |λ|/max|λ|", c.spectralGap);
      record("c", c.name, "directSolve status", c.directStatus);
      record("c", c.name, "backward error of d⁺", c.backwardErrors[0]);
      record("c", c.name, "backward error of d⁺ + null vector", c.backwardErrors[1]);
      record("c", c.name, "distance between the two solutions", c.solutionDistance);
      record("c", c.name, "m(d⁺)", c.modelValues[0]);
      record("c", c.name, "m(d⁺ + null vector)", c.modelValues[1]);
      for (const [k, v] of Object.entries(c.extra)) record("c", c.name, k, v);
      c.relativeEigenvalues.forEach((v, i) =>
        spectrumRows.push({ network: c.name, index: i + 1, relative: Math.max(v, PLOT_FLOOR) })
      );
    }
    context.progress(0.75);

    // ---- (d) damping: unique d_λ, tending to d⁺ -----------------------------------------------
    const sweepSize = context.quick ? 15 : 29;
    const lambdas = Array.from(
      { length: sweepSize },
      (_, i) => 10 ** (-12 + (14 * i) / (sweepSize - 1)),
    );
    const dampRows: Row[] = [];
    let allCholesky = true;
    const truncation: [number, number][] = [], growth: [number, number][] = [];
    const linear = networks.find((c) => c.sweep !== undefined && c.name.startsWith("linear"));
    for (const lambda of lambdas) {
      const A = damp(H, lambda);
      const solved = directSolve(A, minus(g));
      const solvedOut = directSolve(A, minus(gOut));
      if (solved.method !== "cholesky" || solvedOut.method !== "cholesky") allCholesky = false;
      const error = norm2(difference(solved.x, dPlus)) / norm2(dPlus);
      // Exact arithmetic, from the spectrum: d_λ − d⁺ = Σ λ/(λᵢ(λᵢ + λ))·(qᵢᵀg)·qᵢ.
      let exact = 0;
      rangeBasis.forEach((v, j) => {
        const li = spectrum[nullity + j];
        exact += ((lambda / (li * (li + lambda))) * dot(v, g)) ** 2;
      });
      exact = Math.sqrt(exact) / norm2(dPlus);
      const grown = norm2(solvedOut.x) / norm2(dPlus);
      if (lambda >= 1e-6 && lambda <= 1e-2) {
        truncation.push([lambda, error]);
        growth.push([lambda, grown]);
      }
      const push = (series: string, value: number) =>
        dampRows.push({ series, lambda, value: Math.max(value, PLOT_FLOOR) });
      push("(a) ‖d_λ − d⁺‖/‖d⁺‖, measured", error);
      push("(a) ‖d_λ − d⁺‖/‖d⁺‖, exact arithmetic", exact);
      push("(b) ‖d_λ‖/‖d⁺‖, g outside range", grown);
      rows.push({
        part: "d",
        case: "PSD singular, g in range",
        quantity: "‖d_λ − d⁺‖/‖d⁺‖",
        value: error,
        lambda,
      });
      rows.push({
        part: "d",
        case: "PSD singular, g outside range",
        quantity: "‖d_λ‖/‖d⁺‖",
        value: grown,
        lambda,
      });
      if (linear?.sweep) {
        const { H: Hn, g: gn, minimumNorm } = linear.sweep;
        const dn = directSolve(damp(Hn, lambda), minus(gn));
        if (dn.method !== "cholesky") allCholesky = false;
        const e = norm2(difference(dn.x, minimumNorm)) / norm2(minimumNorm);
        push("(c) linear model: ‖d_λ − d⁺‖/‖d⁺‖", e);
        rows.push({ part: "d", case: linear.name, quantity: "‖d_λ − d⁺‖/‖d⁺‖", value: e, lambda });
      }
    }
    const slope = logLogSlope(truncation);
    const growthSlope = logLogSlope(growth);
    const smallestError = Math.min(
      ...dampRows.filter((r) => r.series === "(a) ‖d_λ − d⁺‖/‖d⁺‖, measured").map((r) =>
        r.value as number
      ),
    );
    // Uniqueness: CG on H + λI from the same starts agrees (λ = 1e-3).
    const uniqueLambda = 1e-3;
    const damped = damp(H, uniqueLambda);
    const dampedSolutions = Array.from({ length: starts }, (_, s) =>
      cg(damped, minus(g), {
        x0: s === 0 ? new Float64Array(n) : solutions[s],
        rtol: CG_RTOL,
      }).x);
    let dampedSpread = 0;
    for (const a of dampedSolutions) {
      for (const b of dampedSolutions) {
        dampedSpread = Math.max(dampedSpread, norm2(difference(a, b)) / norm2(a));
      }
    }
    record(
      "d",
      "PSD singular, g in range",
      "log-log slope of ‖d_λ − d⁺‖ for λ in [1e-6, 1e-2]",
      slope,
    );
    record(
      "d",
      "PSD singular, g outside range",
      "log-log slope of ‖d_λ‖ for λ in [1e-6, 1e-2]",
      growthSlope,
    );
    record(
      "d",
      "PSD singular, g in range",
      `largest ‖dᵢ − dⱼ‖/‖d‖ of CG on H + ${uniqueLambda}I from the same starts`,
      dampedSpread,
    );
    record(
      "d",
      "all damped systems",
      "Cholesky factorisation succeeded for every λ > 0",
      String(allCholesky),
    );
    context.progress(1);

    const verdict = nonUnique && noSolution
      ? "holds"
      : nonUnique || noSolution
      ? "holds under conditions"
      : "refuted";
    const networkText = networks.map((c) =>
      `${c.name}: ${c.zeroEigenvalues} zero eigenvalue${c.zeroEigenvalues === 1 ? "" : "s"} ` +
      `(largest ${fmt(c.relativeEigenvalues[Math.max(0, c.zeroEigenvalues - 1)])}·max|λ|, next ` +
      `${fmt(c.spectralGap)})`
    ).join("; ");
    const explanation = `With H positive semi-definite and ${nullity} zero eigenvalues, ` +
      `directSolve reported "${singularStatus}" and CG from ${starts} starts found solutions up ` +
      `to ${fmt(spread)}·‖d⁺‖ apart (backward errors ≤ ${fmt(worstBackward)}, equal model ` +
      `values to ${fmt(worstModelGap)}, differences in the null space to ${
        fmt(worstRangePart)
      }); ` +
      `with g outside the range, CG's residual never fell below ${fmt(smallestResidual)}·‖g‖ ` +
      `(the floor β/‖g‖ = ${fmt(floor)}) and the model fell by β·t along the null direction ` +
      `(ratio ${fmt(unboundedRatio)} at t = 1e6)` +
      (indefiniteUnbounded
        ? `, and an indefinite H gave a unique solution that is a saddle of the model`
        : "") +
      `. ${singularNetworks} of ${networks.length} networks had a singular Hessian with two ` +
      `distinct Newton steps (${networkText}). H + λI was ${
        allCholesky
          ? "positive definite (Cholesky) for every λ"
          : "not always factorable by Cholesky"
      } ` +
      `and d_λ → d⁺ with log-log slope ${fmt(slope)} down to a rounding floor of ` +
      `${fmt(smallestError)}, while without g in the range ‖d_λ‖ grew with slope ${
        fmt(growthSlope)
      }.`;
    const keyNumbers: Record<string, number> = {
      largestSolutionSpread: spread,
      nullity,
      cgStarts: starts,
      worstBackwardError: worstBackward,
      worstModelValueGap: worstModelGap,
      smallestInconsistentResidualOverG: smallestResidual,
      residualFloorOverG: floor,
      unboundedDecreaseRatio: unboundedRatio,
      networksWithSingularHessian: singularNetworks,
      networksAnalysed: networks.length,
      dampingSlope: slope,
      inconsistentGrowthSlope: growthSlope,
      smallestDampedError: smallestError,
      dampedSpread,
    };

    const spec = concatenated(`C14: the Newton subproblem without strict convexity (n = ${n})`, [
      concatenated(undefined, [
        lineChart({
          data: residualRows,
          x: "iteration",
          y: "residual",
          color: "run",
          logY: true,
          points: true,
          xTitle: "CG iteration",
          yTitle: "‖Hd + g‖/‖g‖ (log; floor 1e-17)",
          title: "(a, b) CG on singular H: converges if g ∈ range, stalls if not",
        }),
        lineChart({
          data: modelRows,
          x: "t",
          y: "change",
          color: "case",
          xTitle: "t (step along the null or negative-curvature direction)",
          yTitle: "change of the model m",
          title: "(a, b) The model along the null / negative direction",
        }),
      ]),
      concatenated(undefined, [
        pointChart({
          data: spectrumRows,
          x: "index",
          y: "relative",
          color: "network",
          logY: true,
          xType: "ordinal",
          xTitle: "eigenvalue index, by |λ|",
          yTitle: "|λ|/max|λ| (log; floor 1e-17)",
          title: "(c) Hessian spectra of networks",
        }),
        lineChart({
          data: dampRows,
          x: "lambda",
          y: "value",
          color: "series",
          logX: true,
          logY: true,
          points: true,
          xTitle: "damping λ",
          yTitle: "relative size (log; floor 1e-17)",
          title: "(d) Damping: d_λ = −(H + λI)⁻¹g as λ → 0",
        }),
      ]),
    ], "vertical");
    return { rows, spec, verdict, explanation, keyNumbers };
  },
};
