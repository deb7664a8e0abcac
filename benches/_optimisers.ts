/**
 * The optimisation problems of the benches and the runs on them, ours and the peers', shared by
 * `optimisers_bench.ts` (which times them) and `report.ts` (which records their deterministic
 * counts: evaluations, gradient-equivalents, correct digits).
 *
 * "To tolerance" means until f − f* ≤ 10⁻¹⁰·(f(x₀) − f*): the gap to the optimum shrinks by ten
 * orders of magnitude, whatever the scale of f. Our methods stop there through `onIteration`;
 * numeric's `uncmin` through its callback; fmin has no callback, so its objective throws a
 * sentinel once it sees a value at the target. Each run is capped (see `BUDGET`), and a run that
 * stops short of the target is recorded as not reached.
 *
 * Peers (bench-only dependencies, pinned in deno.json): `numeric` 1.2.6 (`uncmin`, BFGS with a
 * backtracking line search), `fmin` 0.0.4 (Polak-Ribière conjugate gradient with a Wolfe line
 * search, and Nelder-Mead), `ml-levenberg-marquardt` 5.1.0.
 *
 * @module
 */

import {
  correctDigits,
  irisDataset,
  leastSquares,
  type LeastSquaresObjective,
  matrixWithSpectrum,
  minimize,
  type MinimizeOptions,
  mlp,
  networkObjective,
  type NistProblem,
  nistProblems,
  type Objective,
  quadraticObjective,
  rosenbrock,
} from "@secondorder/harness";
import { levenbergMarquardt as mlLevenbergMarquardt } from "ml-levenberg-marquardt";
import numeric from "numeric";
import "fmin";

/** fmin 0.0.4 ships a UMD bundle only; loaded as a module it defines `globalThis.fmin`. */
interface Fmin {
  conjugateGradient(
    f: (x: number[], gradient: number[]) => number,
    initial: number[],
    params?: { maxIterations?: number },
  ): { x: number[]; fx: number };
  nelderMead(
    f: (x: number[]) => number,
    initial: number[],
    params?: { maxIterations?: number },
  ): { x: number[]; fx: number };
}
const fmin = (globalThis as unknown as { fmin: Fmin }).fmin;

/** The factor by which a run must shrink the gap f − f* to count as having reached tolerance. */
export const GAP_REDUCTION = 1e-10;

/** The most iterations (or, for Nelder-Mead, simplex steps) any run may take. */
export const BUDGET = 5000;

/** The most value plus gradient evaluations a peer's run may take (fmin's line search may spend
 * dozens per iteration). */
export const EVALUATION_BUDGET = 4000;

/** A problem of the optimiser suite. */
export interface OptimisationProblem {
  /** Its name, used in group names. */
  name: string;
  /** The objective. */
  objective: Objective;
  /** The start. */
  x0: Float64Array;
  /** f*, the optimal value. */
  optimum: number;
  /** f* + 10⁻¹⁰·(f(x₀) − f*). */
  target: number;
  /** Our methods run on it. */
  methods: readonly MinimizeOptions[];
  /** Whether the derivative-free Nelder-Mead runs on it (small dimension only). */
  nelderMead: boolean;
  /** The NIST problem, for the NIST problems. */
  nist?: NistProblem;
}

function problem(
  name: string,
  objective: Objective,
  x0: Float64Array,
  optimum: number,
  methods: readonly MinimizeOptions[],
  extra: Partial<OptimisationProblem> = {},
): OptimisationProblem {
  const start = objective.value(x0);
  return {
    name,
    objective,
    x0,
    optimum,
    target: optimum + GAP_REDUCTION * (start - optimum),
    methods,
    nelderMead: false,
    ...extra,
  };
}

/** The driver's own tests off: runs end at the target, at a failure, or at the budget. */
const UNTIL_TARGET = {
  gradientTolerance: Number.MIN_VALUE,
  valueTolerance: Number.MIN_VALUE,
  maxIterations: BUDGET,
} as const;

/**
 * The problems: Rosenbrock in 2-D from (−1.2, 1); a 100-dimensional quadratic with eigenvalues
 * spread geometrically over [1, 10⁴] (κ = 10⁴) and minimiser (1, …, 1), from 0; multinomial
 * logistic regression on standardised Iris (a 4-3 softmax network, C = 100), from 0; and the
 * ten NIST StRD problems from NIST's start 2.
 */
