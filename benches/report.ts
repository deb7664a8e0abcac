// deno-lint-ignore-file no-console -- a command-line script: it prints the targets it checks
/**
 * Turns the output of `deno bench --json` into `reports/bench/`: `latest.json` (every group's
 * times and ratios to its baseline, the deterministic counts, the targets), Vega-Lite specs with
 * their SVGs, and `index.html`, which states every target with its measured value and PASS or
 * MISS.
 *
 * Ratios are taken of each bench's minimum time per iteration, the sample least disturbed by
 * other processes; means are recorded too. The evaluation counts, gradient-equivalents and
 * certified digits do not depend on timing: this script computes them itself by running the
 * same deterministic optimisations the bench times.
 *
 * Usage: `deno bench --json ... | deno run --allow-read=reports/bench --allow-write=reports/bench
 * benches/report.ts` (or `--input raw.json` with read access to it; `--out` names the folder).
 *
 * @module
 */

import { parseArgs } from "node:util";
import { nistProblems } from "@secondorder/harness";
import { commitFiles } from "../src/report/files.ts";
import { renderSvg } from "../src/report/render.ts";
import { barChart, concatenated, lineChart, type VegaLiteSpec } from "../src/report/specs.ts";
import { escapeHtml, formatNumber, namespaceSvgIds } from "../src/report/html.ts";
import {
  type BenchRun,
  findRatio,
  fitLogLogSlope,
  type GroupRatios,
  groupRatios,
  type LogLogFit,
  parseBenchJson,
} from "./_analysis.ts";
import {
  ARCHITECTURES,
  curvatureGroup,
  KERNEL_CASES,
  kernelGroup,
  parametersOfScalingGroup,
  tfjsGroup,
} from "./_fixtures.ts";
import {
  digitsWithin,
  evaluationsToDigits,
  fitOurs,
  fitPeer,
  type FitRecord,
  GAP_REDUCTION,
  methodLabel,
  optimisationProblems,
  peerRuns,
  runOurs,
  type RunRecord,
  runUncmin,
} from "./_optimisers.ts";

/** One performance target with its measured value. */
export interface Target {
  area: string;
  /** What is measured, and on what. */
  description: string;
  /** The target as text, e.g. "≤ 2.0". */
  target: string;
  /** The measured value as text. */
  measured: string;
  /** PASS, MISS, or not measured (null, when its bench did not run). */
  pass: boolean | null;
}

const TFJS_ARCHITECTURES = [[20, 64, 64, 10], [784, 128, 10]];

function ratioTarget(
  groups: GroupRatios[],
  area: string,
  group: string,
  name: string,
  limit: number,
  description: string,
): Target {
  const entry = findRatio(groups, group, name);
  return {
    area,
    description,
    target: `≤ ${limit.toFixed(1)}× a gradient`,
    measured: entry ? `${entry.ratio.toFixed(2)}×` : "not measured",
    pass: entry ? entry.ratio <= limit : null,
  };
}

function curvatureTargets(groups: GroupRatios[]): Target[] {
  return ARCHITECTURES.flatMap((sizes) => {
    const group = curvatureGroup(sizes);
    return [
      ratioTarget(
        groups,
        "curvature",
        group,
        "Hessian-vector, cached point",
        2.0,
        `cached Hessian-vector product / gradient, ${group}`,
      ),
      ratioTarget(
        groups,
        "curvature",
        group,
        "Gauss-Newton-vector, cached point",
        1.5,
        `cached Gauss-Newton-vector product / gradient, ${group}`,
      ),
    ];
  });
}

function tfjsTargets(groups: GroupRatios[]): Target[] {
  return TFJS_ARCHITECTURES.map((sizes) => {
    const group = tfjsGroup(sizes);
    const peer = groups.find((g) => g.group === group)?.benches.find((b) => b.peer);
    return {
      area: "peers",
      description: `TF.js CPU gradient time / our gradient time, ${sizes.join("-")} ×256`,
      target: "≥ 3.0×",
      measured: peer ? `${peer.ratio.toFixed(2)}×` : "not measured",
      pass: peer ? peer.ratio >= 3 : null,
    };
  });
}

interface KernelRow {
  shape: string;
  implementation: string;
  gflops: number;
}

