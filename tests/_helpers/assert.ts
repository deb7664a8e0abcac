/**
 * Numeric assertions with named tolerances. A failure names the worst entry, its two values and
 * the tolerance, so a replayed property case says at once what broke.
 */

import { AssertionError } from "node:assert/strict";

/** Tolerances: |a − e| ≤ atol + rtol·|e| entry by entry. */
export interface Tolerance {
  /** Relative tolerance. */
  rtol?: number;
  /** Absolute tolerance. */
  atol?: number;
}

type Numeric = number | ArrayLike<number> | ArrayLike<ArrayLike<number>>;

function flatten(value: Numeric): number[] {
  if (typeof value === "number") return [value];
  const out: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const entry = value[i];
    if (typeof entry === "number") out.push(entry);
    else for (let j = 0; j < entry.length; j++) out.push(entry[j]);
  }
  return out;
}

/**
 * Asserts |actual − expected| ≤ atol + rtol·|expected| entry by entry (same shape, finite).
 */
export function assertClose(
  actual: Numeric,
  expected: Numeric,
  tolerance: Tolerance,
  message = "values differ",
): void {
  const a = flatten(actual), e = flatten(expected);
  const { rtol = 0, atol = 0 } = tolerance;
  if (a.length !== e.length) {
    throw new AssertionError({ message: `${message}: length ${a.length} vs expected ${e.length}` });
  }
  let worst = -1, worstExcess = 0;
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i]) || !Number.isFinite(e[i])) {
      if (a[i] === e[i]) continue;
      throw new AssertionError({ message: `${message}: entry ${i} is ${a[i]}, expected ${e[i]}` });
    }
    const excess = Math.abs(a[i] - e[i]) - (atol + rtol * Math.abs(e[i]));
    if (excess > worstExcess) {
      worstExcess = excess;
      worst = i;
    }
  }
  if (worst >= 0) {
    throw new AssertionError({
      message: `${message}: entry ${worst} is ${a[worst]}, expected ${e[worst]} ` +
        `(|diff| = ${Math.abs(a[worst] - e[worst]).toExponential(3)}, ` +
        `allowed ${
          (atol + rtol * Math.abs(e[worst])).toExponential(3)
        } with rtol ${rtol}, atol ${atol})`,
    });
  }
}

/**
 * Asserts that two arrays agree relative to the larger's scale: max|a − e| ≤ tol·max(1, max|e|).
 * The right test for matrices whose entries span magnitudes (Hessians, Jacobians).
 */
export function assertCloseScaled(
  actual: Numeric,
  expected: Numeric,
  tol: number,
  message = "values differ",
): void {
  const e = flatten(expected);
  let scale = 1;
  for (const v of e) scale = Math.max(scale, Math.abs(v));
  assertClose(
    actual,
    expected,
    { atol: tol * scale },
    `${message} (scale ${scale.toExponential(3)})`,
  );
}

/** Asserts a condition with a message built only on failure. */
export function check(condition: boolean, message: () => string): asserts condition {
  if (!condition) throw new AssertionError({ message: message() });
}

/** Asserts that `fn` throws an error of the given class whose message matches `pattern`. */
export function assertThrowsWith(
  fn: () => unknown,
  errorClass: typeof TypeError | typeof RangeError,
  pattern: RegExp,
): void {
  try {
    fn();
  } catch (error) {
    if (!(error instanceof errorClass)) {
      throw new AssertionError({
        message: `expected ${errorClass.name}, got ${(error as Error)?.constructor?.name}: ${
          (error as Error)?.message
        }`,
      });
    }
    if (!pattern.test(error.message)) {
      throw new AssertionError({ message: `message "${error.message}" does not match ${pattern}` });
    }
    return;
  }
  throw new AssertionError({
    message: `expected ${errorClass.name} matching ${pattern}, nothing thrown`,
  });
}
