// softmax and crossEntropy forward+backward on [4096, 1000] logits against one plain fused
// reference loop (max, log-sum-exp, loss and gradient per row) over the same array, same run.
import { createRng, crossEntropy, crossEntropyBackward, softmax, softmaxBackward, tensor } from '../dist/index.js';
import { measurePair } from './harness.mjs';

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
  const ref = () => fusedReference(x.data, labels, N, C);
  const [ce, base1] = measurePair(() => (crossEntropy(x, labels).item(), crossEntropyBackward(x, labels)), ref, { runs: 7, warmup: 3 });
  const [sm, base2] = measurePair(() => (softmax(x), softmaxBackward(dy, x)), ref, { runs: 7, warmup: 3 });
  return {
    title: 'softmax and cross-entropy ([4096, 1000] logits)',
    rows: [
      { workload: 'crossEntropy fwd+bwd [4096,1000]', ours: ce, baselineName: 'fused reference loop', base: base1 },
      { workload: 'softmax fwd+bwd [4096,1000]', ours: sm, baselineName: 'fused reference loop', base: base2 },
    ],
  };
}
