/**
 * The pipeline behind `deno task reproduce`: run the selected experiments (catching crashes),
 * validate what they return, render figures and CSV, merge with the claims of an earlier run
 * kept in the output folder, and commit every file at once.
 *
 * Everything written is a function of the code, the seed and the options, so two runs give
 * byte-identical files, except `timings.json`, which keeps the wall times apart.
 *
 * @module
 */

import { join } from "node:path";
import { type Decision, type ExperimentContext, VERDICTS } from "../experiments/experiment.ts";
import {
  type ExperimentResult,
  isStaged,
  type RunnableExperiment as Experiment,
} from "../experiments/legacy.ts";
import type { VegaLiteSpec } from "./specs.ts";
import { renderSvg, toCsv } from "./render.ts";
import { buildSummary, type ClaimSummary, compareClaimIds, type Summary } from "./summary.ts";
import { renderIndexHtml } from "./html.ts";
import { commitFiles, readIfExists } from "./files.ts";

/** Options of a reproduce run. */
export interface ReproduceOptions {
  /** The run's seed. */
  seed: number;
  /** Smaller sizes for CI. */
  quick: boolean;
  /** The output folder. */
  outDir: string;
  /** The ids given with --only, or undefined for all. */
  only?: readonly string[];
  /** The project root (to read deno.json and deno.lock for the manifest). */
  root: URL;
  /** Called when an experiment starts. */
  onStart?(experiment: Experiment, index: number, count: number): void;
  /** Called with progress in [0, 1] while an experiment runs. */
  onProgress?(experiment: Experiment, fraction: number, label?: string): void;
  /** Called when an experiment ends. */
  onDone?(entry: ClaimSummary, seconds: number): void;
}

/** What a run produced. */
export interface ReproduceOutcome {
  /** The merged summary written to summary.json. */
  summary: Summary;
  /** Claims of this run that crashed. */
  crashed: string[];
  /** Names of the files written. */
  files: string[];
}

/** What one experiment produced, whichever its shape. */
export interface ExperimentOutcome {
  /** The CSV rows. */
  rows: ExperimentResult["rows"];
  /** The figure. */
  spec: VegaLiteSpec;
  /** The verdict, its explanation and key numbers. */
  decision: Decision;
  /** Wall-clock numbers for timings.json. */
  timings?: Record<string, number>;
}

/** Runs one experiment, of either shape: measure, then decide, table and figure. */
export async function runExperiment(
  experiment: Experiment,
  context: ExperimentContext,
): Promise<ExperimentOutcome> {
  if (!isStaged(experiment)) return fromLegacy(await experiment.run(context));
  const measurement = await experiment.measure(context);
  return {
    decision: experiment.decide(measurement),
    rows: experiment.table(measurement),
    spec: experiment.figure(measurement),
    timings: experiment.timings?.(measurement),
  };
}

function fromLegacy(result: ExperimentResult): ExperimentOutcome {
  if (result === null || typeof result !== "object") {
    return { rows: [], spec: {} as VegaLiteSpec, decision: undefined as unknown as Decision };
  }
  return {
    rows: result.rows,
    spec: result.spec,
    decision: {
      verdict: result.verdict,
      explanation: result.explanation,
      keyNumbers: Object.entries(result.keyNumbers ?? {}).map(([label, value]) => ({
        label,
        value,
      })),
    },
  };
}

/** Checks an experiment's outcome; returns a description of the first problem, if any. */
export function outcomeProblem(outcome: ExperimentOutcome): string | undefined {
  const { decision } = outcome;
  if (decision === null || typeof decision !== "object") return "the experiment decided nothing";
  if (!VERDICTS.includes(decision.verdict)) {
    return `verdict is ${JSON.stringify(decision.verdict)}, expected one of ${
      VERDICTS.join(" | ")
    }`;
  }
  if (typeof decision.explanation !== "string" || decision.explanation.trim() === "") {
    return "the explanation is empty";
  }
  if (decision.refinement) {
    if (!VERDICTS.includes(decision.refinement.verdict)) {
      return `the refinement's verdict is ${JSON.stringify(decision.refinement.verdict)}`;
    }
    if (!decision.refinement.statement?.trim() || !decision.refinement.explanation?.trim()) {
      return "the refinement needs a statement and an explanation";
    }
  }
  if (!Array.isArray(outcome.rows) || outcome.rows.length === 0) {
    return "the experiment returned no rows";
  }
  for (const [i, row] of outcome.rows.entries()) {
    for (const [key, value] of Object.entries(row)) {
      const ok = value === null || typeof value === "string" || typeof value === "boolean" ||
        typeof value === "number";
      if (!ok) return `rows[${i}].${key} is not a string, number, boolean or null`;
    }
  }
  const numbers = decision.keyNumbers ?? [];
  if (numbers.length === 0) return "the experiment returned no key numbers";
  for (const { label, value } of numbers) {
    if (typeof label !== "string" || label.trim() === "") return "a key number has no label";
    if (typeof value !== "number" || !Number.isFinite(value)) {
      return `key number "${label}" is ${value}, expected a finite number`;
    }
  }
  for (const [name, value] of Object.entries(outcome.timings ?? {})) {
    if (typeof value !== "number" || !Number.isFinite(value)) {
      return `timing ${name} is ${value}, expected a finite number`;
    }
  }
  if (outcome.spec === null || typeof outcome.spec !== "object") {
    return "the figure spec is missing";
  }
  return undefined;
}

