// deno-lint-ignore-file no-console
/**
 * `deno task reproduce`: runs every claim's experiment and prints claim, verdict and key number.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { EXPERIMENTS } from "./src/experiments/registry.ts";
import type { ExperimentResult } from "./src/experiments/experiment.ts";

const USAGE = `Usage: deno task reproduce [options]

Runs every claim of the notes (C01–C29) as an experiment and reports a verdict per claim.

Options:
  --only C06,C15   run only these claims (comma-separated ids)
  --seed N         seed of every random draw (default 20240601)
  --quick          smaller sizes, for CI
  --help           show this text
`;

/** The default seed of a run. */
export const DEFAULT_SEED = 20240601;

function fail(message: string): never {
  console.error(`reproduce: ${message}\n\n${USAGE}`);
  Deno.exit(2);
}

async function main(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: {
        only: { type: "string" },
        seed: { type: "string" },
        quick: { type: "boolean", default: false },
        help: { type: "boolean", default: false },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    fail((error as Error).message);
  }
  const { values } = parsed;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const seed = values.seed === undefined ? DEFAULT_SEED : Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    fail(`--seed is "${values.seed}", expected an integer in [0, 4294967295]`);
  }
  let selected = EXPERIMENTS;
  if (values.only !== undefined) {
    const ids = values.only.split(",").map((s) => s.trim().toUpperCase()).filter((s) => s);
    const known = new Set(EXPERIMENTS.map((e) => e.id as string));
    const unknown = ids.filter((id) => !known.has(id));
    if (unknown.length > 0 || ids.length === 0) {
      fail(
        `--only names unknown claim ${unknown.join(", ") || "(none)"}; known: ${
          [...known].join(", ")
        }`,
      );
    }
    selected = EXPERIMENTS.filter((e) => ids.includes(e.id));
  }

  const rows: { id: string; verdict: string; key: string; seconds: string }[] = [];
  let crashed = 0;
  for (const experiment of selected) {
    const started = performance.now();
    let result: ExperimentResult | undefined;
    let error: unknown;
    try {
      result = await experiment.run({
        seed,
        quick: values.quick,
        progress: () => {},
      });
    } catch (e) {
      error = e;
      crashed++;
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    if (result) {
      const [name, value] = Object.entries(result.keyNumbers)[0] ?? ["", NaN];
      rows.push({
        id: experiment.id,
        verdict: result.verdict,
        key: `${name} = ${format(value)}`,
        seconds,
      });
      console.error(`${experiment.id} ${result.verdict} (${seconds} s)`);
    } else {
      rows.push({
        id: experiment.id,
        verdict: "error",
        key: String((error as Error)?.message ?? error),
        seconds,
      });
      console.error(`${experiment.id} crashed (${seconds} s): ${(error as Error)?.stack ?? error}`);
    }
  }
  const width = Math.max(...rows.map((r) => r.verdict.length), 7);
  console.log(`claim  ${"verdict".padEnd(width)}  key number`);
  for (const r of rows) console.log(`${r.id.padEnd(5)}  ${r.verdict.padEnd(width)}  ${r.key}`);
  return crashed > 0 ? 1 : 0;
}

function format(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const a = Math.abs(value);
  return a !== 0 && (a < 1e-3 || a >= 1e5)
    ? value.toExponential(3)
    : String(Number(value.toPrecision(4)));
}

if (import.meta.main) Deno.exit(await main(Deno.args));
