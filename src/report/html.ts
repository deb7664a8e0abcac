/**
 * The browsable report, `index.html`: one self-contained page (no script, no network) with a
 * summary table and one section per claim holding its statement, verdict, explanation, figure
 * (inline SVG) and links to its data.
 *
 * @module
 */

import type { ClaimSummary, Summary } from "./summary.ts";

/** Escapes text for HTML content and attributes. */
export function escapeHtml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

const STYLE = `
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #1d2430; background: #f6f7f9; }
header, main { max-width: 1100px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 28px; }
h1 { font-size: 26px; margin: 0 0 6px; }
h2 { font-size: 20px; margin: 0 0 8px; }
.lead { color: #4a5464; margin: 0 0 18px; }
table { border-collapse: collapse; background: white; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid #e3e6eb; vertical-align: top; }
th { font-weight: 600; background: #eef1f5; }
.summary { width: 100%; margin-bottom: 28px; }
.summary a { color: inherit; }
section.claim { background: white; border: 1px solid #dde1e7; border-radius: 8px; padding: 18px 22px; margin: 0 0 22px; }
.statement { font-style: italic; color: #374151; margin: 0 0 10px; }
.verdict { display: inline-block; padding: 1px 9px; border-radius: 10px; font-weight: 600; font-size: 13px; white-space: nowrap; }
.v-holds { background: #dcfce7; color: #14532d; }
.v-conditions { background: #fef3c7; color: #78350f; }
.v-refuted { background: #fee2e2; color: #7f1d1d; }
.v-error { background: #1f2937; color: #fff; }
.explanation { margin: 8px 0 12px; }
.quote { margin: 0 0 10px; padding: 6px 14px; border-left: 4px solid #94a3b8; background: #f8fafc; white-space: pre-wrap; }
.quote footer { margin-top: 4px; }
.refinement { margin: 8px 0 12px; }
figure { margin: 10px 0; overflow-x: auto; }
figure svg { max-width: 100%; height: auto; }
.numbers td:last-child { font-family: ui-monospace, monospace; }
.links a { margin-right: 14px; }
.error { background: #fff1f2; border: 1px solid #fecdd3; padding: 10px 12px; white-space: pre-wrap; font-family: ui-monospace, monospace; font-size: 13px; }
.meta { color: #6b7280; font-size: 13px; }
`;

/** The CSS class of a verdict badge. */
function badgeClass(entry: ClaimSummary): string {
  if (entry.status === "error") return "v-error";
  if (entry.verdict === "holds") return "v-holds";
  if (entry.verdict === "refuted") return "v-refuted";
  return "v-conditions";
}

function badge(entry: ClaimSummary): string {
  const text = entry.status === "error" ? "error" : entry.verdict ?? "error";
  return `<span class="verdict ${badgeClass(entry)}">${escapeHtml(text)}</span>`;
}

/** Formats a key number compactly, full precision available in summary.json. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return "0";
  const a = Math.abs(value);
  if (Number.isInteger(value) && a < 1e9) return String(value);
  if (a < 1e-3 || a >= 1e6) return value.toExponential(3);
  return String(Number(value.toPrecision(4)));
}

/** A key number with its unit, for the page. */
function formatKeyNumber(k: { value: number; unit?: string }): string {
  return `${formatNumber(k.value)}${k.unit ? ` ${escapeHtml(k.unit)}` : ""}`;
}

/** Options of {@linkcode renderIndexHtml}. */
export interface IndexOptions {
  /** The SVG of each claim that has one, by claim id. */
  figures: ReadonlyMap<string, string>;
  /** One line describing the run (seed, options, versions). */
  runDescription: string;
}

