/**
 * The experiment shape before measure → decide → present: one `run()` that returns rows, a
 * figure and a verdict together. The runner still accepts it while the experiments move to
 * `Experiment`; this file goes once none is left.
 *
 * @module
 */

import type { VegaLiteSpec } from "../report/specs.ts";
import type {
  AnyExperiment,
  ClaimId,
  ExperimentContext,
  NoteId,
  Row,
  Verdict,
} from "./experiment.ts";

/** What a legacy experiment returns. */
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

/** A legacy experiment: one `run()`. */
export interface LegacyExperiment {
  /** The claim it reproduces. */
  readonly id: ClaimId;
  /** A short title. */
  readonly title: string;
  /** The claim as the notes state it, in the project's words. */
  readonly claim: string;
  /** The note the claim comes from. */
  readonly note: NoteId;
  /** Runs the experiment. */
  run(context: ExperimentContext): ExperimentResult | Promise<ExperimentResult>;
}

/** What the registry and the runner accept while both shapes exist. */
export type RunnableExperiment = AnyExperiment | LegacyExperiment;

/** Whether an experiment has the measure → decide → present shape. */
export function isStaged(experiment: RunnableExperiment): experiment is AnyExperiment {
  return typeof (experiment as Partial<AnyExperiment>).measure === "function";
}
