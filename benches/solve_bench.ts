/**
 * Matrix-free against dense, on the damped Gauss-Newton operator G + λI (λ = 1e-3) of
 * tanh/softmax networks with C = 100, on 128 samples, from 17 to 5,034 parameters.
 *
 * - "solve" groups: CG to rtol 1e-8 (Hessian-free's inner solve) against forming the dense
 *   matrix by n Gauss-Newton-vector products and solving it by Cholesky (`directSolve`).
 *   The dense path costs n products plus n³/3 multiply-adds, CG a few dozen products, so the
 *   dense path only wins for tiny networks; the crossover is where the two times meet.
 * - "spectrum" groups: the 10 largest eigenvalues by Lanczos against the full `eigh`.
 *
 * The dense paths are skipped above the sizes where one run takes more than a few seconds
 * (Cholesky of 5,034 parameters: about 60 s with ml-matrix; eigh of 1,410: about 4 s).
 */

import {
  cg,
  createRandom,
  damp,
  directSolve,
  eigh,
  lanczos,
  mlp,
  networkObjective,
} from "@secondorder/harness";

function problem(sizes: number[], samples: number, seed: number) {
  const net = mlp({ sizes, activation: "tanh", output: "softmax", loss: "cross-entropy" });
  const random = createRandom(seed);
  const k = sizes[sizes.length - 1];
  const inputs = Array.from(
    { length: samples },
    () => Array.from({ length: sizes[0] }, () => random.normal()),
  );
  const targets = inputs.map((_, i) => Array.from({ length: k }, (_, j) => (j === i % k ? 1 : 0)));
  const f = networkObjective(net, { inputs, targets }, { C: 100 });
  const x = net.initialParameters(seed);
  return { dim: net.dim, G: damp(f.gaussNewton(x), 1e-3), g: f.gradient(x) };
}

/** Architectures and their parameter counts. */
const CASES: { sizes: number[]; dense: boolean; spectrum: boolean }[] = [
  { sizes: [2, 3, 2], dense: true, spectrum: false }, // 17
  { sizes: [3, 5, 2], dense: true, spectrum: false }, // 32
  { sizes: [4, 8, 2], dense: true, spectrum: true }, // 58
  { sizes: [8, 16, 4], dense: true, spectrum: true }, // 212
  { sizes: [16, 32, 8], dense: true, spectrum: true }, // 808
  { sizes: [24, 40, 10], dense: true, spectrum: false }, // 1,410
  { sizes: [40, 64, 32, 10], dense: false, spectrum: false }, // 5,034
];

for (const { sizes, dense, spectrum } of CASES) {
  const { dim, G, g } = problem(sizes, 128, 1);
  const slow = dim > 500;
  const group = `solve (G + 1e-3·I)x = g, ${dim} parameters`;
  Deno.bench(`cg to rtol 1e-8`, { group, baseline: true }, () => {
    const result = cg(G, g, { rtol: 1e-8 });
    if (!result.success) throw new Error(result.status);
  });
  if (dense) {
    Deno.bench(
      `dense: ${dim} products + Cholesky`,
      { group, ...(slow ? { n: 3, warmup: 1 } : {}) },
      () => {
        const result = directSolve(G, g);
        if (!result.success) throw new Error(result.status);
      },
    );
  }
  if (spectrum || dim > 1000) {
    const spectrumGroup = `10 largest eigenvalues, ${dim} parameters`;
    Deno.bench(`lanczos k = 10`, { group: spectrumGroup, baseline: true }, () => {
      const result = lanczos(G, { k: 10 });
      if (result.status === "non-finite") throw new Error(result.status);
    });
    if (spectrum) {
      Deno.bench(
        `eigh (${dim} products + full decomposition)`,
        { group: spectrumGroup, ...(slow ? { n: 3, warmup: 1 } : {}) },
        () => {
          eigh(G);
        },
      );
    }
  }
}
