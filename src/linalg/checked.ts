/**
 * Validated vector utilities for callers of the library. The kernels in `vector.ts` check
 * nothing, for speed inside solvers; these check their arguments once and never return NaN.
 *
 * @module
 */

import {
  cosine,
  dot as dotKernel,
  norm2 as norm2Kernel,
  relativeError as relativeErrorKernel,
} from "./vector.ts";
import { finiteVector } from "../validate.ts";

function pair(
  where: string,
  x: ArrayLike<number>,
  y: ArrayLike<number>,
): [Float64Array, Float64Array] {
  const a = finiteVector(where, "x", x);
  const b = finiteVector(where, "y", y, a.length, " (the length of x)");
  return [a, b];
}

/**
 * The dot product xᵀy of two finite vectors of equal length.
 *
 * @example
 * ```ts
 * import { dot } from "@secondorder/harness";
 * if (dot([1, 2, 3], [4, 5, 6]) !== 32) throw new Error("unexpected");
 * ```
 */
export function dot(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const [a, b] = pair("compute the dot product", x, y);
  return dotKernel(a, b);
}

/**
 * The Euclidean norm ‖x‖₂ of a finite vector, without overflow for entries near 1e300.
 *
 * @example
 * ```ts
 * import { norm2 } from "@secondorder/harness";
 * if (norm2([3, 4]) !== 5 || norm2([3e300, 4e300]) !== 5e300) throw new Error("unexpected");
 * ```
 */
export function norm2(x: ArrayLike<number>): number {
  return norm2Kernel(finiteVector("compute the norm", "x", x));
}

/**
 * The cosine of the angle between two non-zero finite vectors, xᵀy / (‖x‖·‖y‖), in [−1, 1].
 * A zero vector has no direction: it throws a `RangeError` naming it.
 *
 * @example
 * ```ts
 * import { cosineSimilarity } from "@secondorder/harness";
 * if (Math.abs(cosineSimilarity([1, 0], [1, 1]) - Math.SQRT1_2) > 1e-15) throw new Error();
 * ```
 */
export function cosineSimilarity(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const where = "compute the cosine similarity";
  const [a, b] = pair(where, x, y);
  if (norm2Kernel(a) === 0) {
    throw new RangeError(`Cannot ${where}: x is the zero vector, expected a direction`);
  }
  if (norm2Kernel(b) === 0) {
    throw new RangeError(`Cannot ${where}: y is the zero vector, expected a direction`);
  }
  return Math.max(-1, Math.min(1, cosine(a, b)));
}

/**
 * The relative error ‖x − y‖ / ‖y‖ of x against the reference y (‖x − y‖ when y = 0).
 *
 * @example
 * ```ts
 * import { relativeError } from "@secondorder/harness";
 * if (relativeError([1, 1], [1, 0]) !== 1) throw new Error("unexpected");
 * ```
 */
export function relativeError(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const [a, b] = pair("compute the relative error", x, y);
  return relativeErrorKernel(a, b);
}
