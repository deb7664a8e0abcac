/**
 * The optimisation claims of CLAIMS.md that are properties of the methods themselves: Newton on
 * quadratics (C01), BFGS's finite termination (C08; its Hₙ = A⁻¹ is tested in
 * quasi_newton_test.ts), the Newton direction's descent (C09),
 * Armijo's condition on accepted Newton steps (C10), the order of convergence of Newton and
 * gradient descent (C11), gradient descent's dynamics on quadratics (C23, C24), momentum's
 * terminal velocity (C25) and RMSprop's axis-aligned curvature correction (C26).
 */

import fc from "fast-check";
import { ok, strictEqual } from "node:assert/strict";
import {
  classifyCriticalPoint,
  createRandom,
  matrixWithSpectrum,
  minimize,
  mlp,
  networkObjective,
  type Objective,
  quadraticObjective,
  rosenbrock,
} from "@secondorder/harness";
import { gd } from "../../src/optim/gd.ts";
import { momentum, type MomentumState } from "../../src/optim/momentum.ts";
import { newton } from "../../src/optim/newton.ts";
import { solveNewtonSystem } from "../../src/optim/newton_system.ts";
import { armijoBacktracking } from "../../src/optim/line_search.ts";
import { countedObjective, newCounter } from "../../src/optim/counting.ts";
import type { Optimizer, StepResult, TraceRow } from "../../src/optim/types.ts";
import { assertClose, check } from "../_helpers/assert.ts";
import { assertProperty } from "../_helpers/property.ts";
import { inertiaCase, solveBySpectrum, spdCase } from "../_helpers/matrices.ts";
import { networkCase } from "../_helpers/arbitraries.ts";

const EPS = Number.EPSILON;

