// deno-lint-ignore-file no-console -- the table of iterations and costs is part of the output
/**
 * The conformance table: every method of `minimize()` on every problem it is suitable for,
 * converging to the known minimiser (or, where it is not known, to a tight gradient tolerance)
 * within a per-method tolerance and iteration budget. Suitability is decided by the registry:
 * a method runs on a problem when the objective provides the curvature the method's `needs`
 * asks for (the quadratics have only a Hessian; Rosenbrock and the networks also have a
 * Gauss-Newton matrix; K-FAC needs a network objective).
 *
 * Every run switches the driver's value-stagnation test off (`valueTolerance:
 * Number.MIN_VALUE`), so that convergence means the gradient test or a method's own rule,
 * never a slow crawl that happens to change f by little; and each assertion is on the point
 * reached, whatever the run's status says.
 */

import { ok, strictEqual } from "node:assert/strict";
import {
  createRandom,
  matrixWithSpectrum,
  type Method,
  minimize,
  type MinimizeOptions,
  type MinimizeResult,
  mlp,
  networkObjective,
  type Objective,
  quadraticObjective,
  rosenbrock,
} from "@secondorder/harness";
import { curvatureMissing, METHODS } from "../../src/optim/methods.ts";
import { check } from "../_helpers/assert.ts";

/** A problem: the objective, a start, and what convergence means for it. */
interface Problem {
  objective: Objective;
  x0: Float64Array;
  /** The minimiser, where it is known. */
  minimizer?: readonly number[];
  /**
   * The gradient tolerance runs stop at, and the distance to the minimiser it guarantees:
   * ‖x − x*‖ ≤ ‖∇f‖/μ for a μ-strongly convex f.
   */
  gradientTolerance: number;
  /** μ, the smallest curvature near the minimiser (undefined when unknown). */
  strongConvexity?: number;
}

/** f = ½xᵀAx + bᵀx with A = Q·diag(λ)·Qᵀ and b = −Ax* for a seeded x* ~ N(0, I). */
function quadratic(eigenvalues: number[], seed: number, gradientTolerance: number): Problem {
  const { matrix } = matrixWithSpectrum(eigenvalues, { seed });
  const random = createRandom(seed + 1);
  const minimizer = eigenvalues.map(() => random.normal());
  const b = matrix.map((row) => -row.reduce((s, a, j) => s + a * minimizer[j], 0));
  return {
    objective: quadraticObjective(matrix, { b }),
    x0: new Float64Array(eigenvalues.length),
    minimizer,
    gradientTolerance,
    strongConvexity: Math.min(...eigenvalues),
  };
}

const PROBLEMS: Record<string, Problem> = {
  /** κ = 4 in six dimensions. */
  "strongly convex quadratic": quadratic([1, 1.5, 2, 2.5, 3, 4], 1, 1e-8),
  /** κ = 1e3 in six dimensions; a tighter tolerance, since ‖x − x*‖ ≤ ‖∇f‖/1e-3. */
  "ill-conditioned quadratic": quadratic([1e-3, 1e-2, 0.03, 0.1, 0.3, 1], 2, 1e-9),
  /**
   * Rosenbrock from (−1.2, 1): minimiser (1, 1), where ∇²f has eigenvalues 0.3994 and 1001.6,
   * so near it ‖x − x*‖ ≈ ‖∇f‖/0.3994 at most.
   */
  "Rosenbrock": {
    objective: rosenbrock(2),
    x0: new Float64Array([-1.2, 1]),
    minimizer: [1, 1],
    gradientTolerance: 1e-8,
    strongConvexity: 0.3994,
  },
  /**
   * L2-regularised logistic regression, mlp([3, 1], sigmoid + logistic) with C = 10 on 40
   * seeded samples: (1/C)-strongly convex, so ‖∇f‖ ≤ 1e-8 puts x within C·1e-8 = 1e-7 of the
   * minimiser, which has no closed form.
   */
  "logistic regression": (() => {
    const random = createRandom(5);
    const inputs = Array.from(
      { length: 40 },
      () => [random.normal(), random.normal(), random.normal()],
    );
    const targets = inputs.map((
      [a, b, c],
    ) => [a - 2 * b + 0.5 * c + 0.5 * random.normal() > 0 ? 1 : 0]);
    const net = mlp({ sizes: [3, 1], output: "sigmoid", loss: "logistic" });
    return {
      objective: networkObjective(net, { inputs, targets }, { C: 10 }),
      x0: new Float64Array(net.dim),
      gradientTolerance: 1e-8,
      strongConvexity: 0.1,
    };
  })(),
  /** A 2-4-1 tanh network on 16 seeded samples, C = 100: non-convex, minimiser unknown. */
  "small MLP": (() => {
    const random = createRandom(6);
    const inputs = Array.from({ length: 16 }, () => [random.normal(), random.normal()]);
    const targets = inputs.map(([a, b]) => [Math.tanh(a - b) + 0.3 * a * b]);
    const net = mlp({ sizes: [2, 4, 1], activation: "tanh" });
    return {
      objective: networkObjective(net, { inputs, targets }, { C: 100 }),
      x0: net.initialParameters(3),
      gradientTolerance: 1e-8,
    };
  })(),
};

