/**
 * The contract of a claim's experiment, shaped as measure → decide → present:
 *
 * - `measure(context)` runs the methods and returns plain data (no verdict, no formatting);
 * - `decide(measurement)` is a pure function of that data: the verdict, its explanation and the
 *   key numbers, judged against criteria fixed before measuring;
 * - `table(measurement)` and `figure(measurement)` present the data as CSV rows and a Vega-Lite
 *   spec.
 *
 * Every claim quotes its note verbatim (`quote`); the verdict judges that passage as written.
 * A refined statement worth testing too is reported beside it (`Decision.refinement`), never
 * instead of it.
 *
 * @module
 */

import type { VegaLiteSpec } from "../report/specs.ts";

/** The identifier of a claim in CLAIMS.md, C01 to C30. */
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

/** The notes the claims come from. */
export type NoteId = "000" | "001" | "002" | "004";

/** One row of an experiment's table: flat, CSV-ready values. */
export type Row = Record<string, number | string | boolean | null>;

/** The note's own words: the passage the verdict judges. */
export interface Quote {
  /** The note's file name in `shared/seeds/`, for example "002_6ac3c1e8a864c1c4.txt". */
  readonly note: string;
  /** First and last line of the passage (1-based, inclusive). */
  readonly lines: readonly [number, number];
  /** The passage, verbatim (line breaks inside it may be joined by single spaces). */
  readonly text: string;
}

/** A number the verdict rests on, labelled for people. */
export interface KeyNumber {
  /** What it is, in words: "worst error / bound", "CG's median cosine to the solution". */
  readonly label: string;
  /** The value (finite). */
  readonly value: number;
  /** Its unit, if it has one: "iterations", "gradient-equivalents", "ms". */
  readonly unit?: string;
}

/** A refined statement tested beside the quoted claim, with its own verdict. */
export interface Refinement {
  /** The refined statement, in the project's words. */
  readonly statement: string;
  /** Its verdict. */
  readonly verdict: Verdict;
  /** Why, quoting the numbers. */
  readonly explanation: string;
}

/** What `decide` returns: the verdict on the quoted claim and what it rests on. */
export interface Decision {
  /** The verdict on the quoted passage as written. */
  readonly verdict: Verdict;
  /** One to three sentences that quote the measured numbers behind the verdict. */
  readonly explanation: string;
  /** The numbers the verdict rests on, headline first (at least one). */
  readonly keyNumbers: readonly KeyNumber[];
  /** A refined statement, tested beside the quote. */
  readonly refinement?: Refinement;
}

/** What an experiment gets from the runner. */
export interface ExperimentContext {
  /** The run's seed; every random draw of the experiment derives from it. */
  readonly seed: number;
  /** Smaller sizes for CI (the whole quick run stays under 10 s). */
  readonly quick: boolean;
  /** Reports progress in [0, 1] for long experiments; the runner draws a progress bar. */
  progress(fraction: number, label?: string): void;
}

/**
 * An experiment that reproduces one claim. `M` is its measurement: plain data (numbers,
 * strings, arrays, records), everything `decide`, `table` and `figure` need.
 */
export interface Experiment<M = unknown> {
  /** The claim it reproduces. */
  readonly id: ClaimId;
  /** A short title. */
  readonly title: string;
  /** The claim in the project's words (CLAIMS.md's summary); the quote is the authority. */
  readonly claim: string;
  /** The note the claim comes from. */
  readonly note: NoteId;
  /** The note's passage the verdict judges, verbatim. */
  readonly quote: Quote;
  /** Runs the methods and returns the data. */
  measure(context: ExperimentContext): M | Promise<M>;
  /** The verdict from the numbers alone: pure, deterministic, tested on hand-made data. */
  decide(measurement: M): Decision;
  /** The measured data as CSV rows (at least one). */
  table(measurement: M): Row[];
  /** The figure: a Vega-Lite spec whose data are inline values. */
  figure(measurement: M): VegaLiteSpec;
  /**
   * Wall-clock numbers (milliseconds or ratios of them) for `timings.json`, for claims about
   * time. They must not appear in `table`, `figure` or the decision's text and key numbers,
   * which stay byte-identical across reruns.
   */
  timings?(measurement: M): Record<string, number>;
}

/** Any experiment, whatever its measurement type (for registries and runners). */
// deno-lint-ignore no-explicit-any
export type AnyExperiment = Experiment<any>;