function norm(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Runs an optimiser step by step on the counted objective, returning every step. */
function iterate<S>(
  optimizer: Optimizer<S>,
  objective: Objective,
  x0: Float64Array,
  steps: number,
): { initial: { x: Float64Array; value: number; gradient: Float64Array }; steps: StepResult<S>[] } {
  const f = countedObjective(objective, newCounter());
  let x = x0;
  let { value, gradient } = f.valueAndGradient(x);
  const initial = { x, value, gradient };
  let state = optimizer.init(x, value, gradient, f);
  const results: StepResult<S>[] = [];
  for (let k = 0; k < steps; k++) {
    const result = optimizer.step(x, value, gradient, state, f);
    results.push(result);
    if (result.info.failure || result.info.converged) break;
    ({ x, value, gradient, state } = result);
  }
  return { initial, steps: results };
}

// C01.

/**
 * One undamped Newton step solves Ax = −b by an equilibrated Cholesky factorisation: its
 * error is about κ·ε relative (backward stability), times a small multiple of n for the
 * factorisation; 10·n·κ·ε bounds it.
 */
const newtonStepTolerance = (n: number, kappa: number) => 10 * n * kappa * EPS;

Deno.test("C01: pure Newton solves a positive definite quadratic in exactly one step", () => {
  assertProperty(
    fc.property(spdCase(), fc.integer({ min: 0, max: 0x7fffffff }), (c, seed) => {
      const f = quadraticObjective(c.matrix, { b: c.b });
      const minimizer = solveBySpectrum(c).map((v) => -v);
      const x0 = createRandom(seed).fillNormal(new Float64Array(c.n));
      const run = minimize(f, x0, {
        method: "newton",
        solver: "direct",
        lineSearch: "none",
        fallback: "none",
      });
      ok(run.success, run.message);
      strictEqual(run.iterations, 1, run.message);
      const scale = Math.max(norm(minimizer), norm(x0));
      check(
        norm(run.x.map((v, i) => v - minimizer[i])) <= newtonStepTolerance(c.n, c.kappa) * scale,
        () => `‖x₁ − x*‖ too large (κ ${c.kappa})`,
      );
    }),
    100,
  );
});

Deno.test("C01: on an indefinite quadratic pure Newton lands on the saddle in one step", () => {
  assertProperty(
    fc.property(
      inertiaCase({ n: [2, 12], zeros: false }).filter((c) =>
        c.inertia.positive > 0 && c.inertia.negative > 0
      ),
      (c) => {
        const f = quadraticObjective(c.matrix, { b: c.b });
        const run = minimize(f, new Float64Array(c.n), {
          method: "newton",
          solver: "direct",
          lineSearch: "none",
          fallback: "none",
        });
        strictEqual(run.iterations, 1, run.message);
        // The driver sees a zero gradient and reports convergence: Newton cannot tell a
        // saddle from a minimum.
        ok(run.success, run.message);
        const point = classifyCriticalPoint(c.matrix, f.gradient(run.x));
        strictEqual(point.kind, "saddle");
        strictEqual(point.critical, true, `‖∇f‖ = ${point.gradientNorm}`);
        const saddle = solveBySpectrum(c).map((v) => -v);
        assertClose(
          run.x,
          saddle,
          { atol: newtonStepTolerance(c.n, c.kappa) * norm(saddle) },
          "x₁",
        );
      },
    ),
    100,
  );
});

// C23.

/**
 * θ_k against Q(I − αΛ)ᵏQᵀθ₀. Each step rounds Aθ and θ − α·Aθ at about n·ε·(1 + αλ_max)‖θ‖,
 * and A itself differs from QΛQᵀ by n·ε·λ_max; the errors add over k steps, none amplified
 * while α < 2/λ_max (|1 − αλ| ≤ 1). 10·k·n·ε·(1 + αλ_max)·‖θ₀‖ bounds the sum with room.
 */
const gdTolerance = (k: number, n: number, alphaLambda: number, scale: number) =>
  10 * k * n * EPS * (1 + alphaLambda) * scale;

function gdCase(stable: boolean) {
  return fc.record({
    n: fc.integer({ min: 1, max: 8 }),
    seed: fc.integer({ min: 0, max: 0x7fffffff }),
    // α·λ_max: below 2 (monotone and oscillating regimes both occur) or above it.
    alphaLambda: stable
      ? fc.double({ min: 0.05, max: 1.95, noNaN: true })
      : fc.double({ min: 2.2, max: 3, noNaN: true }),
  }).map(({ n, seed, alphaLambda }) => {
    const random = createRandom(seed);
    const eigenvalues = Array.from({ length: n }, () => 10 ** (2 * random.uniform() - 1));
    const { matrix, eigenvectors } = matrixWithSpectrum(eigenvalues, { seed });
    const lambdaMax = Math.max(...eigenvalues);
    const theta0 = createRandom(seed + 1).fillNormal(new Float64Array(n));
    return {
      n,
      eigenvalues,
      matrix,
      eigenvectors,
      alpha: alphaLambda / lambdaMax,
      alphaLambda,
      theta0,
    };
  });
}

/** Q(I − αΛ)ᵏQᵀθ₀, with Q's columns the eigenvectors. */
function gdPrediction(
  c: { eigenvalues: number[]; eigenvectors: number[][]; alpha: number; theta0: Float64Array },
  k: number,
): number[] {
  const n = c.eigenvalues.length;
  const out = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    const q = c.eigenvectors.map((row) => row[i]);
    const coefficient = dot(q, c.theta0) * (1 - c.alpha * c.eigenvalues[i]) ** k;
    for (let j = 0; j < n; j++) out[j] += coefficient * q[j];
  }
  return out;
}

Deno.test("C23: gradient descent's iterates on ½θᵀAθ are θ_k = Q(I − αΛ)ᵏQᵀθ₀, to rounding", () => {
  const steps = 40;
  assertProperty(
    fc.property(gdCase(true), (c) => {
      const run = iterate(
        gd({ learningRate: c.alpha }),
        quadraticObjective(c.matrix),
        c.theta0,
        steps,
      );
      strictEqual(run.steps.length, steps);
      run.steps.forEach((step, index) => {
        const k = index + 1;
        assertClose(
          step.x,
          gdPrediction(c, k),
          { atol: gdTolerance(k, c.n, c.alphaLambda, norm(c.theta0)) },
          `θ_${k} (n ${c.n}, αλ_max ${c.alphaLambda.toFixed(3)})`,
        );
      });
    }),
    100,
  );
});

