// deno-lint-ignore-file no-console -- a command-line script: it prints the comparison
/**
 * Compares the latest bench run (`reports/bench/latest.json`, written by `deno task bench`) with
 * the committed baseline (`reports/bench/baseline.json`). Each bench is compared by its ratio to
 * its group's baseline measured in the same run (for a peer, the inverse: our side over the
 * peer's), so the speed of the machine cancels. Exits with status 1, naming each one, when any
 * ratio is more than 15% worse than the baseline's.
 *
 * Usage:
 *   deno task bench:compare                      compare latest with baseline
 *   deno task bench:compare --tolerance 0.25     allow 25% instead of 15%
 *   deno task bench:compare --update-baseline    copy latest.json over baseline.json
 *
 * @module
 */

import { parseArgs } from "node:util";
import { comparedRatios, compareRatios, type GroupRatios } from "./_analysis.ts";

interface Snapshot {
  date?: string;
  cpu?: string;
  groups: GroupRatios[];
}

async function readSnapshot(path: string, what: string): Promise<Snapshot> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new Error(
        `${what} ${path} does not exist${
          what === "latest run" ? "; run `deno task bench` first" : ""
        }`,
      );
    }
    throw error;
  }
  const snapshot = JSON.parse(text) as Snapshot;
  if (!Array.isArray(snapshot.groups)) throw new Error(`${path} has no groups: not a bench report`);
  return snapshot;
}

function percent(change: number): string {
  return `${change >= 0 ? "+" : ""}${(100 * change).toFixed(1)}%`;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      latest: { type: "string", default: "reports/bench/latest.json" },
      baseline: { type: "string", default: "reports/bench/baseline.json" },
      tolerance: { type: "string", default: "0.15" },
      "update-baseline": { type: "boolean", default: false },
    },
  });
  const latest = await readSnapshot(values.latest!, "latest run");
  if (values["update-baseline"]) {
    await Deno.copyFile(values.latest!, values.baseline!);
    console.log(`Copied ${values.latest} (${latest.date ?? "undated"}) to ${values.baseline}.`);
    return 0;
  }
  const tolerance = Number(values.tolerance);
  if (!(tolerance >= 0)) {
    console.error(`--tolerance is ${values.tolerance}, expected a number ≥ 0 (0.15 is 15%)`);
    return 2;
  }
  const baseline = await readSnapshot(values.baseline!, "baseline");
  const result = compareRatios(
    comparedRatios(latest.groups),
    comparedRatios(baseline.groups),
    tolerance,
  );
  console.log(
    `Latest ${latest.date ?? "?"} against baseline ${baseline.date ?? "?"} (${
      baseline.cpu ?? "?"
    }): ` +
      `${result.compared.length} ratios compared, tolerance ${percent(tolerance)}.`,
  );
  for (const c of result.improvements) {
    console.log(`  better  ${percent(c.change).padStart(8)}  ${c.key}`);
  }
  for (const key of result.missing) {
    console.log(`  missing           ${key} (in the baseline only)`);
  }
  for (const key of result.added) console.log(`  new               ${key} (not in the baseline)`);
  if (result.regressions.length === 0) {
    console.log("No ratio is worse than the tolerance allows.");
    return 0;
  }
  console.error(`${result.regressions.length} ratios are more than ${percent(tolerance)} worse:`);
  for (const c of result.regressions) {
    console.error(
      `  WORSE   ${percent(c.change).padStart(8)}  ${c.key}: ${c.baseline.toPrecision(4)} → ${
        c.latest.toPrecision(4)
      }`,
    );
  }
  return 1;
}

if (import.meta.main) {
  try {
    Deno.exit(await main());
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    Deno.exit(2);
  }
}
