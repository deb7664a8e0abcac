/**
 * Least privilege: importing `mod.ts` (from a file here; by URL in url_import_test.ts) needs no
 * permission at all, so a script that uses the library can run with no flags.
 */

import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { probe } from "./_fixtures/url_probe.ts";
import { runDeno } from "../cli/static_server.ts";

Deno.test("a script importing mod.ts runs with no permission flags and computes the same numbers, optimiser runs and experiment results", async () => {
  const script = new URL("./_fixtures/url_probe.ts", import.meta.url).href;
  // --no-prompt: a permission request fails instead of waiting for an answer.
  const result = await runDeno([
    "run",
    "--quiet",
    "--no-prompt",
    "--no-config",
    "--no-lock",
    script,
  ]);
  strictEqual(result.code, 0, `the script needed a permission:\n${result.stderr}`);
  // Both sides through JSON: -0 and 0 print alike, everything else must match exactly.
  deepStrictEqual(JSON.parse(result.stdout), JSON.parse(JSON.stringify(await probe())));
});