Deno.test("C23: with α > 2/λ_max the stiffest mode grows like |1 − αλ_max|ᵏ and gradient descent diverges", () => {
  assertProperty(
    fc.property(gdCase(false), (c) => {
      const steps = 30;
      const run = iterate(
        gd({ learningRate: c.alpha }),
        quadraticObjective(c.matrix),
        c.theta0,
        steps,
      );
      const top = c.eigenvalues.indexOf(Math.max(...c.eigenvalues));
      const q = c.eigenvectors.map((row) => row[top]);
      const growth = Math.abs(1 - c.alphaLambda);
      run.steps.forEach((step, index) => {
        const k = index + 1;
        const predicted = dot(q, c.theta0) * (1 - c.alphaLambda) ** k;
        // Relative to the growing mode itself: each step's rounding is amplified by |1 − αλ|.
        assertClose(dot(q, step.x), predicted, { rtol: 1e-12 * k, atol: 1e-12 * k }, `mode ${k}`);
        check(
          norm(step.x) >= 0.999 * growth ** k * Math.abs(dot(q, c.theta0)),
          () => `‖θ_${k}‖ = ${norm(step.x)} below |1 − αλ|ᵏ·|q·θ₀|`,
        );
      });
      const diverged = minimize(quadraticObjective(c.matrix), c.theta0, {
        method: "gd",
        learningRate: c.alpha,
        maxIterations: 20_000,
        gradientTolerance: Number.MIN_VALUE,
      });
      strictEqual(diverged.status, "non-finite", diverged.message);
      strictEqual(diverged.success, false);
    }),
    40,
  );
});

// C24.

Deno.test("C24: gradient descent's rate (κ − 1)/(κ + 1) slows as the condition number grows", () => {
  const kappas = [2, 10, 100, 1000];
  const measured: number[] = [];
  const iterations: number[] = [];
  for (const kappa of kappas) {
    const { matrix } = matrixWithSpectrum([1, kappa], { seed: 4 });
    const f = quadraticObjective(matrix);
    // With the optimal α = 2/(λ_min + λ_max) both modes contract by exactly (κ − 1)/(κ + 1) in
    // magnitude, so ‖θ‖ does too, at every step.
    const alpha = 2 / (1 + kappa);
    const run = iterate(gd({ learningRate: alpha }), f, new Float64Array([1, -0.5]), 20);
    const rate = (kappa - 1) / (kappa + 1);
    let previous = norm([1, -0.5]);
    let ratio = NaN;
    for (const step of run.steps) {
      ratio = norm(step.x) / previous;
      // Rounding: a few ε per step relative to ‖θ‖, amplified by κ in the ratio of two
      // norms whose modes differ by κ in curvature; 100·κ·ε bounds it.
      assertClose(ratio, rate, { atol: 100 * kappa * EPS }, `κ ${kappa}`);
      previous = norm(step.x);
    }
    measured.push(ratio);
    // The iterations to ‖∇f‖ ≤ 1e-8 with α = 1/λ_max (rate 1 − 1/κ) grow with κ.
    const counted = minimize(f, [1, -0.5], {
      method: "gd",
      learningRate: 1 / kappa,
      maxIterations: 100_000,
    });
    ok(counted.success, counted.message);
    iterations.push(counted.iterations);
  }
  for (let i = 1; i < kappas.length; i++) {
    ok(measured[i] > measured[i - 1], `rate at κ ${kappas[i]}`);
    ok(
      iterations[i] > iterations[i - 1],
      `iterations ${iterations} not increasing with κ ${kappas}`,
    );
  }
});

// C25.

/** The linear objective f(θ) = gᵀθ: its gradient is g everywhere. */
function linear(g: Float64Array): Objective {
  return {
    dim: g.length,
    value: (x) => dot(g, x),
    gradient: (_x, out) => (out ?? new Float64Array(g.length)).fill(0).map((_, i) => g[i]),
    valueAndGradient: (x) => ({ value: dot(g, x), gradient: g.slice() }),
  };
}

Deno.test("C25: under a constant gradient momentum's velocity is −α(1 − μᵏ)/(1 − μ)·g → −α/(1 − μ)·g", () => {
  assertProperty(
    fc.property(
      fc.integer({ min: 1, max: 6 }),
      fc.integer({ min: 0, max: 0x7fffffff }),
      fc.double({ min: 1e-3, max: 1, noNaN: true }),
      fc.double({ min: 0, max: 0.95, noNaN: true }),
      (n, seed, alpha, mu) => {
        const g = createRandom(seed).fillNormal(new Float64Array(n));
        // μ ≤ 0.95 reaches μᵏ < 1e-13 within k = 600 steps.
        const steps = 600;
        const run = iterate(
          momentum({ learningRate: alpha, momentum: mu }),
          linear(g),
          new Float64Array(n),
          steps,
        );
        const terminal = Array.from(g, (gi) => -alpha / (1 - mu) * gi);
        run.steps.forEach((step, index) => {
          const k = index + 1;
          const velocity = (step.state as MomentumState).velocity;
          const expected = Array.from(g, (gi) => -alpha * (1 - mu ** k) / (1 - mu) * gi);
          // The recurrence p ← μp − αg rounds by ε per step, the errors damped by μ: at most
          // 2ε/(1 − μ) relative, which 100·ε/(1 − μ) covers.
          assertClose(velocity, expected, { rtol: 100 * EPS / (1 - mu), atol: 1e-300 }, `p_${k}`);
        });
        const last = (run.steps[steps - 1].state as MomentumState).velocity;
        assertClose(last, terminal, { rtol: 1e-12 }, "terminal velocity −α/(1 − μ)·g");
      },
    ),
    60,
  );
});