export async function optimisationProblems(): Promise<OptimisationProblem[]> {
  const problems: OptimisationProblem[] = [];

  problems.push(problem("Rosenbrock 2-D", rosenbrock(2), new Float64Array([-1.2, 1]), 0, [
    { method: "newton" },
    { method: "trust-region" },
    { method: "levenberg-marquardt" },
    { method: "bfgs" },
    { method: "lbfgs" },
  ], { nelderMead: true }));

  const n = 100;
  const eigenvalues = Array.from({ length: n }, (_, i) => Math.pow(1e4, i / (n - 1)));
  const { matrix } = matrixWithSpectrum(eigenvalues, { seed: 1 });
  const solution = new Float64Array(n).fill(1);
  const b = matrix.map((row) => -row.reduce((s, a) => s + a, 0));
  const quadratic = quadraticObjective(matrix, { b });
  problems.push(
    problem(
      "quadratic n = 100, κ = 1e4",
      quadratic,
      new Float64Array(n),
      quadratic.value(solution),
      [
        { method: "newton" },
        { method: "trust-region" },
        { method: "bfgs" },
        { method: "lbfgs" },
      ],
    ),
  );

  const iris = await irisDataset();
  const net = mlp({ sizes: [4, 3], output: "softmax", loss: "cross-entropy" });
  const logistic = networkObjective(net, iris, { C: 100 });
  const zero = new Float64Array(net.dim);
  const reference = minimize(logistic, zero, { method: "newton", gradientTolerance: 1e-13 });
  problems.push(problem("Iris logistic regression", logistic, zero, reference.value, [
    { method: "newton" },
    { method: "trust-region" },
    { method: "hessian-free" },
    { method: "gauss-newton" },
    { method: "bfgs" },
    { method: "lbfgs" },
  ]));

  for (const nist of nistProblems()) {
    const objective = nist.objective();
    const optimum = objective.value(new Float64Array(nist.certified));
    problems.push(problem(`NIST ${nist.name}`, objective, new Float64Array(nist.start2), optimum, [
      { method: "levenberg-marquardt" },
      { method: "gauss-newton", solver: "direct" },
      { method: "bfgs" },
    ], { nist }));
  }
  return problems;
}

/** A run to tolerance, with its deterministic counts. */
export interface RunRecord {
  /** The method (ours) or the peer's function. */
  method: string;
  /** Whether this library ran it. */
  ours: boolean;
  /** Whether f came within the target. */
  reached: boolean;
  /** Value evaluations plus gradient evaluations (a value-and-gradient call counts two). */
  evaluations: number;
  /** The cost in gradient-equivalents: gradients + values/3 + 2·(H·v) + 4/3·(G·v). */
  gradientEquivalents: number;
  /** The final value. */
  value: number;
}

/** The label of one of our methods on a problem. */
export function methodLabel(options: MinimizeOptions): string {
  return options.method === "gauss-newton" && "solver" in options && options.solver
    ? `gauss-newton (${options.solver})`
    : typeof options.method === "string"
    ? options.method
    : options.method.name;
}

/** Runs one of our methods to the target. */
export function runOurs(p: OptimisationProblem, options: MinimizeOptions): RunRecord {
  const result = minimize(p.objective, p.x0, {
    ...options,
    ...UNTIL_TARGET,
    onIteration: (row) => (row.value <= p.target ? "stop" : undefined),
  } as MinimizeOptions);
  const e = result.evaluations;
  return {
    method: methodLabel(options),
    ours: true,
    reached: result.value <= p.target,
    evaluations: e.value + e.gradient,
    gradientEquivalents: result.trace[result.trace.length - 1].gradientEquivalents,
    value: result.value,
  };
}

/** Thrown by a peer's objective once it sees the target or exhausts its budget (fmin has no
 * callback). */
class Stop extends Error {}

/** Evaluation counters of a peer run. */
class Counter {
  values = 0;
  gradients = 0;
  best = Infinity;
  /** Ends a peer's run (by the sentinel) once it has spent the evaluation budget. */
  spend(values: number, gradients: number): void {
    this.values += values;
    this.gradients += gradients;
    if (this.values + this.gradients > EVALUATION_BUDGET) throw new Stop();
  }
  /** Records a value seen; with a target, ends the run (by the sentinel) once f reaches it. */
  observe(f: number, target?: number): number {
    this.best = Math.min(this.best, f);
    if (target !== undefined && f <= target) throw new Stop();
    return f;
  }
  record(method: string, reached: boolean): RunRecord {
    return {
      method,
      ours: false,
      reached,
      evaluations: this.values + this.gradients,
      gradientEquivalents: this.gradients + this.values / 3,
      value: this.best,
    };
  }
}

/** f at a point, +∞ where the objective throws (an overflow), as the peers expect. */
function safeValue(p: OptimisationProblem, x: ArrayLike<number>): number {
  try {
    return p.objective.value(Float64Array.from(x));
  } catch {
    return Infinity;
  }
}

function safeGradient(p: OptimisationProblem, x: ArrayLike<number>): number[] {
  try {
    return Array.from(p.objective.gradient(Float64Array.from(x)));
  } catch {
    return Array.from(x, () => NaN);
  }
}

