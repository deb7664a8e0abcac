/**
 * Rendering of figures and tables: Vega-Lite specs to SVG (headless: Vega's "none" renderer,
 * no canvas), and rows to CSV. Both are deterministic: the same input gives the same bytes.
 *
 * @module
 */

import { loadCsvStringify, loadVega, loadVegaLite } from "../deps.ts";
import type { VegaLiteSpec } from "./specs.ts";
import type { Row } from "../experiments/experiment.ts";

/** A compiled figure: the SVG text and any warnings Vega-Lite raised while compiling. */
export interface RenderedFigure {
  /** The SVG document. */
  svg: string;
  /** Vega-Lite compiler warnings (an empty list for a clean spec). */
  warnings: string[];
}

/**
 * Compiles a Vega-Lite spec and renders it to SVG. Throws when the spec does not compile or
 * renders no marks, so a broken figure is reported as an error, never written silently.
 */
export async function renderSvg(spec: VegaLiteSpec): Promise<RenderedFigure> {
  const [vl, vega] = await Promise.all([loadVegaLite(), loadVega()]);
  const warnings: string[] = [];
  const logger = {
    level(_level?: number) {
      return logger;
    },
    error(...args: unknown[]) {
      throw new Error(`Vega-Lite error: ${args.map(String).join(" ")}`);
    },
    warn(...args: unknown[]) {
      warnings.push(args.map(String).join(" "));
      return logger;
    },
    info() {
      return logger;
    },
    debug() {
      return logger;
    },
  };
  // deno-lint-ignore no-explicit-any
  const compiled = vl.compile(spec as any, { logger: logger as any }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  // Vega numbers clip paths from a counter global to the process ("clip183"): renumber them
  // per figure, so that a figure's bytes do not depend on how many were rendered before it.
  const svg = renumberSvgIds(await view.toSVG());
  view.finalize();
  if (!svg.startsWith("<svg") || !/<(path|rect|text|line)\b/.test(svg)) {
    throw new Error("the figure rendered no marks");
  }
  return { svg, warnings };
}

/**
 * Renumbers the ids an SVG defines in order of first appearance, per alphabetic stem
 * ("clip183", "clip190" → "clip1", "clip2"), with every reference (`url(#…)`, `href="#…"`).
 */
export function renumberSvgIds(svg: string): string {
  const renamed = new Map<string, string>();
  const counters = new Map<string, number>();
  for (const match of svg.matchAll(/\sid="([^"]+)"/g)) {
    const id = match[1];
    if (renamed.has(id)) continue;
    const stem = id.replace(/\d+$/, "");
    const next = (counters.get(stem) ?? 0) + 1;
    counters.set(stem, next);
    renamed.set(id, `${stem}${next}`);
  }
  if (renamed.size === 0) return svg;
  return svg.replace(/(\sid=")([^"]+)(")|url\(#([^)]+)\)|(href=")#([^"]+)(")/g, (whole, ...g) => {
    if (g[0] !== undefined) return renamed.has(g[1]) ? `${g[0]}${renamed.get(g[1])}${g[2]}` : whole;
    if (g[3] !== undefined) return renamed.has(g[3]) ? `url(#${renamed.get(g[3])})` : whole;
    if (g[4] !== undefined) {
      return renamed.has(g[5]) ? `${g[4]}#${renamed.get(g[5])}${g[6]}` : whole;
    }
    return whole;
  });
}

/** Rows as CSV with a header line; columns are the union of the rows' keys in first-seen order. */
export async function toCsv(rows: readonly Row[]): Promise<string> {
  const { stringify } = await loadCsvStringify();
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    for (const key of Object.keys(row)) {
      if (!seen.has(key)) {
        seen.add(key);
        columns.push(key);
      }
    }
  }
  return stringify(rows.map((row) => columns.map((c) => formatCell(row[c]))), {
    header: true,
    columns,
    record_delimiter: "unix",
  });
}

/** Numbers keep full precision (shortest round-trip form); null and undefined become empty. */
function formatCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : String(value);
  return String(value);
}