// C26.

Deno.test("C26: on an axis-aligned quadratic RMSprop's iterates do not depend on the eigenvalues", () => {
  // With ε → 0, sⱼ/λⱼ² evolves as (1 − γ)·sⱼ/λⱼ² + γ·θⱼ², independent of λⱼ, and so does the
  // step α·λⱼθⱼ/√sⱼ: the curvature is divided out exactly, coordinate by coordinate.
  assertProperty(
    fc.property(
      fc.integer({ min: 1, max: 6 }),
      fc.integer({ min: 0, max: 0x7fffffff }),
      fc.double({ min: 1e-3, max: 0.1, noNaN: true }),
      fc.double({ min: 0.01, max: 0.5, noNaN: true }),
      (n, seed, learningRate, gamma) => {
        const random = createRandom(seed);
        const eigenvalues = Array.from({ length: n }, () => 10 ** (4 * random.uniform()));
        const theta0 = random.fillNormal(new Float64Array(n));
        const options = { method: "rmsprop", learningRate, gamma, epsilon: 1e-300 } as const;
        const steps = 60;
        const scaled = minimize(
          quadraticObjective(matrixWithSpectrum(eigenvalues, { axisAligned: true }).matrix),
          theta0,
          { ...options, maxIterations: steps, gradientTolerance: Number.MIN_VALUE },
        );
        const unit = minimize(
          quadraticObjective(
            matrixWithSpectrum(eigenvalues.map(() => 1), { axisAligned: true }).matrix,
          ),
          theta0,
          { ...options, maxIterations: steps, gradientTolerance: Number.MIN_VALUE },
        );
        strictEqual(scaled.iterations, steps, scaled.message);
        // Rounding: a few ε per step in each coordinate; 100·k·ε relative to ‖θ₀‖.
        assertClose(scaled.x, unit.x, { atol: 100 * steps * EPS * norm(theta0) }, "θ_k");
      },
    ),
    50,
  );
});

Deno.test("C26: rotated by 45°, the same quadratic defeats RMSprop's correction as κ grows", () => {
  // A = R·diag(1, κ)·Rᵀ with R the 45° rotation, from the point with eigen-coordinates (1, 1);
  // the axis-aligned diag(1, κ) from (1, 1). After 300 steps of α = 0.01 RMSprop hovers
  // within about α of the minimiser when aligned, whatever κ; rotated it is left far behind.
  const distance = (kappa: number, rotated: boolean) => {
    const A = rotated
      ? [[(1 + kappa) / 2, (kappa - 1) / 2], [(kappa - 1) / 2, (1 + kappa) / 2]]
      : [[1, 0], [0, kappa]];
    const x0 = rotated ? [Math.SQRT2, 0] : [1, 1];
    const run = minimize(quadraticObjective(A), x0, {
      method: "rmsprop",
      learningRate: 0.01,
      epsilon: 1e-300,
      maxIterations: 300,
      gradientTolerance: Number.MIN_VALUE,
    });
    return norm(run.x) / Math.SQRT2;
  };
  const aligned = distance(1, false);
  check(aligned < 0.01, () => `aligned: ${aligned}`);
  for (const kappa of [10, 100, 1000, 10_000]) {
    assertClose(distance(kappa, false), aligned, { rtol: 1e-12 }, `aligned, κ ${kappa}`);
  }
  for (const kappa of [1000, 10_000]) {
    const rotated = distance(kappa, true);
    check(rotated > 10 * aligned, () => `κ ${kappa}: rotated ${rotated}, aligned ${aligned}`);
  }
});

// C08.

