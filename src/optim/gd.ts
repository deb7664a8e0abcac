/**
 * Gradient descent: θₖ₊₁ = θₖ − α·∇f(θₖ), with a fixed learning rate α (the rule note 004
 * analyses) or, optionally, α from Armijo backtracking.
 *
 * @module
 */

import type { Optimizer } from "./types.ts";
import { OptionReader } from "./options.ts";
import { armijoBacktracking } from "./line_search.ts";
import { dot } from "../linalg/vector.ts";

/** Options of gradient descent. */
export interface GdOptions {
  /** The learning rate α. Default 0.01. */
  learningRate?: number;
  /** `"none"`: always step by α (default). `"armijo"`: backtrack from α until f decreases enough. */
  lineSearch?: "none" | "armijo";
}

/** The option names of gradient descent. */
export const GD_OPTIONS: readonly string[] = ["learningRate", "lineSearch"];

/** Gradient descent. */
export function gd(options: GdOptions = {}): Optimizer<null> {
  const read = new OptionReader("gd", options);
  const learningRate = read.positive("learningRate", 0.01);
  const lineSearch = read.choice("lineSearch", ["none", "armijo"] as const, "none");
  return {
    name: "gd",
    needs: [],
    monotone: lineSearch === "armijo",
    evaluatesOnlyNewPoint: lineSearch === "none",
    init: () => null,
    step(x, value, gradient, state, objective) {
      let alpha = learningRate;
      if (lineSearch === "armijo") {
        const trial = new Float64Array(x.length);
        const search = armijoBacktracking(
          (a) => {
            for (let i = 0; i < x.length; i++) trial[i] = x[i] - a * gradient[i];
            return objective.value(trial);
          },
          value,
          -dot(gradient, gradient),
          { initialStep: learningRate },
        );
        if (search.status !== "ok") {
          return {
            x,
            value,
            gradient,
            state,
            info: {
              stepLength: 0,
              failure: "line-search-failed",
              note: "Armijo backtracking found no decrease",
            },
          };
        }
        alpha = search.alpha;
      }
      const next = new Float64Array(x.length);
      for (let i = 0; i < x.length; i++) next[i] = x[i] - alpha * gradient[i];
      const evaluated = objective.valueAndGradient(next);
      return {
        x: next,
        value: evaluated.value,
        gradient: evaluated.gradient,
        state,
        info: { stepLength: alpha * Math.sqrt(dot(gradient, gradient)), alpha },
      };
    },
  };
}
