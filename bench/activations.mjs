// Activations on 1M float64 elements against a plain copy loop over the same array (the
// memory-bandwidth floor for a one-input, one-output pass), measured in the same run.
import { createRng, relu, sigmoid, softmax, tensor, logSoftmax, tanh } from '../dist/index.js';
import { measurePair } from './harness.mjs';

function copyLoop(src) {
  const n = src.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = src[i];
  return out;
}

export default function run() {
  const n = 1_000_000;
  const x = tensor(createRng(1).fillNormal(new Float64Array(n), 0, 3));
  const rows = tensor(x.data, [1000, 1000]);
  const mk = (workload, fn) => {
    const [ours, base] = measurePair(fn, () => copyLoop(x.data), { runs: 15, warmup: 3 });
    return { workload, ours, baselineName: 'copy loop', base };
  };
  return {
    title: 'activations (1M float64 elements)',
    rows: [
      mk('relu 1M', () => relu(x)),
      mk('sigmoid 1M', () => sigmoid(x)),
      mk('tanh 1M', () => tanh(x)),
      mk('softmax [1000, 1000] (last axis)', () => softmax(rows)),
      mk('logSoftmax [1000, 1000]', () => logSoftmax(rows)),
    ],
  };
}
