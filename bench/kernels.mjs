// WebAssembly SIMD kernels and their JavaScript twins (src/kernels/) against the baselines they
// replace, in the same run: matmul against nabla's previous JavaScript GEMM (a verbatim copy in
// bench/baselines/legacy-gemm.mjs), the elementary-function array kernels against loops over
// Math.exp/Math.tanh/… The kernels are internal, so this part bundles src/kernels/ with esbuild (a
// devDependency) instead of importing dist/.
// Then the ops that use them, from dist/, on each backend, against the same ops of nabla before
// the kernels (bench/.baseline-kernels/dist, built by `npm run bench:baseline -- <rev>
// .baseline-kernels` with rev the first parent of the merge that brought the kernels; skipped with
// a note when absent): the WebAssembly rows are the speed-ups, the JavaScript rows show that the
// JavaScript path is no slower than before.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as nabla from '../dist/index.js';
import { mlpSetup } from './mlp.mjs';
import { gemm as legacyGemm } from './baselines/legacy-gemm.mjs';
import { measurePair } from './harness.mjs';

const entry = `
export { gemm } from './gemm.ts';
export { expInto, tanhInto, sigmoidInto, logInto, log1pInto, expm1Into, softplusInto } from './arrays.ts';
export { setBackend, getBackend } from './index.ts';
export { createRng } from '../random/rng.ts';
`;
const bundled = await build({
  stdin: { contents: entry, resolveDir: fileURLToPath(new URL('../src/kernels/', import.meta.url)), loader: 'ts' },
  bundle: true,
  format: 'esm',
  write: false,
  logLevel: 'warning',
});
const K = await import(`data:text/javascript;base64,${Buffer.from(bundled.outputFiles[0].text).toString('base64')}`);

function on(backend, fn) {
  return () => {
    K.setBackend(backend);
    return fn();
  };
}

export default async function run() {
  const rows = [];
  const rng = K.createRng(0);
  for (const n of [256, 512, 1024]) {
    const a = rng.fillUniform(new Float64Array(n * n), -1, 1);
    const b = rng.fillUniform(new Float64Array(n * n), -1, 1);
    const legacy = () => {
      const c = new Float64Array(n * n);
      legacyGemm(a, 0, b, 0, c, 0, n, n, n);
      return c;
    };
    const ours = () => {
      const c = new Float64Array(n * n);
      K.gemm(a, 0, b, 0, c, 0, n, n, n);
      return c;
    };
    const runs = n >= 1024 ? 7 : 11;
    for (const backend of ['wasm', 'js']) {
      const [o, base] = measurePair(on(backend, ours), legacy, { runs, warmup: 3 });
      const gf = (t) => ((2 * n ** 3) / (t * 1e6)).toFixed(2);
      rows.push({
        workload: `matmul ${n}×${n} (${backend})`,
        ours: o,
        baselineName: 'previous JS gemm',
        base,
        note: `${gf(o.median)} GFLOP/s median, ${gf(o.min)} best (previous JS ${gf(base.median)})`,
      });
    }
  }
  const n = 1_000_000;
  const x = rng.fillNormal(new Float64Array(n), 0, 3);
  const xp = Float64Array.from(x, (v) => Math.abs(v) + 1e-3);
  const mathLoop = {
    exp: () => { const o = new Float64Array(n); for (let i = 0; i < n; i++) o[i] = Math.exp(x[i]); return o; },
    tanh: () => { const o = new Float64Array(n); for (let i = 0; i < n; i++) o[i] = Math.tanh(x[i]); return o; },
    log: () => { const o = new Float64Array(n); for (let i = 0; i < n; i++) o[i] = Math.log(xp[i]); return o; },
    log1p: () => { const o = new Float64Array(n); for (let i = 0; i < n; i++) o[i] = Math.log1p(xp[i]); return o; },
    expm1: () => { const o = new Float64Array(n); for (let i = 0; i < n; i++) o[i] = Math.expm1(x[i]); return o; },
    sigmoid: () => {
      // the activations' stable two-branch sigmoid on Math.exp
      const o = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const z = x[i];
        if (z >= 0) o[i] = 1 / (1 + Math.exp(-z));
        else { const e = Math.exp(z); o[i] = e / (1 + e); }
      }
      return o;
    },
  };
  const kernel = { exp: K.expInto, tanh: K.tanhInto, log: K.logInto, log1p: K.log1pInto, expm1: K.expm1Into, sigmoid: K.sigmoidInto };
  for (const fn of ['exp', 'tanh', 'sigmoid', 'log', 'log1p', 'expm1']) {
    const src = fn === 'log' || fn === 'log1p' ? xp : x;
    for (const backend of ['wasm', 'js']) {
      const [o, base] = measurePair(on(backend, () => { const out = new Float64Array(n); kernel[fn](src, 0, out, 0, n); return out; }), mathLoop[fn], { runs: 15, warmup: 3 });
      rows.push({ workload: `${fn} 1M (${backend})`, ours: o, baselineName: fn === 'sigmoid' ? 'Math.exp loop' : `Math.${fn} loop`, base });
    }
  }
  K.setBackend('auto');
  await opsAgainstBefore(rows);
  nabla.setBackend('auto');
  return { title: 'kernels: WebAssembly SIMD and the JS twin', rows };
}

