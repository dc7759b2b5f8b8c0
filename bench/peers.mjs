// npm run bench:peers — the same workloads through TF.js 4.22 (cpu and wasm backends), ml-matrix
// and ConvNetJS, in the same process as nabla, reported as ratios. The peers are installed from
// bench/package.json (never nabla's own dependencies); TF.js' wasm binaries are loaded from the
// installed package, never fetched.
//
// Phase 1 measures every nabla workload before TF.js is even loaded; phase 2 loads TF.js and
// measures the peers on the same data. Both phases run in this one process, but neither library's
// heap (TF.js keeps large WebAssembly memories and float32 buffers) slows the other's timings.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import * as nabla from '../dist/index.js';
import { measure } from './harness.mjs';
import { mlpSetup } from './mlp.mjs';
import { renderResults } from './render.mjs';

const require = createRequire(import.meta.url);
const only = process.argv.slice(2);
const want = (name) => only.length === 0 || only.some((o) => name.includes(o));
const { Matrix } = require('ml-matrix');
const convnetjs = require('convnetjs');
const rng = nabla.createRng(12);
const randn = (n) => rng.fillNormal(new Float64Array(n));
const W = 4; // warm-up runs for everyone

const say = console.log.bind(console);
let tf = null;
async function loadTfjs() {
  // TF.js prints an advert for tfjs-node (when a backend first runs), so console.log/warn stay muted
  // from here on and this script prints through `say`.
  console.log = console.warn = () => {};
  // The union package registers every kernel's gradient (the core bundle alone has none).
  tf = require('@tensorflow/tfjs');
  require('@tensorflow/tfjs-backend-cpu');
  const wasm = require('@tensorflow/tfjs-backend-wasm');
  await tf.setBackend('cpu');
  wasm.setWasmPaths(fileURLToPath(new URL('./node_modules/@tensorflow/tfjs-backend-wasm/dist/', import.meta.url)));
}

async function useBackend(name) {
  await tf.setBackend(name);
  await tf.ready();
}

/** Times fn under tf.tidy, forcing the result with dataSync (TF.js is lazy on some backends). */
function tfMeasure(fn, runs = 7) {
  return measure(() => tf.tidy(() => {
    const out = [fn()].flat();
    let s = 0;
    for (const t of out) s += t.dataSync()[0];
    return s;
  }), { runs, warmup: W });
}

/** Each job: a name, nabla's measurement (phase 1) and the peers' (phase 2, after TF.js loads). */
const jobs = [];
const job = (workload, ours, peers) => jobs.push({ workload, ours, peers });
const tfBoth = async (make, runs = 7) => {
  const out = [];
  for (const be of ['cpu', 'wasm']) {
    await useBackend(be);
    out.push({ name: `tfjs-${be}`, t: await make(be, runs) });
  }
  return out;
};

if (want('matmul')) {
  for (const n of [128, 256, 512, 1024]) {
    const a = nabla.tensor(randn(n * n), [n, n]);
    const b = nabla.tensor(randn(n * n), [n, n]);
    const runs = n >= 1024 ? 7 : 9;
    job(`matmul ${n}×${n}`, () => measure(() => nabla.matmul(a, b), { runs, warmup: W }), async () => {
      const peers = await tfBoth(() => {
        const ta = tf.tensor2d(Float32Array.from(a.data), [n, n]);
        const tb = tf.tensor2d(Float32Array.from(b.data), [n, n]);
        const t = tfMeasure(() => tf.matMul(ta, tb), runs);
        tf.dispose([ta, tb]);
        return t;
      });
      const ma = new Matrix(n, n);
      const mb = new Matrix(n, n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
        ma.set(i, j, a.data[i * n + j]);
        mb.set(i, j, b.data[i * n + j]);
      }
      peers.push({ name: 'ml-matrix', t: measure(() => ma.mmul(mb).get(0, 0), { runs: 7, warmup: W }) });
      return peers;
    });
  }
}

if (want('activation')) {
  const x = nabla.tensor(randn(1_000_000));
  for (const [name, ours, op] of [['relu', nabla.relu, 'relu'], ['sigmoid', nabla.sigmoid, 'sigmoid'], ['tanh', nabla.tanh, 'tanh']]) {
    job(`${name} 1M`, () => measure(() => ours(x), { runs: 15, warmup: W }), () =>
      tfBoth(() => {
        const tx = tf.tensor1d(Float32Array.from(x.data));
        const t = tfMeasure(() => tf[op](tx), 15);
        tx.dispose();
        return t;
      }),
    );
  }
}

if (want('cross')) {
  const N = 4096;
  const C = 1000;
  const x = nabla.tensor(randn(N * C), [N, C]);
  const labels = Int32Array.from({ length: N }, () => rng.integers(0, C));
  job('crossEntropy fwd+bwd [4096,1000]', () => measure(() => (nabla.crossEntropy(x, labels).item(), nabla.crossEntropyBackward(x, labels)), { runs: 7, warmup: W }), () =>
    tfBoth(() => {
      const tx = tf.tensor2d(Float32Array.from(x.data), [N, C]);
      const onehot = tf.oneHot(tf.tensor1d(labels, 'int32'), C);
      const g = tf.valueAndGrad((l) => tf.losses.softmaxCrossEntropy(onehot, l));
      const t = tfMeasure(() => {
        const { value, grad } = g(tx);
        return [value, grad];
      });
      tf.dispose([tx, onehot]);
      return t;
    }),
  );
}

