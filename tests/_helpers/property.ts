/**
 * Property-test settings. Every property runs `runs(default)` cases: the default keeps
 * `deno test` fast on two cores; `PROPERTY_RUNS=N` raises every property to N cases for a heavy
 * run, and `PROPERTY_SEED=S` replays a failure (fast-check prints the seed and path of a failing
 * case; pass `PROPERTY_PATH` too to jump straight to the shrunk counterexample).
 */

import fc from "fast-check";

function envNumber(name: string): number | undefined {
  let raw: string | undefined;
  try {
    raw = Deno.env.get(name);
  } catch {
    return undefined; // no --allow-env: use the defaults
  }
  if (raw === undefined || raw === "") return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(`${name} is "${raw}", expected a non-negative integer`);
  }
  return value;
}

function envString(name: string): string | undefined {
  try {
    return Deno.env.get(name) || undefined;
  } catch {
    return undefined;
  }
}

/** The fast-check parameters of a property with `defaultRuns` cases by default. */
export function propertyParameters<T>(defaultRuns: number): fc.Parameters<T> {
  const numRuns = envNumber("PROPERTY_RUNS") ?? defaultRuns;
  const seed = envNumber("PROPERTY_SEED");
  const path = envString("PROPERTY_PATH");
  return {
    numRuns,
    ...(seed !== undefined ? { seed } : {}),
    ...(path !== undefined ? { path } : {}),
    // The failure report includes seed and path; print the whole counterexample too.
    verbose: 1,
  };
}

/** Runs a property with the project's settings; a failure throws with its seed and path. */
export function assertProperty<T>(property: fc.IProperty<T>, defaultRuns = 50): void {
  fc.assert(property, propertyParameters<T>(defaultRuns));
}

/** Runs an async property with the project's settings. */
export async function assertAsyncProperty<T>(
  property: fc.IAsyncProperty<T>,
  defaultRuns = 20,
): Promise<void> {
  await fc.assert(property, propertyParameters<T>(defaultRuns));
}
