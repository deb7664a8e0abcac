/**
 * The registry of `minimize()`'s methods: for each, its option names, the curvature it needs
 * given its options, and the factory that builds the optimiser. Adding a method is one entry.
 *
 * @module
 */

import type { Objective } from "../objective.ts";
import type { Curvature, Method, Optimizer } from "./types.ts";
import { supportsKfac } from "../curvature/kfac.ts";
import { gd, GD_OPTIONS, type GdOptions } from "./gd.ts";
import { momentum, MOMENTUM_OPTIONS, type MomentumOptions } from "./momentum.ts";
import { rmsprop, RMSPROP_OPTIONS, type RmspropOptions } from "./rmsprop.ts";
import { adam, ADAM_OPTIONS, type AdamOptions } from "./adam.ts";
import { bfgs, BFGS_OPTIONS, type BfgsOptions } from "./bfgs.ts";
import { lbfgs, LBFGS_OPTIONS, type LbfgsOptions } from "./lbfgs.ts";
import {
  GAUSS_NEWTON_OPTIONS,
  gaussNewton,
  type GaussNewtonOptions,
  newton,
  NEWTON_OPTIONS,
  type NewtonOptions,
} from "./newton.ts";
import {
  LEVENBERG_MARQUARDT_OPTIONS,
  levenbergMarquardt,
  type LevenbergMarquardtOptions,
} from "./levenberg_marquardt.ts";
import { TRUST_REGION_OPTIONS, trustRegion, type TrustRegionOptions } from "./trust_region.ts";
import { HESSIAN_FREE_OPTIONS, hessianFree, type HessianFreeOptions } from "./hessian_free.ts";
import {
  EIGEN_LINE_SEARCH_OPTIONS,
  eigenLineSearch,
  type EigenLineSearchOptions,
} from "./eigen_line_search.ts";
import {
  SADDLE_FREE_NEWTON_OPTIONS,
  saddleFreeNewton,
  type SaddleFreeNewtonOptions,
} from "./saddle_free_newton.ts";
import { kfac, KFAC_OPTIONS, type KfacOptions } from "./kfac.ts";

/** Each method's own options. */
export interface MethodOptions {
  /** Gradient descent. */
  gd: GdOptions;
  /** Heavy-ball momentum. */
  momentum: MomentumOptions;
  /** RMSprop. */
  rmsprop: RmspropOptions;
  /** Adam. */
  adam: AdamOptions;
  /** Newton with a line search. */
  newton: NewtonOptions;
  /** Gauss-Newton. */
  "gauss-newton": GaussNewtonOptions;
  /** Levenberg-Marquardt. */
  "levenberg-marquardt": LevenbergMarquardtOptions;
  /** Trust-region Newton-CG. */
  "trust-region": TrustRegionOptions;
  /** Hessian-free optimisation. */
  "hessian-free": HessianFreeOptions;
  /** BFGS. */
  bfgs: BfgsOptions;
  /** L-BFGS. */
  lbfgs: LbfgsOptions;
  /** Line search along Hessian eigenvectors. */
  "eigen-line-search": EigenLineSearchOptions;
  /** Saddle-free Newton. */
  "saddle-free-newton": SaddleFreeNewtonOptions;
  /** K-FAC. */
  kfac: KfacOptions;
}

/** A registry entry. */
export interface MethodEntry {
  /** The method's own option names. */
  readonly options: readonly string[];
  /** The curvature the method needs with these options. */
  needs(options: Record<string, unknown>): readonly Curvature[];
  /** Builds the optimiser (validating the options). */
  create(options: Record<string, unknown>): Optimizer<unknown>;
}

const curvatureOf = (options: Record<string, unknown>, fallback: "hessian" | "gauss-newton") =>
  (options.curvature ?? fallback) === "hessian" ? "hessian" as const : "gaussNewton" as const;

// deno-lint-ignore no-explicit-any
const asOptimizer = (optimizer: Optimizer<any>) => optimizer as Optimizer<unknown>;

/** Every method of `minimize()`. */
export const METHODS: Readonly<Record<Method, MethodEntry>> = {
  gd: { options: GD_OPTIONS, needs: () => [], create: (o) => asOptimizer(gd(o)) },
  momentum: { options: MOMENTUM_OPTIONS, needs: () => [], create: (o) => asOptimizer(momentum(o)) },
  rmsprop: { options: RMSPROP_OPTIONS, needs: () => [], create: (o) => asOptimizer(rmsprop(o)) },
  adam: { options: ADAM_OPTIONS, needs: () => [], create: (o) => asOptimizer(adam(o)) },
  newton: {
    options: NEWTON_OPTIONS,
    needs: (o) => [curvatureOf(o, "hessian")],
    create: (o) => asOptimizer(newton(o as NewtonOptions)),
  },
  "gauss-newton": {
    options: GAUSS_NEWTON_OPTIONS,
    needs: () => ["gaussNewton"],
    create: (o) => asOptimizer(gaussNewton(o)),
  },
  "levenberg-marquardt": {
    options: LEVENBERG_MARQUARDT_OPTIONS,
    needs: (o) => [curvatureOf(o, "gauss-newton")],
    create: (o) => asOptimizer(levenbergMarquardt(o as LevenbergMarquardtOptions)),
  },
  "trust-region": {
    options: TRUST_REGION_OPTIONS,
    needs: (o) => [curvatureOf(o, "hessian")],
    create: (o) => asOptimizer(trustRegion(o as TrustRegionOptions)),
  },
  "hessian-free": {
    options: HESSIAN_FREE_OPTIONS,
    needs: (o) => [curvatureOf(o, "gauss-newton")],
    create: (o) => asOptimizer(hessianFree(o as HessianFreeOptions)),
  },
  bfgs: {
    options: BFGS_OPTIONS,
    needs: (o) => (o.lineSearch === "exact" ? ["hessian"] : []),
    create: (o) => asOptimizer(bfgs(o as BfgsOptions)),
  },
  lbfgs: { options: LBFGS_OPTIONS, needs: () => [], create: (o) => asOptimizer(lbfgs(o)) },
  "eigen-line-search": {
    options: EIGEN_LINE_SEARCH_OPTIONS,
    needs: () => ["hessian"],
    create: (o) => asOptimizer(eigenLineSearch(o as EigenLineSearchOptions)),
  },
  "saddle-free-newton": {
    options: SADDLE_FREE_NEWTON_OPTIONS,
    needs: () => ["hessian"],
    create: (o) => asOptimizer(saddleFreeNewton(o as SaddleFreeNewtonOptions)),
  },
  kfac: {
    options: KFAC_OPTIONS,
    needs: () => ["kfac"],
    create: (o) => asOptimizer(kfac(o as KfacOptions)),
  },
};

const PROVIDER: Record<Curvature, string> = {
  hessian: "objective.hessian(x)",
  gaussNewton: "objective.gaussNewton(x)",
  kfac: "a network objective (K-FAC needs its layers and data)",
};

/** Says which needed curvature the objective lacks, or undefined when it has them all. */
export function curvatureMissing(
  method: string,
  needs: readonly Curvature[],
  objective: Objective,
): string | undefined {
  for (const need of needs) {
    const has = need === "kfac" ? supportsKfac(objective) : typeof objective[need] === "function";
    if (!has) {
      return `method "${method}" needs ${PROVIDER[need]}, which this objective does not provide`;
    }
  }
  return undefined;
}
