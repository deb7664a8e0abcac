/**
 * Time to tolerance per method, on Rosenbrock, an ill-conditioned quadratic, logistic regression
 * on Iris and the ten NIST StRD problems (see `_optimisers.ts` for the problems, the tolerance
 * f − f* ≤ 10⁻¹⁰·(f(x₀) − f*) and the peers' setup). One group per problem; its baseline is one
 * gradient of the problem at the start, so the report can state each run in gradients' worth of
 * wall time. The evaluation counts and gradient-equivalents are deterministic: `report.ts`
 * records them, the bench only times the runs.
 *
 * The NIST groups also time the full fits (each method's own stopping rule) of our
 * Levenberg-Marquardt and of ml-levenberg-marquardt from NIST's start 2, whose certified digits
 * the report compares.
 */

import { methodLabel, optimisationProblems, peerRuns, runOurs, timedFits } from "./_optimisers.ts";

for (const p of await optimisationProblems()) {
  const group = `optimisers: ${p.name}`;
  const out = new Float64Array(p.objective.dim);
  Deno.bench("gradient", { group, baseline: true }, () => {
    p.objective.gradient(p.x0, out);
  });
  for (const options of p.methods) {
    Deno.bench(`${methodLabel(options)} to tolerance`, { group }, () => {
      runOurs(p, options);
    });
  }
  for (const { name, run } of peerRuns(p)) {
    // fmin's runs that never reach the target spend the whole evaluation budget: a few samples.
    const slow = name.includes("conjugateGradient") ? { n: 5, warmup: 1 } : {};
    Deno.bench(`${name} to tolerance`, { group, ...slow }, () => {
      run();
    });
  }
  if (p.nist) {
    const fits = timedFits(p.nist, "start2");
    Deno.bench("levenberg-marquardt full fit", { group }, () => {
      fits.ours();
    });
    Deno.bench("peer ml-levenberg-marquardt full fit", { group }, () => {
      fits.peer();
    });
  }
}
