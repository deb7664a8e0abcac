/**
 * The one set of summary statistics the experiments use: median and quantiles (linear
 * interpolation between order statistics, numpy's default), the mean, and a least-squares
 * line with its standard error. Every experiment calls these; none keeps a copy.
 *
 * @module
 */

function finiteValues(where: string, values: readonly number[]): number[] {
  for (const [i, v] of values.entries()) {
    if (typeof v !== "number" || Number.isNaN(v)) {
      throw new RangeError(`Cannot take the ${where}: values[${i}] is ${v}, expected a number`);
    }
  }
  return values.slice().sort((a, b) => a - b);
}

/**
 * The q-quantile, q in [0, 1], interpolating linearly between order statistics (numpy's
 * default). NaN for an empty list; a NaN entry is a RangeError (it has no place in an order).
 */
export function quantile(values: readonly number[], q: number): number {
  if (!(q >= 0 && q <= 1)) {
    throw new RangeError(`Cannot take a quantile: q is ${q}, expected [0, 1]`);
  }
  const sorted = finiteValues("quantile", values);
  if (sorted.length === 0) return NaN;
  const position = q * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  const t = position - below;
  return t === 0 ? sorted[below] : sorted[below] + t * (sorted[above] - sorted[below]);
}

/** The median: the middle value, or the mean of the two middle values (NaN when empty). */
export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** The arithmetic mean (NaN when empty). */
export function mean(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}

/** A least-squares line y ≈ intercept + slope·x. */
export interface LineFit {
  /** The slope. */
  slope: number;
  /** The intercept. */
  intercept: number;
  /** The standard error of the slope (NaN with two points, which leave no residual freedom). */
  slopeStandardError: number;
  /** The coefficient of determination, R². */
  r2: number;
  /** The number of points. */
  points: number;
}

/** Fits y ≈ intercept + slope·x by least squares. At least two distinct x are required. */
export function fitLine(points: readonly (readonly [number, number])[]): LineFit {
  const n = points.length;
  if (n < 2) throw new RangeError(`Cannot fit a line: ${n} points, expected at least 2`);
  for (const [i, [x, y]] of points.entries()) {
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      throw new RangeError(`Cannot fit a line: point ${i} is (${x}, ${y}), expected finite`);
    }
  }
  const mx = mean(points.map((p) => p[0])), my = mean(points.map((p) => p[1]));
  let sxx = 0, sxy = 0, syy = 0;
  for (const [x, y] of points) {
    sxx += (x - mx) ** 2;
    sxy += (x - mx) * (y - my);
    syy += (y - my) ** 2;
  }
  if (sxx === 0) throw new RangeError("Cannot fit a line: every x is the same");
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  let rss = 0;
  for (const [x, y] of points) rss += (y - intercept - slope * x) ** 2;
  return {
    slope,
    intercept,
    slopeStandardError: n > 2 ? Math.sqrt(rss / (n - 2) / sxx) : NaN,
    r2: syy === 0 ? 1 : 1 - rss / syy,
    points: n,
  };
}

/** Fits log y ≈ intercept + slope·log x (natural logarithms); x and y must be positive. */
export function fitLogLog(points: readonly (readonly [number, number])[]): LineFit {
  for (const [i, [x, y]] of points.entries()) {
    if (!(x > 0 && y > 0)) {
      throw new RangeError(`Cannot fit a log-log line: point ${i} is (${x}, ${y}), not positive`);
    }
  }
  return fitLine(points.map(([x, y]) => [Math.log(x), Math.log(y)]));
}
