/**
 * The contract between `minimize()` and the optimisers. An optimiser is explicit state plus a
 * pure step, as in optax: `init` builds the state at x₀, `step` proposes the next point. Methods
 * that accept or reject their own steps (Newton, Levenberg-Marquardt, trust region,
 * Hessian-free) do so inside `step` and report it in the info record.
 *
 * @module
 */

import type { Objective } from "../objective.ts";
import type { LinearOperator } from "../operator/linear_operator.ts";

/** The methods `minimize()` offers. */
export type Method =
  | "gd"
  | "momentum"
  | "rmsprop"
  | "adam"
  | "newton"
  | "gauss-newton"
  | "levenberg-marquardt"
  | "trust-region"
  | "hessian-free"
  | "bfgs"
  | "lbfgs"
  | "eigen-line-search"
  | "saddle-free-newton"
  | "kfac";

/** The curvature an optimiser may require of the objective. */
export type Curvature = "hessian" | "gaussNewton" | "kfac";

/**
 * Why a run stopped:
 * - `"converged"`: ‖∇f‖ ≤ gradientTolerance, or the value stopped changing (valueTolerance);
 * - `"max-iterations"`: the iteration budget ran out first;
 * - `"line-search-failed"`: no acceptable step along the search direction;
 * - `"non-finite"`: a value, gradient or step became NaN or infinite;
 * - `"stopped"`: `onIteration` returned `"stop"`;
 * - `"step-rejected"`: a damped or trust-region method could not find an acceptable step
 *   even at its largest damping or smallest radius;
 * - `"singular"`: an undamped method met a singular (or indefinite, for Cholesky) system and
 *   was told not to fall back to damping;
 * - `"stalled"`: progress became too small to continue (tiny steps, no change in f) while no
 *   convergence test holds: neither the first-order test nor the local model's prediction that
 *   no significant decrease remains. `success` is false.
 */
export type Status =
  | "converged"
  | "stalled"
  | "max-iterations"
  | "line-search-failed"
  | "non-finite"
  | "stopped"
  | "step-rejected"
  | "singular";

/**
 * An objective as the optimisers see it: every call is counted by the driver, and curvature
 * operators come back wrapped so that their matvecs are counted too. Where the loss overflows
 * (the objective throws NonFiniteError), the wrapper returns value +∞ (and a NaN gradient), so a
 * line search simply rejects the trial point; the driver stops with status "non-finite" if an
 * accepted point is not finite. Other members of the wrapped objective (a network objective's
 * `network`, `data`, `subset`, ...) are passed through unchanged.
 */
export interface CountedObjective extends Objective {
  /** f(x) and ∇f(x) together (counted as one value and one gradient). */
  valueAndGradient(x: Float64Array, out?: Float64Array): { value: number; gradient: Float64Array };
}

/** What one step reports besides the new point. */
export interface StepInfo {
  /** Step length actually taken, ‖x_{k+1} − x_k‖ (0 for a rejected step). */
  stepLength: number;
  /** Line-search step α, when the method uses one. */
  alpha?: number;
  /** Damping λ (Levenberg-Marquardt, Hessian-free, damped Newton, K-FAC). */
  damping?: number;
  /** Trust-region radius. */
  radius?: number;
  /** CG iterations spent in this step. */
  cgIterations?: number;
  /** Whether the proposed step was accepted (methods that may reject). */
  accepted?: boolean;
  /** Ratio of actual to predicted reduction (damped and trust-region methods). */
  rho?: number;
  /** Set when the step hit trouble that should end the run (reported as the run's status). */
  failure?: "line-search-failed" | "non-finite" | "step-rejected" | "singular" | "stalled";
  /**
   * The decrease of f that the method's local model predicted for the step it proposed
   * (m(0) − m(d) ≥ 0; for a rejected step, the last one proposed). The driver reads a tiny
   * change of f as convergence only when this prediction is tiny too (MINPACK's ftol test).
   */
  predictedReduction?: number;
  /** A human-readable note about the step (for example "fell back to damping λ = 1e-3"). */
  note?: string;
  /**
   * Work the step did outside the counted objective, in gradient-equivalents of the objective
   * the step was given (K-FAC's factor and inverse updates); the driver adds it to the trace's
   * cumulative cost, scaled by the batch's share of the samples in mini-batch runs.
   */
  extraGradientEquivalents?: number;
  /**
   * Set only when one of the method's own convergence tests holds: a first-order test, or the
   * local model predicting no significant further decrease (MINPACK's ftol and gtol tests, the
   * Newton decrement at f's rounding level). The run then ends as "converged", with `note`
   * quoting the numbers. A step that is merely tiny (damped, backtracked or shrunk) never sets
   * it: that is `failure: "stalled"`.
   */
  converged?: boolean;
}

/** The result of one optimiser step. */
export interface StepResult<State> {
  /** The new point (the old one if the step was rejected). */
  x: Float64Array;
  /** f at the new point. */
  value: number;
  /** ∇f at the new point. */
  gradient: Float64Array;
  /** The updated state. */
  state: State;
  /** What happened. */
  info: StepInfo;
}

