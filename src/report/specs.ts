/**
 * Pure builders of Vega-Lite specs with inline data: line, point, bar and heat-map charts, and
 * their layering and concatenation. Experiments describe their figures with these, so every
 * figure in the report shares axes, sizes and colours.
 *
 * @module
 */

/** A Vega-Lite spec (a JSON object). */
export type VegaLiteSpec = { [key: string]: unknown };

/** A data row of a chart. */
export type ChartRow = Record<string, number | string | boolean | null>;

/** The Vega-Lite schema the project's specs target. */
export const VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";

/** Common options of the chart builders. */
export interface ChartOptions {
  /** The data rows. */
  data: readonly ChartRow[];
  /** Field on the x axis. */
  x: string;
  /** Field on the y axis. */
  y: string;
  /** Field that colours the marks (one series per value). */
  color?: string;
  /** Axis title of x. Default: the field name. */
  xTitle?: string;
  /** Axis title of y. Default: the field name. */
  yTitle?: string;
  /** Log scale on x. */
  logX?: boolean;
  /** Log scale on y. */
  logY?: boolean;
  /** Symmetric-log scale on y (for values of both signs spanning decades). */
  symlogY?: boolean;
  /** Chart title. */
  title?: string;
  /** Width in pixels. Default 360. */
  width?: number;
  /** Height in pixels. Default 240. */
  height?: number;
  /** Type of the x field. Default "quantitative". */
  xType?: "quantitative" | "ordinal" | "nominal";
  /** Field that sets the stroke dash (lines) or shape (points). */
  detail?: string;
}

function axis(field: string, title: string | undefined, type: string, scale?: object) {
  const labels = type === "quantitative" ? {} : { axis: { labelAngle: -30, labelLimit: 260 } };
  return { field, type, title: title ?? field, ...(scale ? { scale } : {}), ...labels };
}

/** Legends show labels in full (Vega-Lite truncates at 160 px by default). */
const LEGEND = { labelLimit: 480 };

function encoding(o: ChartOptions): Record<string, unknown> {
  const enc: Record<string, unknown> = {
    x: axis(
      o.x,
      o.xTitle,
      o.xType ?? "quantitative",
      o.logX
        ? { type: "log" }
        : (o.xType ?? "quantitative") === "quantitative"
        ? { zero: false }
        : undefined,
    ),
    y: axis(
      o.y,
      o.yTitle,
      "quantitative",
      o.logY ? { type: "log" } : o.symlogY ? { type: "symlog" } : { zero: false },
    ),
  };
  if (o.color) enc.color = { field: o.color, type: "nominal", title: o.color, legend: LEGEND };
  if (o.detail) {
    enc.strokeDash = { field: o.detail, type: "nominal", title: o.detail, legend: LEGEND };
  }
  return enc;
}

function base(o: ChartOptions): VegaLiteSpec {
  return {
    $schema: VEGA_LITE_SCHEMA,
    ...(o.title ? { title: o.title } : {}),
    width: o.width ?? 360,
    height: o.height ?? 240,
    data: { values: o.data.map((row) => ({ ...row })) },
  };
}

/**
 * A line chart, one line per `color` value.
 *
 * @example
 * ```ts
 * import { lineChart } from "./specs.ts";
 * const spec = lineChart({ data: [{ k: 0, err: 1 }, { k: 1, err: 0.1 }], x: "k", y: "err", logY: true });
 * if ((spec.mark as { type: string }).type !== "line") throw new Error("unexpected");
 * ```
 */
export function lineChart(o: ChartOptions & { points?: boolean }): VegaLiteSpec {
  return {
    ...base(o),
    mark: { type: "line", point: o.points ?? false, clip: true },
    encoding: encoding(o),
  };
}

/** A scatter chart of points, coloured by `color`. */
export function pointChart(o: ChartOptions & { filled?: boolean; size?: number }): VegaLiteSpec {
  const enc = encoding(o);
  if (o.detail) {
    delete enc.strokeDash;
    enc.shape = { field: o.detail, type: "nominal", title: o.detail, legend: LEGEND };
  }
  return {
    ...base(o),
    mark: { type: "point", filled: o.filled ?? true, size: o.size ?? 40, clip: true },
    encoding: enc,
  };
}

/** A bar chart (x usually ordinal or nominal). */
export function barChart(o: ChartOptions): VegaLiteSpec {
  const enc = encoding({ ...o, xType: o.xType ?? "nominal" });
  if (o.color) enc.xOffset = { field: o.color, type: "nominal" };
  return { ...base({ ...o, xType: o.xType ?? "nominal" }), mark: { type: "bar" }, encoding: enc };
}

/**
 * A heat map of a scalar field on a grid: rectangles at (x, y) coloured by `value`.
 */
