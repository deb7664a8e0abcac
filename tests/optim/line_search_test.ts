/**
 * The line searches the optimisers share: Armijo backtracking (note 001's sufficient-decrease
 * rule with ν), the strong-Wolfe search of the quasi-Newton methods, and the exact step on a
 * quadratic. Each is checked against the conditions it promises, on Rosenbrock functions at
 * random points along random descent directions.
 */

import fc from "fast-check";
import {
  createRandom,
  matrixWithSpectrum,
  quadraticObjective,
  rosenbrock,
} from "@secondorder/harness";
import {
  armijoBacktracking,
  exactQuadraticStep,
  strongWolfe,
} from "../../src/optim/line_search.ts";
import { assertClose, check } from "../_helpers/assert.ts";
import { assertProperty } from "../_helpers/property.ts";

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

/** A Rosenbrock function at a random point with a random descent direction. */
const descentCase = fc.record({
  n: fc.integer({ min: 2, max: 8 }),
  seed: fc.integer({ min: 0, max: 0x7fffffff }),
}).map(({ n, seed }) => {
  const random = createRandom(seed);
  const f = rosenbrock(n);
  const x = Float64Array.from({ length: n }, () => 2 * random.normal());
  const g = f.gradient(x);
  // A random direction, flipped if needed so that it descends: ∇fᵀd < 0.
  const d = random.fillNormal(new Float64Array(n));
  if (dot(g, d) > 0) { for (let i = 0; i < n; i++) d[i] = -d[i]; }
  const at = (alpha: number) => x.map((v, i) => v + alpha * d[i]);
  return {
    n,
    seed,
    value0: f.value(x),
    slope0: dot(g, d),
    valueAt: (alpha: number) => f.value(at(alpha)),
    phi: (alpha: number) => ({ value: f.value(at(alpha)), slope: dot(f.gradient(at(alpha)), d) }),
    toString: () => `Rosenbrock(n ${n}, seed ${seed})`,
  };
});

Deno.test("armijoBacktracking() returns the first α = α₀·ρᵏ with f(θ + αd) < f(θ) + ν·α·∇fᵀd (C10)", () => {
  assertProperty(
    fc.property(
      descentCase,
      fc.constantFrom(1e-4, 0.1, 0.5),
      fc.constantFrom(0.5, 0.1),
      (c, nu, shrink) => {
        if (!(c.slope0 < 0)) return; // a zero gradient: no descent direction to test
        const tried: number[] = [];
        const result = armijoBacktracking(
          (alpha) => {
            tried.push(alpha);
            return c.valueAt(alpha);
          },
          c.value0,
          c.slope0,
          { nu, shrink, maxReductions: 200 },
        );
        // A descent direction of a smooth function: finitely many reductions suffice.
        check(result.status === "ok", () => `${c}: status ${result.status}`);
        check(
          result.value < c.value0 + nu * result.alpha * c.slope0,
          () => `${c}: accepted α = ${result.alpha} misses sufficient decrease`,
        );
        check(tried.length === result.evaluations, () => `${c}: evaluations miscounted`);
        // Every α tried before was rejected, and the α's are 1, ρ, ρ², ... (each the previous
        // one times ρ, as the search computes them).
        let expected = 1;
        tried.forEach((alpha, k) => {
          check(alpha === expected, () => `${c}: trial ${k} is ${alpha}, expected ρ^${k}`);
          expected *= shrink;
          if (k < tried.length - 1) {
            check(
              !(c.valueAt(alpha) < c.value0 + nu * alpha * c.slope0),
              () => `${c}: α = ${alpha} satisfied Armijo but was rejected`,
            );
          }
        });
      },
    ),
    80,
  );
});

Deno.test("armijoBacktracking() reports a non-descent direction and an exhausted search as statuses", () => {
  const f = (alpha: number) => (alpha - 1) ** 2;
  const ascent = armijoBacktracking(f, 1, 2);
  check(ascent.status === "not-descent" && ascent.evaluations === 0, () => ascent.status);
  // A slope that lies (f grows along d although the slope says −2): no α passes.
  const lying = armijoBacktracking((alpha) => 1 + alpha, 1, -2, { maxReductions: 7 });
  check(lying.status === "failed" && lying.evaluations === 8, () => JSON.stringify(lying));
  // A trial value of NaN is no decrease, never an accepted step.
  const nan = armijoBacktracking((alpha) => (alpha > 0.2 ? NaN : 1 - alpha), 1, -1);
  check(nan.status === "ok" && nan.alpha === 0.125, () => JSON.stringify(nan));
});