/** The kernel-backed ops on each backend against nabla before the kernels, same data, interleaved runs. */
async function opsAgainstBefore(rows) {
  const path = fileURLToPath(new URL('./.baseline-kernels/dist/index.js', import.meta.url));
  if (!existsSync(path)) {
    const none = { median: NaN, min: NaN, max: NaN };
    rows.push({ workload: 'ops vs nabla before the kernels', ours: none, baselineName: 'nabla before the kernels (npm run bench:baseline -- <rev> .baseline-kernels)', base: none, note: 'skipped: no baseline build' });
    return;
  }
  const B = await import(path);
  const rng = nabla.createRng(1);
  const n = 1_000_000;
  const xd = rng.fillNormal(new Float64Array(n), 0, 3);
  const x = nabla.tensor(xd);
  const xb = B.tensor(xd.slice());
  const ax = nabla.abs(x);
  const axb = B.abs(xb);
  const rowsX = nabla.tensor(xd, [1000, 1000]);
  const rowsXb = B.tensor(xd.slice(), [1000, 1000]);
  const t01 = nabla.tensor(rng.fillUniform(new Float64Array(n)));
  const t01b = B.tensor(t01.data.slice());
  const N = 4096;
  const C = 1000;
  const logits = nabla.tensor(rng.fillNormal(new Float64Array(N * C)), [N, C]);
  const logitsb = B.tensor(logits.data.slice(), [N, C]);
  const labels = Int32Array.from({ length: N }, () => rng.integers(0, C));
  const m = nabla.tensor(rng.fillUniform(new Float64Array(512 * 512), -1, 1), [512, 512]);
  const mb = B.tensor(m.data.slice(), [512, 512]);
  const lx = nabla.tensor(rng.fillUniform(new Float64Array(256 * 784), -1, 1), [256, 784]);
  const lw = nabla.tensor(rng.fillUniform(new Float64Array(784 * 256), -1, 1), [784, 256]);
  const ldy = nabla.tensor(rng.fillUniform(new Float64Array(256 * 256), -1, 1), [256, 256]);
  const [lxb, lwb, ldyb] = [lx, lw, ldy].map((t) => B.tensor(t.data.slice(), t.shape));
  const ours = mlpSetup(1).step;
  const before = mlpSetup(1, B).step;
  const cases = [
    ['sigmoid 1M', () => nabla.sigmoid(x), () => B.sigmoid(xb)],
    ['tanh 1M', () => nabla.tanh(x), () => B.tanh(xb)],
    ['exp 1M', () => nabla.exp(x), () => B.exp(xb)],
    ['log 1M', () => nabla.log(ax), () => B.log(axb)],
    ['softplus 1M', () => nabla.softplus(x), () => B.softplus(xb)],
    ['sigmoidBackward 1M', () => nabla.sigmoidBackward(x, x), () => B.sigmoidBackward(xb, xb)],
    ['tanhBackward 1M', () => nabla.tanhBackward(x, x), () => B.tanhBackward(xb, xb)],
    ['softmax [1000, 1000]', () => nabla.softmax(rowsX), () => B.softmax(rowsXb)],
    ['logSoftmax [1000, 1000]', () => nabla.logSoftmax(rowsX), () => B.logSoftmax(rowsXb)],
    ['crossEntropy fwd+bwd [4096, 1000]', () => (nabla.crossEntropy(logits, labels).item(), nabla.crossEntropyBackward(logits, labels)), () => (B.crossEntropy(logitsb, labels).item(), B.crossEntropyBackward(logitsb, labels))],
    ['BCE with logits fwd+bwd 1M', () => (nabla.binaryCrossEntropyWithLogits(x, t01).item(), nabla.binaryCrossEntropyWithLogitsBackward(x, t01)), () => (B.binaryCrossEntropyWithLogits(xb, t01b).item(), B.binaryCrossEntropyWithLogitsBackward(xb, t01b))],
    ['matmul 512×512', () => nabla.matmul(m, m), () => B.matmul(mb, mb)],
    ['linearBackward [256, 784]·[784, 256]', () => nabla.linearBackward(ldy, lx, lw), () => B.linearBackward(ldyb, lxb, lwb)],
    ['MLP step 784-256-10 b256 (Adam)', ours, before],
  ];
  for (const [name, f, g] of cases) {
    for (const backend of ['wasm', 'js']) {
      const [o, base] = measurePair(() => (nabla.setBackend(backend), f()), g, { runs: name.startsWith('crossEntropy') || name.startsWith('MLP') ? 9 : 15, warmup: 3 });
      rows.push({ workload: `${name} (${backend})`, ours: o, baselineName: 'nabla before the kernels', base });
    }
  }
}
