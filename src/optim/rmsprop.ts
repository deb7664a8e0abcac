/**
 * RMSprop, in note 004's form: an exponential moving average of each coordinate's squared
 * gradient rescales that coordinate,
 *
 *   sⱼ ← (1 − γ)·sⱼ + γ·(∂f/∂θⱼ)²,   θⱼ ← θⱼ − α/√(sⱼ + ε) · ∂f/∂θⱼ.
 *
 * When the Hessian's eigenvectors are the coordinate axes this corrects for curvature.
 *
 * @module
 */

import type { Optimizer } from "./types.ts";
import { OptionReader } from "./options.ts";
import { norm2 } from "../linalg/vector.ts";

/** Options of RMSprop. */
export interface RmspropOptions {
  /** The learning rate α. Default 0.001. */
  learningRate?: number;
  /** γ, the weight of the newest squared gradient in the average (decay 1 − γ). Default 0.1. */
  gamma?: number;
  /** ε under the square root. Default 1e-8. */
  epsilon?: number;
}

/** The option names of RMSprop. */
export const RMSPROP_OPTIONS: readonly string[] = ["learningRate", "gamma", "epsilon"];

/** The state of RMSprop: the moving average s of squared gradients. */
export interface RmspropState {
  /** The moving average sⱼ of each coordinate's squared gradient. */
  meanSquare: Float64Array;
}

/** RMSprop. */
export function rmsprop(options: RmspropOptions = {}): Optimizer<RmspropState> {
  const read = new OptionReader("rmsprop", options);
  const learningRate = read.positive("learningRate", 0.001);
  const gamma = read.number("gamma", 0.1, { min: 0, max: 1, exclusiveMin: true });
  const epsilon = read.positive("epsilon", 1e-8);
  return {
    name: "rmsprop",
    needs: [],
    monotone: false,
    evaluatesOnlyNewPoint: true,
    init: (x0) => ({ meanSquare: new Float64Array(x0.length) }),
    step(x, _value, gradient, state, objective) {
      const meanSquare = state.meanSquare.slice();
      const next = new Float64Array(x.length);
      const step = new Float64Array(x.length);
      for (let j = 0; j < x.length; j++) {
        meanSquare[j] = (1 - gamma) * meanSquare[j] + gamma * gradient[j] * gradient[j];
        step[j] = (learningRate / Math.sqrt(meanSquare[j] + epsilon)) * gradient[j];
        next[j] = x[j] - step[j];
      }
      const evaluated = objective.valueAndGradient(next);
      return {
        x: next,
        value: evaluated.value,
        gradient: evaluated.gradient,
        state: { meanSquare },
        info: { stepLength: norm2(step), alpha: learningRate },
      };
    },
  };
}
