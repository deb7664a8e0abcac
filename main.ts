// deno-lint-ignore-file no-console
/**
 * `deno task reproduce`: runs every claim of the notes as an experiment and writes a browsable
 * report (index.html, per-claim CSV, Vega-Lite spec and SVG, summary.json, manifest.json).
 *
 * Exit codes: 0 when every experiment ran (a refuted claim is a result, not a failure), 1 when
 * an experiment crashed (it is shown as an error in the report), 2 for bad arguments.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { EXPERIMENTS } from "./src/experiments/registry.ts";
import type { RunnableExperiment as Experiment } from "./src/experiments/legacy.ts";
import { reproduce } from "./src/report/reproduce.ts";
import { formatNumber } from "./src/report/html.ts";

/** The default seed of a run. */
export const DEFAULT_SEED = 20240601;

const USAGE = `Usage: deno task reproduce [options]

Runs every claim of the notes (C01–C29) as an experiment, decides a verdict from the measured
numbers, and writes a report you can open in a browser (<out>/index.html).

Options:
  --only C06,C15   run only these claims; the rest of an existing report is kept
  --seed N         seed of every random draw (default ${DEFAULT_SEED})
  --out DIR        output folder (default reports/; the task may write only there)
  --quick          smaller sizes, for CI (under 30 s)
  --help           show this text
`;

/** A command-line mistake: reported with the usage text, exit code 2. */
class UsageError extends Error {}

function usageError(message: string): never {
  throw new UsageError(message);
}

function parse(args: string[]) {
  try {
    return parseArgs({
      args,
      options: {
        only: { type: "string" },
        seed: { type: "string" },
        out: { type: "string", default: "reports" },
        quick: { type: "boolean", default: false },
        help: { type: "boolean", default: false },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    usageError((error as Error).message);
  }
}

/** A one-line progress bar on stderr when it is a terminal; nothing otherwise. */
function progressBar(): (label: string, fraction: number) => void {
  if (!Deno.stderr.isTerminal()) return () => {};
  const encoder = new TextEncoder();
  let last = -1;
  return (label, fraction) => {
    const percent = Math.round(100 * Math.min(1, Math.max(0, fraction)));
    if (percent === last) return;
    last = percent;
    const filled = Math.round(percent / 5);
    const bar = `${"█".repeat(filled)}${"░".repeat(20 - filled)}`;
    Deno.stderr.writeSync(encoder.encode(`\r  ${label} ${bar} ${percent}%\x1b[K`));
  };
}

/**
 * Runs the command with `args` over `experiments` (default: every claim) and returns the exit
 * code: 0 when every experiment ran, 1 when one crashed, 2 for bad arguments.
 */
export async function main(
  args: string[],
  experiments: readonly Experiment[] = EXPERIMENTS,
): Promise<number> {
  try {
    return await run(args, experiments);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`reproduce: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    throw error;
  }
}

async function run(args: string[], experiments: readonly Experiment[]): Promise<number> {
  const values = parse(args);
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const seed = values.seed === undefined ? DEFAULT_SEED : Number(values.seed);
  if (values.seed !== undefined && (!/^\d+$/.test(values.seed) || seed > 0xffffffff)) {
    usageError(`--seed is "${values.seed}", expected an integer in [0, 4294967295]`);
  }
  const known = experiments.map((e) => e.id as string);
  let selected = experiments;
  let only: string[] | undefined;
  if (values.only !== undefined) {
    only = values.only.split(",").map((s) => s.trim().toUpperCase()).filter((s) => s !== "");
    const unknown = only.filter((id) => !known.includes(id));
    if (only.length === 0) usageError("--only is empty, expected claim ids such as C06,C15");
    if (unknown.length > 0) {
      usageError(
        `--only names unknown claim${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")}; known: ${
          known.join(", ")
        }`,
      );
    }
    selected = experiments.filter((e) => only!.includes(e.id));
  }
  const outDir = values.out;
  if (outDir.trim() === "") usageError("--out is empty, expected a folder");
  for (const name of ["read", "write"] as const) {
    const { state } = await Deno.permissions.query({ name, path: outDir });
    if (state !== "granted") {
      console.error(
        `reproduce: no ${name} access to "${outDir}". The reproduce task may write only under ` +
          `reports/; for another folder run\n  deno run --allow-read=deno.json,deno.lock,${outDir} ` +
          `--allow-write=${outDir} main.ts --out ${outDir}`,
      );
      return 2;
    }
  }

  const draw = progressBar();
  const clearLine = Deno.stderr.isTerminal() ? "\r\x1b[K" : "";
  const started = performance.now();
  let outcome;
  try {
    outcome = await reproduce(selected, {
      seed,
      quick: values.quick,
      outDir,
      only,
      root: new URL("./", import.meta.url),
      onStart: (experiment, index, count) => draw(`[${index + 1}/${count}] ${experiment.id}`, 0),
      onProgress: (experiment, fraction) => draw(experiment.id, fraction),
      onDone: (entry, seconds) => {
        const what = entry.status === "error" ? "CRASHED" : entry.verdict;
        console.error(`${clearLine}${entry.id.padEnd(4)} ${what} (${seconds.toFixed(1)} s)`);
        if (entry.status === "error") {
          console.error(`     ${entry.error?.split("\n").join("\n     ")}`);
        }
      },
    });
  } catch (error) {
    if (error instanceof Deno.errors.PermissionDenied || error instanceof Deno.errors.NotCapable) {
      console.error(
        `reproduce: cannot write to "${outDir}": ${(error as Error).message}`,
      );
      return 2;
    }
    throw error;
  }

  const { summary, crashed } = outcome;
  const width = Math.max(7, ...summary.claims.map((c) => (c.verdict ?? "error").length));
  console.log(`claim  ${"verdict".padEnd(width)}  key number`);
  for (const c of summary.claims) {
    const key = c.keyNumbers?.[0];
    const verdict = c.status === "error" ? "error" : c.verdict ?? "error";
    console.log(
      `${c.id.padEnd(5)}  ${verdict.padEnd(width)}  ${
        key
          ? `${key.label}: ${formatNumber(key.value)}${key.unit ? ` ${key.unit}` : ""}`
          : c.error?.split("\n")[0] ?? ""
      }`,
    );
  }
  const { counts } = summary;
  console.error(
    `\n${summary.claims.length} claims: ${counts.holds} hold, ${
      counts["holds under conditions"]
    } hold under conditions, ` +
      `${counts.refuted} refuted, ${counts.error} crashed. Report: ${outDir}/index.html ` +
      `(${((performance.now() - started) / 1000).toFixed(1)} s)`,
  );
  return crashed.length > 0 ? 1 : 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
