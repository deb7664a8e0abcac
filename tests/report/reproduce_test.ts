// deno-lint-ignore-file no-console -- silences main()'s console output while it runs in-process
/**
 * End-to-end tests of `deno task reproduce`: argument errors, determinism, atomic writes,
 * crash reporting, and the report as a browser renders it.
 *
 * The tests write only under `.tmp/` in the project (the test task's one write permission).
 */

import { deepStrictEqual, notStrictEqual, strictEqual } from "node:assert/strict";
import { join } from "node:path";
import { main } from "../../main.ts";
import { EXPERIMENTS } from "../../src/experiments/registry.ts";
import type { RunnableExperiment as Experiment } from "../../src/experiments/legacy.ts";
import { VERDICTS } from "../../src/experiments/experiment.ts";
import { renderSvg } from "../../src/report/render.ts";
import type { Summary } from "../../src/report/summary.ts";
import { runDeno } from "../../cli/static_server.ts";
import { check } from "../_helpers/assert.ts";
import { findChromium, openPage } from "../_helpers/chromium.ts";

const SCRATCH = ".tmp";

async function scratchDir(prefix: string): Promise<string> {
  await Deno.mkdir(SCRATCH, { recursive: true });
  return await Deno.makeTempDir({ dir: SCRATCH, prefix });
}

function reproduceArgs(outDir: string, extra: string[]): string[] {
  return [
    "run",
    "--frozen",
    "--allow-read=.",
    `--allow-write=${outDir}`,
    "main.ts",
    "--out",
    outDir,
    ...extra,
  ];
}

/** Every file of a report folder by name (the staging folder and wall times excluded). */
async function snapshot(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for await (const entry of Deno.readDir(dir)) {
    if (!entry.isFile || entry.name === "timings.json") continue;
    files.set(entry.name, await Deno.readTextFile(join(dir, entry.name)));
  }
  return files;
}

// Two --quick runs with the default seed, in parallel: the fixture of several tests below.
let quickRuns: Promise<{ a: string; b: string }> | undefined;
function twoQuickRuns(): Promise<{ a: string; b: string }> {
  quickRuns ??= (async () => {
    const [a, b] = [await scratchDir("quick-a-"), await scratchDir("quick-b-")];
    const [ra, rb] = await Promise.all([
      runDeno(reproduceArgs(a, ["--quick"])),
      runDeno(reproduceArgs(b, ["--quick"])),
    ]);
    strictEqual(ra.code, 0, `first quick run failed:\n${ra.stderr}`);
    strictEqual(rb.code, 0, `second quick run failed:\n${rb.stderr}`);
    return { a, b };
  })();
  return quickRuns;
}

Deno.test("reproduce rejects unknown flags, unknown claims and bad seeds with exit code 2", async () => {
  const silence = console.error;
  console.error = () => {};
  try {
    strictEqual(await main(["--bogus"]), 2);
    strictEqual(await main(["--only", "C99"]), 2);
    strictEqual(await main(["--only", ","]), 2);
    strictEqual(await main(["--seed", "abc"]), 2);
    strictEqual(await main(["--seed", "-1"]), 2);
    strictEqual(await main(["stray"]), 2);
  } finally {
    console.error = silence;
  }
});

Deno.test("reproduce --quick gives every claim a verdict, key numbers and a figure that compiles", async () => {
  const { a } = await twoQuickRuns();
  const summary = JSON.parse(await Deno.readTextFile(join(a, "summary.json"))) as Summary;
  deepStrictEqual(summary.claims.map((c) => c.id), EXPERIMENTS.map((e) => e.id));
  for (const claim of summary.claims) {
    strictEqual(claim.status, "ok", `${claim.id} crashed: ${claim.error}`);
    check(VERDICTS.includes(claim.verdict!), () => `${claim.id}: verdict ${claim.verdict}`);
    check((claim.explanation ?? "").length > 20, () => `${claim.id}: explanation too short`);
    check((claim.keyNumbers ?? []).length > 0, () => `${claim.id}: no key numbers`);
    const spec = JSON.parse(await Deno.readTextFile(join(a, `${claim.id}.vl.json`)));
    const { svg } = await renderSvg(spec);
    strictEqual(svg, await Deno.readTextFile(join(a, `${claim.id}.svg`)), `${claim.id}.svg`);
    const csv = (await Deno.readTextFile(join(a, `${claim.id}.csv`))).trimEnd().split("\n");
    strictEqual(
      csv.length,
      1 + claim.rowCount!,
      `${claim.id}.csv has a header and one line per row`,
    );
  }
  const manifest = JSON.parse(await Deno.readTextFile(join(a, "manifest.json")));
  strictEqual(manifest.run.seed, 20240601);
  strictEqual(manifest.run.quick, true);
  check(
    Object.keys(manifest.dependencies).some((d) => d.startsWith("npm:ml-matrix@")),
    () => "manifest lists the dependencies from deno.lock",
  );
});

Deno.test("reproduce twice with the same seed writes byte-identical files (wall times kept apart)", async () => {
  const { a, b } = await twoQuickRuns();
  const [filesA, filesB] = [await snapshot(a), await snapshot(b)];
  deepStrictEqual([...filesA.keys()].sort(), [...filesB.keys()].sort());
  for (const [name, content] of filesA) strictEqual(filesB.get(name), content, `${name} differs`);
  // The wall times exist, and live only in timings.json.
  const timings = JSON.parse(await Deno.readTextFile(join(a, "timings.json")));
  check(timings.totalSeconds > 0, () => "timings.json records the wall time");
});

