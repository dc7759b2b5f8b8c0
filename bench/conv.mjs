// conv2d forward+backward on the two LeNet-5 convolution layers against a naive direct loop (the
// 7-deep definition, forward, dx, dweight and dbias) over the same Float64Arrays, and maxPool2d
// forward+backward against a plain copy loop over its input, in the same run.
import {
  Adam, Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential, conv2d, conv2dBackward, createRng, crossEntropy, crossEntropyBackward, maxPool2d, maxPool2dBackward, tensor,
} from '../dist/index.js';
import { measurePair } from './harness.mjs';
import { explicitStep } from './mlp.mjs';

/** Forward and backward of a stride-1, unpadded convolution, straight from the definition (HWIO weights). */
function naiveConv(x, w, b, dy, [N, C, H, W], [kh, kw, , Co]) {
  const Ho = H - kh + 1;
  const Wo = W - kw + 1;
  const y = new Float64Array(N * Co * Ho * Wo);
  const dx = new Float64Array(x.length);
  const dw = new Float64Array(w.length);
  const db = new Float64Array(Co);
  for (let n = 0; n < N; n++)
    for (let o = 0; o < Co; o++)
      for (let i = 0; i < Ho; i++)
        for (let j = 0; j < Wo; j++) {
          const q = ((n * Co + o) * Ho + i) * Wo + j;
          const g = dy[q];
          let s = b[o];
          db[o] += g;
          for (let c = 0; c < C; c++)
            for (let u = 0; u < kh; u++)
              for (let v = 0; v < kw; v++) {
                const xi = ((n * C + c) * H + i + u) * W + j + v;
                const wi = ((u * kw + v) * C + c) * Co + o;
                s += x[xi] * w[wi];
                dx[xi] += g * w[wi];
                dw[wi] += g * x[xi];
              }
          y[q] = s;
        }
  return dx;
}

/** LeNet-5 (LeCun et al. 1998, with ReLU and max-pooling): conv 6@5×5 pad 2, pool, conv 16@5×5, pool, 120, 84, 10. */
export function lenetSetup(seed = 3, batch = 64) {
  const r = createRng(seed);
  const model = new Sequential(
    new Conv2d(1, 6, 5, { padding: 2, rng: r }), new ReLU(), new MaxPool2d(2),
    new Conv2d(6, 16, 5, { rng: r }), new ReLU(), new MaxPool2d(2), new Flatten(),
    new Linear(400, 120, { rng: r }), new ReLU(), new Linear(120, 84, { rng: r }), new ReLU(), new Linear(84, 10, { rng: r }),
  );
  const opt = new Adam(model.parameters(), { lr: 1e-3 });
  const x = tensor(r.fillUniform(new Float64Array(batch * 784)), [batch, 1, 28, 28]);
  const y = Int32Array.from({ length: batch }, () => r.integers(0, 10));
  const step = explicitStep({ crossEntropy, crossEntropyBackward }, model, opt, x, y);
  return { model, x, y, step };
}

function copyLoop(src) {
  const out = new Float64Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = src[i];
  return out;
}

export default function run() {
  const rng = createRng(15);
  const rows = [];
  const rand = (shape) => tensor(rng.fillUniform(new Float64Array(shape.reduce((a, b) => a * b, 1)), -1, 1), shape);
  for (const [name, xs, ws] of [
    ['conv2d fwd+bwd LeNet C1 (64×1×28×28, 5×5→6)', [64, 1, 28, 28], [5, 5, 1, 6]],
    ['conv2d fwd+bwd LeNet C3 (64×6×14×14, 5×5→16)', [64, 6, 14, 14], [5, 5, 6, 16]],
  ]) {
    const x = rand(xs);
    const w = rand(ws);
    const b = rand([ws[3]]);
    const Ho = xs[2] - ws[0] + 1;
    const Wo = xs[3] - ws[1] + 1;
    const dy = rand([xs[0], ws[3], Ho, Wo]);
    const ours = () => {
      conv2d(x, w, b);
      return conv2dBackward(dy, x, w).dx;
    };
    const [t, base] = measurePair(ours, () => naiveConv(x.data, w.data, b.data, dy.data, xs, ws), { runs: 9, warmup: 3 });
    // Forward, dx and dweight are each N·C_out·H_out·W_out·(kh·kw·C_in) multiply-adds.
    const flops = 3 * 2 * xs[0] * ws[3] * Ho * Wo * ws[0] * ws[1] * ws[2];
    const gf = (ms) => (flops / (ms * 1e6)).toFixed(2);
    rows.push({ workload: name, ours: t, baselineName: 'naive direct loop', base, note: `${gf(t.median)} GFLOP/s median, ${gf(t.min)} best (naive ${gf(base.median)})` });
  }
  for (const [name, xs] of [
    ['maxPool2d fwd+bwd 2×2 (64×6×24×24)', [64, 6, 24, 24]],
    ['maxPool2d fwd+bwd 2×2 (64×16×10×10)', [64, 16, 10, 10]],
  ]) {
    const x = rand(xs);
    const dy = rand([xs[0], xs[1], xs[2] / 2, xs[3] / 2]);
    const o = { kernelSize: 2 };
    const [t, base] = measurePair(() => (maxPool2d(x, o), maxPool2dBackward(dy, x, o)), () => copyLoop(x.data), { runs: 15, warmup: 3 });
    rows.push({ workload: name, ours: t, baselineName: 'copy loop over x', base, note: 'forward reads x once; the backward finds the maxima again from x and writes dx' });
  }
  return { title: 'convolution and pooling (float64)', rows };
}
