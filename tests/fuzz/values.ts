/**
 * Adversarial argument generators for fuzzing the public API: every generator mixes valid
 * values (so calls get past the first check and into the numerics) with the hostile ones —
 * wrong types and lengths, NaN and ±Infinity, empty data, zero or negative sizes and
 * tolerances, huge and tiny scales, singular and indefinite matrices, and operators whose
 * matvec returns NaN.
 */

import fc from "fast-check";
import {
  createRandom,
  denseOperator,
  type LinearOperator,
  linearOperator,
  matrixWithSpectrum,
} from "@secondorder/harness";

/** Values of the wrong kind for almost any parameter. */
export const hostile: fc.Arbitrary<unknown> = fc.constantFrom<unknown>(
  null,
  undefined,
  NaN,
  Infinity,
  -Infinity,
  0,
  -1,
  1.5,
  1e308,
  5e-324,
  "text",
  "",
  true,
  {},
  [],
  [[]],
  new Float64Array(0),
  () => 1,
  Symbol("s"),
  10n,
);

/** Numbers a size, count or tolerance must reject or survive. */
export const edgeNumber: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(0, -1, -0, 0.5, 1, 2, 3, 10, 1e-12, 1e-300, 5e-324, 1e12, 1e308),
  fc.constantFrom<unknown>(NaN, Infinity, -Infinity, 2 ** 53, -1e-9, "3", null),
  fc.double({ noNaN: false }),
  fc.integer({ min: -5, max: 50 }),
);

/**
 * Numbers for an iteration cap: the edge numbers with the valid huge caps (1e12, 2⁵³) replaced
 * by 1e5. A cap is the caller's bound on the work: asked for 10¹² terms of a Neumann series
 * whose contraction is 1 − 10⁻¹² (eigenvalues 10⁻¹²…1, found at seed 271828), a run would take
 * days doing what was asked, which is not a hang the fuzzer should report.
 */
export const capNumber: fc.Arbitrary<unknown> = edgeNumber.map((v) =>
  typeof v === "number" && Number.isInteger(v) && v > 1e5 ? 1e5 : v
);

/** A scale factor from tiny to huge. */
const scaleFactor = fc.constantFrom(1, 1, 1, 1e-150, 1e-8, 1e8, 1e150);

/** A finite vector of length n at a random scale, as a Float64Array or number[]. */
export function goodVector(n: number): fc.Arbitrary<Float64Array | number[]> {
  return fc.tuple(fc.nat(), scaleFactor, fc.boolean()).map(([seed, s, plain]) => {
    const v = createRandom(seed).fillNormal(new Float64Array(n)).map((x) => s * x);
    return plain ? Array.from(v) : v;
  });
}

/** A vector argument of nominal length n: usually right, often wrong. */
export function vectorArg(n: number): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 4, arbitrary: goodVector(n) },
    { weight: 1, arbitrary: goodVector(Math.max(0, n - 1)) },
    { weight: 1, arbitrary: goodVector(n + 1) },
    {
      weight: 1,
      arbitrary: fc.tuple(goodVector(n), fc.nat(), fc.constantFrom(NaN, Infinity, -Infinity)).map(
        ([v, i, bad]) => {
          const copy = Array.from(v);
          if (copy.length > 0) copy[i % copy.length] = bad;
          return Float64Array.from(copy);
        },
      ),
    },
    { weight: 1, arbitrary: fc.constant(new Float64Array(0)) },
    { weight: 1, arbitrary: fc.constant(Array.from({ length: n }, () => "1")) },
    { weight: 1, arbitrary: hostile },
  );
}

/** A seeded symmetric matrix of size n with a chosen kind of spectrum. */
function symmetricMatrix(
  n: number,
  kind: "spd" | "indefinite" | "singular" | "ill" | "negative",
  seed: number,
  scale: number,
): number[][] {
  const random = createRandom(seed);
  const eigenvalues = Array.from({ length: n }, (_, i) => {
    const u = 0.5 + random.uniform();
    switch (kind) {
      case "spd":
        return u;
      case "indefinite":
        return i % 2 === 0 ? u : -u;
      case "singular":
        return i === 0 ? 0 : u;
      case "ill":
        return 10 ** (-12 * i / Math.max(1, n - 1));
      case "negative":
        return -u;
    }
  });
  return matrixWithSpectrum(eigenvalues.map((e) => e * scale), { seed }).matrix;
}

/** An operator argument of nominal dimension n: many well-formed kinds, and hostile ones. */
export function operatorArg(n: number): fc.Arbitrary<unknown> {
  const matrixKinds = fc.constantFrom(
    "spd",
    "indefinite",
    "singular",
    "ill",
    "negative",
  ) as fc.Arbitrary<
    "spd" | "indefinite" | "singular" | "ill" | "negative"
  >;
  const dense = fc.tuple(matrixKinds, fc.nat(), scaleFactor, fc.boolean()).map(
    ([kind, seed, scale, asRows]): unknown => {
      const rows = symmetricMatrix(n, kind, seed, scale);
      if (asRows) return rows;
      return denseOperator(rows, kind === "spd" ? { structure: "spd" } : {});
    },
  );
  const lyingSpd = fc.nat().map((seed) => {
    const rows = symmetricMatrix(n, "indefinite", seed, 1);
    const inner = denseOperator(rows);
    return { dim: n, structure: "spd", matvec: inner.matvec } as LinearOperator;
  });
  const nanOperator = fc.constantFrom(NaN, Infinity).map((bad) =>
    linearOperator(n, (_x, out) => out.fill(bad), { structure: "symmetric" })
  );
  const sometimesNan = fc.nat({ max: 5 }).map((after) => {
    let calls = 0;
    return linearOperator(n, (x, out) => {
      calls++;
      for (let i = 0; i < n; i++) out[i] = calls > after ? NaN : 2 * x[i];
      return out;
    }, { structure: "spd" });
  });
  const general = fc.nat().map((seed) => {
    const random = createRandom(seed);
    return Array.from({ length: n }, () => Array.from({ length: n }, () => random.normal()));
  });
  return fc.oneof(
    { weight: 6, arbitrary: dense },
    { weight: 1, arbitrary: lyingSpd },
    { weight: 1, arbitrary: nanOperator },
    { weight: 1, arbitrary: sometimesNan },
    { weight: 1, arbitrary: general },
    { weight: 1, arbitrary: fc.constant([[1, 2], [3]]) },
    { weight: 1, arbitrary: fc.constant({ dim: n, structure: "spd" }) },
    {
      weight: 1,
      arbitrary: fc.constant({ dim: 0, structure: "spd", matvec: () => new Float64Array(0) }),
    },
    {
      weight: 1,
      arbitrary: fc.constant(
        linearOperator(n + 1, (x, out) => {
          out.set(x);
          return out;
        }),
      ),
    },
    { weight: 1, arbitrary: hostile },
  );
}

/** An options object with any subset of `keys`, each set to a valid-looking or edge value. */
export function optionsArg(
  keys: readonly string[],
  special: Record<string, fc.Arbitrary<unknown>> = {},
): fc.Arbitrary<unknown> {
  const record: Record<string, fc.Arbitrary<unknown>> = {};
  for (const key of keys) record[key] = special[key] ?? fc.oneof(edgeNumber, hostile);
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant(undefined) },
    { weight: 6, arbitrary: fc.record(record, { requiredKeys: [] }) },
    { weight: 1, arbitrary: hostile },
  );
}

/** A dimension for a generated problem (kept small so cases are fast). */
export const smallDim = fc.integer({ min: 1, max: 7 });