type ProblemName = keyof typeof PROBLEMS;

/** How one method runs on one problem. */
interface Setting {
  /** The method's options (none: its defaults). */
  options?: Record<string, unknown>;
  /** The iteration budget, about twice the iterations measured. */
  budget: number;
  /** A looser gradient tolerance for this method and problem (first-order methods' slow tail). */
  gradientTolerance?: number;
  /**
   * Methods with a constant step that do not converge but hover around a minimiser (RMSprop):
   * the distance to it, or the gradient norm, they must come within instead; the run's status is
   * then not required to be "converged".
   */
  hover?: { distance: number; gradient: number };
}

/**
 * Learning rates of the first-order methods, from the curvature where it is known:
 * - gradient descent α = 1/L with L = λ_max (4, 1; about 1000 for Rosenbrock near its valley,
 *   where 1e-3 keeps α·L < 2);
 * - heavy-ball momentum with Polyak's optimal α = 4/(√L + √μ)², μ = ((√κ − 1)/(√κ + 1))² on the
 *   quadratics (0.444, 0.111 for κ = 4; 3.5, 0.88 for κ = 1e3), and α = 1e-3, μ = 0.9 on
 *   Rosenbrock;
 * - Adam and RMSprop at their default α = 1e-3.
 * The networks' curvature is not known in advance: α = 1 (logistic regression, whose Hessian is
 * at most ¼‖X‖²/I + 1/C ≈ 0.4) and 0.3 for the MLP, found stable by trial.
 */
const FIRST_ORDER: Partial<Record<Method, Partial<Record<ProblemName, Setting>>>> = {
  gd: {
    "strongly convex quadratic": { options: { learningRate: 0.25 }, budget: 200 },
    "ill-conditioned quadratic": { options: { learningRate: 1 }, budget: 30_000 },
    "Rosenbrock": { options: { learningRate: 1e-3 }, budget: 90_000 },
    "logistic regression": { options: { learningRate: 1 }, budget: 200 },
    "small MLP": { options: { learningRate: 0.3 }, budget: 40_000, gradientTolerance: 1e-6 },
  },
  momentum: {
    "strongly convex quadratic": { options: { learningRate: 0.444, momentum: 0.111 }, budget: 60 },
    "ill-conditioned quadratic": { options: { learningRate: 3.5, momentum: 0.88 }, budget: 800 },
    "Rosenbrock": { options: { learningRate: 1e-3, momentum: 0.9 }, budget: 9000 },
    "logistic regression": { options: { learningRate: 0.5, momentum: 0.5 }, budget: 120 },
    "small MLP": { options: { learningRate: 0.05, momentum: 0.9 }, budget: 32_000 },
  },
  /**
   * RMSprop with a constant α = 1e-3 does not converge: near a minimiser its step
   * α·g/√(mean g² + ε) stays of order α, and it hovers there. It must come within 10·α·√n of a
   * known minimiser, or to ‖∇f‖ ≤ 1e-2 on the networks (measured: 1.2e-3, 8.7e-4; 3.3e-4, 5e-3).
   */
  rmsprop: Object.fromEntries(
    Object.keys(PROBLEMS).map((p) => [
      p,
      {
        options: { learningRate: 1e-3 },
        budget: 20_000,
        hover: { distance: 10 * 1e-3 * Math.sqrt(PROBLEMS[p].x0.length), gradient: 1e-2 },
      },
    ]),
  ),
  adam: {
    "strongly convex quadratic": { options: { learningRate: 1e-3 }, budget: 12_000 },
    "ill-conditioned quadratic": { options: { learningRate: 1e-3 }, budget: 25_000 },
    "Rosenbrock": { options: { learningRate: 1e-3 }, budget: 27_000 },
    "logistic regression": { options: { learningRate: 1e-3 }, budget: 10_000 },
    "small MLP": { options: { learningRate: 1e-3 }, budget: 25_000 },
  },
};

