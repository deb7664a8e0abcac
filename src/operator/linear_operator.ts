/**
 * The one core abstraction: a square linear operator known only through its product with a
 * vector. The exact Hessian, the Gauss-Newton matrix, K-FAC, dense matrices and damped or
 * composed operators all implement it; every solver and spectral tool takes one.
 *
 * @module
 */

import {
  describe,
  finiteVector,
  firstNonFinite,
  integerInRange,
  oneOf,
  optionsObject,
  outBuffer,
} from "../validate.ts";

/**
 * What a solver may assume about an operator:
 * - `"general"`: nothing;
 * - `"symmetric"`: A = Aᵀ (eigenvalues real, possibly of both signs or zero);
 * - `"spd"`: symmetric positive definite (Cholesky and CG apply).
 */
export type Structure = "general" | "symmetric" | "spd";

/** The structures an operator may declare. */
export const STRUCTURES: readonly Structure[] = ["general", "symmetric", "spd"];

/**
 * A square linear map on ℝ^dim, known through its matrix-vector product.
 *
 * `matvec(x, out?)` returns A·x. When `out` is given, the product is written there and `out` is
 * returned, so loops can run without allocating. `out` must not be the same array as `x`.
 */
export interface LinearOperator {
  /** The dimension n of the square operator (n × n). */
  readonly dim: number;
  /** What solvers may assume about the operator. */
  readonly structure: Structure;
  /** Returns A·x, written into `out` when it is given. */
  matvec(x: Float64Array, out?: Float64Array): Float64Array;
}

/** A dense operator: a `LinearOperator` that also exposes its row-major entries. */
export interface DenseOperator extends LinearOperator {
  /** The n × n entries, row-major. Read-only by convention. */
  readonly data: Float64Array;
}

/**
 * Anything with a `to2DArray()` method, such as an ml-matrix `Matrix`. Accepting the shape
 * rather than the class keeps callers free to use any ml-matrix version.
 */
export interface MatrixLike {
  /** The entries as an array of rows. */
  to2DArray(): number[][];
}

/** Options of {@linkcode denseOperator}. */
export interface DenseOperatorOptions {
  /**
   * The structure to declare. Default: `"symmetric"` when the matrix equals its transpose
   * exactly, `"general"` otherwise. Declare `"spd"` yourself when you know it holds.
   */
  structure?: Structure;
}

/**
 * Validates the arguments of a `matvec` call and returns the output buffer. Shared by every
 * operator in the project so that the error messages agree.
 */
export function checkMatvec(
  dim: number,
  x: Float64Array,
  out: Float64Array | undefined,
): Float64Array {
  if (!(x instanceof Float64Array)) {
    throw new TypeError(`Cannot apply the operator: x is ${describe(x)}, expected a Float64Array`);
  }
  if (x.length !== dim) {
    throw new RangeError(
      `Cannot apply the operator: x has length ${x.length}, expected ${dim} (the operator's dim)`,
    );
  }
  for (let i = 0; i < dim; i++) {
    if (!Number.isFinite(x[i])) {
      throw new RangeError(
        `Cannot apply the operator: x[${i}] is ${x[i]}, expected a finite number`,
      );
    }
  }
  const result = outBuffer("apply the operator", out, dim);
  if (result === x) {
    throw new RangeError(
      "Cannot apply the operator: out is the same array as x, expected a separate buffer",
    );
  }
  return result;
}

/**
 * Wraps a matrix-vector product function as a checked {@linkcode LinearOperator}. The function
 * receives a validated `x` and an output buffer of length `dim` that it must fill.
 *
 * @example A diagonal operator written by hand
 * ```ts
 * import { linearOperator } from "@secondorder/harness";
 * const d = [1, 2, 3];
 * const op = linearOperator(3, (x, out) => {
 *   for (let i = 0; i < 3; i++) out[i] = d[i] * x[i];
 *   return out;
 * }, { structure: "spd" });
 * const y = op.matvec(new Float64Array([1, 1, 1]));
 * if (y[2] !== 3) throw new Error("unexpected");
 * ```
 */
export function linearOperator(
  dim: number,
  matvec: (x: Float64Array, out: Float64Array) => Float64Array,
  options: { structure?: Structure } = {},
): LinearOperator {
  integerInRange("create a linear operator", "dim", dim, 1);
  if (typeof matvec !== "function") {
    throw new TypeError(
      `Cannot create a linear operator: matvec is ${describe(matvec)}, expected a function`,
    );
  }
  const opts = optionsObject("create a linear operator", options, "options", ["structure"]);
  const structure = opts.structure === undefined
    ? "general"
    : oneOf("create a linear operator", "options.structure", opts.structure, STRUCTURES);
  return {
    dim,
    structure,
    matvec(x: Float64Array, out?: Float64Array) {
      const y = checkMatvec(dim, x, out);
      matvec(x, y);
      return y;
    },
  };
}

