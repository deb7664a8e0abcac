/**
 * The contract of a claim's experiment: build the data, run it, and return rows, a Vega-Lite
 * figure and a verdict computed from the measured numbers.
 *
 * @module
 */

import type { VegaLiteSpec } from "../report/specs.ts";

/** The identifier of a claim in CLAIMS.md, C01 to C29. */
export type ClaimId = `C${number}`;

/**
 * The outcome of a claim:
 * - `"holds"`: true as stated;
 * - `"holds under conditions"`: true when the conditions named in the explanation hold;
 * - `"refuted"`: the experiment shows a counterexample.
 */
export type Verdict = "holds" | "holds under conditions" | "refuted";

/** The verdicts, in report order. */
export const VERDICTS: readonly Verdict[] = ["holds", "holds under conditions", "refuted"];

/** One row of an experiment's table: flat, CSV-ready values. */
export type Row = Record<string, number | string | boolean | null>;

/** What an experiment gets from the runner. */
export interface ExperimentContext {
  /** The run's seed; every random draw of the experiment derives from it. */
  readonly seed: number;
  /** Smaller sizes for CI (the whole quick run stays under 30 s). */
  readonly quick: boolean;
  /** Reports progress in [0, 1] for long experiments; the runner draws a progress bar. */
  progress(fraction: number, label?: string): void;
}

/** What an experiment returns. */
export interface ExperimentResult {
  /** The measured data, one flat record per row (written as CSV). */
  rows: Row[];
  /** The figure: a Vega-Lite spec whose data are inline values. */
  spec: VegaLiteSpec;
  /** The verdict, decided from the numbers in `keyNumbers`/`rows`, never hard-coded. */
  verdict: Verdict;
  /** One to three sentences that quote the measured numbers behind the verdict. */
  explanation: string;
  /** The key numbers, by name (finite numbers; they go to summary.json). */
  keyNumbers: Record<string, number>;
}

/** An experiment that reproduces one claim. */
export interface Experiment {
  /** The claim it reproduces. */
  readonly id: ClaimId;
  /** A short title. */
  readonly title: string;
  /** The claim as the notes state it, in the project's words. */
  readonly claim: string;
  /** The note the claim comes from ("000", "001", "002" or "004"). */
  readonly note: "000" | "001" | "002" | "004";
  /** Runs the experiment. */
  run(context: ExperimentContext): ExperimentResult | Promise<ExperimentResult>;
}