Deno.test("C08: BFGS with exact line searches terminates in at most n iterations on SPD quadratics", () => {
  assertProperty(
    fc.property(
      spdCase({ n: [2, 12], log10Kappa: [0, 3] }),
      fc.integer({ min: 0, max: 1e9 }),
      (c, seed) => {
        const f = quadraticObjective(c.matrix, { b: c.b });
        const x0 = createRandom(seed).fillNormal(new Float64Array(c.n));
        const g0 = norm(f.gradient(x0));
        // After the n-th exact step ∇f is its own rounding, about κ·ε·‖∇f(x₀)‖; n updates
        // add up: 100·n·κ·ε·‖∇f(x₀)‖.
        const run = minimize(f, x0, {
          method: "bfgs",
          lineSearch: "exact",
          initialScaling: false,
          gradientTolerance: 100 * c.n * c.kappa * EPS * g0,
          maxIterations: 3 * c.n,
        });
        ok(run.success, run.message);
        check(run.iterations <= c.n, () => `${run.iterations} > n = ${c.n}: ${run.message}`);
      },
    ),
    60,
  );
});

// C09.

Deno.test("C09: with G positive definite the Newton direction d = −G⁻¹∇f is a descent direction, ∇fᵀd = −∇fᵀG⁻¹∇f < 0", () => {
  assertProperty(
    fc.property(spdCase(), fc.integer({ min: 0, max: 0x7fffffff }), (c, seed) => {
      const g = createRandom(seed).fillNormal(new Float64Array(c.n));
      const exact = -dot(g, solveBySpectrum(c, g));
      for (const solver of ["direct", "cg"] as const) {
        const { direction, ok: solved } = solveNewtonSystem(c.operator, g, {
          damping: 0,
          solver,
          rtol: 1e-12,
          maxIterations: 10 * c.n,
        });
        ok(solved, solver);
        const slope = dot(g, direction);
        check(slope < 0, () => `${solver}: ∇fᵀd = ${slope}`);
        // The solve's error is κ·(rtol or ε) relative.
        assertClose(slope, exact, { rtol: 1e-10 * c.kappa }, `${solver}: ∇fᵀd`);
      }
    }),
    100,
  );
});

Deno.test("C09: the Gauss-Newton direction of a regularised network is a descent direction", () => {
  assertProperty(
    fc.property(networkCase({ regularise: "always", depth: [1, 2], width: [1, 5] }), (c) => {
      const g = c.objective.gradient(c.x);
      const { direction, ok: solved } = solveNewtonSystem(c.objective.gaussNewton(c.x), g, {
        damping: 0,
        solver: "cg",
        rtol: 1e-10,
        maxIterations: 10 * c.objective.dim,
      });
      ok(solved, c.description);
      // G ⪰ I/C: ∇fᵀG⁻¹∇f ≥ ‖∇f‖²/λ_max(G) > 0 whenever ∇f ≠ 0.
      check(dot(g, direction) < 0 || norm(g) === 0, () => `${c.description}: ∇fᵀd ≥ 0`);
    }),
    60,
  );
});

// C10.

/** Armijo's ν in newton's default options. */
const NU = 1e-4;

function checkArmijo(
  label: string,
  initial: { value: number; gradient: Float64Array; x: Float64Array },
  steps: StepResult<unknown>[],
) {
  let { x, value, gradient } = initial;
  for (const [k, step] of steps.entries()) {
    if (step.info.failure || step.info.converged) break;
    const move = step.x.map((v, i) => v - x[i]);
    // θ_{k+1} − θ_k = α·d, so ν∇fᵀ(αd) = ν∇fᵀ(θ_{k+1} − θ_k).
    check(
      step.value < value + NU * dot(gradient, move),
      () =>
        `${label}, step ${k + 1}: f ${step.value} ≮ ${value} + ν·∇fᵀ(αd) = ${
          NU * dot(gradient, move)
        }`,
    );
    ({ x, value, gradient } = step);
  }
}

Deno.test("C10: every step Newton accepts satisfies Armijo's condition f(θ + αd) < f(θ) + ν∇fᵀ(αd)", () => {
  assertProperty(
    fc.property(
      fc.integer({ min: 2, max: 6 }),
      fc.integer({ min: 0, max: 0x7fffffff }),
      (n, seed) => {
        const x0 = createRandom(seed).fillNormal(new Float64Array(n)).map((v) => 1.5 * v);
        const run = iterate(newton(), rosenbrock(n), x0, 60);
        checkArmijo(`Rosenbrock n ${n}, seed ${seed}`, run.initial, run.steps);
      },
    ),
    40,
  );
  assertProperty(
    fc.property(networkCase({ depth: [1, 2], width: [1, 5] }), (c) => {
      const run = iterate(newton(), c.objective, c.x, 25);
      checkArmijo(c.description, run.initial, run.steps);
    }),
    40,
  );
});

