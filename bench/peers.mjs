// npm run bench:peers — the same workloads through TF.js 4.22 (cpu and wasm backends), ml-matrix
// and ConvNetJS (its conv layers too: conv2d and a LeNet-5 training step), in the same process as nabla, reported as ratios. The peers are installed from
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
import { lenetSetup } from './conv.mjs';
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
/**
 * ConvNetJS's training step on a batch: its Trainer with Adam (lr 1e-3) steps once per batch after
 * `batch` one-sample `train` calls; x holds the batch row-major, each sample `shape` = [sx, sy, depth].
 */
function convnetjsSteps(net, x, y, batch, [sx, sy, depth]) {
  const trainer = new convnetjs.Trainer(net, { method: 'adam', learning_rate: 1e-3, batch_size: batch });
  const size = sx * sy * depth;
  const vols = Array.from({ length: batch }, (_, i) => {
    const v = new convnetjs.Vol(sx, sy, depth, 0);
    for (let k = 0; k < size; k++) v.w[k] = x.data[i * size + k];
    return v;
  });
  return {
    name: 'convnetjs',
    t: measure(() => {
      let l = 0;
      for (let i = 0; i < batch; i++) l += trainer.train(vols[i], y[i]).loss;
      return l;
    }, { runs: 7, warmup: W }),
  };
}

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
    peers.push(convnetjsSteps(net, x, y, 256, [1, 1, 784]));
    return peers;
  });
}

/** The TF.js backends that can run `make` (TF.js-wasm 4.22 has no Conv2DBackpropFilter kernel); the rest are noted. */
const tfEach = async (make, notes, runs = 7) => {
  const out = [];
  for (const be of ['cpu', 'wasm']) {
    await useBackend(be);
    try {
      out.push({ name: `tfjs-${be}`, t: await make(be, runs) });
    } catch (e) {
      notes.push(`tfjs-${be}: not run (${String(e.message).split('\n')[0]})`);
      tf.disposeVariables();
    }
  }
  return out;
};

if (want('conv')) {
  // The two LeNet-5 convolution layers of bench/conv.mjs (stride 1, no padding): forward, then
  // dx, dweight and dbias for a given upstream gradient.
  for (const [xs, ws] of [[[64, 1, 28, 28], [5, 5, 1, 6]], [[64, 6, 14, 14], [5, 5, 6, 16]]]) {
    const [N, C, H, Wd] = xs;
    const [kh, kw, , Co] = ws;
    const Ho = H - kh + 1;
    const Wo = Wd - kw + 1;
    const x = nabla.tensor(randn(N * C * H * Wd), xs);
    const w = nabla.tensor(randn(kh * kw * C * Co), ws);
    const b = nabla.tensor(randn(Co), [Co]);
    const dy = nabla.tensor(randn(N * Co * Ho * Wo), [N, Co, Ho, Wo]);
    const notes = [];
    job(`conv2d fwd+bwd ${xs.join('×')} ${kh}×${kw}→${Co}`, () => measure(() => (nabla.conv2d(x, w, b), nabla.conv2dBackward(dy, x, w).dweight), { runs: 9, warmup: W }), async () => {
      const nhwc = (t, [n, c, h, ww]) => tf.transpose(tf.tensor4d(Float32Array.from(t.data), [n, c, h, ww]), [0, 2, 3, 1]);
      const peers = await tfEach(() => {
        // TF.js is NHWC with HWIO filters (nabla's weight layout): the same numbers, transposed input.
        const tx = nhwc(x, xs);
        const tdy = nhwc(dy, [N, Co, Ho, Wo]);
        const tw = tf.tensor4d(Float32Array.from(w.data), ws);
        const tb = tf.tensor1d(Float32Array.from(b.data));
        const g = tf.grads((a, f, bb) => tf.sum(tf.mul(tf.add(tf.conv2d(a, f, 1, 'valid'), bb), tdy)));
        const t = tfMeasure(() => g([tx, tw, tb]), 7);
        tf.dispose([tx, tdy, tw, tb]);
        return t;
      }, notes);
      // ConvNetJS works one image at a time on [W, H, C] volumes; its conv layer's backward gives
      // the input, filter and bias gradients together.
      const layer = new convnetjs.ConvLayer({ in_sx: Wd, in_sy: H, in_depth: C, sx: kw, sy: kh, filters: Co, stride: 1, pad: 0 });
      const vols = Array.from({ length: N }, (_, n) => {
        const v = new convnetjs.Vol(Wd, H, C, 0);
        for (let c = 0; c < C; c++) for (let i = 0; i < H; i++) for (let j = 0; j < Wd; j++) v.w[(i * Wd + j) * C + c] = x.data[((n * C + c) * H + i) * Wd + j];
        return v;
      });
      const grads = Array.from({ length: N }, (_, n) => {
        const g = new Float64Array(Ho * Wo * Co);
        for (let o = 0; o < Co; o++) for (let i = 0; i < Ho; i++) for (let j = 0; j < Wo; j++) g[(i * Wo + j) * Co + o] = dy.data[((n * Co + o) * Ho + i) * Wo + j];
        return g;
      });
      peers.push({
        name: 'convnetjs',
        t: measure(() => {
          let s = 0;
          for (let n = 0; n < N; n++) {
            const out = layer.forward(vols[n], true);
            out.dw = grads[n];
            layer.backward();
            s += vols[n].dw[0];
          }
          return s;
        }, { runs: 7, warmup: W }),
      });
      return { peers, notes };
    });
  }
}

