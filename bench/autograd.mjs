// Autograd's costs, each against a baseline in the same run:
// 1. a recorded MLP training step (accumulateGrads) against the explicit Module.backward step;
// 2. ops outside any transform (relu, add at 1M elements; matmul n = 256) against the same ops from
//    nabla as it was before autograd (bench/.baseline/dist, built by `npm run bench:baseline`);
//    skipped with a note when that build is absent;
// 3. heap after 1,000 and after 10,000 recorded steps of a small MLP (flat = no growth).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  Adam, Linear, ReLU, Sequential, accumulateGrads, add, createRng, crossEntropy, matmul, relu, tensor,
} from '../dist/index.js';
import { measurePair } from './harness.mjs';
import { mlpSetup } from './mlp.mjs';

function recordedStep(seed = 1) {
  const { model, x, y } = mlpSetup(seed);
  const opt = new Adam(model.parameters(), { lr: 1e-3 });
  const params = model.parameters();
  return () => {
    opt.zeroGrad();
    const loss = accumulateGrads(() => crossEntropy(model.forward(x), y), params).item();
    opt.step();
    return loss;
  };
}

function heapGrowth() {
  if (typeof globalThis.gc !== 'function') return null;
  const rng = createRng(5);
  const model = new Sequential(new Linear(16, 32, { rng }), new ReLU(), new Linear(32, 4, { rng }));
  const opt = new Adam(model.parameters(), { lr: 1e-3 });
  const x = tensor(rng.fillUniform(new Float64Array(64 * 16), -1, 1), [64, 16]);
  const y = Int32Array.from({ length: 64 }, () => rng.integers(0, 4));
  const params = model.parameters();
  const step = () => {
    opt.zeroGrad();
    accumulateGrads(() => crossEntropy(model.forward(x), y), params);
    opt.step();
  };
  const heap = () => {
    globalThis.gc();
    globalThis.gc();
    return process.memoryUsage().heapUsed;
  };
  for (let i = 0; i < 1000; i++) step();
  const at1k = heap();
  for (let i = 0; i < 9000; i++) step();
  const at10k = heap();
  return { at1k, at10k, ratio: at10k / at1k };
}

export default async function run() {
  const rows = [];
  const explicit = mlpSetup(1).step;
  const [rec, exp] = measurePair(recordedStep(1), explicit, { runs: 9, warmup: 3 });
  rows.push({ workload: 'MLP step 784-256-10 b256, recorded', ours: rec, baselineName: 'explicit Module.backward step', base: exp, note: 'target ≤ 1.15' });

  const baselinePath = fileURLToPath(new URL('./.baseline/dist/index.js', import.meta.url));
  if (existsSync(baselinePath)) {
    const before = await import(baselinePath);
    const rng = createRng(2);
    const a = tensor(rng.fillUniform(new Float64Array(1 << 20), -1, 1));
    const b = tensor(rng.fillUniform(new Float64Array(1 << 20), -1, 1));
    const m1 = tensor(rng.fillUniform(new Float64Array(256 * 256), -1, 1), [256, 256]);
    const m2 = tensor(rng.fillUniform(new Float64Array(256 * 256), -1, 1), [256, 256]);
    const pa = before.tensor(a.data);
    const pb = before.tensor(b.data);
    const pm1 = before.tensor(m1.data, [256, 256]);
    const pm2 = before.tensor(m2.data, [256, 256]);
    for (const [name, f, g] of [
      ['relu 1M, outside transforms', () => relu(a), () => before.relu(pa)],
      ['add 1M, outside transforms', () => add(a, b), () => before.add(pa, pb)],
      ['matmul 256, outside transforms', () => matmul(m1, m2), () => before.matmul(pm1, pm2)],
    ]) {
      const [ours, base] = measurePair(f, g, { runs: 15, warmup: 4 });
      rows.push({ workload: name, ours, baselineName: 'nabla before autograd', base, note: 'target ≤ 1.03' });
    }
  } else {
    rows.push({ workload: 'ops outside transforms', ours: { median: NaN, min: NaN, max: NaN }, baselineName: 'nabla before autograd (run npm run bench:baseline)', base: { median: NaN, min: NaN, max: NaN }, note: 'skipped: no baseline build' });
  }

  const h = heapGrowth();
  if (h !== null) {
    rows.push({
      workload: 'heap after 10,000 recorded steps',
      ours: { median: h.at10k / 2 ** 20, min: h.at10k / 2 ** 20, max: h.at10k / 2 ** 20 },
      baselineName: 'heap after 1,000 steps',
      unit: 'MiB',
      base: { median: h.at1k / 2 ** 20, min: h.at1k / 2 ** 20, max: h.at1k / 2 ** 20 },
      note: 'target within ±10 %',
    });
  }
  return { title: 'Autograd: a recorded step, ops outside transforms, heap over 10,000 steps', rows };
}
