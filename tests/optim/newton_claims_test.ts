/**
 * The claims of note 000 about Newton's method and its subproblem that are properties of the
 * methods: the Newton step across a valley (C03), one exact line search per Hessian eigenvector
 * (C04), the notes' classifier run (C06), attraction to saddle points (C07) and the Newton
 * subproblem without strict convexity (C14). Their experiments (src/experiments/) measure the
 * same on more cases; these tests pin the identities.
 */

import fc from "fast-check";
import { ok, strictEqual } from "node:assert/strict";
import {
  cg,
  classifyCriticalPoint,
  createRandom,
  damp,
  denseOperator,
  directSolve,
  gaussianMixture,
  matrixWithSpectrum,
  minimize,
  type MinimizeOptions,
  mlp,
  networkObjective,
  type Objective,
  quadraticObjective,
} from "@secondorder/harness";
import { check } from "../_helpers/assert.ts";
import { assertProperty } from "../_helpers/property.ts";
import { multiply, spdCase } from "../_helpers/matrices.ts";

const EPS = Number.EPSILON;

/** Run to the iteration budget: no gradient or value test stops a run early. */
const NO_EARLY_STOP = { gradientTolerance: Number.MIN_VALUE, valueTolerance: Number.MIN_VALUE };

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function distance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return Math.sqrt(s);
}

/**
 * One backward-stable solve leaves x₁ within about κ·ε of x*, relative to the distance
 * travelled, times a small multiple of n for the factorisation (the bound C01 uses).
 */
const oneSolve = (n: number, kappa: number) => 10 * n * kappa * EPS;

// C03.

Deno.test("C03: on a valley, gradient descent's stiff error component flips sign every step, while the Newton step has a smaller stiff share and lands on x*", () => {
  assertProperty(
    fc.property(
      fc.double({ min: 1, max: 4, noNaN: true }),
      fc.integer({ min: 0, max: 1_000_000 }),
      (log10Kappa, seed) => {
        const kappa = 10 ** log10Kappa;
        const { matrix, eigenvectors } = matrixWithSpectrum([1, kappa], { seed });
        const stiff = eigenvectors.map((row) => row[1]); // eigenvector of λmax = κ
        const b = createRandom(seed).fillNormal(new Float64Array(2));
        const f = quadraticObjective(matrix, { b: Array.from(b) });
        const target = directSolve(matrix, Array.from(b, (v) => -v)).x;
        const x0 = new Float64Array([target[0] + 1, target[1] - 1]);
        // Gradient descent at its best fixed rate α = 2/(λmin + λmax): the stiff component of
        // the error is multiplied by 1 − ακ = −(κ − 1)/(κ + 1) < 0 at every step.
        const alpha = 2 / (1 + kappa);
        let previous = dot(Array.from(x0, (v, i) => v - target[i]), stiff);
        for (let k = 1; k <= 6; k++) {
          const x = minimize(f, x0, {
            method: "gd",
            learningRate: alpha,
            maxIterations: k,
            ...NO_EARLY_STOP,
          }).x;
          const component = dot(Array.from(x, (v, i) => v - target[i]), stiff);
          check(
            Math.sign(component) === -Math.sign(previous),
            () => `κ ${kappa}, step ${k}: the stiff component ${component} kept its sign`,
          );
          previous = component;
        }
        // The gradient puts at least as much of its length along the stiff direction as the
        // Newton step −H⁻¹∇f = −(x₀ − x*) does: λmax²‖e‖² ≥ Σλᵢ²eᵢ² in the eigenbasis.
        const g = f.gradient(x0);
        const newtonStep = Array.from(x0, (v, i) => target[i] - v);
        const share = (v: ArrayLike<number>) => Math.abs(dot(v, stiff)) / Math.sqrt(dot(v, v));
        check(share(g) >= share(newtonStep) * (1 - 1e-12), () => `κ ${kappa}: shares`);
        // Pure Newton: one step to x*, no learning rate and no oscillation.
        const newton = minimize(f, x0, {
          method: "newton",
          solver: "direct",
          lineSearch: "none",
          fallback: "none",
          maxIterations: 1,
          ...NO_EARLY_STOP,
        });
        const error = distance(newton.x, target) / distance(x0, target);
        check(error <= oneSolve(2, kappa), () => `κ ${kappa}: Newton's error ${error}`);
      },
    ),
    40,
  );
});

