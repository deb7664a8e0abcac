/**
 * `minimize()`'s options form a union discriminated by `method`, so TypeScript rejects an option
 * of another method, an unknown method and a wrong option value before anything runs; the same
 * mistakes made through an untyped object are argument errors at run time. (`deno check` of this
 * file is the compile-time half: each `@ts-expect-error` fails the check if its line compiles.)
 */

import { minimize, type MinimizeOptions, quadraticObjective } from "@secondorder/harness";
import { assertThrowsWith } from "../_helpers/assert.ts";

const f = quadraticObjective([[2, 0], [0, 1]]);

Deno.test("minimize()'s options are typed per method: another method's option does not compile and throws at run time", () => {
  // Each method accepts its own options.
  const accepted: MinimizeOptions[] = [
    { method: "gd", learningRate: 0.1, lineSearch: "armijo" },
    { method: "momentum", learningRate: 0.1, momentum: 0.5 },
    { method: "rmsprop", learningRate: 0.01, gamma: 0.1, epsilon: 1e-8 },
    { method: "adam", learningRate: 0.01, beta1: 0.9, beta2: 0.999 },
    { method: "bfgs", lineSearch: "exact", initialScaling: false },
    { method: "lbfgs", memory: 5 },
  ];
  for (const options of accepted) minimize(f, [1, 1], { ...options, maxIterations: 2 });

  assertThrowsWith(
    // @ts-expect-error momentum is not an option of Adam
    () => minimize(f, [1, 1], { method: "adam", learningRate: 0.01, momentum: 0.9 }),
    RangeError,
    /options\.momentum does not apply to method "adam"/,
  );
  assertThrowsWith(
    // @ts-expect-error "exact" is not a line search of gradient descent
    () => minimize(f, [1, 1], { method: "gd", lineSearch: "exact" }),
    RangeError,
    /options\.lineSearch/,
  );
  assertThrowsWith(
    // @ts-expect-error "sgd" is not a method
    () => minimize(f, [1, 1], { method: "sgd" }),
    RangeError,
    /options\.method/,
  );
  assertThrowsWith(
    // @ts-expect-error memory is a count, not a string
    () => minimize(f, [1, 1], { method: "lbfgs", memory: "10" }),
    TypeError,
    /options\.memory/,
  );
});