function errorText(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}

/** Deno and dependency versions (from deno.lock), for the manifest. */
async function versions(root: URL): Promise<{
  project: { name: string; version: string };
  dependencies: Record<string, string>;
}> {
  const config = JSON.parse(await Deno.readTextFile(new URL("deno.json", root)));
  const lockText = await readIfExists(new URL("deno.lock", root).pathname);
  const lock = lockText ? JSON.parse(lockText) : {};
  const dependencies: Record<string, string> = {};
  for (const [specifier, resolved] of Object.entries(lock.specifiers ?? {})) {
    dependencies[specifier] = String(resolved);
  }
  return { project: { name: config.name, version: config.version }, dependencies };
}

/** Runs the experiments and writes the report. Never throws for an experiment's crash. */
export async function reproduce(
  experiments: readonly Experiment[],
  options: ReproduceOptions,
): Promise<ReproduceOutcome> {
  const entries = new Map<string, ClaimSummary>();
  const figures = new Map<string, string>();
  const files: [string, string][] = [];
  const timings: Record<string, number> = {};
  const measuredTimes: Record<string, number> = {};
  const crashed: string[] = [];
  const started = performance.now();

  for (const [index, experiment] of experiments.entries()) {
    options.onStart?.(experiment, index, experiments.length);
    const t0 = performance.now();
    const base = {
      id: experiment.id,
      title: experiment.title,
      note: experiment.note,
      claim: experiment.claim,
      seed: options.seed,
      quick: options.quick,
    };
    let entry: ClaimSummary;
    try {
      const context = {
        seed: options.seed,
        quick: options.quick,
        progress: (fraction: number, label?: string) =>
          options.onProgress?.(experiment, fraction, label),
      };
      const outcome = await runExperiment(experiment, context);
      const problem = outcomeProblem(outcome);
      if (problem) throw new Error(`invalid result: ${problem}`);
      const figure = await renderSvg(outcome.spec);
      const csv = await toCsv(outcome.rows);
      files.push(
        [`${experiment.id}.csv`, csv],
        [`${experiment.id}.vl.json`, `${JSON.stringify(outcome.spec, null, 2)}\n`],
        [`${experiment.id}.svg`, figure.svg],
      );
      figures.set(experiment.id, figure.svg);
      const { decision } = outcome;
      for (const [name, value] of Object.entries(outcome.timings ?? {})) {
        measuredTimes[`${experiment.id}.${name}`] = value;
      }
      entry = {
        ...base,
        ...(isStaged(experiment) ? { quote: experiment.quote } : {}),
        status: "ok",
        verdict: decision.verdict,
        explanation: decision.explanation,
        keyNumbers: decision.keyNumbers.map((k) => ({ ...k })),
        ...(decision.refinement ? { refinement: { ...decision.refinement } } : {}),
        rowCount: outcome.rows.length,
        ...(figure.warnings.length ? { warnings: figure.warnings } : {}),
      };
    } catch (error) {
      crashed.push(experiment.id);
      entry = { ...base, status: "error", error: errorText(error) };
    }
    const seconds = (performance.now() - t0) / 1000;
    timings[experiment.id] = Number(seconds.toFixed(3));
    entries.set(experiment.id, entry);
    options.onDone?.(entry, seconds);
  }

  // Keep the claims of an earlier run that this one did not redo, when their figure is there.
  const previousText = await readIfExists(join(options.outDir, "summary.json"));
  if (previousText) {
    try {
      const previous = JSON.parse(previousText) as Summary;
      for (const old of previous.claims ?? []) {
        if (entries.has(old.id)) continue;
        if (old.status === "ok") {
          const svg = await readIfExists(join(options.outDir, `${old.id}.svg`));
          if (svg === undefined) continue;
          figures.set(old.id, svg);
        }
        entries.set(old.id, old);
      }
    } catch {
      // An unreadable earlier summary is replaced by this run's.
    }
  }

  const summary = buildSummary([...entries.values()]);
  const { project, dependencies } = await versions(options.root);
  const manifest = {
    project,
    deno: { deno: Deno.version.deno, v8: Deno.version.v8, typescript: Deno.version.typescript },
    dependencies,
    run: {
      seed: options.seed,
      quick: options.quick,
      only: options.only ? [...options.only].sort(compareClaimIds) : null,
      claims: experiments.map((e) => e.id),
    },
    note:
      "Wall times are in timings.json, kept apart so that reruns with the same seed compare equal.",
  };
  const runDescription = `Seed ${options.seed}${options.quick ? ", quick sizes" : ""}; ` +
    `${project.name} ${project.version}, Deno ${Deno.version.deno}. ` +
    `Data per claim: CSV, Vega-Lite spec and SVG; run details in manifest.json.`;
  files.push(
    ["summary.json", `${JSON.stringify(summary, null, 2)}\n`],
    ["manifest.json", `${JSON.stringify(manifest, null, 2)}\n`],
    [
      "timings.json",
      `${
        JSON.stringify(
          {
            seconds: timings,
            ...(Object.keys(measuredTimes).length ? { measured: measuredTimes } : {}),
            totalSeconds: Number(((performance.now() - started) / 1000).toFixed(3)),
          },
          null,
          2,
        )
      }\n`,
    ],
    ["index.html", renderIndexHtml(summary, { figures, runDescription })],
  );
  await commitFiles(options.outDir, files);
  return { summary, crashed, files: files.map(([name]) => name) };
}