Deno.test("C10: backtracking reaches Armijo's condition after finitely many reductions, as few as the curvature allows", () => {
  // Along d with slope s = ∇fᵀd < 0 and curvature c = dᵀAd > 0, f(θ + αd) = f + αs + ½α²c
  // satisfies Armijo exactly when α < 2(1 − ν)|s|/c, so halving from α = 1 needs
  // k = max(0, ⌈log₂(c/(2(1 − ν)|s|))⌉) reductions (one more when α lands on the bound).
  assertProperty(
    fc.property(
      fc.double({ min: -1e3, max: -1e-3, noNaN: true }),
      fc.double({ min: 1e-3, max: 1e6, noNaN: true }),
      (slope, curvature) => {
        const result = armijoBacktracking((a) => a * slope + 0.5 * a * a * curvature, 0, slope, {
          nu: NU,
        });
        strictEqual(result.status, "ok");
        const bound = Math.max(0, Math.ceil(Math.log2(curvature / (2 * (1 - NU) * -slope))));
        const reductions = result.evaluations - 1;
        check(
          reductions === bound || reductions === bound + 1,
          () => `${reductions} reductions, expected ${bound}`,
        );
      },
    ),
    200,
  );
});

// C11.

/** L2-regularised logistic regression (C = 100), strongly convex and smooth. */
function logisticRegression() {
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
    f: networkObjective(net, { inputs, targets }, { C: 100 }),
    x0: new Float64Array(net.dim).fill(1),
  };
}

/**
 * The order q of e_{k+1} ≈ M·e_kᵠ, from ‖∇f‖ (proportional to the error near a nondegenerate
 * minimum): the least-squares slope of log e_{k+1} against log e_k over the steps whose
 * errors lie in [floor, ceiling].
 */
function order(trace: readonly TraceRow[], floor: number, ceiling: number): number {
  const pairs: [number, number][] = [];
  for (let k = 0; k + 1 < trace.length; k++) {
    const [a, b] = [trace[k].gradientNorm, trace[k + 1].gradientNorm];
    // Rows of steps taken (a converged method may end with a row that did not move).
    if (trace[k + 1].stepLength > 0 && a <= ceiling && b >= floor) {
      pairs.push([Math.log(a), Math.log(b)]);
    }
  }
  check(pairs.length >= 2, () => `only ${pairs.length} iterates in [${floor}, ${ceiling}]`);
  const mx = pairs.reduce((s, p) => s + p[0], 0) / pairs.length;
  const my = pairs.reduce((s, p) => s + p[1], 0) / pairs.length;
  const sxy = pairs.reduce((s, p) => s + (p[0] - mx) * (p[1] - my), 0);
  const sxx = pairs.reduce((s, p) => s + (p[0] - mx) ** 2, 0);
  return sxy / sxx;
}

Deno.test("C11: the measured order of convergence is about 2 for Newton and 1 for gradient descent", () => {
  const { f, x0 } = logisticRegression();
  const newtonRun = minimize(f, x0, {
    method: "newton",
    solver: "direct",
    gradientTolerance: 1e-14,
  });
  ok(newtonRun.success, newtonRun.message);
  // Above 1e-12 the gradient is not yet rounding; below 1e-2 Newton is in its local,
  // quadratically convergent phase (above, it is still leaving the damped phase: the ratios
  // log(e_{k+1}/e_k)/log(e_k/e_{k−1}) run 0.96, 1.66, 1.95, 2.01 along this run).
  const newtonOrder = order(newtonRun.trace, 1e-12, 1e-2);
  check(Math.abs(newtonOrder - 2) <= 0.25, () => `Newton's order ${newtonOrder}`);
  const gdRun = minimize(f, x0, {
    method: "gd",
    learningRate: 1,
    gradientTolerance: 1e-12,
    maxIterations: 5000,
  });
  ok(gdRun.success, gdRun.message);
  const gdOrder = order(gdRun.trace, 1e-11, 1e-3);
  check(Math.abs(gdOrder - 1) <= 0.02, () => `gradient descent's order ${gdOrder}`);
});
