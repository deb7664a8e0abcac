/**
 * Reading a method's own options: each is checked when the run starts, and an absent option
 * takes its documented default.
 *
 * @module
 */

import { describe, finiteNumber, integerInRange, oneOf } from "../validate.ts";

/** Reads the options of one method, naming it in every error. */
export class OptionReader {
  readonly #where: string;
  readonly #options: Record<string, unknown>;

  /** Reads `options` for `method`. */
  constructor(method: string, options: object) {
    this.#where = `minimize with method "${method}"`;
    this.#options = options as Record<string, unknown>;
  }

  /** A finite number within bounds, or `fallback` when absent. */
  number(
    key: string,
    fallback: number,
    bounds: { min?: number; max?: number; exclusiveMin?: boolean; exclusiveMax?: boolean } = {},
  ): number {
    const value = this.#options[key];
    return value === undefined
      ? fallback
      : finiteNumber(this.#where, `options.${key}`, value, bounds);
  }

  /** A positive finite number, or `fallback`. */
  positive(key: string, fallback: number): number {
    return this.number(key, fallback, { min: 0, exclusiveMin: true });
  }

  /** A number in (0, 1), or `fallback`. */
  fraction(key: string, fallback: number): number {
    return this.number(key, fallback, { min: 0, max: 1, exclusiveMin: true, exclusiveMax: true });
  }

  /** An integer in [min, max], or `fallback`. */
  integer(key: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
    const value = this.#options[key];
    return value === undefined
      ? fallback
      : integerInRange(this.#where, `options.${key}`, value, min, max);
  }

  /** One of the allowed strings, or `fallback`. */
  choice<T extends string>(key: string, allowed: readonly T[], fallback: T): T {
    const value = this.#options[key];
    return value === undefined ? fallback : oneOf(this.#where, `options.${key}`, value, allowed);
  }

  /** A boolean, or `fallback`. */
  boolean(key: string, fallback: boolean): boolean {
    const value = this.#options[key];
    if (value === undefined) return fallback;
    if (typeof value !== "boolean") {
      throw new TypeError(
        `Cannot ${this.#where}: options.${key} is ${describe(value)}, expected a boolean`,
      );
    }
    return value;
  }
}