function kernelResults(groups: GroupRatios[]): { rows: KernelRow[]; targets: Target[] } {
  const rows: KernelRow[] = [];
  const targets: Target[] = [];
  for (const c of KERNEL_CASES) {
    const group = groups.find((g) => g.group === kernelGroup(c));
    const reference = group?.benches.find((b) => b.baseline);
    const ours = group?.benches.find((b) => !b.baseline);
    const flops = 2 * c.m * c.n * c.k;
    const shape = `${c.m}×${c.n}×${c.k} ${c.layer}`;
    if (reference && ours) {
      const label = `${ours.name.split(" ")[0]} ${c.m}×${c.n}×${c.k}`;
      rows.push({ shape: label, implementation: "reference", gflops: flops / reference.minNs });
      rows.push({ shape: label, implementation: "ours", gflops: flops / ours.minNs });
    }
    const fraction = reference && ours ? reference.minNs / ours.minNs : undefined;
    targets.push({
      area: "kernels",
      description: `${ours?.name.split(" ")[0] ?? "kernel"} GFLOP/s / reference GFLOP/s, ${shape}`,
      target: "≥ 70%",
      measured: fraction === undefined
        ? "not measured"
        : `${(100 * fraction).toFixed(0)}% (${(flops / ours!.minNs).toFixed(2)} vs ${
          (flops / reference!.minNs).toFixed(2)
        } GFLOP/s)`,
      pass: fraction === undefined ? null : fraction >= 0.7,
    });
  }
  return { rows, targets };
}

interface ScalingRow {
  parameters: number;
  series: string;
  microseconds: number;
}

function scalingResults(groups: GroupRatios[]) {
  const gradient: { x: number; y: number }[] = [];
  const hvp: { x: number; y: number }[] = [];
  for (const g of groups) {
    const parameters = parametersOfScalingGroup(g.group);
    if (parameters === undefined) continue;
    const base = g.benches.find((b) => b.baseline);
    const product = g.benches.find((b) => b.name.startsWith("Hessian-vector"));
    if (base) gradient.push({ x: parameters, y: base.minNs });
    if (product) hvp.push({ x: parameters, y: product.minNs });
  }
  const fit = (points: { x: number; y: number }[]): LogLogFit | undefined =>
    points.length >= 2 ? fitLogLogSlope(points) : undefined;
  const gradientFit = fit(gradient), hvpFit = fit(hvp);
  const rows: ScalingRow[] = [
    ...gradient.map((p) => ({
      parameters: p.x,
      series: `gradient (slope ${gradientFit?.slope.toFixed(2)})`,
      microseconds: p.y / 1e3,
    })),
    ...hvp.map((p) => ({
      parameters: p.x,
      series: `Hessian-vector, cached (slope ${hvpFit?.slope.toFixed(2)})`,
      microseconds: p.y / 1e3,
    })),
  ];
  const target: Target = {
    area: "scaling",
    description: "log-log slope of cached Hessian-vector time against parameter count" +
      (hvp.length
        ? `, ${hvp.length} sizes from ${Math.min(...hvp.map((p) => p.x))} to ${
          Math.max(...hvp.map((p) => p.x))
        }`
        : ""),
    target: "1.0 ± 0.1",
    measured: hvpFit
      ? `${hvpFit.slope.toFixed(3)} (R² ${hvpFit.r2.toFixed(3)}; gradient ${
        gradientFit!.slope.toFixed(3)
      })`
      : "not measured",
    pass: hvpFit ? Math.abs(hvpFit.slope - 1) <= 0.1 : null,
  };
  return { rows, gradientFit, hvpFit, target };
}

interface OptimiserRow extends RunRecord {
  problem: string;
  /** Minimum wall time of the run, in milliseconds, when it was timed. */
  milliseconds: number | null;
  /** That time over one gradient of the problem. */
  gradientsOfTime: number | null;
}

async function optimiserResults(groups: GroupRatios[]) {
  const rows: OptimiserRow[] = [];
  const targets: Target[] = [];
  for (const p of await optimisationProblems()) {
    const group = `optimisers: ${p.name}`;
    const timed = (name: string, record: RunRecord): OptimiserRow => {
      const entry = findRatio(groups, group, `${name} to tolerance`);
      return {
        problem: p.name,
        ...record,
        milliseconds: entry ? entry.minNs / 1e6 : null,
        gradientsOfTime: entry ? entry.ratio : null,
      };
    };
    for (const options of p.methods) rows.push(timed(methodLabel(options), runOurs(p, options)));
    for (const { name, run } of peerRuns(p)) rows.push(timed(name, run()));
    if (p.name.startsWith("Rosenbrock") || p.nist) {
      const ours = rows.find((r) => r.problem === p.name && r.method === "bfgs")!;
      const peer = runUncmin(p);
      const pass = ours.reached && (!peer.reached || ours.evaluations < peer.evaluations);
      const show = (r: RunRecord) =>
        r.reached ? `${r.evaluations}` : `not reached (${r.evaluations})`;
      targets.push({
        area: "optimisers",
        description: `BFGS vs numeric.uncmin, value + gradient evaluations to tolerance, ${p.name}`,
        target: "fewer than uncmin",
        measured: `${show(ours)} vs ${show(peer)} (gradient-equivalents ${
          ours.gradientEquivalents.toFixed(1)
        } vs ${peer.gradientEquivalents.toFixed(1)})`,
        pass,
      });
    }
  }
  return { rows, targets };
}