// C04.

Deno.test("C04: one sweep of exact line searches along the Hessian's eigenvectors reaches the bottom of a positive definite quadratic", () => {
  assertProperty(
    fc.property(spdCase({ n: [2, 12], log10Kappa: [0, 6] }), (c) => {
      const f = quadraticObjective(c.matrix, { b: Array.from(c.b) });
      const target = directSolve(c.matrix, Array.from(c.b, (v) => -v)).x;
      const x0 = new Float64Array(c.n);
      const sweep = minimize(f, x0, {
        method: "eigen-line-search",
        maxIterations: 1,
        ...NO_EARLY_STOP,
      });
      strictEqual(sweep.iterations, 1);
      const error = distance(sweep.x, target) / distance(x0, target);
      check(error <= oneSolve(c.n, c.kappa), () => `${c}: error ${error} after one sweep`);
    }),
    40,
  );
});

// C06.

Deno.test("C06: after 50 Adam steps on note 000's classifier, undamped Newton meets an indefinite Hessian, raises the loss and fails; damped Newton and Levenberg-Marquardt decrease it", () => {
  const net = mlp({ sizes: [2, 3, 1], activation: "tanh", output: "sigmoid", loss: "logistic" });
  const undamped = { method: "newton", solver: "direct", lineSearch: "none", fallback: "none" };
  for (const seed of [1, 2, 3, 4]) {
    const f = networkObjective(net, gaussianMixture(seed));
    const adam = minimize(f, net.initialParameters(seed), {
      method: "adam",
      learningRate: 0.1,
      maxIterations: 50,
      ...NO_EARLY_STOP,
    });
    const xa = adam.x, fa = adam.value;
    const { inertia } = classifyCriticalPoint(f.hessian(xa));
    check(inertia.negative > 0, () => `seed ${seed}: H is not indefinite at the Adam point`);
    const oneStep = minimize(f, xa, { ...undamped, maxIterations: 1 } as MinimizeOptions);
    check(oneStep.value > fa, () => `seed ${seed}: the full Newton step did not raise f`);
    const run = minimize(f, xa, { ...undamped, maxIterations: 30 } as MinimizeOptions);
    strictEqual(run.success, false, `seed ${seed}: ${run.message}`);
    for (const method of ["newton", "levenberg-marquardt"] as const) {
      const damped = minimize(f, xa, { method, maxIterations: 200 });
      const values = damped.trace.map((row) => row.value);
      check(
        values.every((v, k) => k === 0 || v <= values[k - 1]),
        () => `seed ${seed}, ${method}: f rose`,
      );
      check(damped.value < fa, () => `seed ${seed}, ${method}: ${damped.value} ≥ ${fa}`);
    }
  }
});

// C07.

/** f(x, y) = x²/2 + y⁴/4 − y²/2: a saddle at the origin, minima at (0, ±1). */
function saddle(): Objective {
  const hessianAt = (p: Float64Array) => denseOperator([[1, 0], [0, 3 * p[1] ** 2 - 1]]);
  return {
    dim: 2,
    value: (p) => p[0] ** 2 / 2 + p[1] ** 4 / 4 - p[1] ** 2 / 2,
    gradient: (p, out = new Float64Array(2)) => {
      out[0] = p[0];
      out[1] = p[1] ** 3 - p[1];
      return out;
    },
    hessian: hessianAt,
  };
}

