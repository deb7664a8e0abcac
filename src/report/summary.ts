/**
 * The report's data model: what `summary.json` holds for each claim, and the run's manifest.
 *
 * @module
 */

import type { KeyNumber, Quote, Refinement, Verdict } from "../experiments/experiment.ts";

/** One claim's entry in `summary.json`. */
export interface ClaimSummary {
  /** Claim id, for example "C06". */
  id: string;
  /** Short title. */
  title: string;
  /** The note the claim comes from. */
  note: string;
  /** The claim's statement, in the project's words. */
  claim: string;
  /** The note's passage the verdict judges, verbatim (experiments that quote their note). */
  quote?: Quote;
  /** "ok" when the experiment ran and produced a figure, "error" when it crashed. */
  status: "ok" | "error";
  /** The verdict (status "ok" only). */
  verdict?: Verdict;
  /** The explanation quoting the measured numbers (status "ok" only). */
  explanation?: string;
  /** The key numbers, headline first, each with a label and unit (status "ok" only). */
  keyNumbers?: KeyNumber[];
  /** A refined statement tested beside the quoted claim, with its own verdict. */
  refinement?: Refinement;
  /** Number of data rows written to the CSV. */
  rowCount?: number;
  /** The error message (status "error" only). */
  error?: string;
  /** Vega-Lite compiler warnings, if any. */
  warnings?: string[];
  /** The seed of the run that produced this entry. */
  seed: number;
  /** Whether that run used --quick. */
  quick: boolean;
}

/** `summary.json`. */
export interface Summary {
  /** Every claim's entry, sorted by claim number. */
  claims: ClaimSummary[];
  /** How many claims ended with each verdict, and how many crashed. */
  counts: { holds: number; "holds under conditions": number; refuted: number; error: number };
}

/** Orders claim ids by their number: C2 < C10. */
export function compareClaimIds(a: string, b: string): number {
  return Number(a.slice(1)) - Number(b.slice(1));
}

/** Builds the summary from claim entries (sorted, with counts). */
export function buildSummary(entries: readonly ClaimSummary[]): Summary {
  const claims = entries.slice().sort((a, b) => compareClaimIds(a.id, b.id));
  const counts = { holds: 0, "holds under conditions": 0, refuted: 0, error: 0 };
  for (const c of claims) {
    if (c.status === "error" || !c.verdict) counts.error++;
    else counts[c.verdict]++;
  }
  return { claims, counts };
}