export function heatMap(
  o: Omit<ChartOptions, "color"> & { value: string; valueTitle?: string; scheme?: string },
): VegaLiteSpec {
  return {
    ...base(o),
    mark: { type: "rect" },
    encoding: {
      x: {
        field: o.x,
        type: "ordinal",
        title: o.xTitle ?? o.x,
        axis: { labels: false, ticks: false },
      },
      y: {
        field: o.y,
        type: "ordinal",
        title: o.yTitle ?? o.y,
        sort: "descending",
        axis: { labels: false, ticks: false },
      },
      color: {
        field: o.value,
        type: "quantitative",
        title: o.valueTitle ?? o.value,
        scale: { scheme: o.scheme ?? "blueorange" },
      },
    },
  };
}

/** Layers several charts on shared axes (each keeps its own data). */
export function layered(title: string | undefined, layers: readonly VegaLiteSpec[]): VegaLiteSpec {
  const stripped = layers.map((l) => {
    const { $schema: _schema, title: _title, width: _w, height: _h, ...rest } = l;
    return rest;
  });
  const first = layers[0] ?? {};
  return {
    $schema: VEGA_LITE_SCHEMA,
    ...(title ? { title } : {}),
    width: first.width ?? 360,
    height: first.height ?? 240,
    layer: stripped,
  };
}

/** Places charts side by side (`"horizontal"`) or stacked (`"vertical"`). */
export function concatenated(
  title: string | undefined,
  charts: readonly VegaLiteSpec[],
  direction: "horizontal" | "vertical" = "horizontal",
): VegaLiteSpec {
  const stripped = charts.map((c) => {
    const { $schema: _schema, ...rest } = c;
    return rest;
  });
  return {
    $schema: VEGA_LITE_SCHEMA,
    ...(title ? { title } : {}),
    [direction === "horizontal" ? "hconcat" : "vconcat"]: stripped,
    resolve: { scale: { color: "independent" } },
  };
}

/**
 * A heat map on quantitative axes: each row is a cell centred at (x, y), `cellWidth` wide and
 * `cellHeight` high, coloured by `value`. Unlike {@linkcode heatMap}, whose axes are ordinal,
 * its axes are numeric, so it can be layered under points on the same plane (a decision
 * boundary under its data).
 *
 * @example
 * ```ts
 * import { continuousHeatMap } from "./specs.ts";
 * const spec = continuousHeatMap({
 *   data: [{ u: 0, v: 0, p: 0.2 }, { u: 0.5, v: 0, p: 0.7 }],
 *   x: "u", y: "v", value: "p", cellWidth: 0.5, cellHeight: 0.5,
 * });
 * if ((spec.mark as { type: string }).type !== "rect") throw new Error("unexpected");
 * ```
 */
export function continuousHeatMap(
  o: Omit<ChartOptions, "color" | "logX" | "logY" | "symlogY" | "xType" | "detail"> & {
    value: string;
    valueTitle?: string;
    scheme?: string;
    /** The colour scale's domain. Default: the data's range. */
    domain?: [number, number];
    cellWidth: number;
    cellHeight: number;
  },
): VegaLiteSpec {
  const field = (name: string) => `datum[${JSON.stringify(name)}]`;
  const scale = { zero: false, nice: false };
  return {
    ...base(o),
    transform: [
      { calculate: `${field(o.x)} - ${o.cellWidth / 2}`, as: "cellLeft" },
      { calculate: `${field(o.x)} + ${o.cellWidth / 2}`, as: "cellRight" },
      { calculate: `${field(o.y)} - ${o.cellHeight / 2}`, as: "cellBottom" },
      { calculate: `${field(o.y)} + ${o.cellHeight / 2}`, as: "cellTop" },
    ],
    mark: { type: "rect", clip: true },
    encoding: {
      x: { field: "cellLeft", type: "quantitative", title: o.xTitle ?? o.x, scale },
      x2: { field: "cellRight" },
      y: { field: "cellBottom", type: "quantitative", title: o.yTitle ?? o.y, scale },
      y2: { field: "cellTop" },
      color: {
        field: o.value,
        type: "quantitative",
        title: o.valueTitle ?? o.value,
        scale: { scheme: o.scheme ?? "blueorange", ...(o.domain ? { domain: o.domain } : {}) },
      },
    },
  };
}

/**
 * Fixes a chart's colour scale: the categories in `domain` get the same colour in every panel
 * of a figure (from `range` when given), and `legend: false` hides the chart's legend (to show
 * it once, on one panel).
 */
export function withColorScale(
  spec: VegaLiteSpec,
  domain: readonly string[],
  options: { range?: readonly string[]; legend?: boolean } = {},
): VegaLiteSpec {
  const encoding = spec.encoding as Record<string, Record<string, unknown>>;
  return {
    ...spec,
    encoding: {
      ...encoding,
      color: {
        ...encoding.color,
        scale: { domain: [...domain], ...(options.range ? { range: [...options.range] } : {}) },
        ...(options.legend === false ? { legend: null } : {}),
      },
    },
  };
}