if (want('optim')) {
  for (const n of [1_000_000, 10_000_000]) {
    const label = n === 1e6 ? '1M' : '10M';
    const g = nabla.tensor(randn(n));
    const p0 = randn(n);
    for (const [name, make, tfMake] of [
      ['SGD', (p) => new nabla.SGD([p], { lr: 1e-3 }), () => tf.train.sgd(1e-3)],
      ['momentum', (p) => new nabla.SGD([p], { lr: 1e-3, momentum: 0.9 }), () => tf.train.momentum(1e-3, 0.9)],
      ['Adam', (p) => new nabla.Adam([p], { lr: 1e-3 }), () => tf.train.adam(1e-3)],
    ]) {
      job(`${name} step ${label}`, () => {
        const p = nabla.tensor(p0.slice());
        const opt = make(p);
        return measure(() => (opt.step([g]), p), { runs: 7, warmup: W });
      }, () =>
        tfBoth(() => {
          const v = tf.variable(tf.tensor1d(Float32Array.from(p0)));
          const tg = tf.tensor1d(Float32Array.from(g.data));
          const topt = tfMake();
          const t = measure(() => {
            topt.applyGradients({ [v.name]: tg });
            return v.dataSync()[0];
          }, { runs: 7, warmup: W });
          topt.dispose();
          tf.dispose([v, tg]);
          return t;
        }),
      );
    }
  }
}

if (want('batchnorm')) {
  for (const [shape, tfShape] of [[[256, 1024], [256, 1024]], [[32, 64, 32, 32], [32, 32, 32, 64]]]) {
    const size = shape.reduce((a, b) => a * b, 1);
    const x = nabla.tensor(randn(size), shape);
    const dy = nabla.tensor(randn(size), shape);
    job(`BatchNorm fwd+bwd ${JSON.stringify(shape)}`, () => {
      const bn = new nabla.BatchNorm(shape[1]);
      return measure(() => (bn.forward(x), bn.backward(dy)), { runs: 9, warmup: W });
    }, () =>
      // TF.js normalizes the last axis: the same work on the channels-last layout.
      tfBoth(() => {
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
        const t = tfMeasure(() => f([tx, gamma, beta]));
        tf.dispose([tx, tdy, gamma, beta]);
        return t;
      }),
    );
  }
}

if (want('mlp')) {
  const { step, x, y } = mlpSetup();
  job('MLP step 784-256-10 b256', () => measure(step, { runs: 9, warmup: W }), async () => {
    const peers = await tfBoth(() => {
      const tx = tf.tensor2d(Float32Array.from(x.data), [256, 784]);
      const onehot = tf.oneHot(tf.tensor1d(y, 'int32'), 10);
      const W1 = tf.variable(tf.randomUniform([784, 256], -0.0357, 0.0357));
      const b1 = tf.variable(tf.zeros([256]));
      const W2 = tf.variable(tf.randomUniform([256, 10], -0.0625, 0.0625));
      const b2 = tf.variable(tf.zeros([10]));
      const opt = tf.train.adam(1e-3);
      const t = measure(() => {
        const loss = opt.minimize(() => tf.losses.softmaxCrossEntropy(onehot, tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(tx, W1), b1)), W2), b2)), true);
        const v = loss.dataSync()[0];
        loss.dispose();
        return v;
      }, { runs: 7, warmup: W });
      tf.dispose([tx, onehot, W1, b1, W2, b2]);
      opt.dispose();
      return t;
    });
    const net = new convnetjs.Net();
    net.makeLayers([{ type: 'input', out_sx: 1, out_sy: 1, out_depth: 784 }, { type: 'fc', num_neurons: 256, activation: 'relu' }, { type: 'softmax', num_classes: 10 }]);
    const trainer = new convnetjs.Trainer(net, { method: 'adam', learning_rate: 1e-3, batch_size: 256 });
    const vols = Array.from({ length: 256 }, (_, i) => {
      const v = new convnetjs.Vol(1, 1, 784, 0);
      for (let k = 0; k < 784; k++) v.w[k] = x.data[i * 784 + k];
      return v;
    });
    peers.push({
      name: 'convnetjs',
      t: measure(() => {
        let l = 0;
        for (let i = 0; i < 256; i++) l += trainer.train(vols[i], y[i]).loss;
        return l;
      }, { runs: 7, warmup: W }),
    });
    return peers;
  });
}

// Phase 1: nabla.
const ours = new Map();
for (const j of jobs) {
  ours.set(j.workload, j.ours());
  say(`${j.workload.padEnd(40)} nabla ${ours.get(j.workload).median.toFixed(2)} ms`);
}
// Phase 2: the peers.
await loadTfjs();
const rows = [];
for (const j of jobs) {
  const peers = await j.peers();
  const o = ours.get(j.workload);
  rows.push({ workload: j.workload, ours: o, peers });
  say(`${j.workload.padEnd(40)} ${peers.map((p) => `${p.name} ${p.t.median.toFixed(2)} ms (${(p.t.median / o.median).toFixed(2)}×)`).join(', ')}`);
}

// Do results leak without tf.tidy?
const leaks = {};
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
  const versions = { tfjs: tf.version_core, ...Object.fromEntries(Object.entries(require('./package.json').dependencies).filter(([k]) => !k.startsWith('@tensorflow'))) };
  const out = fileURLToPath(new URL('./results-peers.json', import.meta.url));
  writeFileSync(out, JSON.stringify({ date: new Date().toISOString().slice(0, 10), command: 'npm run bench:peers', node: process.version, versions, rows, leaks }, null, 1));
  renderResults();
  say('\nwrote bench/results-peers.json and bench/RESULTS.md');
}
