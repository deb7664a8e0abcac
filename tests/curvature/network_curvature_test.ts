/**
 * Property tests of the curvature identities of MLP objectives, over random architectures
 * (depth 1–3, widths 1–8, every activation and output-loss pair), data and points. Each
 * product is compared with an independent oracle: the hyper-dual reference network (exact)
 * or finite differences (approximate).
 */

import fc from "fast-check";
import {
  denseGaussNewton,
  directionalDerivative,
  exactDenseHessian,
  finiteDifferenceGradient,
  networkObjective,
  secondDirectionalDerivative,
  toDense,
} from "@secondorder/harness";
import { assertCloseScaled, check } from "../_helpers/assert.ts";
import { assertProperty } from "../_helpers/property.ts";
import { ACTIVATION_LIST, HEADS, networkCase, normalVector } from "../_helpers/arbitraries.ts";

/**
 * Two exact computations of the same quantity (the batched R-operator passes and the
 * hyper-dual reference network) differ only by rounding. Measured worst case over 200 random
 * cases: 5e-15 relative to the matrix's largest entry. 1e-12 leaves a 200× margin and still
 * catches any wrong term, which shows up at O(1).
 */
const EXACT = 1e-12;

/**
 * Central differences at h = ε^{1/3}·max(1, |xᵢ|) are accurate to about ε^{2/3} ≈ 4e-11 times
 * the scale of the third derivatives (measured worst case 1.6e-10 relative). 1e-6 covers third
 * derivatives up to 10⁴× the gradient's scale.
 */
const FINITE_DIFFERENCE = 1e-6;

/** Smooth activations: finite differences are valid (no kink within a step). */
const SMOOTH = ACTIVATION_LIST.filter((a) => a !== "relu");

function dotProduct(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function maxAbs(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i]));
  return m;
}

Deno.test("gradient() matches central differences of value()", () => {
  assertProperty(
    fc.property(networkCase({ activations: SMOOTH }), ({ objective, x, description }) => {
      const g = objective.gradient(x);
      const fd = finiteDifferenceGradient(objective, x);
      assertCloseScaled(g, fd, FINITE_DIFFERENCE, description);
    }),
    40,
  );
});

Deno.test("gradient() matches the exact directional derivative ∇fᵀu (all activations, ReLU too)", () => {
  assertProperty(
    fc.property(networkCase(), ({ objective, x, seed, description }) => {
      const u = normalVector(seed + 1, objective.dim);
      const g = objective.gradient(x);
      const exact = directionalDerivative(objective, x, u);
      const scale = Math.max(1, maxAbs(g) * maxAbs(u) * objective.dim);
      assertCloseScaled(dotProduct(g, u), exact, EXACT * scale, description);
    }),
    60,
  );
});

Deno.test("hessian().matvec(eⱼ) matches the exact dense Hessian's column j", () => {
  // The hyper-dual dense Hessian costs n(n+1)/2 passes: keep the networks small.
  assertProperty(
    fc.property(networkCase({ depth: [1, 2], width: [1, 5] }), ({ objective, x, description }) => {
      const H = toDense(objective.hessian(x));
      const exact = exactDenseHessian(objective, x);
      assertCloseScaled(H, exact, EXACT, description);
    }),
    30,
  );
});

Deno.test("uᵀ(Hv) equals the exact second directional derivative uᵀ∇²f v", () => {
  assertProperty(
    fc.property(networkCase(), ({ objective, x, seed, description }) => {
      const u = normalVector(seed + 1, objective.dim);
      const v = normalVector(seed + 2, objective.dim);
      const Hv = objective.hessian(x).matvec(v);
      const exact = secondDirectionalDerivative(objective, x, u, v);
      const scale = Math.max(1, maxAbs(Hv) * maxAbs(u) * objective.dim);
      assertCloseScaled(dotProduct(u, Hv), exact, EXACT * scale, description);
    }),
    60,
  );
});

Deno.test("hessian().matvec(v) matches central differences of the gradient along v", () => {
  assertProperty(
    fc.property(networkCase({ activations: SMOOTH }), ({ objective, x, seed, description }) => {
      const v = normalVector(seed + 3, objective.dim);
      const Hv = objective.hessian(x).matvec(v);
      const h = Math.cbrt(2 ** -52) * Math.max(1, maxAbs(x)) / Math.max(1, maxAbs(v));
      const up = x.map((xi, i) => xi + h * v[i]);
      const down = x.map((xi, i) => xi - h * v[i]);
      const gUp = objective.gradient(up), gDown = objective.gradient(down);
      const fd = gUp.map((g, i) => (g - gDown[i]) / (2 * h));
      assertCloseScaled(Hv, fd, FINITE_DIFFERENCE * Math.max(1, maxAbs(v)), description);
    }),
    40,
  );
});

