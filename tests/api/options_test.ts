/**
 * Every public function that takes an options object refuses an unknown option name (a typo
 * would otherwise be ignored silently), naming it and the options it knows.
 */

import {
  cg,
  classifyCriticalPoint,
  correctDigits,
  denseOperator,
  finiteDifferenceGradient,
  hessianByGradientDifferences,
  hutchinsonTrace,
  kfacFactors,
  kfacInverse,
  lanczos,
  linearOperator,
  matrixWithSpectrum,
  mlp,
  networkObjective,
  neumann,
  nistProblem,
  powerIteration,
  quadraticObjective,
  rosenbrock,
  spectralDensity,
} from "@secondorder/harness";
import { assertThrowsWith } from "../_helpers/assert.ts";

const A = [[2, 0], [0, 1]];
const net = mlp({ sizes: [2, 2, 1], activation: "tanh" });
const data = { inputs: [[1, 0], [0, 1]], targets: [[1], [0]] };
const f = networkObjective(net, data);
const x = net.initialParameters(1);
const misra = nistProblem("Misra1a");

/** [what, call with one unknown key, the unknown key, one known key]. */
const CASES: [string, (extra: Record<string, unknown>) => unknown, string, string][] = [
  ["cg", (o) => cg(A, [1, 1], o), "rtl", "rtol"],
  ["neumann", (o) => neumann(A, [1, 1], o), "term", "terms"],
  ["powerIteration", (o) => powerIteration(A, o), "tolerance", "tol"],
  ["lanczos", (o) => lanczos(A, { k: 1, ...o }), "steps", "maxSteps"],
  ["classifyCriticalPoint", (o) => classifyCriticalPoint(A, undefined, o), "tol", "zeroTolerance"],
  ["hutchinsonTrace", (o) => hutchinsonTrace(A, o), "sample", "samples"],
  ["spectralDensity", (o) => spectralDensity(A, o), "width", "sigma"],
  ["denseOperator", (o) => denseOperator(A, o), "symmetric", "structure"],
  [
    "linearOperator",
    (o) => linearOperator(2, (v, out) => out.set(v) ?? out, o),
    "kind",
    "structure",
  ],
  ["networkObjective", (o) => networkObjective(net, data, o), "c", "C"],
  ["finiteDifferenceGradient", (o) => finiteDifferenceGradient(f, x, o), "h", "step"],
  [
    "hessianByGradientDifferences",
    (o) => hessianByGradientDifferences(f, x, o),
    "symmetric",
    "symmetrize",
  ],
  ["kfacFactors", (o) => kfacFactors(f, x, o), "fisher", "curvature"],
  ["kfacInverse", (o) => kfacInverse(kfacFactors(f, x), { damping: 1, ...o }), "lambda", "damping"],
  ["quadraticObjective", (o) => quadraticObjective(A, o), "offset", "c"],
  ["matrixWithSpectrum", (o) => matrixWithSpectrum([1, 2], o), "aligned", "axisAligned"],
  ["rosenbrock", (o) => rosenbrock(2, o), "b", "a"],
  ["NistProblem.objective", (o) => misra.objective(o), "jacobians", "jacobian"],
  ["correctDigits", (o) => correctDigits(1, 1, o), "digits", "maxDigits"],
];

for (const [name, call, unknown, known] of CASES) {
  Deno.test(`${name}() refuses the unknown option ${unknown}, naming it and ${known}`, () => {
    assertThrowsWith(
      () => call({ [unknown]: 1 }),
      RangeError,
      new RegExp(`options\\.${unknown} is not an option; expected one of .*"${known}"`),
    );
  });
}
