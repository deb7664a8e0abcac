/**
 * Runs one fuzz target's cases in a worker, reporting each case before it runs, so the parent
 * can stop a hung case and name it.
 */

/// <reference lib="deno.worker" />

import fc from "fast-check";
import { TARGETS } from "./targets.ts";
import { classifyError, classifyResult } from "./classify.ts";

/** A request to the worker. */
export interface FuzzRequest {
  name: string;
  runs: number;
  seed: number;
}

/** What the worker reports. */
export type FuzzMessage =
  | { type: "case"; index: number; args: string }
  | {
    type: "done";
    name: string;
    runs: number;
    failed: boolean;
    seed: number;
    path?: string;
    counterexample?: string;
    reason?: string;
  };

function describe(value: unknown): string {
  const text = fc.stringify(value);
  // The head names the data, the tail holds the options: keep both.
  return text.length > 1200 ? `${text.slice(0, 600)} … ${text.slice(-600)}` : text;
}

self.onmessage = async (event: MessageEvent<FuzzRequest>) => {
  const { name, runs, seed } = event.data;
  const target = TARGETS.find((t) => t.name === name);
  if (!target) throw new Error(`unknown fuzz target ${name}`);
  let index = 0;
  const details = await fc.check(
    fc.asyncProperty(target.args, async (args) => {
      self.postMessage(
        { type: "case", index: ++index, args: describe(args) } satisfies FuzzMessage,
      );
      let outcome;
      try {
        outcome = classifyResult(await target.call(args), target.ieeeProduct);
      } catch (error) {
        outcome = classifyError(error, target.params);
      }
      if (!outcome.ok) throw new Error(outcome.reason);
    }),
    { numRuns: runs, seed },
  );
  const message: FuzzMessage = {
    type: "done",
    name,
    runs: details.numRuns,
    failed: details.failed,
    seed: details.seed,
    ...(details.failed
      ? {
        path: details.counterexamplePath ?? undefined,
        counterexample: describe(details.counterexample),
        reason: String((details.errorInstance as Error)?.message ?? details.errorInstance),
      }
      : {}),
  };
  self.postMessage(message);
};
