// BatchNorm layer forward+backward (training mode) against a plain copy loop over the same input
// bytes in the same run: the forward reads x twice (one-pass statistics, then normalize) and
// writes y and the saved x − μ; the backward reads dy and x − μ twice and writes dx.
import { BatchNorm, createRng, tensor } from '../dist/index.js';
import { measurePair } from './harness.mjs';

function copyLoop(src) {
  const out = new Float64Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = src[i];
  return out;
}

export default function run() {
  const rng = createRng(5);
  const rows = [];
  for (const shape of [[256, 1024], [32, 64, 32, 32]]) {
    const n = shape.reduce((a, b) => a * b, 1);
    const x = tensor(rng.fillNormal(new Float64Array(n)), shape);
    const dy = tensor(rng.fillNormal(new Float64Array(n)), shape);
    const bn = new BatchNorm(shape[1]);
    const [ours, base] = measurePair(() => (bn.forward(x), bn.backward(dy)), () => copyLoop(x.data), { runs: 15, warmup: 3 });
    rows.push({ workload: `BatchNorm fwd+bwd ${JSON.stringify(shape)}`, ours, baselineName: 'copy loop (1 pass)', base, note: 'forward: 1 read of x for statistics, 1 to normalize; backward: 2 of dy and x − μ' });
  }
  return { title: 'batch normalization (training mode)', rows };
}
