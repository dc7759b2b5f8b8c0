// Optimizer steps against single fused baseline loops over the same arrays, in the same run:
// Adam vs one loop that reads p, g, m, v and writes p, m, v; SGD vs p -= lr·g.
import { Adam, SGD, createRng, tensor } from '../dist/index.js';
import { measurePair } from './harness.mjs';

function adamBaseline(p, g, m, v, lr, b1, b2, eps, t) {
  const bc1 = 1 - b1 ** t;
  const bc2 = Math.sqrt(1 - b2 ** t);
  const n = p.length;
  for (let i = 0; i < n; i++) {
    const gi = g[i];
    const mi = b1 * m[i] + (1 - b1) * gi;
    const vi = b2 * v[i] + (1 - b2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    p[i] -= ((lr / bc1) * mi) / (Math.sqrt(vi) / bc2 + eps);
  }
  return p;
}

function sgdBaseline(p, g, lr) {
  const n = p.length;
  for (let i = 0; i < n; i++) p[i] -= lr * g[i];
  return p;
}

export default function run() {
  const rows = [];
  const rng = createRng(3);
  for (const n of [1_000_000, 10_000_000]) {
    const label = n === 1_000_000 ? '1M' : '10M';
    const g = tensor(rng.fillNormal(new Float64Array(n)));
    const p = tensor(rng.fillNormal(new Float64Array(n)));
    const adam = new Adam([p], { lr: 1e-3 });
    const bp = p.data.slice();
    const bm = new Float64Array(n);
    const bv = new Float64Array(n);
    let t = 0;
    const runs = n > 1e6 ? 11 : 15;
    const [ours, base] = measurePair(() => (adam.step([g]), p), () => adamBaseline(bp, g.data, bm, bv, 1e-3, 0.9, 0.999, 1e-8, ++t), { runs, warmup: 4 });
    rows.push({ workload: `Adam step, ${label} params`, ours, baselineName: 'one fused Adam loop', base });
    const sgd = new SGD([p], { lr: 1e-3 });
    const sp = p.data.slice();
    const [ours2, base2] = measurePair(() => (sgd.step([g]), p), () => sgdBaseline(sp, g.data, 1e-3), { runs, warmup: 4 });
    rows.push({ workload: `SGD step, ${label} params`, ours: ours2, baselineName: 'p -= lr·g loop', base: base2 });
    const mom = new SGD([p], { lr: 1e-3, momentum: 0.9 });
    const [ours3, base3] = measurePair(() => (mom.step([g]), p), () => sgdBaseline(sp, g.data, 1e-3), { runs, warmup: 4 });
    rows.push({ workload: `SGD momentum step, ${label} params`, ours: ours3, baselineName: 'p -= lr·g loop', base: base3 });
  }
  return { title: 'optimizers (float64, in place)', rows };
}
