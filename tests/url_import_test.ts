/**
 * `mod.ts` must work when imported by URL: everything under `src/` uses pinned `npm:`
 * specifiers from `src/deps.ts`, never the project's import map.
 */

import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { probe, PROBED_CLAIMS, PROBED_METHODS } from "./_fixtures/url_probe.ts";
import { runDeno, serveDirectory } from "../cli/static_server.ts";

const ROOT = new URL("../", import.meta.url);

Deno.test("mod.ts imported by URL from 127.0.0.1 gives the same numbers, optimiser runs and experiment results as a local import", async () => {
  const server = serveDirectory(ROOT);
  try {
    // --no-config: no import map to lean on; --no-lock: the ephemeral port changes the URLs.
    const result = await runDeno([
      "run",
      "--quiet",
      "--no-config",
      "--no-lock",
      `--allow-import=127.0.0.1:${server.port}`,
      `${server.url}tests/_fixtures/url_probe.ts`,
    ], { cwd: Deno.cwd() });
    strictEqual(result.code, 0, `the URL import failed:\n${result.stderr}`);
    for (const path of ["/mod.ts", "/src/nn/passes.ts", "/src/curvature/network_objective.ts"]) {
      strictEqual(server.requested.includes(path), true, `${path} was not fetched over HTTP`);
    }
    const remote = JSON.parse(result.stdout);
    // The same numbers through JSON on both sides: -0 and 0 print alike, everything else exactly.
    const local = JSON.parse(JSON.stringify(await probe()));
    deepStrictEqual(Object.keys(remote.runs).length, 2 * PROBED_METHODS.length);
    deepStrictEqual(Object.keys(remote.experiments), [...PROBED_CLAIMS]);
    deepStrictEqual(remote, local);
  } finally {
    await server.close();
  }
});