Deno.test("C07: pure Newton is attracted to the saddle of x²/2 + y⁴/4 − y²/2; saddle-free Newton and the trust region escape to a minimum", () => {
  const f = saddle();
  assertProperty(
    fc.property(
      fc.double({ min: -1, max: 1, noNaN: true }),
      fc.double({ min: 0.01, max: 0.3, noNaN: true }),
      fc.boolean(),
      (x, y, below) => {
        // Along y Newton maps y to 2y³/(3y² − 1): |y| ≤ 0.3 shrinks at least 10× per step, to 0.
        const start = new Float64Array([x, below ? -y : y]);
        const pure = minimize(f, start, {
          method: "newton",
          solver: "direct",
          lineSearch: "none",
          fallback: "none",
          maxIterations: 20,
          gradientTolerance: 1e-12,
        });
        ok(pure.success, pure.message);
        strictEqual(classifyCriticalPoint(f.hessian!(pure.x), f.gradient(pure.x)).kind, "saddle");
        check(Math.hypot(...pure.x) <= 1e-9, () => `pure Newton ended at ${pure.x}`);
        for (const method of ["saddle-free-newton", "trust-region"] as const) {
          const escaped = minimize(f, start, { method, maxIterations: 200 });
          const point = classifyCriticalPoint(f.hessian!(escaped.x), f.gradient(escaped.x));
          strictEqual(point.kind, "minimum", `${method} from (${x}, ${start[1]})`);
          check(
            Math.abs(Math.abs(escaped.x[1]) - 1) <= 1e-6 && Math.abs(escaped.x[0]) <= 1e-6,
            () => `${method} ended at ${escaped.x}, not at (0, ±1)`,
          );
        }
      },
    ),
    30,
  );
});

// C14.

Deno.test("C14: a singular positive semi-definite H has many Newton steps (b in its range) or none (b outside), and damping gives one that tends to the minimum-norm step", () => {
  assertProperty(
    fc.property(
      fc.integer({ min: 3, max: 10 }),
      fc.integer({ min: 0, max: 1_000_000 }),
      (n, seed) => {
        // H = Q·diag(0, 0, λ₃..λₙ)·Qᵀ with λᵢ in [1, 10]: a null space of dimension 2.
        const random = createRandom(seed);
        const eigenvalues = Array.from(
          { length: n },
          (_, i) => (i < 2 ? 0 : 1 + 9 * random.uniform()),
        );
        const { matrix, eigenvectors } = matrixWithSpectrum(eigenvalues, { seed });
        const column = (k: number) => eigenvectors.map((row) => row[k]);
        const z = random.fillNormal(new Float64Array(n));
        const b = multiply(matrix, z); // in the range
        strictEqual(directSolve(matrix, b).status, "singular");
        // Many solutions: CG from two starts that differ along the null space converges to two
        // points that both solve the system and differ by a null vector.
        const nullShift = column(0).map((v, i) => v + column(1)[i]);
        const first = cg(matrix, b, { rtol: 1e-12 });
        const second = cg(matrix, b, { rtol: 1e-12, x0: nullShift });
        ok(first.success && second.success, `${first.status}, ${second.status}`);
        const gap = first.x.map((v, i) => v - second.x[i]);
        check(Math.hypot(...gap) >= 0.5, () => `the two solutions coincide`);
        const Hgap = multiply(matrix, gap);
        check(
          Math.hypot(...Hgap) <= 1e-10 * Math.hypot(...b),
          () => `the gap is not a null vector`,
        );
        // No solution: with b outside the range, CG may not report convergence.
        const outside = b.map((v, i) => v + column(0)[i]);
        strictEqual(cg(matrix, outside, { rtol: 1e-8 }).success, false);
        // Damping: H + λI is positive definite for every λ > 0, and d_λ differs from the
        // minimum-norm solution d⁺ = Σ_{λᵢ>0} (qᵢᵀb/λᵢ)·qᵢ by Σ (qᵢᵀb)·λ/(λᵢ(λᵢ + λ))·qᵢ, at most
        // λ·‖b‖/λ₃², plus the rounding of one solve (about κ(H + λI)·ε·‖d⁺‖).
        const minNorm = new Float64Array(n);
        for (let k = 2; k < n; k++) {
          const q = column(k), c = dot(q, b) / eigenvalues[k];
          for (let i = 0; i < n; i++) minNorm[i] += c * q[i];
        }
        const smallest = Math.min(...eigenvalues.slice(2));
        for (const lambda of [1e-2, 1e-4, 1e-6]) {
          const solved = directSolve(damp(denseOperator(matrix), lambda), b);
          strictEqual(solved.status, "solved");
          const error = distance(solved.x, minNorm);
          const bound = (lambda * Math.hypot(...b)) / smallest ** 2 +
            10 * n * (10 / lambda) * EPS * Math.hypot(...minNorm);
          check(error <= bound, () => `λ ${lambda}: ‖d_λ − d⁺‖ = ${error} > ${bound}`);
        }
      },
    ),
    40,
  );
});
