/**
 * A research harness for second-order optimisation of small neural networks: MLPs with exact
 * gradients, Hessian-vector and Gauss-Newton products, Jacobians and dense Hessians; one
 * linear-operator interface for every curvature matrix; and slow, exact reference oracles to
 * check them with.
 *
 * Importing this module needs no permission; it loads by URL.
 *
 * @example Exact curvature of a small network
 * ```ts
 * import { cosineSimilarity, mlp, networkObjective, toDense } from "@secondorder/harness";
 *
 * const net = mlp({ sizes: [2, 3, 1], activation: "tanh", output: "sigmoid", loss: "logistic" });
 * const f = networkObjective(net, {
 *   inputs: [[0.1, 0.9], [0.8, 0.2], [0.5, 0.5]],
 *   targets: [[1], [0], [1]],
 * }, { C: 10 });
 * const theta = net.initialParameters(42);
 * const H = f.hessian(theta); // exact, matrix-free (Pearlmutter's R-operator)
 * const G = f.gaussNewton(theta); // positive semi-definite by construction
 * const g = f.gradient(theta);
 * const cos = cosineSimilarity(H.matvec(g), G.matvec(g));
 * if (!(cos > -1 && cos <= 1 + 1e-12) || toDense(H).length !== net.dim) throw new Error("bad");
 * ```
 *
 * @module
 */

export type { Objective, ValueAndGradient } from "./src/objective.ts";
export { NonFiniteError } from "./src/validate.ts";

// Linear operators and their algebra.
export {
  type DenseOperator,
  denseOperator,
  type DenseOperatorOptions,
  type LinearOperator,
  linearOperator,
  type MatrixLike,
  type Structure,
  toDense,
} from "./src/operator/linear_operator.ts";
export {
  add,
  compose,
  counted,
  type CountedOperator,
  damp,
  diagonal,
  identity,
  scale,
} from "./src/operator/algebra.ts";

// Vector utilities.
export { cosineSimilarity, dot, norm2, relativeError } from "./src/linalg/checked.ts";

export { countMultiplyAdds } from "./src/linalg/gemm.ts";

// Seeded randomness.
export { createRandom, type Random } from "./src/random/random.ts";

// Networks and their objectives.
export { type LayerLayout, mlp, type MlpSpec, type Network } from "./src/nn/mlp.ts";
export type { Activation } from "./src/nn/activations.ts";
export { logSigmoid, logSumExp, sigmoid, softplus } from "./src/nn/scalar_functions.ts";
export type { HeadKind, Loss, OutputMap } from "./src/nn/heads.ts";
export { permuteHiddenUnits } from "./src/nn/symmetry.ts";
export {
  type Dataset,
  type NetworkObjective,
  networkObjective,
  type NetworkObjectiveOptions,
} from "./src/curvature/network_objective.ts";

// Problems.
export {
  type MatrixWithSpectrum,
  matrixWithSpectrum,
  type QuadraticObjective,
  quadraticObjective,
  type QuadraticOptions,
  type SpectrumOptions,
} from "./src/problems/quadratic.ts";

export {
  rosenbrock,
  type RosenbrockObjective,
  type RosenbrockOptions,
} from "./src/problems/rosenbrock.ts";
export {
  gaussianMixture,
  irisDataset,
  type IrisOptions,
  type LabelledDataset,
  type MnistOptions,
  mnistSubset,
  standardizeColumns,
} from "./src/problems/datasets.ts";

// Problems: least squares, NIST.
export {
  type JacobianInput,
  leastSquares,
  type LeastSquaresObjective,
  type LeastSquaresSpec,
} from "./src/problems/least_squares.ts";
export {
  correctDigits,
  type CorrectDigitsOptions,
  NIST_PROBLEM_NAMES,
  type NistDifficulty,
  type NistObjectiveOptions,
  type NistProblem,
  nistProblem,
  type NistProblemName,
  nistProblems,
} from "./src/problems/nist.ts";

// Reference oracles: slow by design.
export {
  finiteDifferenceGradient,
  type FiniteDifferenceOptions,
  hessianByGradientDifferences,
  hessianByValueDifferences,
} from "./src/reference/finite_differences.ts";
export {
  denseGaussNewton,
  directionalDerivative,
  exactDenseHessian,
  explicitJacobians,
  secondDirectionalDerivative,
} from "./src/reference/network_oracles.ts";

// Optimisation.
export { type CommonOptions, minimize, type MinimizeOptions } from "./src/optim/minimize.ts";
export type { MethodOptions } from "./src/optim/methods.ts";
export type {
  CountedObjective,
  Curvature,
  Evaluations,
  Method,
  MinimizeResult,
  Optimizer,
  Status,
  StepInfo,
  StepResult,
  TraceRow,
} from "./src/optim/types.ts";
export type { GdOptions } from "./src/optim/gd.ts";
export type { MomentumOptions } from "./src/optim/momentum.ts";
export type { RmspropOptions } from "./src/optim/rmsprop.ts";
export type { AdamOptions } from "./src/optim/adam.ts";
export type { BfgsOptions } from "./src/optim/bfgs.ts";
export type { LbfgsOptions } from "./src/optim/lbfgs.ts";
export type { GaussNewtonOptions, NewtonOptions } from "./src/optim/newton.ts";
export type { CurvatureKind, SystemSolver } from "./src/optim/newton_system.ts";
export type { LevenbergMarquardtOptions } from "./src/optim/levenberg_marquardt.ts";
export type { TrustRegionOptions } from "./src/optim/trust_region.ts";
export type { HessianFreeOptions } from "./src/optim/hessian_free.ts";
export type { EigenLineSearchOptions } from "./src/optim/eigen_line_search.ts";
export type { SaddleFreeNewtonOptions } from "./src/optim/saddle_free_newton.ts";
export type { KfacOptions, KfacStepSize } from "./src/optim/kfac.ts";

// K-FAC.
export {
  type KfacCurvature,
  type KfacDampingMode,
  type KfacDampingOptions,
  type KfacFactors,
  kfacFactors,
  type KfacFactorsOptions,
  kfacInverse,
  type KfacLayerFactors,
  kfacOperator,
  supportsKfac,
} from "./src/curvature/kfac.ts";
export { denseKfac } from "./src/reference/dense_kfac.ts";

// Solvers and spectra.
export {
  cg,
  type CgOptions,
  type CgResult,
  type CgStatus,
  classifyCriticalPoint,
  type ClassifyCriticalPointOptions,
  conditionNumber,
  type ConditionNumberResult,
  type CriticalPointKind,
  type CriticalPointResult,
  directSolve,
  type DirectSolveResult,
  type DirectSolveStatus,
  eigh,
  type EighResult,
  type HutchinsonOptions,
  type HutchinsonResult,
  hutchinsonTrace,
  type Inertia,
  lanczos,
  type LanczosOptions,
  type LanczosResult,
  type LanczosWhich,
  neumann,
  type NeumannOptions,
  type NeumannResult,
  type NeumannStatus,
  type OperatorInput,
  powerIteration,
  type PowerIterationOptions,
  type PowerIterationResult,
  type SavedIterate,
  type ScaleEstimate,
  spectralDensity,
  type SpectralDensityOptions,
  type SpectralDensityResult,
} from "./src/solve/mod.ts";
