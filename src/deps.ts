/**
 * The only file that names external packages. Every specifier is a pinned `npm:` version so
 * that `mod.ts` loads when imported by URL, without the project's import map.
 *
 * Heavy packages used only by the report writer are loaded lazily, so importing the library
 * does not pull in a renderer.
 *
 * @module
 */

export {
  CholeskyDecomposition,
  EigenvalueDecomposition,
  LuDecomposition,
  Matrix,
} from "npm:ml-matrix@6.15.1";

/** Vega-Lite, to compile figure specs (report writer only; loaded on first use). */
export const loadVegaLite = (): Promise<typeof import("npm:vega-lite@6.5.0")> =>
  import("npm:vega-lite@6.5.0");

/** Vega, to render compiled specs to SVG headless (report writer only; loaded on first use). */
export const loadVega = (): Promise<typeof import("npm:vega@6.4.0")> => import("npm:vega@6.4.0");

/** csv-stringify, to write experiment rows as CSV (report writer only; loaded on first use). */
export const loadCsvStringify = (): Promise<typeof import("npm:csv-stringify@6.9.0/sync")> =>
  import("npm:csv-stringify@6.9.0/sync");