Deno.test("strongWolfe() returns α with sufficient decrease and |φ′(α)| ≤ c₂|φ′(0)|", () => {
  assertProperty(
    fc.property(descentCase, fc.constantFrom(0.9, 0.5, 0.1), (c, c2) => {
      if (!(c.slope0 < 0)) return;
      const c1 = 1e-4;
      const result = strongWolfe(c.phi, c.value0, c.slope0, { c1, c2, maxEvaluations: 60 });
      check(result.status === "ok", () => `${c}, c₂ ${c2}: status ${result.status}`);
      const { value, slope } = c.phi(result.alpha);
      check(
        value <= c.value0 + c1 * result.alpha * c.slope0,
        () => `${c}: α = ${result.alpha} misses sufficient decrease`,
      );
      check(
        Math.abs(slope) <= -c2 * c.slope0,
        () => `${c}, c₂ ${c2}: |φ′(α)| = ${Math.abs(slope)} > ${-c2 * c.slope0}`,
      );
      // The record reports φ and φ′ at the α it returns.
      check(result.value === value && result.slope === slope, () => `${c}: stale φ or φ′`);
    }),
    80,
  );
});

Deno.test("strongWolfe() with lazy slopes asks for φ′ only where sufficient decrease holds, and still meets both conditions", () => {
  assertProperty(
    fc.property(descentCase, fc.constantFrom(0.9, 0.5, 0.1), (c, c2) => {
      if (!(c.slope0 < 0)) return;
      const c1 = 1e-4;
      let slopeCalls = 0, wastedSlopes = 0;
      const result = strongWolfe(
        (alpha) => {
          const { value, slope } = c.phi(alpha);
          return {
            value,
            slope: () => {
              slopeCalls++;
              if (value > c.value0 + c1 * alpha * c.slope0) wastedSlopes++;
              return slope;
            },
          };
        },
        c.value0,
        c.slope0,
        { c1, c2, maxEvaluations: 60 },
      );
      check(result.status === "ok", () => `${c}, c₂ ${c2}: status ${result.status}`);
      const { value, slope } = c.phi(result.alpha);
      check(value <= c.value0 + c1 * result.alpha * c.slope0, () => `${c}: no decrease`);
      check(Math.abs(slope) <= -c2 * c.slope0, () => `${c}: curvature condition`);
      check(wastedSlopes === 0, () => `${c}: ${wastedSlopes} slopes at rejected trials`);
      check(slopeCalls <= result.evaluations, () => `${c}: ${slopeCalls} slope calls`);
    }),
    80,
  );
});

Deno.test("strongWolfe() brackets a minimiser far beyond α = 1 by doubling, and reports non-descent", () => {
  // φ(α) = (α − 40)², φ′(0) = −80: the Wolfe points lie near α = 40.
  const phi = (alpha: number) => ({ value: (alpha - 40) ** 2, slope: 2 * (alpha - 40) });
  const result = strongWolfe(phi, 1600, -80, { c2: 0.1 });
  check(
    result.status === "ok" && Math.abs(result.alpha - 40) <= 0.1 * 40,
    () => `α = ${result.alpha}`,
  );
  const ascent = strongWolfe(phi, 1600, 3);
  check(ascent.status === "not-descent" && ascent.evaluations === 0, () => ascent.status);
});

Deno.test("exactQuadraticStep(): α = −gᵀd/dᵀAd zeroes the directional derivative on a quadratic", () => {
  assertProperty(
    fc.property(
      fc.integer({ min: 1, max: 10 }),
      fc.integer({ min: 0, max: 0x7fffffff }),
      (n, seed) => {
        const random = createRandom(seed);
        const eigenvalues = Array.from({ length: n }, () => 10 ** (2 * random.uniform() - 1));
        const { matrix } = matrixWithSpectrum(eigenvalues, { seed });
        const f = quadraticObjective(matrix, { b: eigenvalues.map(() => random.normal()) });
        const x = random.fillNormal(new Float64Array(n));
        const d = random.fillNormal(new Float64Array(n));
        const g = f.gradient(x);
        const Ad = f.hessian(x).matvec(d);
        const alpha = exactQuadraticStep(dot(g, d), dot(d, Ad));
        const xAlpha = x.map((v, i) => v + alpha * d[i]);
        const slope = dot(f.gradient(xAlpha), d);
        // φ′(α) = ∇f(θ + αd)ᵀd is zero in exact arithmetic. The gradient Ax + b at the new
        // point carries n·ε·(λmax‖x_α‖ + ‖b‖) rounding per entry, which dᵀ(·) scales by ‖d‖,
        // and α's own relative rounding moves φ′ by n·ε·|gᵀd|. The worst of 200,000 measured
        // cases used 1.8 of that bound; 16 leaves room.
        const rounding = n * 2 ** -52 *
          ((Math.max(...eigenvalues) * Math.hypot(...xAlpha) + Math.hypot(...f.b)) *
              Math.hypot(...d) + Math.abs(dot(g, d)));
        assertClose(slope, 0, { atol: 16 * rounding }, `φ′(α) (n ${n}, seed ${seed})`);
      },
    ),
    60,
  );
  check(Number.isNaN(exactQuadraticStep(-1, 0)), () => "zero curvature must give NaN");
  check(Number.isNaN(exactQuadraticStep(-1, -2)), () => "negative curvature must give NaN");
});