/** An optimiser: explicit state and a step that reads like the paper's update rule. */
export interface Optimizer<State = unknown> {
  /** The method's name (one of `Method` for the built-in ones). */
  readonly name: string;
  /** The curvature it needs from the objective (empty for first-order methods). */
  readonly needs: readonly Curvature[];
  /**
   * Whether every step the method takes either decreases f or leaves x where it was (a line
   * search or an accept/reject rule). Only for such methods does the driver read a stalled f as
   * convergence (`valueTolerance`): a fixed-step method can move between points of equal value
   * without converging, as gradient descent with αλ = 2 flips θ to −θ. Default true.
   */
  readonly monotone?: boolean;
  /**
   * Whether `step` calls the objective once only, for f and ∇f at the point it returns (the
   * fixed-step first-order methods). In mini-batch runs the driver then hands such a step the
   * *next* batch, so that the gradient the step returns is the one the next update uses: one
   * mini-batch gradient per update, as in plain SGD. Any other step is handed the batch its
   * update uses, and the driver evaluates the next batch at the new point itself. Default false.
   */
  readonly evaluatesOnlyNewPoint?: boolean;
  /**
   * Work `init` did outside the counted objective, in gradient-equivalents of the objective it
   * was given (K-FAC's first factors and their eigendecomposition), read from the state `init`
   * returned. The driver adds it to the cost of row 0, as it adds a step's
   * `extraGradientEquivalents` to that step's row. Default: none.
   */
  initGradientEquivalents?(state: State): number;
  /** The state at x₀, given f(x₀) and ∇f(x₀). */
  init(x0: Float64Array, value: number, gradient: Float64Array, objective: CountedObjective): State;
  /** One iteration from x with value f(x) and gradient ∇f(x). */
  step(
    x: Float64Array,
    value: number,
    gradient: Float64Array,
    state: State,
    objective: CountedObjective,
  ): StepResult<State>;
}

/** One row of a run's trace, one per iteration (row 0 is the starting point). */
export interface TraceRow {
  /** Iteration number. */
  iteration: number;
  /**
   * f at the iterate. In mini-batch runs it is a mini-batch value: on the batch of the next
   * update for methods that evaluate only at their new point (gd without a line search,
   * momentum, rmsprop, adam), on the batch of the step that led here for the others.
   */
  value: number;
  /** ‖∇f‖ at the iterate (of the same mini-batch as `value` in mini-batch runs). */
  gradientNorm: number;
  /** ‖x_{k+1} − x_k‖ of the step that led here (0 on row 0). */
  stepLength: number;
  /** Damping in force (NaN when the method has none). */
  damping: number;
  /** CG iterations of the step (0 when none). */
  cgIterations: number;
  /**
   * Cumulative cost in gradient-equivalents: gradient = 1, value = 1/3 (one forward pass of
   * three matrix products per layer), Hessian-vector product = 2, Gauss-Newton-vector product =
   * 4/3. These are the floating-point-operation ratios of an MLP's passes. In mini-batch runs a
   * call on a batch of S of I samples costs S/I of its price, so gradient descent on batches of
   * I/4 costs 1/4 per update.
   */
  gradientEquivalents: number;
  /** Milliseconds since the start of the run. */
  milliseconds: number;
}

/**
 * Counts of objective evaluations: calls, whatever the number of samples they cover. In
 * mini-batch runs each call on a mini-batch counts one (the trace's `gradientEquivalents` gives
 * their cost, scaled by the batch's share of the samples), and the driver's final evaluation of
 * the full objective, which gives the result's `value` and `gradientNorm`, is not counted.
 */
export interface Evaluations {
  /** Value evaluations (a value-and-gradient counts one here and one in gradient). */
  value: number;
  /** Gradient evaluations. */
  gradient: number;
  /** Hessian-vector products. */
  hessianVector: number;
  /** Gauss-Newton-vector products. */
  gaussNewtonVector: number;
}

/** The one result shape of every method. */
export interface MinimizeResult {
  /** The final point. */
  x: Float64Array;
  /** f(x) (on the full objective, also in mini-batch runs). */
  value: number;
  /** ‖∇f(x)‖ (full objective). */
  gradientNorm: number;
  /** Iterations performed. */
  iterations: number;
  /**
   * Evaluation counts: the calls the method and the driver made while minimising (in mini-batch
   * runs, calls on mini-batches; the final full evaluation behind `value` is not one of them).
   */
  evaluations: Evaluations;
  /** Why the run stopped. */
  status: Status;
  /** True only when `status` is `"converged"` and every reported number is finite. */
  success: boolean;
  /** A sentence saying why it stopped, with numbers. */
  message: string;
  /** One row per iteration. */
  trace: TraceRow[];
}

/** Re-exported for optimisers that build operators. */
export type { LinearOperator, Objective };
