/**
 * Argument checks shared by every public function. A caller's mistake throws at once a
 * `TypeError` (wrong kind of value) or `RangeError` (right kind, wrong size or value) whose
 * message names the function, the argument, what was expected and what was given.
 *
 * @module
 */

/** Describes a value briefly for an error message. */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (typeof value === "number") return Number.isNaN(value) ? "NaN" : String(value);
  if (typeof value === "string") return JSON.stringify(value);
  if (value instanceof Float64Array) return `a Float64Array of length ${value.length}`;
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === "function") return "a function";
  return typeof value === "object" ? "an object" : typeof value;
}

/** Index and value of the first non-finite entry, or `undefined` when all are finite. */
export function firstNonFinite(
  values: ArrayLike<number>,
): { index: number; value: number } | undefined {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) return { index: i, value: v };
  }
  return undefined;
}

/**
 * Checks that `value` is a vector of `length` finite numbers and returns it as a
 * `Float64Array` (the same object when it already is one, a copy otherwise).
 */
export function finiteVector(
  where: string,
  name: string,
  value: unknown,
  length?: number,
  lengthNote = "",
): Float64Array {
  const vector = vectorOfLength(where, name, value, length, lengthNote);
  const bad = firstNonFinite(vector);
  if (bad) {
    throw new RangeError(
      `Cannot ${where}: ${name}[${bad.index}] is ${describe(bad.value)}, expected a finite number`,
    );
  }
  return vector;
}

/**
 * Checks that `value` is a numeric vector of the given length (entries may be non-finite) and
 * returns it as a `Float64Array` without copying when it already is one.
 */
export function vectorOfLength(
  where: string,
  name: string,
  value: unknown,
  length?: number,
  lengthNote = "",
): Float64Array {
  let vector: Float64Array;
  if (value instanceof Float64Array) {
    vector = value;
  } else if (
    Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView))
  ) {
    const source = value as ArrayLike<unknown>;
    vector = new Float64Array(source.length);
    for (let i = 0; i < source.length; i++) {
      const entry = source[i];
      if (typeof entry !== "number") {
        throw new TypeError(
          `Cannot ${where}: ${name}[${i}] is ${describe(entry)}, expected a number`,
        );
      }
      vector[i] = entry;
    }
  } else {
    throw new TypeError(
      `Cannot ${where}: ${name} is ${describe(value)}, expected a Float64Array or number[]`,
    );
  }
  if (length !== undefined && vector.length !== length) {
    throw new RangeError(
      `Cannot ${where}: ${name} has length ${vector.length}, expected ${length}${lengthNote}`,
    );
  }
  return vector;
}

/** Checks an optional output buffer: absent, or a `Float64Array` of the given length. */
export function outBuffer(
  where: string,
  out: unknown,
  length: number,
): Float64Array {
  if (out === undefined) return new Float64Array(length);
  if (!(out instanceof Float64Array)) {
    throw new TypeError(`Cannot ${where}: out is ${describe(out)}, expected a Float64Array`);
  }
  if (out.length !== length) {
    throw new RangeError(`Cannot ${where}: out has length ${out.length}, expected ${length}`);
  }
  return out;
}

/**
 * Thrown when a finite point gives a non-finite result: the loss or its derivatives overflow
 * there (for example weights of 1e300, or ±Infinity cancelling to NaN). It is a `RangeError`
 * naming the point `x`, so a caller's out-of-range point fails loudly instead of returning NaN;
 * `minimize()` turns it into the status `"non-finite"` (or, at a trial point of a line search,
 * into f = +∞, a step to reject).
 */
export class NonFiniteError extends RangeError {
  /** The largest |xᵢ| of the point, to show how far out of range it was. */
  readonly largestEntry: number;

  /**
   * Describes the overflow at `x`.
   *
   * @param where what the caller was doing ("evaluate the objective")
   * @param what the quantity that overflowed ("the value", "the gradient")
   * @param x the point
   */
  constructor(where: string, what: string, x: ArrayLike<number>) {
    let largest = 0;
    for (let i = 0; i < x.length; i++) largest = Math.max(largest, Math.abs(x[i]));
    super(
      `Cannot ${where}: ${what} is not finite at x (largest |xᵢ| = ${largest}); the loss or its ` +
        `derivatives overflow there`,
    );
    this.name = "NonFiniteError";
    this.largestEntry = largest;
  }
}

