/**
 * Every claim's experiment, in claim order. `deno task reproduce` runs the ones listed here.
 *
 * @module
 */

import type { Experiment } from "./experiment.ts";

/** The experiments, sorted by claim id. Each module adds one line here. */
export const EXPERIMENTS: readonly Experiment[] = [];
