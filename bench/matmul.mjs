// matmul against a naive i-k-j loop over the same Float64Arrays, in the same run.
import { createRng, matmul, tensor } from '../dist/index.js';
import { measurePair } from './harness.mjs';

function naive(A, B, n) {
  const C = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const aik = A[i * n + k];
      const bo = k * n;
      const co = i * n;
      for (let j = 0; j < n; j++) C[co + j] += aik * B[bo + j];
    }
  }
  return C;
}

export default function run() {
  const rng = createRng(0);
  const rows = [];
  for (const n of [128, 256, 512, 1024]) {
    const a = tensor(rng.fillUniform(new Float64Array(n * n), -1, 1), [n, n]);
    const b = tensor(rng.fillUniform(new Float64Array(n * n), -1, 1), [n, n]);
    const runs = n >= 1024 ? 7 : 9;
    const [ours, base] = measurePair(() => matmul(a, b), () => naive(a.data, b.data, n), { runs, warmup: 3 });
    const gflops = (2 * n ** 3) / (ours.median * 1e6);
    const best = (2 * n ** 3) / (ours.min * 1e6);
    rows.push({
      workload: `matmul ${n}×${n}`,
      ours,
      baselineName: 'naive i-k-j',
      base,
      note: `${gflops.toFixed(2)} GFLOP/s median, ${best.toFixed(2)} best (naive ${((2 * n ** 3) / (base.median * 1e6)).toFixed(2)})`,
    });
  }
  return { title: 'matmul (float64)', rows };
}
