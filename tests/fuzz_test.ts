/**
 * A small fuzz run in every `deno test` (`deno task fuzz` runs as many cases as FUZZ_RUNS asks),
 * and an inventory check: every function mod.ts exports has a fuzz target.
 */

import { deepStrictEqual } from "node:assert/strict";
import * as lib from "@secondorder/harness";
import { TARGETS } from "./fuzz/targets.ts";
import { runFuzz } from "./fuzz/run.ts";

/** Exports that take no arguments a caller could get wrong. */
const NOT_FUZZED = new Set<string>(["NonFiniteError"]);

Deno.test("every exported function has a fuzz target", () => {
  const fuzzed = new Set(TARGETS.map((t) => t.name.split(".")[0]));
  const missing = Object.entries(lib)
    .filter(([name, value]) =>
      typeof value === "function" && !NOT_FUZZED.has(name) && !fuzzed.has(name)
    )
    .map(([name]) => name);
  deepStrictEqual(missing, [], `add fuzz targets for: ${missing.join(", ")}`);
});

Deno.test("fuzzing every export: only argument errors naming the argument, or finite or flagged results", async () => {
  const reports = await runFuzz({ runsPerTarget: 12, seed: 20240601, caseTimeoutMs: 60_000 });
  const findings = reports.filter((r) => r.outcome !== "ok").map((r) =>
    `${r.name}: ${r.outcome}\n  ${r.detail}`
  );
  deepStrictEqual(findings, [], findings.join("\n"));
});