interface FitRow {
  problem: string;
  start: string;
  ours: FitRecord;
  peer: FitRecord;
  /** Our evaluations until our best point had as many digits as the peer's final point. */
  oursToPeerDigits: number;
  oursMilliseconds: number | null;
  peerMilliseconds: number | null;
}

/** The NIST certification limit: agreement beyond 11 digits cannot be graded. */
const MAX_DIGITS = 11;

function fitResults(groups: GroupRatios[]) {
  const rows: FitRow[] = [];
  const targets: Target[] = [];
  for (const start of ["start2", "start1"] as const) {
    for (const p of nistProblems()) {
      const ours = fitOurs(p, start), peer = fitPeer(p, start);
      const group = `optimisers: NIST ${p.name}`;
      const time = (name: string) =>
        start === "start2" ? (findRatio(groups, group, name)?.minNs ?? NaN) / 1e6 : null;
      const row: FitRow = {
        problem: p.name,
        start,
        ours,
        peer,
        oursToPeerDigits: evaluationsToDigits(ours, peer.digits),
        oursMilliseconds: time("levenberg-marquardt full fit"),
        peerMilliseconds: time("peer ml-levenberg-marquardt full fit"),
      };
      rows.push(row);
      // "More digits with no more evaluations": within the peer's own number of evaluations,
      // our best point so far has more correct digits than the peer's final one (or both
      // reach NIST's 11).
      const withinPeerBudget = digitsWithin(ours, peer.evaluations);
      const moreDigits = withinPeerBudget > peer.digits ||
        (withinPeerBudget >= MAX_DIGITS && peer.digits >= MAX_DIGITS);
      targets.push({
        area: "peers",
        description: `Levenberg-Marquardt vs ml-levenberg-marquardt, NIST ${p.name} from ${
          start === "start1" ? "start 1" : "start 2"
        }: digits, residual + Jacobian evaluations`,
        target: "more digits, no more evaluations",
        measured: `${withinPeerBudget.toFixed(2)} vs ${peer.digits.toFixed(2)} digits within ` +
          `the peer's ${peer.evaluations} evaluations (ours finally ${
            ours.digits.toFixed(2)
          } digits after ${ours.evaluations})`,
        pass: moreDigits,
      });
    }
  }
  return { rows, targets };
}

// ---------------------------------------------------------------------------------------------
// Figures.

/**
 * A grouped bar chart drawn as dots instead: bars on a log scale have no zero to start from, so
 * Vega-Lite draws none. Keeps the grouping (xOffset by colour).
 */
function dots(spec: VegaLiteSpec): VegaLiteSpec {
  return { ...spec, mark: { type: "point", filled: true, size: 80 } };
}

/** Twenty distinct colours, for charts with more series than the default ten. */
function manyColours(spec: VegaLiteSpec): VegaLiteSpec {
  const encoding = spec.encoding as Record<string, Record<string, unknown>>;
  return {
    ...spec,
    encoding: { ...encoding, color: { ...encoding.color, scale: { scheme: "tableau20" } } },
  };
}

function costFigure(groups: GroupRatios[]): VegaLiteSpec {
  const data = ARCHITECTURES.flatMap((sizes) => {
    const g = groups.find((x) => x.group === curvatureGroup(sizes));
    return (g?.benches ?? []).filter((b) => !b.baseline).map((b) => ({
      architecture: sizes.join("-"),
      product: b.name,
      "time / gradient": b.ratio,
    }));
  });
  return dots(barChart({
    data,
    x: "product",
    y: "time / gradient",
    color: "architecture",
    title: "Cost relative to a gradient (batch 256; targets: HVP ≤ 2.0, GN ≤ 1.5)",
    logY: true,
    width: 560,
  }));
}

