/**
 * Pure functions behind the bench report and the baseline comparison: reading the output of
 * `deno bench --json`, turning each group into ratios to its baseline (so that the speed of the
 * machine cancels), comparing two runs' ratios, and fitting a log-log slope. No I/O, no timing:
 * `tests/bench/analysis_test.ts` checks them on synthetic input.
 *
 * @module
 */

/** Bench names that start with this prefix time a peer library, not this one. */
export const PEER_PREFIX = "peer ";

/** One bench of a run, times in nanoseconds per iteration. */
export interface BenchEntry {
  group: string | null;
  name: string;
  baseline: boolean;
  /** Undefined when the bench failed. */
  timing?: { n: number; min: number; avg: number; p75: number };
  /** The error of a failed bench. */
  error?: string;
}

/** A run of `deno bench --json`. */
export interface BenchRun {
  runtime: string;
  cpu: string;
  benches: BenchEntry[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * Reads the JSON that `deno bench --json` prints (version 1: `{ runtime, cpu, benches: [{ group,
 * name, baseline, results: [{ ok: { n, min, avg, p75, ... } } | { failed: ... }] }] }`).
 */
export function parseBenchJson(raw: unknown): BenchRun {
  if (!isRecord(raw) || !Array.isArray(raw.benches)) {
    throw new TypeError("Cannot read the bench output: expected an object with a benches array");
  }
  const benches = raw.benches.map((b, i): BenchEntry => {
    if (!isRecord(b) || typeof b.name !== "string") {
      throw new TypeError(`Cannot read the bench output: benches[${i}] has no name`);
    }
    const group = typeof b.group === "string" ? b.group : null;
    const results = Array.isArray(b.results) ? b.results : [];
    const first = results[0];
    const entry: BenchEntry = { group, name: b.name, baseline: b.baseline === true };
    if (isRecord(first) && isRecord(first.ok)) {
      const { n, min, avg, p75 } = first.ok;
      if ([n, min, avg, p75].every((v) => typeof v === "number" && Number.isFinite(v))) {
        entry.timing = {
          n: n as number,
          min: min as number,
          avg: avg as number,
          p75: p75 as number,
        };
        return entry;
      }
    }
    entry.error = isRecord(first) && "failed" in first ? JSON.stringify(first.failed) : "no result";
    return entry;
  });
  return {
    runtime: typeof raw.runtime === "string" ? raw.runtime : "unknown",
    cpu: typeof raw.cpu === "string" ? raw.cpu : "unknown",
    benches,
  };
}

/** The statistic that ratios are taken of. */
export type Statistic = "min" | "avg";

/** One bench within its group, with its ratio to the group's baseline. */
export interface RatioEntry {
  name: string;
  /** Nanoseconds per iteration: minimum, mean, 75th percentile; and the sample count. */
  minNs: number;
  avgNs: number;
  p75Ns: number;
  n: number;
  /** time / baseline time, of the chosen statistic (1 for the baseline itself). */
  ratio: number;
  /** Whether the bench is the group's baseline. */
  baseline: boolean;
  /** Whether it times a peer library. */
  peer: boolean;
}

/** A group of a run. */
export interface GroupRatios {
  group: string;
  /** The baseline's name. */
  baseline: string;
  benches: RatioEntry[];
}

/**
 * Groups a run's benches and divides each time by its group's baseline (the bench marked
 * `baseline: true`, else the first of the group). Benches without a group, and failed ones, are
 * left out.
 */
export function groupRatios(run: BenchRun, statistic: Statistic = "min"): GroupRatios[] {
  const byGroup = new Map<string, BenchEntry[]>();
  for (const b of run.benches) {
    if (b.group === null || !b.timing) continue;
    const list = byGroup.get(b.group) ?? [];
    list.push(b);
    byGroup.set(b.group, list);
  }
  const groups: GroupRatios[] = [];
  for (const [group, list] of byGroup) {
    const base = list.find((b) => b.baseline) ?? list[0];
    const reference = base.timing![statistic];
    groups.push({
      group,
      baseline: base.name,
      benches: list.map((b) => ({
        name: b.name,
        minNs: b.timing!.min,
        avgNs: b.timing!.avg,
        p75Ns: b.timing!.p75,
        n: b.timing!.n,
        ratio: b === base ? 1 : b.timing![statistic] / reference,
        baseline: b === base,
        peer: b.name.startsWith(PEER_PREFIX),
      })),
    });
  }
  return groups;
}

/** The ratio of one bench in a list of groups, or undefined. */
export function findRatio(groups: readonly GroupRatios[], group: string, name: string) {
  return groups.find((g) => g.group === group)?.benches.find((b) => b.name === name);
}

/** The key of a bench in a comparison. */
export function benchKey(group: string, name: string): string {
  return `${group} / ${name}`;
}

/**
 * The quantity compared between runs, where larger is worse for this library: a bench's time
 * over its baseline's, or, for a peer, the baseline's time over the peer's (our side of the
 * comparison getting slower shows as this growing).
 */
export function comparedRatios(groups: readonly GroupRatios[]): Map<string, number> {
  const ratios = new Map<string, number>();
  for (const g of groups) {
    for (const b of g.benches) {
      if (b.baseline || !(b.ratio > 0)) continue;
      ratios.set(benchKey(g.group, b.name), b.peer ? 1 / b.ratio : b.ratio);
    }
  }
  return ratios;
}

/** One bench whose ratio changed between two runs. */
export interface RatioChange {
  key: string;
  baseline: number;
  latest: number;
  /** latest / baseline − 1: +0.2 is 20% worse. */
  change: number;
}

/** The outcome of comparing a run with a baseline. */
export interface Comparison {
  /** Ratios worse than the tolerance allows, worst first. */
  regressions: RatioChange[];
  /** Ratios better by more than the tolerance. */
  improvements: RatioChange[];
  /** Every bench in both runs. */
  compared: RatioChange[];
  /** Benches in the baseline but not in the latest run. */
  missing: string[];
  /** Benches in the latest run but not in the baseline. */
  added: string[];
}

/**
 * Compares the ratios of a latest run with a baseline's: a bench regresses when its ratio grew
 * by more than `tolerance` (0.15: 15% worse).
 */
export function compareRatios(
  latest: ReadonlyMap<string, number>,
  baseline: ReadonlyMap<string, number>,
  tolerance = 0.15,
): Comparison {
  if (!(tolerance >= 0)) {
    throw new RangeError(`Cannot compare: tolerance is ${tolerance}, expected a number ≥ 0`);
  }
  const compared: RatioChange[] = [];
  const missing: string[] = [];
  for (const [key, before] of baseline) {
    const after = latest.get(key);
    if (after === undefined) missing.push(key);
    else compared.push({ key, baseline: before, latest: after, change: after / before - 1 });
  }
  const added = [...latest.keys()].filter((key) => !baseline.has(key));
  const regressions = compared.filter((c) => c.change > tolerance)
    .sort((a, b) => b.change - a.change);
  const improvements = compared.filter((c) => c.change < 1 / (1 + tolerance) - 1)
    .sort((a, b) => a.change - b.change);
  return { regressions, improvements, compared, missing, added };
}

/** A least-squares line through (log x, log y). */
export interface LogLogFit {
  slope: number;
  intercept: number;
  /** The coefficient of determination of the fit in log space. */
  r2: number;
}

/** Fits log y = intercept + slope·log x by least squares (natural logarithms). */
export function fitLogLogSlope(points: readonly { x: number; y: number }[]): LogLogFit {
  if (points.length < 2) {
    throw new RangeError(`Cannot fit a slope: ${points.length} points, expected at least 2`);
  }
  for (const { x, y } of points) {
    if (!(x > 0 && y > 0 && Number.isFinite(x) && Number.isFinite(y))) {
      throw new RangeError(`Cannot fit a log-log slope: point (${x}, ${y}) is not positive`);
    }
  }
  const u = points.map((p) => Math.log(p.x)), v = points.map((p) => Math.log(p.y));
  const n = points.length;
  const mu = u.reduce((s, a) => s + a, 0) / n, mv = v.reduce((s, a) => s + a, 0) / n;
  let suu = 0, suv = 0, svv = 0;
  for (let i = 0; i < n; i++) {
    suu += (u[i] - mu) ** 2;
    suv += (u[i] - mu) * (v[i] - mv);
    svv += (v[i] - mv) ** 2;
  }
  if (suu === 0) throw new RangeError("Cannot fit a slope: every x is the same");
  const slope = suv / suu;
  return { slope, intercept: mv - slope * mu, r2: svv === 0 ? 1 : (suv * suv) / (suu * svv) };
}
