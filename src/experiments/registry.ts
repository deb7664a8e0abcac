/**
 * Every claim's experiment, in claim order. `deno task reproduce` runs the ones listed here.
 *
 * @module
 */

import type { RunnableExperiment } from "./legacy.ts";
import { c01 } from "./c01_newton_one_step.ts";
import { c02 } from "./c02_hessian_symmetry.ts";
import { c03 } from "./c03_newton_valley.ts";
import { c04 } from "./c04_eigen_line_search.ts";
import { c05 } from "./c05_cg_conjugacy.ts";
import { c06 } from "./c06_classification.ts";
import { c07 } from "./c07_saddle_points.ts";
import { c08 } from "./c08_bfgs.ts";
import { c09 } from "./c09_descent_direction.ts";
import { c10 } from "./c10_backtracking.ts";
import { c11 } from "./c11_convergence_order.ts";
import { c12 } from "./c12_robustness.ts";
import { c13 } from "./c13_gauss_newton_split.ts";
import { c14 } from "./c14_newton_subproblem.ts";
import { c15 } from "./c15_cg_positive_definite.ts";
import { c16 } from "./c16_quadratic_subproblem.ts";
import { c17 } from "./c17_neumann_series.ts";
import { c18 } from "./c18_kfac.ts";
import { c19 } from "./c19_hvp_cost.ts";
import { c20 } from "./c20_critical_points.ts";
import { c21 } from "./c21_permutation_symmetry.ts";
import { c22 } from "./c22_identical_units.ts";
import { c23 } from "./c23_gd_dynamics.ts";
import { c24 } from "./c24_condition_number.ts";
import { c25 } from "./c25_momentum.ts";
import { c26 } from "./c26_rmsprop.ts";
import { c27 } from "./c27_conditioning.ts";
import { c28 } from "./c28_minibatch_variance.ts";
import { c29 } from "./c29_batch_size.ts";

/** The experiments, sorted by claim id. Each module adds one line here. */
export const EXPERIMENTS: readonly RunnableExperiment[] = [
  c01,
  c02,
  c03,
  c04,
  c05,
  c06,
  c07,
  c08,
  c09,
  c10,
  c11,
  c12,
  c13,
  c14,
  c15,
  c16,
  c17,
  c18,
  c19,
  c20,
  c21,
  c22,
  c23,
  c24,
  c25,
  c26,
  c27,
  c28,
  c29,
];
