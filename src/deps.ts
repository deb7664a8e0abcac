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
