/**
 * The first-order methods against note 004's analysis: gradient descent's closed form and its
 * three regimes on quadratics (C23), its rate against the condition number (C24), momentum's
 * terminal velocity (C25), RMSprop's invariance to axis-aligned curvature and its loss under
 * rotation (C26), Adam's bias correction, and the driver never calling an oscillation
 * converged.
 */

import fc from "fast-check";
import {
  createRandom,
  matrixWithSpectrum,
  minimize,
  type Objective,
  quadraticObjective,
} from "@secondorder/harness";
import { momentum, type MomentumState } from "../../src/optim/momentum.ts";
import { adam } from "../../src/optim/adam.ts";
import { countedObjective, newCounter } from "../../src/optim/counting.ts";
import { assertClose, check } from "../_helpers/assert.ts";
import { assertProperty } from "../_helpers/property.ts";

const EPSILON = 2 ** -52;

/**
 * Gradient descent against Q(I − αΛ)ᵏQᵀθ₀: each step adds about n·ε relative rounding (one
 * matrix-vector product and an axpy), which later steps carry along multiplied by at most
 * max(1, maxⱼ|1 − αλⱼ|) each, so after k steps |error| ≲ k·n·ε·max(1, ρ)ᵏ·‖θ₀‖. The worst of
 * 2,000 measured cases used 1.06 of that bound; the factor 16 leaves room for the closed form's
 * own rounding.
 */
const CLOSED_FORM_FACTOR = 16;

/** Iterations every run may use before a test calls it stuck. */
const BUDGET = 20_000;

/** Runs exactly k gradient-descent iterations (no stopping rule can fire first). */
function gdIterates(objective: Objective, x0: Float64Array, learningRate: number, k: number) {
  return minimize(objective, x0, {
    method: "gd",
    learningRate,
    maxIterations: k,
    gradientTolerance: Number.MIN_VALUE,
  });
}

Deno.test("gd on ½θᵀAθ gives θₖ = Q(I − αΛ)ᵏQᵀθ₀ to rounding, in every regime of αλ (C23)", () => {
  assertProperty(
    fc.property(
      fc.record({
        n: fc.integer({ min: 1, max: 8 }),
        alphaTimesLambdaMax: fc.double({ min: 0.01, max: 2.3, noNaN: true }),
        k: fc.integer({ min: 1, max: 60 }),
        seed: fc.integer({ min: 0, max: 0x7fffffff }),
      }),
      ({ n, alphaTimesLambdaMax, k, seed }) => {
        const random = createRandom(seed);
        const lambda = Array.from({ length: n }, () => 10 ** (2 * random.uniform() - 1));
        const lambdaMax = Math.max(...lambda);
        const alpha = alphaTimesLambdaMax / lambdaMax;
        const { matrix, eigenvectors: Q } = matrixWithSpectrum(lambda, { seed });
        const x0 = random.fillNormal(new Float64Array(n));
        const run = gdIterates(quadraticObjective(matrix), x0, alpha, k);
        check(run.iterations === k, () => `stopped after ${run.iterations} < ${k}: ${run.message}`);
        // c = Qᵀθ₀, then θₖ = Q·diag((1 − αλⱼ)ᵏ)·c.
        const c = lambda.map((_, j) => Q.reduce((s, row, i) => s + row[j] * x0[i], 0));
        const expected = Q.map((row) =>
          row.reduce((s, q, j) => s + q * c[j] * (1 - alpha * lambda[j]) ** k, 0)
        );
        const growth = Math.max(1, ...lambda.map((l) => Math.abs(1 - alpha * l))) ** k;
        const tolerance = CLOSED_FORM_FACTOR * k * n * EPSILON * growth * Math.hypot(...x0);
        assertClose(
          run.x,
          expected,
          { atol: tolerance },
          `θ_${k} (αλmax = ${alphaTimesLambdaMax})`,
        );
      },
    ),
    60,
  );
});