function scalingFigure(rows: ScalingRow[]): VegaLiteSpec {
  return lineChart({
    data: rows.map((r) => ({ ...r })),
    x: "parameters",
    y: "microseconds",
    color: "series",
    logX: true,
    logY: true,
    points: true,
    title: "Time against parameter count (w-w-w networks, batch 32; target slope 1.0 ± 0.1)",
    yTitle: "minimum time per call (µs)",
    width: 480,
  });
}

function optimiserFigure(rows: OptimiserRow[]): VegaLiteSpec {
  const reached = rows.filter((r) => r.reached);
  const time = manyColours(dots(barChart({
    data: reached.filter((r) => r.gradientsOfTime !== null).map((r) => ({
      problem: r.problem,
      method: r.method,
      "time / gradient": r.gradientsOfTime,
    })),
    x: "problem",
    y: "time / gradient",
    color: "method",
    logY: true,
    title: `Wall time to tolerance (f − f* ≤ ${GAP_REDUCTION}·(f₀ − f*)), in gradients`,
    width: 900,
  })));
  const cost = manyColours(dots(barChart({
    data: reached.map((r) => ({
      problem: r.problem,
      method: r.method,
      "gradient-equivalents": r.gradientEquivalents,
    })),
    x: "problem",
    y: "gradient-equivalents",
    color: "method",
    logY: true,
    title: "Gradient-equivalents to tolerance (runs that reached it)",
    width: 900,
  })));
  return concatenated(undefined, [time, cost], "vertical");
}

function peerFigure(groups: GroupRatios[], fits: FitRow[]): VegaLiteSpec {
  const speedups = TFJS_ARCHITECTURES.flatMap((sizes) => {
    const peer = groups.find((g) => g.group === tfjsGroup(sizes))?.benches.find((b) => b.peer);
    return peer ? [{ network: `${sizes.join("-")} ×256`, "speed-up": peer.ratio }] : [];
  });
  const tfjs = barChart({
    data: speedups,
    x: "network",
    y: "speed-up",
    yTitle: "TF.js time / our time",
    title: "Gradient: TF.js CPU (float32) against ours (float64); target ≥ 3",
    width: 200,
  });
  const digits = barChart({
    data: fits.filter((f) => f.start === "start2").flatMap((f) => [
      { problem: f.problem, method: "levenberg-marquardt (ours)", digits: f.ours.digits },
      { problem: f.problem, method: "ml-levenberg-marquardt", digits: f.peer.digits },
    ]),
    x: "problem",
    y: "digits",
    color: "method",
    title: "NIST from start 2: fewest correct digits over the parameters",
    width: 480,
  });
  const evaluations = dots(barChart({
    data: fits.filter((f) => f.start === "start2").flatMap((f) => [
      { problem: f.problem, method: "levenberg-marquardt (ours)", evaluations: f.ours.evaluations },
      { problem: f.problem, method: "ml-levenberg-marquardt", evaluations: f.peer.evaluations },
    ]),
    x: "problem",
    y: "evaluations",
    color: "method",
    logY: true,
    title: "NIST from start 2: residual + Jacobian evaluations",
    width: 480,
  }));
  return concatenated(undefined, [tfjs, digits, evaluations], "horizontal");
}

function kernelFigure(rows: KernelRow[]): VegaLiteSpec {
  return barChart({
    data: rows.map((r) => ({ ...r })),
    x: "shape",
    xTitle: "kernel and shape m×n×k",
    y: "gflops",
    color: "implementation",
    yTitle: "GFLOP/s (2mnk / minimum time)",
    title: "Dense-layer kernels against a register-blocked reference (target ≥ 70%)",
    width: 560,
  });
}

// ---------------------------------------------------------------------------------------------
// HTML.

const STYLE = `
body { font: 15px/1.5 system-ui, sans-serif; margin: 0; color: #1d2430; background: #f6f7f9; }
main { max-width: 1200px; margin: 0 auto; padding: 16px 24px 40px; }
h1 { font-size: 26px; margin: 12px 0 4px; } h2 { font-size: 20px; margin: 28px 0 8px; }
table { border-collapse: collapse; background: white; margin: 8px 0; }
th, td { text-align: left; padding: 4px 9px; border-bottom: 1px solid #e3e6eb; vertical-align: top; }
th { background: #eef1f5; } td.num { font-family: ui-monospace, monospace; text-align: right; }
.pass { background: #dcfce7; color: #14532d; font-weight: 600; }
.miss { background: #fee2e2; color: #7f1d1d; font-weight: 600; }
.none { background: #e5e7eb; } figure { margin: 10px 0; overflow-x: auto; background: white; }
.meta { color: #6b7280; font-size: 13px; }
`;