Deno.test("a run killed midway leaves the previous report intact", async () => {
  const { a } = await twoQuickRuns();
  const dir = await scratchDir("interrupted-");
  for (const [name, content] of await snapshot(a)) {
    await Deno.writeTextFile(join(dir, name), content);
  }
  const before = await snapshot(dir);
  const child = new Deno.Command("deno", {
    args: reproduceArgs(dir, []),
    stdout: "null",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  // Kill it (SIGKILL: no chance to clean up) as soon as the first claim is done.
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!/^C\d+ +\S/m.test(text)) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
  }
  child.kill("SIGKILL");
  await child.status;
  await reader.cancel();
  notStrictEqual(text, "", "the run printed progress before it was killed");
  deepStrictEqual(await snapshot(dir), before);
});

Deno.test("a crashing experiment exits with 1 and is shown as an error in the report", async () => {
  const dir = await scratchDir("crash-");
  const crashing: Experiment = {
    id: "C98",
    title: "Crashes",
    claim: "An experiment that throws.",
    note: "000",
    run() {
      throw new Error("deliberate failure for the test");
    },
  };
  const working = EXPERIMENTS[0];
  const silence = [console.error, console.log];
  console.error = console.log = () => {};
  let code;
  try {
    code = await main(["--out", dir, "--quick"], [working, crashing]);
  } finally {
    [console.error, console.log] = silence;
  }
  strictEqual(code, 1);
  const summary = JSON.parse(await Deno.readTextFile(join(dir, "summary.json"))) as Summary;
  const entry = summary.claims.find((c) => c.id === "C98")!;
  strictEqual(entry.status, "error");
  check(entry.error!.includes("deliberate failure for the test"), () => entry.error!);
  strictEqual(summary.counts.error, 1);
  strictEqual(summary.claims.find((c) => c.id === working.id)!.status, "ok");
  const html = await Deno.readTextFile(join(dir, "index.html"));
  check(html.includes("deliberate failure for the test"), () => "index.html shows the error");
});

const chromium = await findChromium();
const requireBrowser = (() => {
  try {
    return Deno.env.get("REQUIRE_BROWSER") === "1";
  } catch {
    return false;
  }
})();

Deno.test({
  name: "index.html renders in headless Chromium with a non-empty SVG figure for every claim",
  ignore: !chromium && !requireBrowser,
  async fn() {
    if (!chromium) {
      throw new Error("REQUIRE_BROWSER=1 but no chromium on PATH (apt-get install chromium)");
    }
    const { a } = await twoQuickRuns();
    const profile = await scratchDir("chromium-profile-");
    const page = await openPage(
      chromium,
      `file://${Deno.realPathSync(join(a, "index.html"))}`,
      profile,
    );
    try {
      const figures = await page.evaluate<
        { id: string; width: number; height: number; marks: number }[]
      >(`
        [...document.querySelectorAll("section.claim")].map((section) => {
          const svg = section.querySelector("figure svg");
          const box = svg ? svg.getBoundingClientRect() : { width: 0, height: 0 };
          return {
            id: section.id,
            width: box.width,
            height: box.height,
            marks: svg ? svg.querySelectorAll("path, rect, line, text").length : 0,
          };
        })`);
      deepStrictEqual(figures.map((f) => f.id), EXPERIMENTS.map((e) => e.id));
      for (const f of figures) {
        check(f.width > 50 && f.height > 50 && f.marks > 5, () => `${f.id}: ${JSON.stringify(f)}`);
      }
      await Deno.writeFile(join(SCRATCH, "report-screenshot.png"), await page.screenshot());
    } finally {
      await page.close();
    }
  },
});

Deno.test("the registry holds one experiment per claim of the notes, C01 to C29, in order", () => {
  const expected = Array.from({ length: 29 }, (_, i) => `C${String(i + 1).padStart(2, "0")}`);
  deepStrictEqual(EXPERIMENTS.map((e) => e.id), expected);
});

Deno.test("the committed reports/ is the default run's output: every claim's files, and fast claims re-run byte-identical", async () => {
  const committed = JSON.parse(await Deno.readTextFile("reports/summary.json")) as Summary;
  deepStrictEqual(committed.claims.map((c) => c.id), EXPERIMENTS.map((e) => e.id));
  for (const claim of committed.claims) {
    strictEqual(claim.status, "ok", `${claim.id} crashed in the committed report`);
    for (const suffix of [".csv", ".vl.json", ".svg"]) {
      const info = await Deno.stat(`reports/${claim.id}${suffix}`);
      check(info.size > 0, () => `reports/${claim.id}${suffix} is empty`);
    }
  }
  // Re-run a few fast claims with the default seed and options: the committed files must be
  // exactly what the current code writes, or the reference output is stale.
  const fast = ["C01", "C02", "C13", "C21", "C23"];
  const out = await scratchDir("reference-");
  const result = await runDeno(reproduceArgs(out, ["--only", fast.join(",")]));
  strictEqual(result.code, 0, `the re-run failed:\n${result.stderr}`);
  for (const id of fast) {
    for (const suffix of [".csv", ".vl.json", ".svg"]) {
      strictEqual(
        await Deno.readTextFile(join(out, `${id}${suffix}`)),
        await Deno.readTextFile(`reports/${id}${suffix}`),
        `reports/${id}${suffix} is stale: run deno task reproduce and commit reports/`,
      );
    }
  }
});
