// npm run bench:peers — the same workloads through TF.js 4.22 (cpu and wasm backends), ml-matrix and
// ConvNetJS, in the same process as nabla, reported as ratios. The peers are installed from
// bench/package.json (never nabla's own dependencies); TF.js' wasm binaries are loaded from the
// installed package, never fetched.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { writeFileSync } from 'node:fs';
import * as nabla from '../dist/index.js';
import { measure } from './harness.mjs';
import { mlpSetup } from './mlp.mjs';
import { renderResults } from './render.mjs';

const require = createRequire(import.meta.url);
const only = process.argv.slice(2);
const want = (name) => only.length === 0 || only.some((o) => name.includes(o));
const { log: consoleLog, warn: consoleWarn } = console;
console.log = console.warn = () => {}; // TF.js prints an advert for tfjs-node on load
// The union package registers every kernel's gradient (the core bundle alone has none).
const tf = require('@tensorflow/tfjs');
require('@tensorflow/tfjs-backend-cpu');
const wasm = require('@tensorflow/tfjs-backend-wasm');
await tf.setBackend('cpu');
Object.assign(console, { log: consoleLog, warn: consoleWarn });
wasm.setWasmPaths(fileURLToPath(new URL('./node_modules/@tensorflow/tfjs-backend-wasm/dist/', import.meta.url)));
const { Matrix } = require('ml-matrix');
const convnetjs = require('convnetjs');

const rng = nabla.createRng(12);
const rows = [];
const leaks = {};

async function useBackend(name) {
  await tf.setBackend(name);
  await tf.ready();
}

/** Times fn under tf.tidy, forcing the result with dataSync (TF.js is lazy on some backends). */
function tfMeasure(fn, runs = 7) {
  return measure(() => tf.tidy(() => {
    const r = fn();
    const out = Array.isArray(r) ? r : [r];
    let s = 0;
    for (const t of out) s += t.dataSync()[0];
    return s;
  }), { runs, warmup: 4 });
}

function add(workload, ours, peers) {
  rows.push({ workload, ours, peers });
  const line = peers.map((p) => `${p.name} ${p.t.median.toFixed(2)} ms (${(p.t.median / ours.median).toFixed(2)}×)`).join(', ');
  console.log(`${workload.padEnd(40)} nabla ${ours.median.toFixed(2)} ms | ${line}`);
}

const randn = (n) => rng.fillNormal(new Float64Array(n));

// --- matmul
if (want('matmul')) {
  for (const n of [128, 256, 512, 1024]) {
    const a = nabla.tensor(randn(n * n), [n, n]);
    const b = nabla.tensor(randn(n * n), [n, n]);
    const runs = n >= 1024 ? 7 : 9;
    const ours = measure(() => nabla.matmul(a, b), { runs, warmup: 4 });
    const peers = [];
    for (const be of ['cpu', 'wasm']) {
      await useBackend(be);
      const ta = tf.tensor2d(Float32Array.from(a.data), [n, n]);
      const tb = tf.tensor2d(Float32Array.from(b.data), [n, n]);
      peers.push({ name: `tfjs-${be}`, t: tfMeasure(() => tf.matMul(ta, tb), runs) });
      ta.dispose();
      tb.dispose();
    }
    const ma = new Matrix(n, n);
    const mb = new Matrix(n, n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      ma.set(i, j, a.data[i * n + j]);
      mb.set(i, j, b.data[i * n + j]);
    }
    peers.push({ name: 'ml-matrix', t: measure(() => ma.mmul(mb).get(0, 0), { runs: n >= 1024 ? 7 : 7, warmup: 4 }) });
    add(`matmul ${n}×${n}`, ours, peers);
  }
}

// --- activations on 1M
if (want('activation')) {
  const x = nabla.tensor(randn(1_000_000));
  for (const [name, ours, tfFn] of [['relu', nabla.relu, tf.relu], ['sigmoid', nabla.sigmoid, tf.sigmoid], ['tanh', nabla.tanh, tf.tanh]]) {
    const o = measure(() => ours(x), { runs: 15, warmup: 4 });
    const peers = [];
    for (const be of ['cpu', 'wasm']) {
      await useBackend(be);
      const tx = tf.tensor1d(Float32Array.from(x.data));
      peers.push({ name: `tfjs-${be}`, t: tfMeasure(() => tfFn(tx), 15) });
      tx.dispose();
    }
    add(`${name} 1M`, o, peers);
  }
}

