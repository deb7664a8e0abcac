// deno-lint-ignore-file no-console
/**
 * `deno task fuzz`: fuzzes every export with random and adversarial arguments. FUZZ_RUNS sets
 * the total number of cases (default 2,000; ask for 10,000 or more for a thorough run),
 * FUZZ_SEED the seed (default: fresh, printed), FUZZ_TARGETS a comma-separated list of targets
 * to run (default: all). Each target runs in its own worker, watched: a
 * case that runs longer than the time limit is reported as a hang, with its arguments.
 */

import { TARGETS } from "./targets.ts";
import type { FuzzMessage, FuzzRequest } from "./worker.ts";

/** The outcome of one target. */
export interface TargetReport {
  name: string;
  runs: number;
  outcome: "ok" | "finding" | "hang";
  seed: number;
  detail?: string;
}

/** Options of {@linkcode runFuzz}. */
export interface FuzzOptions {
  /** Cases per target. */
  runsPerTarget: number;
  /** The seed of every target's run. */
  seed: number;
  /** A case running longer than this is a hang. */
  caseTimeoutMs: number;
  /** Called after each target. */
  onTarget?(report: TargetReport): void;
  /** Only these targets (default: all). */
  only?: readonly string[];
}

function fuzzTarget(name: string, options: FuzzOptions): Promise<TargetReport> {
  const worker = new Worker(new URL("./worker.ts", import.meta.url).href, { type: "module" });
  return new Promise((resolve) => {
    let lastCase = "(before the first case)";
    let lastIndex = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        worker.terminate();
        resolve({
          name,
          runs: lastIndex,
          outcome: "hang",
          seed: options.seed,
          detail: `case ${lastIndex} ran over ${options.caseTimeoutMs} ms: ${lastCase}`,
        });
      }, options.caseTimeoutMs);
    };
    worker.onmessage = (event: MessageEvent<FuzzMessage>) => {
      const message = event.data;
      if (message.type === "case") {
        lastCase = message.args;
        lastIndex = message.index;
        arm();
        return;
      }
      clearTimeout(timer);
      worker.terminate();
      resolve({
        name,
        runs: message.runs,
        outcome: message.failed ? "finding" : "ok",
        seed: message.seed,
        detail: message.failed
          ? `${message.reason}\n    counterexample: ${message.counterexample}\n    replay: FUZZ_SEED=${message.seed} (path ${message.path})`
          : undefined,
      });
    };
    worker.onerror = (event) => {
      event.preventDefault();
      clearTimeout(timer);
      worker.terminate();
      resolve({
        name,
        runs: lastIndex,
        outcome: "finding",
        seed: options.seed,
        detail: `worker crashed: ${event.message}`,
      });
    };
    arm();
    worker.postMessage(
      { name, runs: options.runsPerTarget, seed: options.seed } satisfies FuzzRequest,
    );
  });
}

/** Fuzzes every target, one worker at a time. */
export async function runFuzz(options: FuzzOptions): Promise<TargetReport[]> {
  const reports: TargetReport[] = [];
  for (const target of TARGETS) {
    if (options.only && !options.only.includes(target.name)) continue;
    const report = await fuzzTarget(target.name, options);
    reports.push(report);
    options.onTarget?.(report);
  }
  return reports;
}

function envInteger(name: string, fallback: number): number {
  const raw = Deno.env.get(name);
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    console.error(`fuzz: ${name} is "${raw}", expected a positive integer`);
    Deno.exit(2);
  }
  return value;
}

if (import.meta.main) {
  const total = envInteger("FUZZ_RUNS", 2000);
  const seed = envInteger("FUZZ_SEED", (Date.now() % 2147483646) + 1);
  // The cases per target depend on FUZZ_RUNS alone, so FUZZ_TARGETS=name with the same
  // FUZZ_RUNS and FUZZ_SEED replays one target's run exactly.
  const runsPerTarget = Math.ceil(total / TARGETS.length);
  const only = Deno.env.get("FUZZ_TARGETS")?.split(",").map((t) => t.trim()).filter(Boolean);
  const unknown = (only ?? []).filter((t) => !TARGETS.some((target) => target.name === t));
  if (unknown.length > 0) {
    console.error(`fuzz: FUZZ_TARGETS names unknown targets: ${unknown.join(", ")}`);
    Deno.exit(2);
  }
  console.error(`fuzz: ${TARGETS.length} targets × ${runsPerTarget} cases, seed ${seed}`);
  const started = performance.now();
  const reports = await runFuzz({
    runsPerTarget,
    seed,
    caseTimeoutMs: 60_000,
    only,
    onTarget: (r) =>
      console.error(
        `${
          r.outcome === "ok" ? "ok     " : r.outcome.toUpperCase().padEnd(7)
        } ${r.name} (${r.runs} cases)${r.detail ? `\n    ${r.detail}` : ""}`,
      ),
  });
  const cases = reports.reduce((s, r) => s + r.runs, 0);
  const bad = reports.filter((r) => r.outcome !== "ok");
  console.log(
    `${cases} cases over ${reports.length} targets in ${
      ((performance.now() - started) / 1000).toFixed(1)
    } s, seed ${seed}: ${bad.length} with findings`,
  );
  Deno.exit(bad.length > 0 ? 1 : 0);
}
