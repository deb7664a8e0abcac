/**
 * L-BFGS (Nocedal 1980; Nocedal and Wright, Algorithm 7.4): BFGS with the inverse Hessian kept
 * implicitly as the last m pairs (sᵢ, yᵢ), applied by the two-loop recursion with initial
 * scaling γₖ = sᵀy/yᵀy, and a strong-Wolfe line search. Pairs with yᵀs not safely positive are
 * not stored.
 *
 * @module
 */

import type { Optimizer } from "./types.ts";
import { OptionReader } from "./options.ts";
import { lineSearchFailure, quasiNewtonStep, secantPair } from "./bfgs.ts";
import { dot } from "../linalg/vector.ts";

/** Options of L-BFGS. */
export interface LbfgsOptions {
  /** Pairs (s, y) kept, m. Default 10. */
  memory?: number;
}

/** The option names of L-BFGS. */
export const LBFGS_OPTIONS: readonly string[] = ["memory"];

/** The state of L-BFGS: the stored pairs, newest last. */
export interface LbfgsState {
  /** Steps sᵢ. */
  s: Float64Array[];
  /** Gradient changes yᵢ. */
  y: Float64Array[];
}

/** −H·g by the two-loop recursion. */
function twoLoop(g: Float64Array, s: Float64Array[], y: Float64Array[]): Float64Array {
  const m = s.length;
  const q = g.slice();
  const alpha = new Float64Array(m);
  for (let i = m - 1; i >= 0; i--) {
    alpha[i] = dot(s[i], q) / dot(y[i], s[i]);
    for (let j = 0; j < q.length; j++) q[j] -= alpha[i] * y[i][j];
  }
  const gamma = m > 0 ? dot(s[m - 1], y[m - 1]) / dot(y[m - 1], y[m - 1]) : 1;
  for (let j = 0; j < q.length; j++) q[j] *= gamma;
  for (let i = 0; i < m; i++) {
    const beta = dot(y[i], q) / dot(y[i], s[i]);
    for (let j = 0; j < q.length; j++) q[j] += (alpha[i] - beta) * s[i][j];
  }
  for (let j = 0; j < q.length; j++) q[j] = -q[j];
  return q;
}

/** L-BFGS. */
export function lbfgs(options: LbfgsOptions = {}): Optimizer<LbfgsState> {
  const read = new OptionReader("lbfgs", options);
  const memory = read.integer("memory", 10, 1, 1000);
  return {
    name: "lbfgs",
    needs: [],
    init: () => ({ s: [], y: [] }),
    step(x, value, gradient, state, objective) {
      const direction = twoLoop(gradient, state.s, state.y);
      const found = quasiNewtonStep(objective, x, value, gradient, direction, false);
      if (!found) return lineSearchFailure(x, value, gradient, state);
      const { s, y, curved } = secantPair(x, gradient, found);
      let pairs = state;
      if (curved) {
        pairs = { s: [...state.s, s].slice(-memory), y: [...state.y, y].slice(-memory) };
      }
      return {
        x: found.x,
        value: found.value,
        gradient: found.gradient,
        state: pairs,
        info: { stepLength: Math.sqrt(dot(s, s)), alpha: found.alpha },
      };
    },
  };
}