/**
 * Second-order and quasi-Newton methods run with their defaults (eigen-line-search too: where
 * its exact step α = −∇fᵀq/λ would increase f on a non-quadratic, it backtracks from it), except
 * that K-FAC converges linearly on the MLP (its curvature is approximate) and gets a larger
 * budget.
 */
function setting(method: Method, problem: ProblemName): Setting {
  const firstOrder = FIRST_ORDER[method]?.[problem];
  if (firstOrder) return firstOrder;
  if (method === "kfac") return { budget: 2500 };
  return { budget: 500 };
}

/**
 * Settings whose steps are not guaranteed to decrease f, run on every suitable problem besides
 * the defaults: Newton with the full step α = 1 (note 000's loop; budget about twice the 25
 * iterations measured on the MLP) and K-FAC with the fixed step α = 1 (1510 iterations on the
 * MLP). Their optimisers must say `monotone: false`, and their traces may rise.
 */
const NON_MONOTONE: { method: Method; options: Record<string, unknown>; budget: number }[] = [
  { method: "newton", options: { lineSearch: "none" }, budget: 60 },
  { method: "kfac", options: { stepSize: "fixed" }, budget: 3000 },
];

/** The steps, counted over all runs of a setting, at which f rose (keyed by its label). */
const rises = new Map<string, number>();

function distance(x: ArrayLike<number>, y: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += (x[i] - y[i]) ** 2;
  return Math.sqrt(s);
}

interface Row {
  problem: ProblemName;
  /** The method, with its options when they are not the defaults of the table. */
  method: string;
  result: MinimizeResult;
  distance: number;
}

const rows: Row[] = [];

function suitable(method: Method, options: Record<string, unknown>, objective: Objective) {
  return curvatureMissing(method, METHODS[method].needs(options), objective) === undefined;
}