function verdict(pass: boolean | null): string {
  if (pass === null) return `<td class="none">not measured</td>`;
  return pass ? `<td class="pass">PASS</td>` : `<td class="miss">MISS</td>`;
}

function table(header: string[], rows: (string | number)[][]): string {
  const cell = (v: string | number) =>
    typeof v === "number" ? `<td class="num">${formatNumber(v)}</td>` : `<td>${escapeHtml(v)}</td>`;
  return `<table><thead><tr>${header.map((h) => `<th>${escapeHtml(h)}</th>`).join("")}</tr></thead>
<tbody>${rows.map((r) => `<tr>${r.map(cell).join("")}</tr>`).join("\n")}</tbody></table>`;
}

interface Figure {
  name: string;
  caption: string;
  svg: string;
}

function renderHtml(
  run: BenchRun,
  date: string,
  targets: Target[],
  figures: Figure[],
  groups: GroupRatios[],
  optimisers: OptimiserRow[],
  fits: FitRow[],
  failed: string[],
): string {
  const passed = targets.filter((t) => t.pass === true).length;
  const missed = targets.filter((t) => t.pass === false).length;
  const targetRows = targets.map((t) =>
    `<tr><td>${escapeHtml(t.area)}</td><td>${escapeHtml(t.description)}</td><td>${
      escapeHtml(t.target)
    }</td><td>${escapeHtml(t.measured)}</td>${verdict(t.pass)}</tr>`
  ).join("\n");
  const figureHtml = figures.map((f) =>
    `<h2>${escapeHtml(f.caption)}</h2><figure>${namespaceSvgIds(f.svg, f.name)}</figure>
<p class="meta"><a href="${f.name}.vl.json">${f.name}.vl.json</a> · <a href="${f.name}.svg">${f.name}.svg</a></p>`
  ).join("\n");
  const groupHtml = groups.map((g) =>
    `<h3>${escapeHtml(g.group)}</h3>` +
    table(
      ["bench", "min (µs)", "mean (µs)", "samples", `min / ${g.baseline}`],
      g.benches.map((b) => [b.name, b.minNs / 1e3, b.avgNs / 1e3, b.n, b.ratio]),
    )
  ).join("\n");
  const optimiserHtml = table(
    [
      "problem",
      "method",
      "reached",
      "evaluations (value + gradient)",
      "gradient-equivalents",
      "min time (ms)",
      "time / gradient",
    ],
    optimisers.map((r) => [
      r.problem,
      r.method,
      r.reached ? "yes" : "no",
      r.evaluations,
      r.gradientEquivalents,
      r.milliseconds ?? "",
      r.gradientsOfTime ?? "",
    ]),
  );
  const fitHtml = table(
    [
      "problem",
      "start",
      "digits (ours)",
      "digits (ml-LM)",
      "evaluations (ours)",
      "evaluations (ml-LM)",
      "ours to ml-LM's digits",
      "min time ours (ms)",
      "min time ml-LM (ms)",
    ],
    fits.map((f) => [
      f.problem,
      f.start,
      f.ours.digits,
      f.peer.digits,
      f.ours.evaluations,
      f.peer.evaluations,
      Number.isFinite(f.oursToPeerDigits) ? f.oursToPeerDigits : "never",
      f.oursMilliseconds ?? "",
      f.peerMilliseconds ?? "",
    ]),
  );
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Benchmarks</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>Benchmarks</h1>
<p>${targets.length} targets: ${passed} PASS, ${missed} MISS${
    targets.length - passed - missed ? `, ${targets.length - passed - missed} not measured` : ""
  }.${
    failed.length
      ? ` <strong>${failed.length} benches failed:</strong> ${escapeHtml(failed.join("; "))}.`
      : ""
  } Times are each bench's minimum per iteration; ratios divide it by the minimum of the group's
baseline measured in the same run, so the speed of the machine cancels.</p>
<p class="meta">${escapeHtml(run.runtime)} · ${escapeHtml(run.cpu)} · ${escapeHtml(date)}</p>
<h2>Targets</h2>
<table><thead><tr><th>area</th><th>measure</th><th>target</th><th>measured</th><th>verdict</th></tr></thead>
<tbody>
${targetRows}
</tbody></table>
${figureHtml}
<h2>Optimisers to tolerance</h2>
<p>Tolerance: f − f* ≤ ${GAP_REDUCTION}·(f(x₀) − f*). Evaluations count value and gradient calls
(a combined call counts as both); gradient-equivalents weigh a value as 1/3 of a gradient, a
Hessian-vector product as 2 and a Gauss-Newton product as 4/3. These counts are deterministic.</p>
${optimiserHtml}
<h2>NIST: Levenberg-Marquardt against ml-levenberg-marquardt</h2>
<p>Both use the analytic Jacobian; the peer runs at its defaults (at most 100 iterations). Digits
are the fewest correct significant digits over the parameters (log relative error, capped at
11). Evaluations count residual vectors and Jacobians. "Ours to ml-LM's digits" is the number of
our evaluations until our best point so far had the peer's final number of digits.</p>
${fitHtml}
<h2>All groups</h2>
${groupHtml}
</main>
</body>
</html>
`;
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      input: { type: "string" },
      out: { type: "string", default: "reports/bench" },
    },
  });
  const text = values.input
    ? await Deno.readTextFile(values.input)
    : await new Response(Deno.stdin.readable).text();
  if (text.trim() === "") {
    console.error("No bench output to read: pipe `deno bench --json` in, or pass --input.");
    return 2;
  }
  const run = parseBenchJson(JSON.parse(text));
  const failed = run.benches.filter((b) => !b.timing).map((b) =>
    `${b.group ?? ""} / ${b.name}: ${b.error}`
  );
  const groups = groupRatios(run, "min");

  const kernels = kernelResults(groups);
  const scaling = scalingResults(groups);
  const optimisers = await optimiserResults(groups);
  const fits = fitResults(groups);
  const targets = [
    ...curvatureTargets(groups),
    ...tfjsTargets(groups),
    ...kernels.targets,
    scaling.target,
    ...fits.targets,
    ...optimisers.targets,
  ];

  const specs: [string, string, VegaLiteSpec][] = [
    ["cost_relative_to_gradient", "Cost relative to a gradient", costFigure(groups)],
    ["scaling", "Scaling with the parameter count", scalingFigure(scaling.rows)],
    ["optimisers", "Optimisers: time and cost to tolerance", optimiserFigure(optimisers.rows)],
    ["peers", "Peers", peerFigure(groups, fits.rows)],
    ["kernels", "Dense-layer kernels", kernelFigure(kernels.rows)],
  ];
  const figures: Figure[] = [];
  const files: [string, string][] = [];
  for (const [name, caption, spec] of specs) {
    const { svg } = await renderSvg(spec);
    figures.push({ name, caption, svg });
    files.push([`${name}.vl.json`, JSON.stringify(spec, null, 2) + "\n"]);
    files.push([`${name}.svg`, svg]);
  }
  const date = new Date().toISOString();
  const latest = {
    schema: 1,
    date,
    runtime: run.runtime,
    cpu: run.cpu,
    statistic: "min",
    groups,
    failed,
    scaling: { gradient: scaling.gradientFit ?? null, hessianVector: scaling.hvpFit ?? null },
    optimisers: optimisers.rows,
    nistFits: fits.rows.map((f) => ({
      problem: f.problem,
      start: f.start,
      ours: { ...f.ours, progress: undefined },
      peer: { ...f.peer, progress: undefined },
      oursToPeerDigits: Number.isFinite(f.oursToPeerDigits) ? f.oursToPeerDigits : null,
      oursMilliseconds: f.oursMilliseconds,
      peerMilliseconds: f.peerMilliseconds,
    })),
    targets,
  };
  files.push(["latest.json", JSON.stringify(latest, null, 2) + "\n"]);
  files.push([
    "index.html",
    renderHtml(run, date, targets, figures, groups, optimisers.rows, fits.rows, failed),
  ]);
  await commitFiles(values.out!, files);

  for (const t of targets) {
    const mark = t.pass === null ? "----" : t.pass ? "PASS" : "MISS";
    console.log(`${mark}  ${t.description}: ${t.measured} (target ${t.target})`);
  }
  const passed = targets.filter((t) => t.pass === true).length;
  console.log(`\n${passed}/${targets.length} targets met; report in ${values.out}/index.html`);
  if (failed.length) {
    console.error(`${failed.length} benches failed:\n${failed.join("\n")}`);
    return 1;
  }
  return 0;
}

if (import.meta.main) Deno.exit(await main());