Deno.test("gd's eigen-coordinates decay monotonically for αλ ≤ 1, oscillate for 1 < αλ < 2, keep their size at 2 and grow beyond (C23)", () => {
  // A diagonal A: each coordinate is an eigen-coordinate, multiplied by 1 − αλⱼ per step.
  const alphaLambda = [0.5, 1, 1.5, 2, 2.5];
  const matrix = alphaLambda.map((l, i) => alphaLambda.map((_, j) => (i === j ? l : 0)));
  const f = quadraticObjective(matrix);
  let x: Float64Array = new Float64Array(alphaLambda.length).fill(1);
  const sequence: number[][] = [Array.from(x)];
  for (let k = 1; k <= 6; k++) {
    x = gdIterates(f, x, 1, 1).x;
    sequence.push(Array.from(x));
  }
  const column = (j: number) => sequence.map((row) => row[j]);
  // αλ = 0.5: positive and halving.
  check(column(0).every((v, k) => v === 0.5 ** k), () => `αλ = 0.5: ${column(0)}`);
  // αλ = 1: exactly zero after one step.
  check(column(1).slice(1).every((v) => v === 0), () => `αλ = 1: ${column(1)}`);
  // αλ = 1.5: alternating signs, halving magnitudes.
  check(column(2).every((v, k) => v === (-0.5) ** k), () => `αλ = 1.5: ${column(2)}`);
  // αλ = 2: ±1 for ever, the boundary.
  check(column(3).every((v, k) => v === (-1) ** k), () => `αλ = 2: ${column(3)}`);
  // αλ = 2.5: alternating and growing by 1.5.
  check(column(4).every((v, k) => v === (-1.5) ** k), () => `αλ = 2.5: ${column(4)}`);
});

Deno.test("gd converges for α < 2/λmax and diverges for α > 2/λmax, ending non-finite without success (C23)", () => {
  const { matrix } = matrixWithSpectrum([0.1, 1, 4], { seed: 11 });
  const f = quadraticObjective(matrix);
  const x0 = new Float64Array([1, -2, 0.5]);
  const converging = minimize(f, x0, {
    method: "gd",
    learningRate: 1.95 / 4,
    maxIterations: BUDGET,
  });
  check(converging.success, () => `α = 1.95/λmax: ${converging.message}`);
  const diverging = minimize(f, x0, { method: "gd", learningRate: 2.05 / 4, maxIterations: 200 });
  const growth = diverging.trace[200].gradientNorm / diverging.trace[100].gradientNorm;
  // The λmax component grows by |1 − 2.05| = 1.05 a step and dominates: 1.05¹⁰⁰ ≈ 131.5.
  assertClose(
    growth,
    1.05 ** 100,
    { rtol: 1e-6 },
    "gradient growth over 100 steps at α = 2.05/λmax",
  );
  const overflowing = minimize(f, x0, {
    method: "gd",
    learningRate: 10 / 4,
    maxIterations: BUDGET,
  });
  check(
    overflowing.status === "non-finite" && !overflowing.success,
    () => `α = 10/λmax should overflow: ${overflowing.message}`,
  );
});

Deno.test("gd with αλ = 2 flips θ to −θ at equal f: max-iterations, not a false convergence", () => {
  const run = minimize(quadraticObjective([[1]]), [1], {
    method: "gd",
    learningRate: 2,
    maxIterations: 10,
  });
  check(run.status === "max-iterations" && !run.success, () => run.message);
  for (const method of ["momentum", "rmsprop", "adam"] as const) {
    // A fixed-step method that cycles between two points of equal value is not converged.
    const cycling = minimize(quadraticObjective([[1]]), [1], {
      method,
      learningRate: 2,
      maxIterations: 10,
    });
    check(!cycling.success || cycling.gradientNorm <= 1e-8, () => `${method}: ${cycling.message}`);
  }
});

Deno.test("gd at α = 2/(λmin + λmax) needs more iterations as κ grows, within log(tol)/log((κ − 1)/(κ + 1)) (C24)", () => {
  const kappas = [2, 10, 100, 1000];
  const tolerance = 1e-8;
  const iterations: number[] = [];
  for (const kappa of kappas) {
    const n = 10;
    const lambda = Array.from({ length: n }, (_, i) => kappa ** (i / (n - 1)));
    const { matrix } = matrixWithSpectrum(lambda, { seed: kappa });
    const f = quadraticObjective(matrix);
    const x0 = createRandom(kappa).fillNormal(new Float64Array(n));
    const g0 = Math.hypot(...f.gradient(x0));
    const rate = (kappa - 1) / (kappa + 1);
    const run = minimize(f, x0, {
      method: "gd",
      learningRate: 2 / (1 + kappa),
      gradientTolerance: tolerance * g0,
      maxIterations: BUDGET,
    });
    check(run.success, () => `κ = ${kappa}: ${run.message}`);
    // Each eigen-component of ∇f shrinks by |1 − αλⱼ| ≤ rate, so ‖∇fₖ‖ ≤ rateᵏ‖∇f₀‖ (plus
    // rounding); the extreme components shrink by exactly the rate.
    const bound = Math.ceil(Math.log(tolerance) / Math.log(rate));
    check(run.iterations <= bound + 1, () => `κ = ${kappa}: ${run.iterations} > bound ${bound}`);
    iterations.push(run.iterations);
  }
  for (let i = 1; i < kappas.length; i++) {
    check(iterations[i] > iterations[i - 1], () => `iterations ${iterations} for κ = ${kappas}`);
  }
});

