/**
 * Operator algebra as plain functions: sums, scalings, damping (A + λI), products, identity and
 * diagonal operators, and a counting wrapper. Each result is itself a {@linkcode LinearOperator}
 * whose scratch buffers are allocated once, at construction, never per matvec.
 *
 * @module
 */

import {
  checkMatvec,
  checkOperator,
  type LinearOperator,
  type Structure,
} from "./linear_operator.ts";
import { finiteNumber, finiteVector, integerInRange, nonNegativeNumber } from "../validate.ts";

function sameDim(where: string, a: LinearOperator, b: LinearOperator): void {
  if (a.dim !== b.dim) {
    throw new RangeError(`Cannot ${where}: b has dim ${b.dim}, expected ${a.dim} (a's dim)`);
  }
}

function isSymmetric(s: Structure): boolean {
  return s === "symmetric" || s === "spd";
}

/**
 * The sum A + B.
 *
 * @example
 * ```ts
 * import { add, denseOperator, toDense } from "@secondorder/harness";
 * const S = add(denseOperator([[1, 0], [0, 1]]), denseOperator([[0, 2], [2, 0]]));
 * if (toDense(S)[0][1] !== 2) throw new Error("unexpected");
 * ```
 */
export function add(a: LinearOperator, b: LinearOperator): LinearOperator {
  const where = "add operators";
  checkOperator(where, "a", a);
  checkOperator(where, "b", b);
  sameDim(where, a, b);
  const tmp = new Float64Array(a.dim);
  const structure: Structure = a.structure === "spd" && b.structure === "spd"
    ? "spd"
    : isSymmetric(a.structure) && isSymmetric(b.structure)
    ? "symmetric"
    : "general";
  return {
    dim: a.dim,
    structure,
    matvec(x: Float64Array, out?: Float64Array) {
      const y = checkMatvec(a.dim, x, out);
      a.matvec(x, y);
      b.matvec(x, tmp);
      for (let i = 0; i < y.length; i++) y[i] += tmp[i];
      return y;
    },
  };
}

/**
 * The scaled operator s·A.
 *
 * @example
 * ```ts
 * import { denseOperator, scale } from "@secondorder/harness";
 * const y = scale(denseOperator([[2]]), 0.5).matvec(new Float64Array([3]));
 * if (y[0] !== 3) throw new Error("unexpected");
 * ```
 */
export function scale(op: LinearOperator, s: number): LinearOperator {
  const where = "scale an operator";
  checkOperator(where, "op", op);
  finiteNumber(where, "s", s);
  const structure: Structure = s > 0
    ? op.structure
    : isSymmetric(op.structure)
    ? "symmetric"
    : "general";
  return {
    dim: op.dim,
    structure,
    matvec(x: Float64Array, out?: Float64Array) {
      const y = checkMatvec(op.dim, x, out);
      op.matvec(x, y);
      for (let i = 0; i < y.length; i++) y[i] *= s;
      return y;
    },
  };
}

/**
 * The damped operator A + λI, as used by Levenberg-Marquardt and Hessian-free. λ must be
 * finite and non-negative. Damping an SPD operator keeps it SPD.
 *
 * @example
 * ```ts
 * import { damp, denseOperator } from "@secondorder/harness";
 * const y = damp(denseOperator([[1, 0], [0, -1]]), 2).matvec(new Float64Array([1, 1]));
 * if (y[0] !== 3 || y[1] !== 1) throw new Error("unexpected");
 * ```
 */
export function damp(op: LinearOperator, lambda: number): LinearOperator {
  const where = "damp an operator";
  checkOperator(where, "op", op);
  nonNegativeNumber(where, "lambda", lambda);
  return {
    dim: op.dim,
    structure: op.structure,
    matvec(x: Float64Array, out?: Float64Array) {
      const y = checkMatvec(op.dim, x, out);
      op.matvec(x, y);
      for (let i = 0; i < y.length; i++) y[i] += lambda * x[i];
      return y;
    },
  };
}

/**
 * The product A·B, applied right to left: (A·B)x = A(Bx).
 *
 * @example
 * ```ts
 * import { compose, denseOperator } from "@secondorder/harness";
 * const AB = compose(denseOperator([[0, 1], [1, 0]]), denseOperator([[2, 0], [0, 3]]));
 * const y = AB.matvec(new Float64Array([1, 1]));
 * if (y[0] !== 3 || y[1] !== 2) throw new Error("unexpected");
 * ```
 */
export function compose(a: LinearOperator, b: LinearOperator): LinearOperator {
  const where = "compose operators";
  checkOperator(where, "a", a);
  checkOperator(where, "b", b);
  sameDim(where, a, b);
  const tmp = new Float64Array(a.dim);
  return {
    dim: a.dim,
    structure: "general",
    matvec(x: Float64Array, out?: Float64Array) {
      const y = checkMatvec(a.dim, x, out);
      b.matvec(x, tmp);
      a.matvec(tmp, y);
      return y;
    },
  };
}

/** An operator that counts its matrix-vector products. */
export interface CountedOperator extends LinearOperator {
  /** How many matvecs have been applied since creation or the last `reset()`. */
  readonly matvecs: number;
  /** Sets the count back to zero. */
  reset(): void;
}

/**
 * Wraps an operator so that it counts its matvecs, as solvers and benches report them.
 *
 * @example
 * ```ts
 * import { counted, denseOperator } from "@secondorder/harness";
 * const A = counted(denseOperator([[1]]));
 * A.matvec(new Float64Array([1]));
 * if (A.matvecs !== 1) throw new Error("unexpected");
 * ```
 */
export function counted(op: LinearOperator): CountedOperator {
  checkOperator("count an operator's products", "op", op);
  let count = 0;
  return {
    dim: op.dim,
    structure: op.structure,
    get matvecs() {
      return count;
    },
    reset() {
      count = 0;
    },
    matvec(x: Float64Array, out?: Float64Array) {
      count++;
      return op.matvec(x, out);
    },
  };
}

/**
 * The identity operator on ℝ^dim.
 *
 * @example
 * ```ts
 * import { identity } from "@secondorder/harness";
 * if (identity(3).matvec(new Float64Array([1, 2, 3]))[1] !== 2) throw new Error("unexpected");
 * ```
 */
export function identity(dim: number): LinearOperator {
  integerInRange("create an identity operator", "dim", dim, 1);
  return {
    dim,
    structure: "spd",
    matvec(x: Float64Array, out?: Float64Array) {
      const y = checkMatvec(dim, x, out);
      y.set(x);
      return y;
    },
  };
}

/**
 * The diagonal operator diag(d) (d copied). SPD when every entry is positive, symmetric
 * otherwise.
 *
 * @example A Jacobi preconditioner
 * ```ts
 * import { diagonal } from "@secondorder/harness";
 * const P = diagonal([1 / 2, 1 / 4]);
 * if (P.structure !== "spd") throw new Error("unexpected");
 * ```
 */
export function diagonal(d: ArrayLike<number>): LinearOperator {
  const values = finiteVector("create a diagonal operator", "d", d).slice();
  integerInRange("create a diagonal operator", "d.length", values.length, 1);
  let positive = true;
  for (const v of values) if (!(v > 0)) positive = false;
  return {
    dim: values.length,
    structure: positive ? "spd" : "symmetric",
    matvec(x: Float64Array, out?: Float64Array) {
      const y = checkMatvec(values.length, x, out);
      for (let i = 0; i < y.length; i++) y[i] = values[i] * x[i];
      return y;
    },
  };
}
