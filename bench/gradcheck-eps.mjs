// How accurate are nabla's central differences, as a function of the step eps? The measurement
// behind numericalGradient/gradCheck's default eps (docs/testing.md shows its output).
//
//   npm run build && node bench/gradcheck-eps.mjs
//
// For each case — the CS231n gradient checks (relu, affine-relu, batchnorm, spatial batchnorm,
// softmax loss, a two-layer net) on the notebooks' seeded inputs, a few smooth ops, curvature at a
// small scale (log, binary cross-entropy on probabilities) and one badly scaled layer — the analytic
// gradient (the op's own backward, exact to rounding) is compared with the numerical one by the
// course metric max |a − n| / max(1e−8, |a| + |n|). Printed per eps: each case's error, then the
// median and the worst over cases, for three methods: numericalGradient as shipped (difference
// element by element, reduce with dy, step eps·max(1, |x|), divide by the step taken), the same with
// an absolute step, and the method it replaced (two dot products, subtracted, divided by 2·eps).
import {
  add, batchNorm, batchNormBackward, binaryCrossEntropy, binaryCrossEntropyBackward, createRng, crossEntropy,
  crossEntropyBackward, exp, linear, log, logSoftmax, logSoftmaxBackward, mul, numericalGradient, relError, relu, reluBackward, sigmoid, sigmoidBackward, softmax,
  softmaxBackward, softplus, softplusBackward, tanh, tanhBackward, tensor, vjp,
} from '../dist/index.js';

/** The replaced formula: (⟨dy, f(x + h)⟩ − ⟨dy, f(x − h)⟩) / 2h. */
function oldNumeric(forward, inputs, k, dy, h) {
  const xs = inputs.map((x) => tensor(x.data.slice(), x.shape));
  const x = xs[k].data;
  const g = new Float64Array(x.length);
  const dot = () => {
    const y = forward(...xs).data;
    let s = 0;
    for (let i = 0; i < y.length; i++) s += dy[i] * y[i];
    return s;
  };
  for (let j = 0; j < x.length; j++) {
    const v = x[j];
    x[j] = v + h;
    const fp = dot();
    x[j] = v - h;
    const fm = dot();
    x[j] = v;
    g[j] = (fp - fm) / (2 * h);
  }
  return tensor(g, xs[k].shape);
}

/** Element-wise differences with an absolute step (the courses' h), divided by the step taken. */
function absoluteStep(forward, inputs, k, dy, eps) {
  const xs = inputs.map((x) => tensor(x.data.slice(), x.shape));
  const x = xs[k].data;
  const g = new Float64Array(x.length);
  for (let j = 0; j < x.length; j++) {
    const v = x[j];
    const hi = v + eps;
    const lo = v - eps;
    x[j] = hi;
    const fp = forward(...xs).data.slice();
    x[j] = lo;
    const fm = forward(...xs).data;
    x[j] = v;
    let s = 0;
    for (let i = 0; i < fp.length; i++) s += dy[i] * (fp[i] - fm[i]);
    g[j] = s / (hi - lo);
  }
  return tensor(g, xs[k].shape);
}

