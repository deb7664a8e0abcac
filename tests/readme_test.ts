/**
 * The README's URL-import example must run as printed, against the repository served locally.
 */

import { strictEqual } from "node:assert/strict";
import { runDeno, serveDirectory } from "../cli/static_server.ts";

const ROOT = new URL("../", import.meta.url);
const PRINTED_BASE = "http://127.0.0.1:8000/";

/** The first ```ts block after the given heading of the README. */
async function readmeExample(heading: string): Promise<string> {
  const readme = await Deno.readTextFile(new URL("README.md", ROOT));
  const at = readme.indexOf(heading);
  if (at < 0) throw new Error(`README: no heading '${heading}'`);
  const match = readme.slice(at).match(/```ts\n([\s\S]*?)```/);
  if (!match) throw new Error(`README: no ts example under '${heading}'`);
  return match[1];
}

/** Runs a README example against the repository served locally; returns its output lines. */
async function runExample(example: string): Promise<string[]> {
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
    return result.stdout.trim().split("\n");
  } finally {
    await server.close();
  }
}

Deno.test("the README's URL-import example runs and prints finite numbers", async () => {
  const lines = await runExample(await readmeExample("## Use it from your own script"));
  strictEqual(lines.length, 2, lines.join("\n"));
  strictEqual(/^f = \d+\.\d{6}, \|g\| = \d\.\d{3}e[-+]\d+$/.test(lines[0]), true, lines[0]);
  strictEqual(/^cos\(Hg, Gg\) = -?\d\.\d{6}$/.test(lines[1]), true, lines[1]);
});

Deno.test("the README's minimize() example runs; Levenberg-Marquardt reaches NIST's certified digits", async () => {
  const lines = await runExample(await readmeExample("## Optimise with one driver"));
  strictEqual(lines.length, 3, lines.join("\n"));
  const pattern =
    /^([a-z-]+): ([a-z-]+) after (\d+) iterations, (\d+\.\d) gradient-equivalents, (\d+\.\d) certified digits$/;
  const parsed = lines.map((line) => {
    const match = line.match(pattern);
    if (!match) throw new Error(`unexpected line: ${line}`);
    return { method: match[1], status: match[2], digits: Number(match[5]) };
  });
  strictEqual(parsed.map((p) => p.method).join(","), "levenberg-marquardt,bfgs,adam");
  // NIST certifies 11 digits; a converged double-precision fit of Misra1a (lower difficulty)
  // recovers at least 6, the level McCullough's tests ask of a reliable solver.
  strictEqual(parsed[0].status, "converged", lines[0]);
  strictEqual(parsed[0].digits >= 6, true, lines[0]);
});