/** Throws {@linkcode NonFiniteError} unless `value` is finite. */
export function requireFiniteValue(where: string, value: number, x: ArrayLike<number>): number {
  if (!Number.isFinite(value)) throw new NonFiniteError(where, "the value", x);
  return value;
}

/** Throws {@linkcode NonFiniteError} unless every entry of `values` is finite. */
export function requireFiniteEntries(
  where: string,
  what: string,
  values: ArrayLike<number>,
  x: ArrayLike<number>,
): void {
  if (firstNonFinite(values)) throw new NonFiniteError(where, what, x);
}

/** Checks that an output buffer is not the input it is computed from. */
export function notAliased(where: string, out: Float64Array, input: Float64Array): void {
  if (out === input) {
    throw new RangeError(`Cannot ${where}: out is the same array as x, expected a separate buffer`);
  }
}

/** Checks a finite number, optionally bounded: `min`/`max` inclusive unless `exclusive`. */
export function finiteNumber(
  where: string,
  name: string,
  value: unknown,
  bounds: { min?: number; max?: number; exclusiveMin?: boolean; exclusiveMax?: boolean } = {},
): number {
  if (typeof value !== "number") {
    throw new TypeError(`Cannot ${where}: ${name} is ${describe(value)}, expected a number`);
  }
  const { min, max, exclusiveMin = false, exclusiveMax = false } = bounds;
  const lowOk = min === undefined || (exclusiveMin ? value > min : value >= min);
  const highOk = max === undefined || (exclusiveMax ? value < max : value <= max);
  if (!Number.isFinite(value) || !lowOk || !highOk) {
    const parts: string[] = [];
    if (min !== undefined) parts.push(`${exclusiveMin ? ">" : "≥"} ${min}`);
    if (max !== undefined) parts.push(`${exclusiveMax ? "<" : "≤"} ${max}`);
    const expected = parts.length ? `a finite number ${parts.join(" and ")}` : "a finite number";
    throw new RangeError(`Cannot ${where}: ${name} is ${describe(value)}, expected ${expected}`);
  }
  return value;
}

/** Checks a positive finite number. */
export function positiveNumber(where: string, name: string, value: unknown): number {
  return finiteNumber(where, name, value, { min: 0, exclusiveMin: true });
}

/** Checks a non-negative finite number. */
export function nonNegativeNumber(where: string, name: string, value: unknown): number {
  return finiteNumber(where, name, value, { min: 0 });
}

/** Checks an integer in `[min, max]`. */
export function integerInRange(
  where: string,
  name: string,
  value: unknown,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (typeof value !== "number") {
    throw new TypeError(`Cannot ${where}: ${name} is ${describe(value)}, expected an integer`);
  }
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `in [${min}, ${max}]`;
    throw new RangeError(
      `Cannot ${where}: ${name} is ${describe(value)}, expected an integer ${range}`,
    );
  }
  return value;
}

/** Checks that `value` is one of the allowed strings. */
export function oneOf<T extends string>(
  where: string,
  name: string,
  value: unknown,
  allowed: readonly T[],
): T {
  if (typeof value !== "string" || !(allowed as readonly string[]).includes(value)) {
    const list = allowed.map((a) => JSON.stringify(a)).join(" | ");
    const err = typeof value === "string" ? RangeError : TypeError;
    throw new err(`Cannot ${where}: ${name} is ${describe(value)}, expected one of ${list}`);
  }
  return value as T;
}

/**
 * Checks that an options argument is an object (or undefined, read as {}). Given the `known`
 * option names, an unknown key (a typo such as `tolerance` for `tol`) is a RangeError naming
 * it and the known ones, instead of an option silently ignored.
 */
export function optionsObject<T extends object>(
  where: string,
  value: T | undefined,
  name = "options",
  known?: readonly string[],
): T {
  if (value === undefined) return {} as T;
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new TypeError(
      `Cannot ${where}: ${name} is ${describe(value)}, expected an object or undefined`,
    );
  }
  if (known) {
    for (const key of Object.keys(value)) {
      if (!known.includes(key)) {
        throw new RangeError(
          `Cannot ${where}: ${name}.${key} is not an option; expected one of ${
            known.map((k) => `"${k}"`).join(", ")
          }`,
        );
      }
    }
  }
  return value;
}

/** Checks that `value` is a function. */
export function callable(where: string, name: string, value: unknown): void {
  if (typeof value !== "function") {
    throw new TypeError(`Cannot ${where}: ${name} is ${describe(value)}, expected a function`);
  }
}
