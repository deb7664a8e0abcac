/**
 * The contract every fuzzed call must keep. A call ends in one of two ways:
 * - it throws a `RangeError` or `TypeError` whose message names the argument;
 * - it returns a result whose numbers are all finite, or which says why not: `success: false`
 *   with a status, or a failure status (`"non-finite"`, `"singular"`, ...).
 * Anything else is a finding: another exception type, a message naming no argument, a success
 * holding NaN, or non-finite numbers with no status.
 *
 * One documented exception: applying a linear operator (`matvec`) is IEEE arithmetic. Its input
 * must be finite (a `RangeError` otherwise), but a finite input may overflow to a non-finite
 * product when the operator's entries are huge, exactly as `1e300 * 1e300` does. Operators
 * carry no status; every consumer (solvers, spectra, optimisers) checks the products it gets and
 * reports `"non-finite"`. Targets that apply an operator are marked `ieeeProduct`.
 */

/** Statuses that mean everything went well (numbers must then be finite). */
const SUCCESS_STATUSES = new Set(["ok", "converged", "solved"]);

/** The verdict on one call. */
export type Outcome = { ok: true } | { ok: false; reason: string };

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Whether an error message names one of the parameters (as a whole word). */
export function namesAParameter(message: string, params: readonly string[]): boolean {
  return params.some((p) => new RegExp(`(^|[^\\w.])${escapeRegExp(p)}([^\\w]|$)`).test(message));
}

/** The first non-finite number inside a value (deep), as a path, or undefined. */
export function findNonFinite(
  value: unknown,
  path = "result",
  seen = new Set<unknown>(),
): string | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? undefined : `${path} = ${value}`;
  if (value === null || typeof value !== "object" || seen.has(value)) return undefined;
  seen.add(value);
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const array = value as unknown as ArrayLike<number>;
    for (let i = 0; i < array.length; i++) {
      if (typeof array[i] === "number" && !Number.isFinite(array[i])) {
        return `${path}[${i}] = ${array[i]}`;
      }
    }
    return undefined;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findNonFinite(value[i], `${path}[${i}]`, seen);
      if (found) return found;
    }
    return undefined;
  }
  for (const [key, entry] of Object.entries(value)) {
    const found = findNonFinite(entry, `${path}.${key}`, seen);
    if (found) return found;
  }
  return undefined;
}

/** Classifies a returned value; `ieeeProduct` targets may return non-finite products. */
export function classifyResult(result: unknown, ieeeProduct = false): Outcome {
  if (ieeeProduct) return { ok: true };
  const record = result !== null && typeof result === "object"
    ? result as Record<string, unknown>
    : {};
  const success = record.success;
  const status = record.status;
  const nonFinite = findNonFinite(result);
  if (success === true) {
    if (nonFinite) return { ok: false, reason: `success with a non-finite number: ${nonFinite}` };
    if (typeof status === "string" && !SUCCESS_STATUSES.has(status)) {
      return { ok: false, reason: `success with status "${status}"` };
    }
    return { ok: true };
  }
  if (success === false) {
    if (typeof status !== "string" || status === "") {
      return { ok: false, reason: "success: false without a status saying why" };
    }
    return { ok: true };
  }
  if (!nonFinite) return { ok: true };
  if (typeof status === "string" && !SUCCESS_STATUSES.has(status)) return { ok: true };
  return { ok: false, reason: `a non-finite number with no failure status: ${nonFinite}` };
}

/** Classifies a thrown value. */
export function classifyError(error: unknown, params: readonly string[]): Outcome {
  if (!(error instanceof RangeError) && !(error instanceof TypeError)) {
    const name = (error as Error)?.constructor?.name ?? typeof error;
    return { ok: false, reason: `threw ${name}: ${(error as Error)?.message ?? String(error)}` };
  }
  if (!namesAParameter(error.message, params)) {
    return {
      ok: false,
      reason: `${error.name} names no parameter (${params.join(", ")}): ${error.message}`,
    };
  }
  return { ok: true };
}