/** Cases: a forward, its inputs, which inputs to check, dy, and the analytic gradients (one per checked input). */
function cases() {
  const out = [];
  const add1 = (name, forward, inputs, wrt, dy, analytic) => out.push({ name, forward, inputs, wrt, dy, analytic });
  const viaVjp = (f, inputs, dy) => vjp(f, ...inputs).backward(dy);
  {
    // relu_backward: np.random.seed(231); x = randn(10, 10); dout = randn(*x.shape)
    const r = createRng(231);
    const x = r.randn(10, 10);
    const dy = r.randn(10, 10);
    add1('relu dx', (v) => relu(v), [x], [0], dy, [reluBackward(dy, x)]);
  }
  {
    // affine_relu: seed 231; x = randn(2, 3, 4); w = randn(12, 10); b = randn(10); dout = randn(2, 10)
    const r = createRng(231);
    const x = r.randn(2, 3, 4);
    const w = r.randn(12, 10);
    const b = r.randn(10);
    const dy = r.randn(2, 10);
    const f = (xv, wv, bv) => relu(linear(xv.reshape([2, 12]), wv, bv));
    const g = viaVjp(f, [x, w, b], dy);
    add1('affine_relu dx', f, [x, w, b], [0], dy, [g[0]]);
    add1('affine_relu dW', f, [x, w, b], [1], dy, [g[1]]);
    add1('affine_relu db', f, [x, w, b], [2], dy, [g[2]]);
  }
  {
    // batchnorm_backward: seed 231; N, D = 4, 5; x = 5 * randn(N, D) + 12; gamma = randn(D); beta = randn(D); dout = randn(N, D)
    const r = createRng(231);
    const x = add(mul(r.randn(4, 5), 5), 12);
    const gamma = r.randn(5);
    const beta = r.randn(5);
    const dy = r.randn(4, 5);
    const f = (xv, gv, bv) => batchNorm(xv, { gamma: gv, beta: bv });
    const g = batchNormBackward(dy, x, { gamma });
    add1('batchnorm dx', f, [x, gamma, beta], [0], dy, [g.dx]);
    add1('batchnorm dgamma', f, [x, gamma, beta], [1], dy, [g.dgamma]);
  }
  {
    // spatial batchnorm: seed 231; N, C, H, W = 2, 3, 4, 5; x = 5 * randn(N, C, H, W) + 12; gamma, beta = randn(C); dout = randn(N, C, H, W)
    const r = createRng(231);
    const x = add(mul(r.randn(2, 3, 4, 5), 5), 12);
    const gamma = r.randn(3);
    const beta = r.randn(3);
    const dy = r.randn(2, 3, 4, 5);
    const f = (xv, gv, bv) => batchNorm(xv, { gamma: gv, beta: bv });
    const g = batchNormBackward(dy, x, { gamma });
    add1('spatial batchnorm dx', f, [x, gamma, beta], [0], dy, [g.dx]);
    add1('spatial batchnorm dgamma', f, [x, gamma, beta], [1], dy, [g.dgamma]);
  }
  {
    // softmax_loss: seed 231; x = 0.001 * randn(50, 10); y = randint(10, size=50); a scalar loss, dy = 1
    const r = createRng(231);
    const x = mul(r.randn(50, 10), 0.001);
    const y = Array.from(r.integers(0, 10, [50]).data);
    add1('softmax loss dx', (v) => crossEntropy(v, y), [x], [0], tensor(1), [crossEntropyBackward(x, y)]);
  }
  {
    // A two-layer net's loss with respect to W1 and b1 (FullyConnectedNets-style, weight scale 5e-2).
    const r = createRng(231);
    const X = r.randn(3, 5);
    const y = Array.from(r.integers(0, 4, [3]).data);
    const W1 = mul(r.randn(5, 6), 5e-2);
    const b1 = mul(r.randn(6), 5e-2);
    const W2 = mul(r.randn(6, 4), 5e-2);
    const b2 = r.randn(4);
    const f = (w1, bb1) => crossEntropy(linear(relu(linear(X, w1, bb1)), W2, b2), y);
    const g = viaVjp(f, [W1, b1], tensor(1));
    add1('two-layer net dW1', f, [W1, b1], [0], tensor(1), [g[0]]);
    add1('two-layer net db1', f, [W1, b1], [1], tensor(1), [g[1]]);
  }
  {
    const r = createRng(7);
    const x = r.randn(3, 4);
    const dy = r.randn(3, 4);
    add1('sigmoid', (v) => sigmoid(v), [x], [0], dy, [sigmoidBackward(dy, x)]);
    add1('tanh', (v) => tanh(v), [x], [0], dy, [tanhBackward(dy, x)]);
    add1('softplus', (v) => softplus(v), [x], [0], dy, [softplusBackward(dy, x)]);
    add1('softmax', (v) => softmax(v), [x], [0], dy, [softmaxBackward(dy, x)]);
    add1('logSoftmax', (v) => logSoftmax(v), [x], [0], dy, [logSoftmaxBackward(dy, x)]);
    const e = (v) => exp(mul(v, 2));
    add1('exp(2x)', e, [x], [0], dy, viaVjp(e, [x], dy));
    const s4 = (v) => sigmoid(mul(v, 4));
    add1('sigmoid(4x)', s4, [x], [0], dy, viaVjp(s4, [x], dy));
  }
  {
    // Curvature at a small scale: log and binary cross-entropy on probabilities in [0.05, 0.95).
    const r = createRng(11);
    const p = tensor(r.fillUniform(new Float64Array(12), 0.05, 0.95), [3, 4]);
    const t = tensor(r.fillUniform(new Float64Array(12)), [3, 4]);
    const dy = r.randn(3, 4);
    add1('log(p)', (v) => log(v), [p], [0], dy, viaVjp((v) => log(v), [p], dy));
    add1('binary cross-entropy', (v) => binaryCrossEntropy(v, t), [p], [0], tensor(1), [binaryCrossEntropyBackward(p, t)]);
  }
  {
    // Large activations: a linear layer on inputs of magnitude ~100, then tanh.
    const r = createRng(12);
    const x = mul(r.randn(4, 6), 100);
    const w = mul(r.randn(6, 3), 0.003);
    const dy = r.randn(4, 3);
    const f = (xv, wv) => tanh(linear(xv, wv));
    const g = viaVjp(f, [x, w], dy);
    add1('tanh(x·W), |x| ~ 100: dW', f, [x, w], [1], dy, [g[1]]);
  }
  return out;
}

const EPS = [1e-3, 3e-4, 1e-4, 3e-5, 1e-5, 3e-6, 1e-6, 3e-7, 1e-7];
const all = cases();

function measure(method) {
  return EPS.map((h) =>
    all.map((c) => {
      const k = c.wrt[0];
      const num = method === 'new' ? numericalGradient(c.forward, c.inputs, { eps: h, dy: c.dy, wrt: [k] })[0] : method === 'old' ? oldNumeric(c.forward, c.inputs, k, c.dy.data, h) : absoluteStep(c.forward, c.inputs, k, c.dy.data, h);
      return relError(num, c.analytic[0]);
    }),
  );
}

const fmt = (v) => (v === 0 ? '0' : v.toExponential(1));
const median = (a) => {
  const s = [...a].sort((p, q) => p - q);
  return s.length % 2 ? s[(s.length - 1) / 2] : Math.sqrt(s[s.length / 2 - 1] * s[s.length / 2]);
};

const TITLES = {
  new: "numericalGradient: element-wise differences, step eps·max(1, |x|), divided by the step taken",
  absolute: 'the same with an absolute step eps (the courses\' h)',
  old: 'the replaced method: two dot products ⟨dy, f(x ± eps)⟩, subtracted, divided by 2·eps',
};
for (const method of ['new', 'absolute', 'old']) {
  const table = measure(method);
  console.log(`\n${TITLES[method]}`);
  console.log(`${'case'.padEnd(26)}${EPS.map((h) => String(h).padStart(9)).join('')}`);
  all.forEach((c, i) => console.log(`${c.name.padEnd(26)}${table.map((row) => fmt(row[i]).padStart(9)).join('')}`));
  console.log(`${'median'.padEnd(26)}${table.map((row) => fmt(median(row)).padStart(9)).join('')}`);
  console.log(`${'worst'.padEnd(26)}${table.map((row) => fmt(Math.max(...row)).padStart(9)).join('')}`);
}
