/**
 * The README's URL-import example must run as printed, against the repository served locally.
 */

import { strictEqual } from "node:assert/strict";
import { runDeno, serveDirectory } from "../cli/static_server.ts";

const ROOT = new URL("../", import.meta.url);
const PRINTED_BASE = "http://127.0.0.1:8000/";

/** The first ```ts block after the heading "## Use it from your own script". */
async function readmeExample(): Promise<string> {
  const readme = await Deno.readTextFile(new URL("README.md", ROOT));
  const section = readme.slice(readme.indexOf("## Use it from your own script"));
  const match = section.match(/```ts\n([\s\S]*?)```/);
  if (!match) throw new Error("README: no ts example under 'Use it from your own script'");
  return match[1];
}

Deno.test("the README's URL-import example runs and prints finite numbers", async () => {
  const example = await readmeExample();
  strictEqual(example.includes(PRINTED_BASE), true, "the example imports from the printed URL");
  const server = serveDirectory(ROOT);
  try {
    const source = example.replaceAll(PRINTED_BASE, server.url);
    const script = `data:application/typescript;base64,${
      btoa(unescape(encodeURIComponent(source)))
    }`;
    const result = await runDeno([
      "run",
      "--quiet",
      "--no-config",
      "--no-lock",
      `--allow-import=127.0.0.1:${server.port}`,
      script,
    ]);
    strictEqual(result.code, 0, `the example failed:\n${result.stderr}`);
    const lines = result.stdout.trim().split("\n");
    strictEqual(lines.length, 2, result.stdout);
    strictEqual(/^f = \d+\.\d{6}, \|g\| = \d\.\d{3}e[-+]\d+$/.test(lines[0]), true, lines[0]);
    strictEqual(/^cos\(Hg, Gg\) = -?\d\.\d{6}$/.test(lines[1]), true, lines[1]);
  } finally {
    await server.close();
  }
});