/** numeric.uncmin (BFGS) with our analytic gradient, stopped by its callback at the target. */
export function runUncmin(p: OptimisationProblem): RunRecord {
  const counter = new Counter();
  let reached = false;
  try {
    numeric.uncmin(
      (x: number[]) => {
        counter.spend(1, 0);
        return counter.observe(safeValue(p, x));
      },
      Array.from(p.x0),
      1e-300,
      (x: number[]) => {
        counter.spend(0, 1);
        return safeGradient(p, x);
      },
      BUDGET,
      (_it: number, _x: number[], f: number) => {
        reached = f <= p.target;
        return reached;
      },
    );
  } catch (error) {
    if (!(error instanceof Stop)) throw error;
  }
  return counter.record("peer numeric.uncmin (BFGS)", reached || counter.best <= p.target);
}

/** fmin's Polak-Ribière conjugate gradient with our analytic gradient. */
export function runFminConjugateGradient(p: OptimisationProblem): RunRecord {
  const counter = new Counter();
  try {
    fmin.conjugateGradient(
      (x, gradient) => {
        counter.spend(1, 1);
        const g = safeGradient(p, x);
        for (let i = 0; i < g.length; i++) gradient[i] = g[i];
        return counter.observe(safeValue(p, x), p.target);
      },
      Array.from(p.x0),
      { maxIterations: BUDGET },
    );
  } catch (error) {
    if (!(error instanceof Stop)) throw error;
  }
  return counter.record("peer fmin.conjugateGradient", counter.best <= p.target);
}

/** fmin's Nelder-Mead (derivative-free). */
export function runFminNelderMead(p: OptimisationProblem): RunRecord {
  const counter = new Counter();
  try {
    fmin.nelderMead(
      (x) => {
        counter.spend(1, 0);
        return counter.observe(safeValue(p, x), p.target);
      },
      Array.from(p.x0),
      { maxIterations: BUDGET },
    );
  } catch (error) {
    if (!(error instanceof Stop)) throw error;
  }
  return counter.record("peer fmin.nelderMead", counter.best <= p.target);
}

/** Every run on a problem: ours, then the peers. */
export function peerRuns(p: OptimisationProblem): { name: string; run: () => RunRecord }[] {
  const runs = [
    { name: "peer numeric.uncmin (BFGS)", run: () => runUncmin(p) },
    { name: "peer fmin.conjugateGradient", run: () => runFminConjugateGradient(p) },
  ];
  if (p.nelderMead) runs.push({ name: "peer fmin.nelderMead", run: () => runFminNelderMead(p) });
  return runs;
}

// ---------------------------------------------------------------------------------------------
// Levenberg-Marquardt against ml-levenberg-marquardt on the NIST problems.

/** Our Levenberg-Marquardt as the NIST test runs it: only its own rounding-level rule stops it. */
export const OUR_LM_OPTIONS = {
  method: "levenberg-marquardt",
  gradientTolerance: Number.MIN_VALUE,
  valueTolerance: Number.MIN_VALUE,
  maxIterations: 1000,
} as const satisfies MinimizeOptions;

/**
 * The peer at its defaults (damping 10⁻², at most 100 iterations, stop when the residual sum of
 * squares ≤ 10⁻⁷) except that it is given the same analytic Jacobian ours uses, so both see the
 * same information.
 */
export const ML_LM_OPTIONS = { maxIterations: 100 } as const;

/** Both fits of a NIST problem from one start. */
export interface FitRecord {
  method: "levenberg-marquardt" | "peer ml-levenberg-marquardt";
  /** The fewest correct significant digits over the parameters (log relative error). */
  digits: number;
  /** Residual-vector evaluations. */
  residualEvaluations: number;
  /** Jacobian evaluations. */
  jacobianEvaluations: number;
  /** Residual plus Jacobian evaluations. */
  evaluations: number;
  /**
   * After each evaluation, the correct digits of the best point evaluated so far (lowest
   * residual sum of squares): [evaluations, digits] pairs, one per improvement.
   */
  progress: [number, number][];
}

/** The correct digits of a fit's best point within its first `evaluations` evaluations. */
export function digitsWithin(fit: FitRecord, evaluations: number): number {
  let digits = 0;
  for (const [spent, d] of fit.progress) if (spent <= evaluations) digits = Math.max(digits, d);
  return digits;
}

/** The evaluations a fit needed until its best point had at least `digits` correct digits. */
export function evaluationsToDigits(fit: FitRecord, digits: number): number {
  for (const [evaluations, d] of fit.progress) if (d >= digits) return evaluations;
  return Infinity;
}

function digitsOf(p: NistProblem, b: ArrayLike<number>): number {
  return Math.min(...p.certified.map((c, i) => correctDigits(b[i], c)));
}