/** Reads a square matrix given as `number[][]` or a {@linkcode MatrixLike} into row-major form. */
export function readSquareMatrix(
  where: string,
  name: string,
  matrix: unknown,
): { n: number; data: Float64Array } {
  let rows: number[][];
  if (Array.isArray(matrix)) {
    rows = matrix as number[][];
  } else if (
    matrix !== null && typeof matrix === "object" &&
    typeof (matrix as MatrixLike).to2DArray === "function"
  ) {
    rows = (matrix as MatrixLike).to2DArray();
  } else {
    throw new TypeError(
      `Cannot ${where}: ${name} is ${describe(matrix)}, expected number[][] or an ml-matrix Matrix`,
    );
  }
  const n = rows.length;
  if (n === 0) {
    throw new RangeError(`Cannot ${where}: ${name} has 0 rows, expected a non-empty square matrix`);
  }
  const data = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const row = rows[i];
    if (!Array.isArray(row) && !ArrayBuffer.isView(row)) {
      throw new TypeError(`Cannot ${where}: ${name}[${i}] is ${describe(row)}, expected a row`);
    }
    const values = finiteVector(where, `${name}[${i}]`, row, n, ` (a square matrix has ${n} rows)`);
    data.set(values, i * n);
  }
  return { n, data };
}

/** True when the row-major n × n matrix equals its transpose exactly. */
export function isExactlySymmetric(n: number, data: Float64Array): boolean {
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) if (data[i * n + j] !== data[j * n + i]) return false;
  }
  return true;
}

/** A dense operator from row-major data (not copied, not validated). */
export function denseFromData(
  n: number,
  data: Float64Array,
  structure: Structure,
): DenseOperator {
  return {
    dim: n,
    structure,
    data,
    matvec(x: Float64Array, out?: Float64Array) {
      const y = checkMatvec(n, x, out);
      for (let i = 0; i < n; i++) {
        let s = 0;
        const row = i * n;
        for (let j = 0; j < n; j++) s += data[row + j] * x[j];
        y[i] = s;
      }
      return y;
    },
  };
}

/**
 * A {@linkcode LinearOperator} backed by a dense square matrix (copied).
 *
 * @example
 * ```ts
 * import { denseOperator } from "@secondorder/harness";
 * const A = denseOperator([[2, 1], [1, 3]]);
 * const y = A.matvec(new Float64Array([1, 1]));
 * if (y[0] !== 3 || y[1] !== 4 || A.structure !== "symmetric") throw new Error("unexpected");
 * ```
 */
export function denseOperator(
  matrix: number[][] | MatrixLike,
  options: DenseOperatorOptions = {},
): DenseOperator {
  const where = "create a dense operator";
  const opts = optionsObject(where, options, "options", ["structure"]);
  const { n, data } = readSquareMatrix(where, "matrix", matrix);
  const symmetric = isExactlySymmetric(n, data);
  let structure: Structure;
  if (opts.structure === undefined) {
    structure = symmetric ? "symmetric" : "general";
  } else {
    structure = oneOf(where, "options.structure", opts.structure, STRUCTURES);
    if (structure !== "general" && !symmetric) {
      throw new RangeError(
        `Cannot ${where}: options.structure is "${structure}" but the matrix is not symmetric`,
      );
    }
  }
  return denseFromData(n, data, structure);
}

/** Checks that `op` looks like a {@linkcode LinearOperator}; `where` names the caller. */
export function checkOperator(where: string, name: string, op: unknown): LinearOperator {
  if (
    op === null || typeof op !== "object" ||
    typeof (op as LinearOperator).matvec !== "function"
  ) {
    throw new TypeError(
      `Cannot ${where}: ${name} is ${
        describe(op)
      }, expected a LinearOperator { dim, structure, matvec }`,
    );
  }
  const candidate = op as LinearOperator;
  integerInRange(where, `${name}.dim`, candidate.dim, 1);
  oneOf(where, `${name}.structure`, candidate.structure, STRUCTURES);
  return candidate;
}

/**
 * Materialises an operator as a dense row-major matrix by probing it with the unit vectors:
 * column j is A·eⱼ. Costs `dim` matvecs. This is how matrix-free products are checked against
 * slow dense references.
 */
export function toDenseData(op: LinearOperator): Float64Array {
  const where = "materialise the operator";
  checkOperator(where, "op", op);
  const n = op.dim;
  if ("data" in op && (op as DenseOperator).data instanceof Float64Array) {
    const data = (op as DenseOperator).data;
    if (data.length === n * n) return data.slice();
  }
  const data = new Float64Array(n * n);
  const e = new Float64Array(n);
  const column = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    e[j] = 1;
    op.matvec(e, column);
    e[j] = 0;
    for (let i = 0; i < n; i++) data[i * n + j] = column[i];
  }
  return data;
}

/**
 * Materialises any operator as `number[][]` by probing the unit vectors (`dim` matvecs).
 *
 * @example The dense Hessian of a network, from n Hessian-vector products
 * ```ts
 * import { mlp, networkObjective, toDense } from "@secondorder/harness";
 * const net = mlp({ sizes: [2, 2, 1], activation: "tanh", output: "identity", loss: "squared" });
 * const f = networkObjective(net, { inputs: [[0, 1], [1, 0]], targets: [[1], [0]] });
 * const H = toDense(f.hessian(net.initialParameters(1)));
 * if (H.length !== net.dim) throw new Error("unexpected");
 * ```
 */
export function toDense(op: LinearOperator): number[][] {
  const data = toDenseData(op);
  const n = op.dim;
  const bad = firstNonFinite(data);
  if (bad) {
    throw new RangeError(
      `Cannot materialise the operator: op.matvec returned ${bad.value} in row ${
        Math.floor(bad.index / n)
      } of column ${bad.index % n}, expected finite products`,
    );
  }
  const rows: number[][] = new Array(n);
  for (let i = 0; i < n; i++) rows[i] = Array.from(data.subarray(i * n, (i + 1) * n));
  return rows;
}