/** Renders `index.html` from the summary and the figures. */
export function renderIndexHtml(summary: Summary, options: IndexOptions): string {
  const { counts } = summary;
  const rows = summary.claims.map((c) => {
    const key = c.keyNumbers?.[0];
    return `<tr><td><a href="#${c.id}">${c.id}</a></td><td>${escapeHtml(c.title)}</td>` +
      `<td>${badge(c)}</td><td>${
        key ? `${escapeHtml(key.label)}: ${formatKeyNumber(key)}` : ""
      }</td></tr>`;
  }).join("\n");
  const sections = summary.claims.map((c) => renderClaim(c, options.figures.get(c.id))).join("\n");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Second-order optimisation: the notes' claims, reproduced</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>The notes' claims, reproduced</h1>
<p class="lead">${summary.claims.length} claims: ${counts.holds} hold, ${
    counts["holds under conditions"]
  } hold under conditions, ${counts.refuted} refuted${
    counts.error ? `, <strong>${counts.error} crashed</strong>` : ""
  }. Every verdict is computed from the numbers measured in this run.</p>
<p class="meta">${escapeHtml(options.runDescription)}</p>
</header>
<main>
<table class="summary">
<thead><tr><th>claim</th><th>title</th><th>verdict</th><th>key number</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
${sections}
</main>
</body>
</html>
`;
}

/**
 * Prefixes every id an SVG defines (and every reference to it), so that several figures inlined
 * in one page cannot capture each other's clip paths or gradients.
 */
export function namespaceSvgIds(svg: string, prefix: string): string {
  const ids = new Set<string>();
  for (const match of svg.matchAll(/\sid="([^"]+)"/g)) ids.add(match[1]);
  if (ids.size === 0) return svg;
  return svg.replace(/(\sid=")([^"]+)(")|url\(#([^)]+)\)|(href=")#([^"]+)(")/g, (whole, ...g) => {
    if (g[0] !== undefined) return ids.has(g[1]) ? `${g[0]}${prefix}-${g[1]}${g[2]}` : whole;
    if (g[3] !== undefined) return ids.has(g[3]) ? `url(#${prefix}-${g[3]})` : whole;
    if (g[4] !== undefined) return ids.has(g[5]) ? `${g[4]}#${prefix}-${g[5]}${g[6]}` : whole;
    return whole;
  });
}

function renderClaim(c: ClaimSummary, svg: string | undefined): string {
  const quote = c.quote
    ? `<blockquote class="quote">${escapeHtml(c.quote.text)}<footer class="meta">note ${
      escapeHtml(c.quote.note)
    }, lines ${c.quote.lines[0]}–${c.quote.lines[1]}</footer></blockquote>\n`
    : "";
  const head = `<section class="claim" id="${c.id}">
<h2>${c.id}. ${escapeHtml(c.title)} ${badge(c)}</h2>
${quote}<p class="statement">${escapeHtml(c.claim)} <span class="meta">(note ${
    escapeHtml(c.note)
  })</span></p>`;
  if (c.status === "error") {
    return `${head}
<p>The experiment crashed; no verdict.</p>
<div class="error">${escapeHtml(c.error ?? "unknown error")}</div>
</section>`;
  }
  const numbers = (c.keyNumbers ?? []).map((k) =>
    `<tr><td>${escapeHtml(k.label)}</td><td>${formatKeyNumber(k)}</td></tr>`
  ).join("");
  const refinement = c.refinement
    ? `<p class="refinement"><strong>Refinement:</strong> ${escapeHtml(c.refinement.statement)} ${
      badge({ ...c, verdict: c.refinement.verdict })
    } ${escapeHtml(c.refinement.explanation)}</p>\n`
    : "";
  return `${head}
<p class="explanation">${escapeHtml(c.explanation ?? "")}</p>
${refinement}
<figure>${svg ? namespaceSvgIds(svg, c.id) : ""}</figure>
<table class="numbers"><thead><tr><th>key number</th><th>value</th></tr></thead><tbody>${numbers}</tbody></table>
<p class="links">Data: <a href="${c.id}.csv">${c.id}.csv</a> (${c.rowCount ?? 0} rows) ` +
    `<a href="${c.id}.vl.json">${c.id}.vl.json</a> (Vega-Lite) <a href="${c.id}.svg">${c.id}.svg</a>` +
    `<span class="meta">seed ${c.seed}${c.quick ? ", quick" : ""}</span></p>
</section>`;
}