for (const problemName of Object.keys(PROBLEMS) as ProblemName[]) {
  Deno.test(`conformance: every suitable method converges on the ${problemName}`, () => {
    const problem = PROBLEMS[problemName];
    const ran: Method[] = [];
    const settings: (Setting & { method: Method; variant: boolean })[] = [
      ...(Object.keys(METHODS) as Method[]).map((method) => ({
        method,
        variant: false,
        ...setting(method, problemName),
      })),
      ...NON_MONOTONE.map((v) => ({ ...v, variant: true })),
    ];
    for (const { method, variant, options = {}, budget, gradientTolerance, hover } of settings) {
      if (!suitable(method, options, problem.objective)) continue;
      if (!variant) ran.push(method);
      const name = variant ? `${method} ${JSON.stringify(options)}` : method;
      const tolerance = gradientTolerance ?? problem.gradientTolerance;
      const result = minimize(problem.objective, problem.x0, {
        method,
        ...options,
        maxIterations: budget,
        gradientTolerance: tolerance,
        valueTolerance: Number.MIN_VALUE,
      } as MinimizeOptions);
      const gap = problem.minimizer ? distance(result.x, problem.minimizer) : NaN;
      rows.push({ problem: problemName, method: name, result, distance: gap });
      const label = `${name} on the ${problemName}: ‖x − x*‖ = ${gap}, ‖∇f‖ = ` +
        `${result.gradientNorm}; ${result.message}`;
      // A method that claims its steps decrease f (or stay put) must show it: f never rises
      // along the trace. The claim rests on the accept tests (Armijo, Wolfe, ρ > η) comparing
      // the very values the trace reports, so no rounding allowance is needed.
      let risen = 0;
      for (let k = 1; k < result.trace.length; k++) {
        if (result.trace[k].value > result.trace[k - 1].value) risen++;
      }
      rises.set(name, (rises.get(name) ?? 0) + risen);
      if (METHODS[method].create(options).monotone !== false) {
        check(risen === 0, () => `${label}: claims monotone decrease, but f rose ${risen} times`);
      }
      if (hover) {
        if (problem.minimizer) check(gap <= hover.distance, () => `${label} (hover)`);
        else check(result.gradientNorm <= hover.gradient, () => `${label} (hover)`);
        continue;
      }
      ok(result.success, label);
      check(result.gradientNorm <= tolerance, () => label);
      if (problem.minimizer && problem.strongConvexity !== undefined) {
        // ‖x − x*‖ ≤ ‖∇f‖/μ, with 2× for Rosenbrock's curvature varying near (1, 1) and the
        // last few ulps of x.
        const bound = 2 * tolerance / problem.strongConvexity + 1e-14;
        check(gap <= bound, () => `${label} (bound ${bound})`);
      }
    }
    // The suitable methods are exactly those whose needs the objective meets.
    const network = problemName === "logistic regression" || problemName === "small MLP";
    const expected = (Object.keys(METHODS) as Method[]).filter((m) => {
      const needsGaussNewton = ["gauss-newton", "levenberg-marquardt", "hessian-free"].includes(m);
      if (m === "kfac") return network;
      return !needsGaussNewton || !problemName.endsWith("quadratic");
    });
    ok(
      JSON.stringify(ran) === JSON.stringify(expected),
      `${problemName}: ran ${ran.join(", ")}; expected ${expected.join(", ")}`,
    );
  });
}

Deno.test("conformance: steps not guaranteed to decrease f are marked non-monotone, and f rose under them", () => {
  for (const { method, options } of NON_MONOTONE) {
    const name = `${method} ${JSON.stringify(options)}`;
    strictEqual(METHODS[method].create(options).monotone, false, name);
    // Measured: pure Newton rose 2 times on Rosenbrock and 4 on the MLP, fixed-step K-FAC 34
    // times on the MLP; a rise shows that requiring monotone decrease of them would be wrong.
    check(
      (rises.get(name) ?? 0) > 0,
      () => `${name}: f never rose (the conformance tests ran first?)`,
    );
  }
});

Deno.test("conformance: the table of iterations and costs", () => {
  console.log(
    "\nproblem                    method               status          iterations  " +
      "f evals  ∇f evals  Hv     Gv     grad-equiv  ‖x − x*‖   ‖∇f‖",
  );
  for (const { problem, method, result, distance: gap } of rows) {
    const e = result.evaluations;
    const cost = result.trace[result.trace.length - 1].gradientEquivalents;
    console.log(
      `${problem.padEnd(26)} ${method.padEnd(20)} ${result.status.padEnd(15)} ` +
        `${String(result.iterations).padStart(10)}  ${String(e.value).padStart(7)}  ` +
        `${String(e.gradient).padStart(8)}  ${String(e.hessianVector).padStart(5)}  ` +
        `${String(e.gaussNewtonVector).padStart(5)}  ${cost.toFixed(0).padStart(10)}  ` +
        `${Number.isNaN(gap) ? "      —  " : gap.toExponential(2)}  ${
          result.gradientNorm.toExponential(2)
        }`,
    );
  }
  ok(rows.length > 0, "the conformance tests ran first");
});
