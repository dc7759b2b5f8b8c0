// softmax and crossEntropy forward+backward on [4096, 1000] logits against one plain fused
// reference loop (max, log-sum-exp, loss and gradient per row) over the same array, same run.
import { createRng, crossEntropy, crossEntropyBackward, softmax, softmaxBackward, tensor } from '../dist/index.js';
import { measure } from './harness.mjs';

function fusedReference(x, labels, N, C) {
  const grad = new Float64Array(N * C);
  let loss = 0;
  for (let i = 0; i < N; i++) {
    const o = i * C;
    let m = -Infinity;
    for (let c = 0; c < C; c++) if (x[o + c] > m) m = x[o + c];
    let s = 0;
    for (let c = 0; c < C; c++) s += Math.exp(x[o + c] - m);
    const lse = Math.log(s);
    loss -= x[o + labels[i]] - m - lse;
    for (let c = 0; c < C; c++) grad[o + c] = Math.exp(x[o + c] - m - lse) / N;
    grad[o + labels[i]] -= 1 / N;
  }
  return grad[0] + loss / N;
}

export default function run() {
  const N = 4096;
  const C = 1000;
  const rng = createRng(8);
  const x = tensor(rng.fillNormal(new Float64Array(N * C), 0, 2), [N, C]);
  const labels = Int32Array.from({ length: N }, () => rng.integers(0, C));
  const dy = tensor(rng.fillNormal(new Float64Array(N * C)), [N, C]);
  const base = measure(() => fusedReference(x.data, labels, N, C), { runs: 7, warmup: 1 });
  return {
    title: 'softmax and cross-entropy ([4096, 1000] logits)',
    rows: [
      { workload: 'crossEntropy fwd+bwd [4096,1000]', ours: measure(() => (crossEntropy(x, labels).item(), crossEntropyBackward(x, labels)), { runs: 7, warmup: 1 }), baselineName: 'fused reference loop', base },
      { workload: 'softmax fwd+bwd [4096,1000]', ours: measure(() => (softmax(x), softmaxBackward(dy, x)), { runs: 7, warmup: 1 }), baselineName: 'fused reference loop', base },
    ],
  };
}