// --- softmax and cross-entropy forward+backward on [4096, 1000]
if (want('cross')) {
  const N = 4096;
  const C = 1000;
  const x = nabla.tensor(randn(N * C), [N, C]);
  const labels = Int32Array.from({ length: N }, () => rng.integers(0, C));
  const ours = measure(() => (nabla.crossEntropy(x, labels).item(), nabla.crossEntropyBackward(x, labels)), { runs: 7, warmup: 4 });
  const peers = [];
  for (const be of ['cpu', 'wasm']) {
    await useBackend(be);
    const tx = tf.tensor2d(Float32Array.from(x.data), [N, C]);
    const onehot = tf.oneHot(tf.tensor1d(labels, 'int32'), C);
    const g = tf.valueAndGrad((l) => tf.losses.softmaxCrossEntropy(onehot, l));
    peers.push({ name: `tfjs-${be}`, t: tfMeasure(() => { const { value, grad } = g(tx); return [value, grad]; }, 7) });
    tx.dispose();
    onehot.dispose();
  }
  add('crossEntropy fwd+bwd [4096,1000]', ours, peers);
}

// --- optimizer steps
if (want('optim')) {
  for (const n of [1_000_000, 10_000_000]) {
    const label = n === 1e6 ? '1M' : '10M';
    const g = nabla.tensor(randn(n));
    for (const [name, make, tfMake] of [
      ['SGD', (p) => new nabla.SGD([p], { lr: 1e-3 }), () => tf.train.sgd(1e-3)],
      ['momentum', (p) => new nabla.SGD([p], { lr: 1e-3, momentum: 0.9 }), () => tf.train.momentum(1e-3, 0.9)],
      ['Adam', (p) => new nabla.Adam([p], { lr: 1e-3 }), () => tf.train.adam(1e-3)],
    ]) {
      const p = nabla.tensor(randn(n));
      const opt = make(p);
      const runs = 7;
      const ours = measure(() => (opt.step([g]), p), { runs, warmup: 4 });
      const peers = [];
      for (const be of ['cpu', 'wasm']) {
        await useBackend(be);
        const v = tf.variable(tf.tensor1d(Float32Array.from(p.data)));
        const tg = tf.tensor1d(Float32Array.from(g.data));
        const topt = tfMake();
        peers.push({ name: `tfjs-${be}`, t: measure(() => { topt.applyGradients({ [v.name]: tg }); return v.dataSync()[0]; }, { runs, warmup: 4 }) });
        topt.dispose();
        v.dispose();
        tg.dispose();
      }
      add(`${name} step ${label}`, ours, peers);
    }
  }
}

// --- BatchNorm forward+backward (training mode)
if (want('batchnorm')) {
  for (const [shape, tfShape] of [[[256, 1024], [256, 1024]], [[32, 64, 32, 32], [32, 32, 32, 64]]]) {
    const size = shape.reduce((a, b) => a * b, 1);
    const x = nabla.tensor(randn(size), shape);
    const dy = nabla.tensor(randn(size), shape);
    const bn = new nabla.BatchNorm(shape[1]);
    const ours = measure(() => (bn.forward(x), bn.backward(dy)), { runs: 9, warmup: 4 });
    const peers = [];
    for (const be of ['cpu', 'wasm']) {
      await useBackend(be);
      const C = tfShape[tfShape.length - 1];
      const tx = tf.tensor(Float32Array.from(x.data), tfShape);
      const tdy = tf.tensor(Float32Array.from(dy.data), tfShape);
      const gamma = tf.ones([C]);
      const beta = tf.zeros([C]);
      const axes = tfShape.slice(0, -1).map((_, i) => i);
      const f = tf.grads((a, gm, bt) => {
        const { mean, variance } = tf.moments(a, axes);
        return tf.sum(tf.mul(tf.batchNorm(a, mean, variance, bt, gm, 1e-5), tdy));
      });
      peers.push({ name: `tfjs-${be}`, t: tfMeasure(() => f([tx, gamma, beta]), 7) });
      tf.dispose([tx, tdy, gamma, beta]);
    }
    add(`BatchNorm fwd+bwd ${JSON.stringify(shape)}`, ours, peers);
  }
}