/** Counts residual and Jacobian evaluations of a NIST objective and tracks the best point. */
function instrumented(p: NistProblem) {
  const base = p.objective();
  const fit = { residuals: 0, jacobians: 0, best: Infinity, progress: [] as [number, number][] };
  const residuals = (b: Float64Array): Float64Array | undefined => {
    fit.residuals++;
    let r: Float64Array | undefined;
    try {
      r = base.residuals(b);
    } catch {
      r = undefined;
    }
    if (r) {
      let s = 0;
      for (let i = 0; i < r.length; i++) s += r[i] * r[i];
      if (s < fit.best) {
        fit.best = s;
        fit.progress.push([fit.residuals + fit.jacobians, digitsOf(p, b)]);
      }
    }
    return r;
  };
  const jacobian = (b: Float64Array): Float64Array | undefined => {
    fit.jacobians++;
    try {
      return base.jacobian(b);
    } catch {
      return undefined;
    }
  };
  return { base, fit, residuals, jacobian };
}

function fitRecord(
  method: FitRecord["method"],
  p: NistProblem,
  b: ArrayLike<number>,
  fit: { residuals: number; jacobians: number; progress: [number, number][] },
): FitRecord {
  return {
    method,
    digits: digitsOf(p, b),
    residualEvaluations: fit.residuals,
    jacobianEvaluations: fit.jacobians,
    evaluations: fit.residuals + fit.jacobians,
    progress: fit.progress,
  };
}

/** Our Levenberg-Marquardt from a start, counted. */
export function fitOurs(p: NistProblem, start: "start1" | "start2"): FitRecord {
  const { base, fit, residuals, jacobian } = instrumented(p);
  const objective = leastSquares({
    parameters: base.dim,
    observations: base.observations,
    residuals: (b) => {
      const r = residuals(b);
      if (!r) return new Float64Array(base.observations).fill(NaN);
      return r;
    },
    jacobian: (b) => jacobian(b) ?? new Float64Array(base.observations * base.dim).fill(NaN),
  });
  const result = minimize(objective, p[start], OUR_LM_OPTIONS);
  return fitRecord("levenberg-marquardt", p, result.x, fit);
}

/**
 * ml-levenberg-marquardt's model interface: a function of the parameters that returns a function
 * of x. Its loops visit the data points in order, so the returned function hands out the values
 * of one vectorised evaluation in turn (no per-point validation, the same cost as ours).
 */
function peerModel(
  y: readonly number[],
  residuals: (b: Float64Array) => Float64Array | undefined,
) {
  const m = y.length;
  return (b: number[]) => {
    const r = residuals(Float64Array.from(b));
    let i = 0;
    return (_x: number) => {
      const value = r ? r[i] + y[i] : NaN;
      i = (i + 1) % m;
      return value;
    };
  };
}

function peerJacobian(
  base: LeastSquaresObjective,
  jacobian: (b: Float64Array) => Float64Array | undefined,
) {
  const m = base.observations, n = base.dim;
  return (b: number[]) => {
    const J = jacobian(Float64Array.from(b));
    let i = 0;
    return (_x: number) => {
      const row = J
        ? Array.from(J.subarray(i * n, (i + 1) * n))
        : Array.from({ length: n }, () => NaN);
      i = (i + 1) % m;
      return row;
    };
  };
}

function runPeer(
  p: NistProblem,
  start: "start1" | "start2",
  base: LeastSquaresObjective,
  residuals: (b: Float64Array) => Float64Array | undefined,
  jacobian: (b: Float64Array) => Float64Array | undefined,
): number[] {
  try {
    return mlLevenbergMarquardt(
      { x: p.x as number[], y: p.y as number[] },
      peerModel(p.y, residuals),
      {
        ...ML_LM_OPTIONS,
        initialValues: p[start] as number[],
        jacobianFunction: peerJacobian(base, jacobian),
      },
    ).parameterValues;
  } catch {
    // The peer's Cholesky fallback (a full inverse) throws on a singular system.
    return p.certified.map(() => NaN);
  }
}

/** ml-levenberg-marquardt from a start, counted. */
export function fitPeer(p: NistProblem, start: "start1" | "start2"): FitRecord {
  const { base, fit, residuals, jacobian } = instrumented(p);
  const b = runPeer(p, start, base, residuals, jacobian);
  return fitRecord("peer ml-levenberg-marquardt", p, b, fit);
}

/** The uncounted runs the bench times. */
export function timedFits(p: NistProblem, start: "start1" | "start2") {
  const base = p.objective();
  const residuals = (b: Float64Array) => {
    try {
      return base.residuals(b);
    } catch {
      return undefined;
    }
  };
  const jacobian = (b: Float64Array) => {
    try {
      return base.jacobian(b);
    } catch {
      return undefined;
    }
  };
  return {
    ours: () => minimize(base, p[start], OUR_LM_OPTIONS),
    peer: () => runPeer(p, start, base, residuals, jacobian),
  };
}
