// deno-lint-ignore-file no-console
/**
 * `deno task serve [--port N]`: serves this repository on http://127.0.0.1:N/ (default 8000) with
 * TypeScript MIME types, so any Deno script can import `mod.ts` by URL:
 *
 *   deno run --allow-import=127.0.0.1:8000 my_experiment.ts
 *
 * @module
 */

import { parseArgs } from "node:util";
import { serveDirectory } from "./static_server.ts";

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: { port: { type: "string", default: "8000" } },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`serve: --port is "${values.port}", expected an integer in [0, 65535]`);
    Deno.exit(2);
  }
  const server = serveDirectory(new URL("../", import.meta.url), port);
  console.log(`Serving ${new URL("../", import.meta.url).pathname} at ${server.url}`);
  console.log(`Import ${server.url}mod.ts with --allow-import=127.0.0.1:${server.port}`);
}