Deno.test("gd with α = 2/(λmin + λmax) on a spectrum {1, κ} shrinks ‖∇f‖ by exactly (κ − 1)/(κ + 1) a step (C24)", () => {
  for (const kappa of [2, 10, 100, 1000]) {
    // Eigenvalues 1 and κ only (three of each): every eigen-component of ∇f is multiplied by
    // 1 − αλ = ±(κ − 1)/(κ + 1), so the norm shrinks by exactly that factor every step.
    const { matrix } = matrixWithSpectrum([1, 1, 1, kappa, kappa, kappa], { seed: kappa });
    const f = quadraticObjective(matrix);
    const x0 = createRandom(kappa + 1).fillNormal(new Float64Array(6));
    const run = gdIterates(f, x0, 2 / (1 + kappa), 30);
    const rate = (kappa - 1) / (kappa + 1);
    const ratios = run.trace.slice(1).map((row, k) => row.gradientNorm / run.trace[k].gradientNorm);
    // The ratio of two norms each off by k·n·ε relative; 1e-10 is far above that for k ≤ 30.
    assertClose(ratios, ratios.map(() => rate), { rtol: 1e-10 }, `‖∇fₖ₊₁‖/‖∇fₖ‖ at κ = ${kappa}`);
  }
});

Deno.test("momentum under a constant gradient: pₖ = −α(1 − μᵏ)/(1 − μ)·g → −α/(1 − μ)·g (C25)", () => {
  const g = new Float64Array([3, -1, 0.5]);
  const linear: Objective = {
    dim: 3,
    value: (x) => g[0] * x[0] + g[1] * x[1] + g[2] * x[2],
    gradient: (_x, out) => (out ?? new Float64Array(3)).fill(0).map((_, i) => g[i]),
  };
  const alpha = 0.01;
  for (const mu of [0, 0.5, 0.9, 0.99]) {
    const optimizer = momentum({ learningRate: alpha, momentum: mu });
    const f = countedObjective(linear, newCounter());
    let x: Float64Array = new Float64Array(3);
    let { value, gradient } = f.valueAndGradient(x);
    let state: MomentumState = optimizer.init(x, value, gradient, f);
    const steps = mu === 0.99 ? 3000 : 400;
    for (let k = 1; k <= steps; k++) {
      ({ x, value, gradient, state } = optimizer.step(x, value, gradient, state, f));
      // The recursion p ← μp − αg sums a geometric series; k steps add k roundings.
      const expected = Array.from(g, (gi) => (-alpha * (1 - mu ** k) / (1 - mu)) * gi);
      assertClose(state.velocity, expected, { rtol: 4 * k * EPSILON }, `p_${k} at μ = ${mu}`);
    }
    // μ^steps ≤ 3e-13 here, so the velocity is terminal to that relative accuracy.
    const terminal = Array.from(g, (gi) => (-alpha / (1 - mu)) * gi);
    assertClose(state.velocity, terminal, { rtol: 1e-11 }, `terminal velocity at μ = ${mu}`);
  }
});

/**
 * RMSprop on diag(λ) against RMSprop on I from the same start, relative to max|θ₀| + αk (the
 * size of the iterates and of the steps): the scaling cancels exactly in real arithmetic, so
 * what is left is rounding, a few ε per step; the worst of 1,000 measured cases used 2.1·k·ε.
 */
const RESCALING_FACTOR = 16;

