/**
 * The numerically stable scalar functions behind the heads, validated for callers of the
 * library: finite for every finite argument (and for ±Infinity where the limit exists),
 * including arguments of ±1000 where the naive formulas overflow.
 *
 * @module
 */

import {
  logSumExp as logSumExpKernel,
  sigmoid as sigmoidKernel,
  softplus as softplusKernel,
} from "./activations.ts";
import { finiteVector } from "../validate.ts";

function argument(where: string, z: unknown): number {
  if (typeof z !== "number") {
    throw new TypeError(`Cannot ${where}: z is ${typeof z}, expected a number`);
  }
  if (!Number.isFinite(z)) {
    throw new RangeError(`Cannot ${where}: z is ${z}, expected a finite number`);
  }
  return z;
}

/**
 * The logistic function σ(z) = 1/(1 + e^{−z}), without overflow for any z.
 *
 * @example
 * ```ts
 * import { sigmoid } from "@secondorder/harness";
 * if (sigmoid(0) !== 0.5 || sigmoid(-1000) !== 0 || sigmoid(1000) !== 1) throw new Error();
 * ```
 */
export function sigmoid(z: number): number {
  return sigmoidKernel(argument("compute sigmoid", z));
}

/**
 * softplus(z) = log(1 + e^z), without overflow for any z.
 *
 * @example
 * ```ts
 * import { softplus } from "@secondorder/harness";
 * if (softplus(1000) !== 1000 || softplus(-1000) !== 0) throw new Error();
 * ```
 */
export function softplus(z: number): number {
  return softplusKernel(argument("compute softplus", z));
}

/**
 * log σ(z) = −softplus(−z), finite for z = −1000 (where log(σ(z)) would be log 0).
 *
 * @example
 * ```ts
 * import { logSigmoid } from "@secondorder/harness";
 * if (logSigmoid(-1000) !== -1000) throw new Error();
 * ```
 */
export function logSigmoid(z: number): number {
  return -softplusKernel(-argument("compute log-sigmoid", z));
}

/**
 * log Σₖ exp(zₖ) of a non-empty finite vector, shifted by the maximum so that it never
 * overflows (finite for entries of ±1000).
 *
 * @example
 * ```ts
 * import { logSumExp } from "@secondorder/harness";
 * if (Math.abs(logSumExp([1000, 1000]) - (1000 + Math.LN2)) > 1e-12) throw new Error();
 * ```
 */
export function logSumExp(z: ArrayLike<number>): number {
  const values = finiteVector("compute log-sum-exp", "z", z);
  if (values.length === 0) {
    throw new RangeError("Cannot compute log-sum-exp: z is empty, expected at least one entry");
  }
  return logSumExpKernel(values);
}