Deno.test("the Hessian is symmetric to rounding: |Hᵢⱼ − Hⱼᵢ| ≤ 1e-12·max|H| (C02)", () => {
  assertProperty(
    fc.property(networkCase(), ({ objective, x, description }) => {
      const H = toDense(objective.hessian(x));
      const transposed = H.map((row, i) => row.map((_, j) => H[j][i]));
      assertCloseScaled(H, transposed, EXACT, description);
    }),
    40,
  );
});

Deno.test("gaussNewton() equals the dense G = I/C + (1/I)·Σ JᵢᵀBᵢJᵢ from explicit Jacobians", () => {
  assertProperty(
    fc.property(networkCase({ depth: [1, 2], width: [1, 6] }), ({ objective, x, description }) => {
      const G = toDense(objective.gaussNewton(x));
      const reference = denseGaussNewton(objective, x);
      assertCloseScaled(G, reference, EXACT, description);
    }),
    40,
  );
});

Deno.test("gaussNewton() is positive semi-definite: vᵀGv ≥ 0, and vᵀGv ≥ ‖v‖²/C with a regulariser (C13)", () => {
  assertProperty(
    fc.property(networkCase(), ({ objective, x, seed, description }) => {
      const G = objective.gaussNewton(x);
      const v = normalVector(seed + 4, objective.dim);
      const Gv = G.matvec(v);
      const vGv = dotProduct(v, Gv);
      const vv = dotProduct(v, v);
      const floor = objective.C === undefined ? 0 : vv / objective.C;
      // vᵀGv − ‖v‖²/C = (1/I)Σ (Jv)ᵀB(Jv) ≥ 0 exactly; allow rounding of the sum.
      const rounding = EXACT * Math.max(1, maxAbs(Gv) * maxAbs(v) * objective.dim);
      check(vGv >= floor - rounding, () => `${description}: vᵀGv = ${vGv} < ${floor}`);
    }),
    100,
  );
});

Deno.test("H = G exactly for a network with no hidden layer (linear or logistic regression)", () => {
  const matched = HEADS.filter((h) =>
    (h.output === "identity" && h.loss === "squared") || h.loss !== "squared"
  );
  assertProperty(
    fc.property(
      networkCase({ depth: [0, 0], heads: matched }),
      ({ objective, x, description }) => {
        const H = toDense(objective.hessian(x));
        const G = toDense(objective.gaussNewton(x));
        assertCloseScaled(H, G, EXACT, description);
      },
    ),
    60,
  );
});

Deno.test("with the squared loss and targets equal to the outputs, H = G", () => {
  const squared = HEADS.filter((h) => h.loss === "squared");
  assertProperty(
    fc.property(networkCase({ heads: squared }), ({ network, objective, x, description }) => {
      const inputs: number[][] = [];
      const n0 = network.sizes[0];
      for (let r = 0; r < objective.samples; r++) {
        inputs.push(Array.from(objective.data.inputs.subarray(r * n0, (r + 1) * n0)));
      }
      const targets = network.predict(x, inputs);
      const C = objective.C;
      const fitted = networkObjective(network, { inputs, targets }, C === undefined ? {} : { C });
      const H = toDense(fitted.hessian(x));
      const G = toDense(fitted.gaussNewton(x));
      assertCloseScaled(H, G, EXACT, description);
    }),
    60,
  );
});

Deno.test("jvp and vjp are adjoint: ⟨u, Jv⟩ = ⟨Jᵀu, v⟩", () => {
  assertProperty(
    fc.property(networkCase(), ({ network, objective, x, seed, description }) => {
      const k = network.sizes[network.sizes.length - 1];
      const v = normalVector(seed + 5, objective.dim);
      const u = normalVector(seed + 6, objective.samples * k);
      const Jv = objective.jvp(x, v);
      const JTu = objective.vjp(x, u);
      const left = dotProduct(u, Jv), right = dotProduct(JTu, v);
      const scale = Math.max(
        1,
        maxAbs(Jv) * maxAbs(u) * u.length,
        maxAbs(JTu) * maxAbs(v) * v.length,
      );
      assertCloseScaled(left, right, EXACT * scale, description);
    }),
    60,
  );
});
