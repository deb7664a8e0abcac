/**
 * Adam (Kingma and Ba, 2015): moving averages of the gradient and of its square, with bias
 * correction,
 *
 *   m ← β₁m + (1 − β₁)g,   v ← β₂v + (1 − β₂)g²,
 *   m̂ = m/(1 − β₁ᵗ),  v̂ = v/(1 − β₂ᵗ),   θ ← θ − α·m̂/(√v̂ + ε).
 *
 * @module
 */

import type { Optimizer } from "./types.ts";
import { OptionReader } from "./options.ts";
import { norm2 } from "../linalg/vector.ts";

/** Options of Adam. */
export interface AdamOptions {
  /** The learning rate α. Default 0.001. */
  learningRate?: number;
  /** β₁, decay of the first moment. Default 0.9. */
  beta1?: number;
  /** β₂, decay of the second moment. Default 0.999. */
  beta2?: number;
  /** ε added to √v̂. Default 1e-8. */
  epsilon?: number;
}

/** The option names of Adam. */
export const ADAM_OPTIONS: readonly string[] = ["learningRate", "beta1", "beta2", "epsilon"];

/** The state of Adam. */
export interface AdamState {
  /** First moment m. */
  m: Float64Array;
  /** Second moment v. */
  v: Float64Array;
  /** Steps taken t. */
  t: number;
}

/** Adam. */
export function adam(options: AdamOptions = {}): Optimizer<AdamState> {
  const read = new OptionReader("adam", options);
  const learningRate = read.positive("learningRate", 0.001);
  const beta1 = read.number("beta1", 0.9, { min: 0, max: 1, exclusiveMax: true });
  const beta2 = read.number("beta2", 0.999, { min: 0, max: 1, exclusiveMax: true });
  const epsilon = read.positive("epsilon", 1e-8);
  return {
    name: "adam",
    needs: [],
    monotone: false,
    evaluatesOnlyNewPoint: true,
    init: (x0) => ({ m: new Float64Array(x0.length), v: new Float64Array(x0.length), t: 0 }),
    step(x, _value, gradient, state, objective) {
      const t = state.t + 1;
      const m = state.m.slice(), v = state.v.slice();
      const correction1 = 1 - beta1 ** t, correction2 = 1 - beta2 ** t;
      const next = new Float64Array(x.length);
      const step = new Float64Array(x.length);
      for (let i = 0; i < x.length; i++) {
        const g = gradient[i];
        m[i] = beta1 * m[i] + (1 - beta1) * g;
        v[i] = beta2 * v[i] + (1 - beta2) * g * g;
        step[i] = learningRate * (m[i] / correction1) / (Math.sqrt(v[i] / correction2) + epsilon);
        next[i] = x[i] - step[i];
      }
      const evaluated = objective.valueAndGradient(next);
      return {
        x: next,
        value: evaluated.value,
        gradient: evaluated.gradient,
        state: { m, v, t },
        info: { stepLength: norm2(step), alpha: learningRate },
      };
    },
  };
}