if (want('lenet')) {
  const { step, x, y } = lenetSetup();
  const notes = [];
  job('LeNet-5 training step b64 (Adam)', () => measure(step, { runs: 9, warmup: W }), async () => {
    const peers = await tfEach(() => {
      const tx = tf.transpose(tf.tensor4d(Float32Array.from(x.data), [64, 1, 28, 28]), [0, 2, 3, 1]);
      const onehot = tf.oneHot(tf.tensor1d(y, 'int32'), 10);
      const u = (shape, fanIn) => tf.variable(tf.randomUniform(shape, -1 / Math.sqrt(fanIn), 1 / Math.sqrt(fanIn)));
      const vars = [u([5, 5, 1, 6], 25), u([6], 25), u([5, 5, 6, 16], 150), u([16], 150), u([400, 120], 400), u([120], 400), u([120, 84], 120), u([84], 120), u([84, 10], 84), u([10], 84)];
      const [c1, b1, c2, b2, f1, g1, f2, g2, f3, g3] = vars;
      const opt = tf.train.adam(1e-3);
      const t = measure(() => {
        const loss = opt.minimize(() => {
          let h = tf.maxPool(tf.relu(tf.add(tf.conv2d(tx, c1, 1, 2), b1)), 2, 2, 'valid');
          h = tf.maxPool(tf.relu(tf.add(tf.conv2d(h, c2, 1, 'valid'), b2)), 2, 2, 'valid');
          // Flatten in nabla's NCHW order, so that the linear layer sees the same features.
          h = tf.reshape(tf.transpose(h, [0, 3, 1, 2]), [64, 400]);
          h = tf.relu(tf.add(tf.matMul(h, f1), g1));
          h = tf.relu(tf.add(tf.matMul(h, f2), g2));
          return tf.losses.softmaxCrossEntropy(onehot, tf.add(tf.matMul(h, f3), g3));
        }, true);
        const v = loss.dataSync()[0];
        loss.dispose();
        return v;
      }, { runs: 7, warmup: W });
      tf.dispose([tx, onehot, ...vars]);
      opt.dispose();
      return t;
    }, notes);
    const net = new convnetjs.Net();
    net.makeLayers([
      { type: 'input', out_sx: 28, out_sy: 28, out_depth: 1 },
      { type: 'conv', sx: 5, filters: 6, stride: 1, pad: 2, activation: 'relu' },
      { type: 'pool', sx: 2, stride: 2 },
      { type: 'conv', sx: 5, filters: 16, stride: 1, pad: 0, activation: 'relu' },
      { type: 'pool', sx: 2, stride: 2 },
      { type: 'fc', num_neurons: 120, activation: 'relu' },
      { type: 'fc', num_neurons: 84, activation: 'relu' },
      { type: 'softmax', num_classes: 10 },
    ]);
    peers.push(convnetjsSteps(net, x, y, 64, [28, 28, 1]));
    return { peers, notes };
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
  const got = await j.peers();
  const { peers, notes } = Array.isArray(got) ? { peers: got, notes: [] } : got;
  const o = ours.get(j.workload);
  rows.push({ workload: j.workload, ours: o, peers, ...(notes.length ? { notes } : {}) });
  say(`${j.workload.padEnd(40)} ${peers.map((p) => `${p.name} ${p.t.median.toFixed(2)} ms (${(p.t.median / o.median).toFixed(2)}×)`).join(', ')}${notes.length ? ` [${notes.join('; ')}]` : ''}`);
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