Deno.test("rmsprop on an axis-aligned quadratic does not see the curvature: its iterates on diag(λ) equal those on I (C26)", () => {
  assertProperty(
    fc.property(
      fc.record({
        n: fc.integer({ min: 1, max: 6 }),
        k: fc.integer({ min: 1, max: 40 }),
        seed: fc.integer({ min: 0, max: 0x7fffffff }),
      }),
      ({ n, k, seed }) => {
        const random = createRandom(seed);
        const lambda = Array.from({ length: n }, () => 10 ** (4 * random.uniform() - 2));
        const diagonal = (d: number[]) => d.map((v, i) => d.map((_, j) => (i === j ? v : 0)));
        const x0 = random.fillNormal(new Float64Array(n));
        const learningRate = 0.01;
        const options = {
          method: "rmsprop",
          learningRate,
          epsilon: Number.MIN_VALUE, // ε would break the exact cancellation of λ
          maxIterations: k,
          gradientTolerance: Number.MIN_VALUE,
        } as const;
        const curved = minimize(quadraticObjective(diagonal(lambda)), x0, options);
        const flat = minimize(quadraticObjective(diagonal(lambda.map(() => 1))), x0, options);
        const scale = Math.max(...x0.map(Math.abs)) + learningRate * k;
        assertClose(
          curved.x,
          flat.x,
          { atol: RESCALING_FACTOR * k * EPSILON * scale },
          `θ_${k} on diag(λ) vs I`,
        );
      },
    ),
    60,
  );
});

Deno.test("rmsprop's iterations grow with κ once the eigenvectors are rotated, and stay put when axis-aligned (C26)", () => {
  const n = 4;
  const counts: Record<"aligned" | "rotated", number[]> = { aligned: [], rotated: [] };
  const kappas = [1, 10, 100, 1000];
  for (const kappa of kappas) {
    const lambda = Array.from({ length: n }, (_, i) => kappa ** (i / (n - 1)));
    for (const axisAligned of [true, false]) {
      const { matrix, eigenvectors } = matrixWithSpectrum(lambda, { seed: 7, axisAligned });
      const f = quadraticObjective(matrix);
      // The same start in eigen-coordinates: θ₀ = Q·1.
      const x0 = eigenvectors.map((row) => row.reduce((s, v) => s + v, 0));
      const f0 = f.value(new Float64Array(x0));
      let reached = Infinity;
      minimize(f, x0, {
        method: "rmsprop",
        learningRate: 0.01,
        maxIterations: BUDGET,
        gradientTolerance: Number.MIN_VALUE,
        onIteration: (row) => {
          if (row.value <= 1e-4 * f0) {
            reached = row.iteration;
            return "stop";
          }
        },
      });
      check(reached < BUDGET, () => `κ = ${kappa}, aligned ${axisAligned}: never reached 1e-4·f₀`);
      counts[axisAligned ? "aligned" : "rotated"].push(reached);
    }
  }
  // Axis-aligned: every eigen-coordinate starts at 1 and moves as it would for λ = 1.
  check(
    counts.aligned.every((c) => c === counts.aligned[0]),
    () => `axis-aligned iterations depend on κ: ${counts.aligned}`,
  );
  for (let i = 1; i < kappas.length; i++) {
    check(
      counts.rotated[i] > counts.rotated[i - 1] && counts.rotated[i] > counts.aligned[i],
      () => `rotated ${counts.rotated} vs aligned ${counts.aligned} for κ = ${kappas}`,
    );
  }
});

Deno.test("adam's bias correction makes its first step α·g/(|g| + ε) in every coordinate", () => {
  const f = quadraticObjective([[2, 0], [0, 50]], { b: [1, -3] });
  const optimizer = adam({ learningRate: 0.1 });
  const counted = countedObjective(f, newCounter());
  const x0 = new Float64Array([0.3, -0.7]);
  const { value, gradient } = counted.valueAndGradient(x0);
  const state = optimizer.init(x0, value, gradient, counted);
  const { x } = optimizer.step(x0, value, gradient, state, counted);
  // m̂₁ = g and v̂₁ = g², so the step is α·g/(|g| + ε): α·sign(g) up to ε/|g| and rounding.
  const expected = Array.from(x0, (v, i) => v - 0.1 * gradient[i] / (Math.abs(gradient[i]) + 1e-8));
  assertClose(x, expected, { rtol: 8 * EPSILON }, "x₁");
});
