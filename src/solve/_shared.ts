/**
 * Argument handling shared by the solvers and spectral tools: accepting an operator or a dense
 * matrix, checking right-hand sides, reading an operator as a symmetric dense matrix, and
 * small growable histories.
 *
 * @module
 */

import {
  checkOperator,
  denseFromData,
  type DenseOperator,
  isExactlySymmetric,
  type LinearOperator,
  type MatrixLike,
  readSquareMatrix,
  toDenseData,
} from "../operator/linear_operator.ts";
import { describe, finiteVector } from "../validate.ts";

/**
 * What every solver and spectral tool accepts: a {@linkcode LinearOperator}, or a dense square
 * matrix given as rows (`number[][]`) or as an ml-matrix `Matrix`. A dense matrix declares
 * itself `"symmetric"` when it equals its transpose exactly, `"general"` otherwise.
 */
export type OperatorInput = LinearOperator | readonly (readonly number[])[] | MatrixLike;

/** Reads an {@linkcode OperatorInput}: checks an operator, or wraps a (copied) dense matrix. */
export function operatorArgument(where: string, name: string, value: unknown): LinearOperator {
  if (
    value !== null && typeof value === "object" &&
    typeof (value as LinearOperator).matvec === "function"
  ) {
    return checkOperator(where, name, value);
  }
  if (
    Array.isArray(value) ||
    (value !== null && typeof value === "object" &&
      typeof (value as MatrixLike).to2DArray === "function")
  ) {
    const { n, data } = readSquareMatrix(where, name, value);
    return denseFromData(n, data, isExactlySymmetric(n, data) ? "symmetric" : "general");
  }
  throw new TypeError(
    `Cannot ${where}: ${name} is ${
      describe(value)
    }, expected a LinearOperator, number[][] or an ml-matrix Matrix`,
  );
}

/** Checks a right-hand side: finite, of the operator's dim. */
export function rightHandSide(where: string, name: string, value: unknown, dim: number) {
  return finiteVector(where, name, value, dim, " (the operator's dim)");
}

/** A dense row-major copy of the operator, read by probing (or copied when dense). */
export function denseCopy(op: LinearOperator): Float64Array {
  return toDenseData(op);
}

/** True when the operator already holds its entries. */
export function isDense(op: LinearOperator): op is DenseOperator {
  return "data" in op && (op as DenseOperator).data instanceof Float64Array &&
    (op as DenseOperator).data.length === op.dim * op.dim;
}

/**
 * Relative asymmetry max|aᵢⱼ − aⱼᵢ| / max|aᵢⱼ| of a row-major square matrix (0 for the zero
 * matrix, NaN when an entry is not finite).
 */
export function relativeAsymmetry(n: number, data: Float64Array): number {
  let diff = 0, scale = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const a = data[i * n + j];
      if (!Number.isFinite(a)) return NaN;
      scale = Math.max(scale, Math.abs(a));
      if (j < i) diff = Math.max(diff, Math.abs(a - data[j * n + i]));
    }
  }
  return scale === 0 ? 0 : diff / scale;
}

/**
 * How far from symmetric a matrix declared `"general"` may be and still be treated as
 * symmetric by the symmetric tools: √ε ≈ 1.5e-8 relative to its largest entry. Products of
 * exact symmetric operators are symmetric to a few ulps; a matrix off by more than √ε is not
 * a rounded symmetric matrix.
 */
export const SYMMETRY_TOLERANCE = Math.sqrt(Number.EPSILON);

/** Replaces a row-major square matrix by its symmetric part (A + Aᵀ)/2, in place. */
export function symmetrizeInPlace(n: number, data: Float64Array): Float64Array {
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const s = 0.5 * (data[i * n + j] + data[j * n + i]);
      data[i * n + j] = s;
      data[j * n + i] = s;
    }
  }
  return data;
}

/**
 * The operator as a symmetric dense matrix. An operator declared `"symmetric"` or `"spd"` is
 * symmetrised (its dense form may differ from its transpose by rounding); a `"general"` one is
 * accepted when its relative asymmetry is at most {@linkcode SYMMETRY_TOLERANCE}, and a
 * `RangeError` names it otherwise. Non-finite entries are passed through (callers report them
 * as a status).
 */
export function symmetricDenseData(where: string, name: string, op: LinearOperator): Float64Array {
  const n = op.dim;
  const data = denseCopy(op);
  if (op.structure === "general") {
    const asymmetry = relativeAsymmetry(n, data);
    if (asymmetry > SYMMETRY_TOLERANCE) {
      throw new RangeError(
        `Cannot ${where}: ${name} has relative asymmetry max|aᵢⱼ − aⱼᵢ|/max|aᵢⱼ| = ${
          asymmetry.toExponential(3)
        }, expected a symmetric operator (at most ${SYMMETRY_TOLERANCE.toExponential(2)})`,
      );
    }
  }
  return symmetrizeInPlace(n, data);
}

/** A growable history of numbers backed by a `Float64Array` (amortised O(1) appends). */
export class History {
  #values: Float64Array;
  #length = 0;

  constructor(capacity: number) {
    this.#values = new Float64Array(Math.max(4, capacity));
  }

  /** Appends a value. */
  push(value: number): void {
    if (this.#length === this.#values.length) {
      const grown = new Float64Array(2 * this.#values.length);
      grown.set(this.#values);
      this.#values = grown;
    }
    this.#values[this.#length++] = value;
  }

  /** Overwrites the last value (no-op when empty). */
  replaceLast(value: number): void {
    if (this.#length > 0) this.#values[this.#length - 1] = value;
  }

  /** The value at index i (no bounds check). */
  at(i: number): number {
    return this.#values[i];
  }

  /** The number of values. */
  get length(): number {
    return this.#length;
  }

  /** A copy of the values, trimmed to their count. */
  toArray(): Float64Array {
    return this.#values.slice(0, this.#length);
  }
}

/** Checks an operator argument whose dim must equal `dim`. */
export function operatorOfDim(
  where: string,
  name: string,
  value: unknown,
  dim: number,
): LinearOperator {
  const op = checkOperator(where, name, value);
  if (op.dim !== dim) {
    throw new RangeError(
      `Cannot ${where}: ${name} has dim ${op.dim}, expected ${dim} (the operator's dim)`,
    );
  }
  return op;
}

/** Checks an optional boolean option (default false). */
export function booleanOption(where: string, name: string, value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value !== "boolean") {
    throw new TypeError(`Cannot ${where}: ${name} is ${describe(value)}, expected a boolean`);
  }
  return value;
}

/** Purpose tags mixed into seeds (see {@linkcode purposeSeed}). */
export const PURPOSE_LANCZOS = 1;
/** Purpose tag of power iteration's start vector. */
export const PURPOSE_POWER = 2;
/** Purpose tag of Hutchinson's probe vectors. */
export const PURPOSE_HUTCHINSON = 3;
/** Purpose tag of stochastic Lanczos quadrature's probe vectors. */
export const PURPOSE_DENSITY = 4;

/**
 * A seed for one purpose, derived from a caller's seed by a bijective 32-bit mix (murmur3's
 * finaliser). Random start vectors drawn from it are unrelated to matrices or data that the
 * caller built from the same seed with the same generator, which would otherwise make the start
 * vector an exact eigenvector (`matrixWithSpectrum` draws its basis from the seed's first
 * normal draws).
 */
export function purposeSeed(seed: number, purpose: number): number {
  let h = (seed ^ Math.imul(purpose, 0x9e3779b9)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}
