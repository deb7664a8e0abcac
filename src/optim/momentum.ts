/**
 * Gradient descent with (heavy-ball) momentum, in note 004's form:
 *
 *   p ← μ·p − α·∇f(θ),   θ ← θ + p.
 *
 * Under a constant gradient g the velocity p tends to the terminal velocity −α/(1 − μ)·g.
 *
 * @module
 */

import type { Optimizer } from "./types.ts";
import { OptionReader } from "./options.ts";
import { norm2 } from "../linalg/vector.ts";

/** Options of momentum. */
export interface MomentumOptions {
  /** The learning rate α. Default 0.01. */
  learningRate?: number;
  /** The momentum μ ∈ [0, 1) (damping of the velocity). Default 0.9. */
  momentum?: number;
}

/** The option names of momentum. */
export const MOMENTUM_OPTIONS: readonly string[] = ["learningRate", "momentum"];

/** The state of momentum: the velocity p. */
export interface MomentumState {
  /** The velocity p. */
  velocity: Float64Array;
}

/** Gradient descent with heavy-ball momentum. */
export function momentum(options: MomentumOptions = {}): Optimizer<MomentumState> {
  const read = new OptionReader("momentum", options);
  const learningRate = read.positive("learningRate", 0.01);
  const mu = read.number("momentum", 0.9, { min: 0, max: 1, exclusiveMax: true });
  return {
    name: "momentum",
    needs: [],
    monotone: false,
    evaluatesOnlyNewPoint: true,
    init: (x0) => ({ velocity: new Float64Array(x0.length) }),
    step(x, _value, gradient, state, objective) {
      const velocity = state.velocity.slice();
      const next = new Float64Array(x.length);
      for (let i = 0; i < x.length; i++) {
        velocity[i] = mu * velocity[i] - learningRate * gradient[i];
        next[i] = x[i] + velocity[i];
      }
      const evaluated = objective.valueAndGradient(next);
      return {
        x: next,
        value: evaluated.value,
        gradient: evaluated.gradient,
        state: { velocity },
        info: { stepLength: norm2(velocity), alpha: learningRate },
      };
    },
  };
}
