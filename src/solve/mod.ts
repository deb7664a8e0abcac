/**
 * Linear solvers and spectral tools on the `LinearOperator` interface: conjugate
 * gradient, Neumann series, dense direct solves, power iteration, Lanczos, the symmetric
 * eigendecomposition, condition numbers, critical-point classification, Hutchinson's trace
 * estimator and stochastic Lanczos quadrature. Numerical outcomes come back as a `status` in
 * the returned record; only a caller's mistake throws.
 *
 * @module
 */

export type { OperatorInput } from "./_shared.ts";
export { cg, type CgOptions, type CgResult, type CgStatus, type SavedIterate } from "./cg.ts";
export { directSolve, type DirectSolveResult, type DirectSolveStatus } from "./direct_solve.ts";
export { eigh, type EighResult } from "./eigh.ts";
export { lanczos, type LanczosOptions, type LanczosResult, type LanczosWhich } from "./lanczos.ts";
export {
  neumann,
  type NeumannOptions,
  type NeumannResult,
  type NeumannStatus,
  type ScaleEstimate,
} from "./neumann.ts";
export {
  powerIteration,
  type PowerIterationOptions,
  type PowerIterationResult,
} from "./power_iteration.ts";
export { conditionNumber, type ConditionNumberResult } from "./condition_number.ts";
export {
  classifyCriticalPoint,
  type ClassifyCriticalPointOptions,
  type CriticalPointKind,
  type CriticalPointResult,
  type Inertia,
} from "./critical_point.ts";
export { type HutchinsonOptions, type HutchinsonResult, hutchinsonTrace } from "./hutchinson.ts";
export {
  spectralDensity,
  type SpectralDensityOptions,
  type SpectralDensityResult,
} from "./spectral_density.ts";