// --- one MLP training step (784-256-10, batch 256, Adam)
if (want('mlp')) {
  const { step, x, y } = mlpSetup();
  const ours = measure(step, { runs: 9, warmup: 4 });
  const peers = [];
  for (const be of ['cpu', 'wasm']) {
    await useBackend(be);
    const tx = tf.tensor2d(Float32Array.from(x.data), [256, 784]);
    const onehot = tf.oneHot(tf.tensor1d(y, 'int32'), 10);
    const W1 = tf.variable(tf.randomUniform([784, 256], -0.0357, 0.0357));
    const b1 = tf.variable(tf.zeros([256]));
    const W2 = tf.variable(tf.randomUniform([256, 10], -0.0625, 0.0625));
    const b2 = tf.variable(tf.zeros([10]));
    const opt = tf.train.adam(1e-3);
    peers.push({
      name: `tfjs-${be}`,
      t: measure(() => {
        const loss = opt.minimize(() => tf.losses.softmaxCrossEntropy(onehot, tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(tx, W1), b1)), W2), b2)), true);
        const v = loss.dataSync()[0];
        loss.dispose();
        return v;
      }, { runs: 7, warmup: 4 }),
    });
    tf.dispose([tx, onehot, W1, b1, W2, b2]);
    opt.dispose();
  }
  const net = new convnetjs.Net();
  net.makeLayers([{ type: 'input', out_sx: 1, out_sy: 1, out_depth: 784 }, { type: 'fc', num_neurons: 256, activation: 'relu' }, { type: 'softmax', num_classes: 10 }]);
  const trainer = new convnetjs.Trainer(net, { method: 'adam', learning_rate: 1e-3, batch_size: 256 });
  const vols = Array.from({ length: 256 }, (_, i) => {
    const v = new convnetjs.Vol(1, 1, 784, 0);
    for (let k = 0; k < 784; k++) v.w[k] = x.data[i * 784 + k];
    return v;
  });
  peers.push({ name: 'convnetjs', t: measure(() => { let l = 0; for (let i = 0; i < 256; i++) l += trainer.train(vols[i], y[i]).loss; return l; }, { runs: 7, warmup: 4 }) });
  add('MLP step 784-256-10 b256', ours, peers);
}

// --- do results leak without tf.tidy?
for (const be of ['cpu', 'wasm']) {
  await useBackend(be);
  const a = tf.tensor1d([1, -2, 3]);
  const before = tf.memory().numTensors;
  tf.sigmoid(tf.relu(a));
  leaks[`tfjs-${be}`] = `${tf.memory().numTensors - before} tensors left allocated per tf.sigmoid(tf.relu(a)) call outside tf.tidy (freed only by dispose/tidy)`;
  a.dispose();
}
leaks['ml-matrix'] = 'none (plain JS arrays, garbage-collected)';
leaks.convnetjs = 'none (plain JS arrays, garbage-collected)';
leaks.nabla = 'none (Float64Arrays, garbage-collected; no dispose needed)';

if (only.length === 0) {
  const out = fileURLToPath(new URL('./results-peers.json', import.meta.url));
  writeFileSync(out, JSON.stringify({ date: new Date().toISOString().slice(0, 10), command: 'npm run bench:peers', node: process.version, versions: { tfjs: tf.version_core, ...Object.fromEntries(Object.entries(require('./package.json').dependencies).filter(([k]) => !k.startsWith('@tensorflow'))) }, rows, leaks }, null, 1));
  renderResults();
  console.log('\nwrote bench/results-peers.json and bench/RESULTS.md');
}
