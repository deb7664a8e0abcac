/**
 * Tests of the pure functions behind `deno task bench` and `deno task bench:compare`: reading
 * `deno bench --json` output, ratios to each group's baseline, the 15% rule, and the log-log
 * slope fit. Synthetic inputs only; nothing here is timed.
 */

import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import {
  benchKey,
  comparedRatios,
  compareRatios,
  fitLogLogSlope,
  groupRatios,
  parseBenchJson,
} from "../../benches/_analysis.ts";

/**
 * Ratios of times given as exact binary fractions are exact in floating point; where a result
 * goes through logarithms, 1e-12 allows for their rounding (a few ulps of values near 1–20).
 */
const LOG_ROUNDING = 1e-12;

function bench(group: string | null, name: string, min: number, options: {
  baseline?: boolean;
  avg?: number;
} = {}) {
  return {
    origin: "file:///benches/x_bench.ts",
    group,
    name,
    baseline: options.baseline ?? false,
    results: [{
      ok: {
        n: 10,
        min,
        max: 2 * min,
        avg: options.avg ?? 1.5 * min,
        p75: 1.25 * min,
        p99: 2 * min,
        p995: 2 * min,
        p999: 2 * min,
        highPrecision: true,
        usedExplicitTimers: false,
      },
    }],
  };
}

function run(benches: unknown[]) {
  return { version: 1, runtime: "Deno/test", cpu: "test cpu", benches };
}

Deno.test("parseBenchJson() reads ok results and records failed benches with their error", () => {
  const parsed = parseBenchJson(run([
    bench("g", "gradient", 100, { baseline: true }),
    { group: "g", name: "broken", baseline: false, results: [{ failed: "Error: boom" }] },
  ]));
  strictEqual(parsed.cpu, "test cpu");
  deepStrictEqual(parsed.benches[0].timing, { n: 10, min: 100, avg: 150, p75: 125 });
  strictEqual(parsed.benches[1].timing, undefined);
  strictEqual(parsed.benches[1].error, '"Error: boom"');
  throws(() => parseBenchJson({ benches: "no" }), TypeError);
});

Deno.test("groupRatios() divides each time by its group's baseline of the same statistic", () => {
  const groups = groupRatios(parseBenchJson(run([
    bench("a", "gradient", 4, { baseline: true, avg: 8 }),
    bench("a", "Hessian-vector", 6, { avg: 20 }),
    bench("a", "peer other library", 32, { avg: 16 }),
    bench("b", "first without baseline", 2),
    bench("b", "second", 3),
    bench(null, "ungrouped", 1),
  ])));
  deepStrictEqual(groups.map((g) => g.group), ["a", "b"]);
  const [a, b] = groups;
  strictEqual(a.baseline, "gradient");
  deepStrictEqual(a.benches.map((x) => x.ratio), [1, 1.5, 8]);
  deepStrictEqual(a.benches.map((x) => x.peer), [false, false, true]);
  // Without a marked baseline the group's first bench serves.
  strictEqual(b.baseline, "first without baseline");
  strictEqual(b.benches[1].ratio, 1.5);
  const byMean = groupRatios(
    parseBenchJson(run([
      bench("a", "gradient", 4, { baseline: true, avg: 8 }),
      bench("a", "Hessian-vector", 6, { avg: 20 }),
    ])),
    "avg",
  );
  strictEqual(byMean[0].benches[1].ratio, 2.5);
});

Deno.test("comparedRatios() keeps our ratios and inverts peers', so larger is always worse for us", () => {
  const ratios = comparedRatios(groupRatios(parseBenchJson(run([
    bench("g", "gradient", 4, { baseline: true }),
    bench("g", "HVP", 8),
    bench("g", "peer TF.js", 16),
  ]))));
  deepStrictEqual(
    [...ratios],
    [[benchKey("g", "HVP"), 2], [benchKey("g", "peer TF.js"), 0.25]],
  );
});

Deno.test("compareRatios() flags exactly the ratios more than 15% worse, worst first", () => {
  const baseline = new Map([["x", 1], ["y", 2], ["z", 4], ["w", 1], ["gone", 1]]);
  const latest = new Map([
    ["x", 1.25], // +25%: worse
    ["y", 2.25], // +12.5%: within
    ["z", 8], // +100%: worse
    ["w", 0.5], // −50%: better
    ["new", 3],
  ]);
  const result = compareRatios(latest, baseline);
  deepStrictEqual(result.regressions.map((r) => r.key), ["z", "x"]);
  deepStrictEqual(result.regressions.map((r) => r.change), [1, 0.25]);
  deepStrictEqual(result.improvements.map((r) => r.key), ["w"]);
  deepStrictEqual(result.missing, ["gone"]);
  deepStrictEqual(result.added, ["new"]);
  // The boundary: exactly +15% passes, the next representable change fails.
  strictEqual(compareRatios(new Map([["x", 1.15]]), new Map([["x", 1]])).regressions.length, 0);
  strictEqual(
    compareRatios(new Map([["x", 1.1500000000000001]]), new Map([["x", 1]])).regressions.length,
    1,
  );
  strictEqual(compareRatios(latest, baseline, 1.5).regressions.length, 0);
  throws(() => compareRatios(latest, baseline, -1), RangeError);
});

Deno.test("a uniformly slower machine changes no ratio: every time ×3 compares equal", () => {
  const times = [["gradient", 5], ["HVP", 9], ["GN", 7], ["peer lib", 40]] as const;
  const make = (scale: number) =>
    comparedRatios(groupRatios(parseBenchJson(run(
      times.map(([name, t], i) => bench("g", name, t * scale, { baseline: i === 0 })),
    ))));
  const result = compareRatios(make(3), make(1));
  strictEqual(result.regressions.length, 0);
  for (const c of result.compared) ok(Math.abs(c.change) <= LOG_ROUNDING, c.key);
});

Deno.test("fitLogLogSlope() recovers the exponent of y = c·xᵏ and its intercept log c", () => {
  for (const k of [1, 0.5, 2]) {
    const points = [100, 1000, 1e4, 1e5].map((x) => ({ x, y: 3 * x ** k }));
    const fit = fitLogLogSlope(points);
    ok(Math.abs(fit.slope - k) <= LOG_ROUNDING, `slope ${fit.slope} for k = ${k}`);
    ok(Math.abs(fit.intercept - Math.log(3)) <= 1e-10, `intercept ${fit.intercept}`);
    ok(Math.abs(fit.r2 - 1) <= LOG_ROUNDING);
  }
  // A fixed overhead bends the curve: a + b·x has log-log slope below 1 over small x.
  const bent = fitLogLogSlope([1, 10, 100].map((x) => ({ x, y: 10 + x })));
  ok(bent.slope < 0.9 && bent.r2 < 1, `slope ${bent.slope}`);
  throws(() => fitLogLogSlope([{ x: 1, y: 1 }]), RangeError);
  throws(() => fitLogLogSlope([{ x: 1, y: 1 }, { x: 1, y: 2 }]), RangeError);
  throws(() => fitLogLogSlope([{ x: 0, y: 1 }, { x: 1, y: 2 }]), RangeError);
});
