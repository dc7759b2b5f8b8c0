// One training step (forward, backward, Adam) of a 784-256-10 MLP on a batch of 256, against the
// same step written as plain loops (naive i-k-j matmuls, fused Adam), same run.
import * as nabla from '../dist/index.js';
import { measurePair } from './harness.mjs';

/**
 * One explicit training step — zeroGrad, forward, cross-entropy, Module.backward, optimizer step —
 * with the loss pair `ce` of whichever nabla build the model comes from (dist/, or a baseline build).
 */
export function explicitStep(ce, model, opt, x, y) {
  return () => {
    model.zeroGrad();
    const logits = model.forward(x);
    const loss = ce.crossEntropy(logits, y).item();
    model.backward(ce.crossEntropyBackward(logits, y));
    opt.step();
    return loss;
  };
}

/** The benchmark's MLP, batch and step, built with `N` (nabla's dist/, or a baseline build of it). */
export function mlpSetup(seed = 1, N = nabla) {
  const rng = N.createRng(seed);
  const model = new N.Sequential(new N.Linear(784, 256, { rng }), new N.ReLU(), new N.Linear(256, 10, { rng }));
  const opt = new N.Adam(model.parameters(), { lr: 1e-3 });
  const x = N.tensor(rng.fillUniform(new Float64Array(256 * 784)), [256, 784]);
  const y = Int32Array.from({ length: 256 }, () => rng.integers(0, 10));
  const step = explicitStep(N, model, opt, x, y);
  return { model, x, y, step };
}

function naiveMatmul(A, B, M, K, N, out) {
  out.fill(0);
  for (let i = 0; i < M; i++) for (let k = 0; k < K; k++) {
    const a = A[i * K + k];
    for (let j = 0; j < N; j++) out[i * N + j] += a * B[k * N + j];
  }
}

function plainStep(s) {
  const { W1, b1, W2, b2, x, y, m, v, t } = s;
  const B = 256, D = 784, H = 256, C = 10;
  naiveMatmul(x, W1, B, D, H, s.z1);
  for (let i = 0; i < B * H; i++) s.h[i] = Math.max(0, s.z1[i] + b1[i % H]);
  naiveMatmul(s.h, W2, B, H, C, s.z2);
  let loss = 0;
  for (let i = 0; i < B; i++) {
    let mx = -Infinity;
    for (let c = 0; c < C; c++) mx = Math.max(mx, s.z2[i * C + c] + b2[c]);
    let sum = 0;
    for (let c = 0; c < C; c++) sum += Math.exp(s.z2[i * C + c] + b2[c] - mx);
    for (let c = 0; c < C; c++) s.dz2[i * C + c] = Math.exp(s.z2[i * C + c] + b2[c] - mx) / sum / B;
    s.dz2[i * C + y[i]] -= 1 / B;
    loss -= s.z2[i * C + y[i]] + b2[y[i]] - mx - Math.log(sum);
  }
  // grads
  s.gW2.fill(0); s.gb2.fill(0); s.gW1.fill(0); s.gb1.fill(0);
  for (let i = 0; i < B; i++) for (let k = 0; k < H; k++) { const hv = s.h[i * H + k]; for (let c = 0; c < C; c++) s.gW2[k * C + c] += hv * s.dz2[i * C + c]; }
  for (let i = 0; i < B; i++) for (let c = 0; c < C; c++) s.gb2[c] += s.dz2[i * C + c];
  for (let i = 0; i < B; i++) for (let k = 0; k < H; k++) {
    let d = 0;
    for (let c = 0; c < C; c++) d += s.dz2[i * C + c] * W2[k * C + c];
    s.dh[i * H + k] = s.h[i * H + k] > 0 ? d : 0;
  }
  for (let i = 0; i < B; i++) for (let d = 0; d < D; d++) { const xv = x[i * D + d]; for (let k = 0; k < H; k++) s.gW1[d * H + k] += xv * s.dh[i * H + k]; }
  for (let i = 0; i < B; i++) for (let k = 0; k < H; k++) s.gb1[k] += s.dh[i * H + k];
  s.t++;
  const bc1 = 1 - 0.9 ** s.t, bc2 = Math.sqrt(1 - 0.999 ** s.t);
  const params = [W1, b1, W2, b2], grads = [s.gW1, s.gb1, s.gW2, s.gb2];
  params.forEach((p, k) => {
    const g = grads[k], mm = m[k], vv = v[k];
    for (let i = 0; i < p.length; i++) {
      mm[i] = 0.9 * mm[i] + 0.1 * g[i];
      vv[i] = 0.999 * vv[i] + 0.001 * g[i] * g[i];
      p[i] -= ((1e-3 / bc1) * mm[i]) / (Math.sqrt(vv[i]) / bc2 + 1e-8);
    }
  });
  return loss / B;
}

export default function run() {
  const { step, model, x, y } = mlpSetup();
  const [W1, b1, W2, b2] = model.parameters().map((p) => p.data.slice());
  const s = {
    W1, b1, W2, b2, x: x.data, y, t: 0,
    z1: new Float64Array(256 * 256), h: new Float64Array(256 * 256), z2: new Float64Array(2560), dz2: new Float64Array(2560), dh: new Float64Array(256 * 256),
    gW1: new Float64Array(W1.length), gb1: new Float64Array(256), gW2: new Float64Array(W2.length), gb2: new Float64Array(10),
    m: [W1, b1, W2, b2].map((p) => new Float64Array(p.length)), v: [W1, b1, W2, b2].map((p) => new Float64Array(p.length)),
  };
  return {
    title: 'MLP training step (784-256-10, batch 256, forward + backward + Adam)',
    rows: [(() => {
      const [ours, base] = measurePair(step, () => plainStep(s), { runs: 9, warmup: 3 });
      return { workload: 'MLP step 784-256-10 b256', ours, baselineName: 'plain loops (naive matmul)', base };
    })()],
  };
}
