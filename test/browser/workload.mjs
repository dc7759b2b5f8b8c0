// A fixed, seeded workload run both in Node and in a real browser (scripts/browser-check.mjs).
// Everything in it is exact on any conforming engine: IEEE basic operations (+ − × ÷ √), the RNG's
// uniform streams, and nabla's own elementary functions (exp, log, log1p, expm1, tanh and what is
// built on them: sigmoid, softplus, GELU, SiLU, ELU, softmax, log-softmax, log-sum-exp,
// cross-entropy, the BCE losses, KL divergence), which use only those operations — on the
// WebAssembly kernels and on their JavaScript twins alike. So the whole result, and its hash, must
// be bit-identical between Node and the browser, whichever backend each runs on. (Nothing here goes
// through Math.exp/log/pow/sin/cos, whose last bits the engine chooses; normal draws use Math.log.)

/** Values that exercise every branch of the elementary functions, and their boundaries. */
const SPECIALS = [
  NaN, Infinity, -Infinity, 0, -0, 5e-324, -5e-324, 2.2250738585072014e-308, 1, -1, 0.5, -0.5, 1e-300, -1e-300, 1e300,
  -1e300, 709.782712893384, 709.7827128933841, -745.1332191019411, -745.1332191019412, 38.81622314453125,
  -38.81622314453125, 19.1, -19.1, 0.125, -0.125, 1.385, -1.385, 0.0625, -0.0625, 0.9375, 1.064697265625, 20,
  -37, 37, 1e-17, -1e-17, 700, -708.5, 0.03125, -0.03125, 0.031249999999999997, 19.099999999999998,
];

export function run(n) {
  const rng = n.createRng(0);
  const out = {};

  // A small network: Linear → BatchNorm → ReLU → Linear, MSE, SGD with momentum and Nesterov.
  const model = new n.Sequential(new n.Linear(4, 8, { rng }), new n.BatchNorm(8), new n.ReLU(), new n.Linear(8, 3, { rng }));
  const opt = new n.SGD(model.parameters(), { lr: 0.05, momentum: 0.9, nesterov: true });
  const x = n.uniform([16, 4], { rng, low: -2, high: 2 });
  const target = n.uniform([16, 3], { rng, low: -1, high: 1 });
  out.mse = [];
  for (let t = 0; t < 5; t++) {
    model.zeroGrad();
    const y = model.forward(x);
    out.mse.push(n.mseLoss(y, target).item());
    model.backward(n.mseLossBackward(y, target));
    opt.step();
  }
  out.sgdParams = model.parameters().map((p) => Array.from(p.data));

  // Matrix products: blocked (70×90·90×50), batched with broadcasting, and their gradients.
  const a = n.uniform([70, 90], { rng, low: -1, high: 1 });
  const b = n.uniform([90, 50], { rng, low: -1, high: 1 });
  const ab = n.matmul(a, b);
  out.matmul = Array.from(ab.data);
  const g = n.matmulBackward(n.uniform([70, 50], { rng, low: -1, high: 1 }), a, b);
  out.matmulBackward = [Array.from(g.da.data), Array.from(g.db.data)];
  const ba = n.uniform([3, 1, 20, 33], { rng, low: -1, high: 1 });
  const bb = n.uniform([4, 33, 21], { rng, low: -1, high: 1 });
  out.batched = Array.from(n.matmul(ba, bb).data);
  out.variance = Array.from(n.variance(a, 0).data);
  out.permutation = rng.permutation(50);

  // Elementwise kernels and their backwards on 2,000 values (special values mixed in) and on 7.
  const vals = n.uniform([2000], { rng, low: -30, high: 30 }).data;
  for (let i = 0; i < vals.length; i += 13) vals[i] = SPECIALS[(i / 13) % SPECIALS.length];
  for (let i = 5; i < vals.length; i += 17) vals[i] = vals[i] * 1e-9;
  const v = n.tensor(vals);
  const short = n.tensor(vals.slice(0, 7));
  const dy = n.uniform([2000], { rng, low: -1, high: 1 });
  const pos = n.abs(v);
  for (const [name, f] of [
    ['exp', n.exp], ['log', (t) => n.log(n.abs(t))], ['log1p', n.log1p], ['expm1', n.expm1], ['sigmoid', n.sigmoid], ['tanh', n.tanh],
    ['softplus', (t) => n.softplus(t)], ['softplus β=2', (t) => n.softplus(t, { beta: 2, threshold: 5 })], ['gelu', (t) => n.gelu(t)],
    ['gelu tanh', (t) => n.gelu(t, { approximate: 'tanh' })], ['silu', n.silu], ['elu', (t) => n.elu(t, 0.7)],
  ]) {
    out[name] = [Array.from(f(v).data), Array.from(f(short).data)];
  }
  out.backwards = [
    n.sigmoidBackward(dy, v), n.tanhBackward(dy, v), n.softplusBackward(dy, v), n.geluBackward(dy, v),
    n.geluBackward(dy, v, { approximate: 'tanh' }), n.siluBackward(dy, v), n.eluBackward(dy, v, 0.7),
  ].map((t) => Array.from(t.data));
  out.logPositive = Array.from(n.log(pos).data);

  // Softmax family along both axes, log-sum-exp, and their gradients.
  const logits = n.uniform([37, 101], { rng, low: -20, high: 20 });
  const dl = n.uniform([37, 101], { rng, low: -1, high: 1 });
  for (const axis of [-1, 0]) {
    out[`softmax${axis}`] = [n.softmax(logits, axis), n.logSoftmax(logits, axis), n.softmaxBackward(dl, logits, axis), n.logSoftmaxBackward(dl, logits, axis), n.logSumExp(logits, axis)].map((t) => Array.from(t.data));
  }
  const lse = n.valueAndGrad((t) => n.logSumExp(t))(logits);
  out.logSumExpGrad = [lse.value.item(), Array.from(lse.grads[0].data)];

  // Losses through the kernels: cross-entropy (indices, smoothing, probabilities), BCE on logits
  // and on probabilities, KL divergence.
  const labels = Int32Array.from({ length: 37 }, () => rng.integers(0, 101));
  const probs = n.softmax(n.uniform([37, 101], { rng, low: -3, high: 3 }));
  out.crossEntropy = [
    n.crossEntropy(logits, labels).item(), n.crossEntropy(logits, labels, { labelSmoothing: 0.1 }).item(), n.crossEntropy(logits, probs).item(),
    Array.from(n.crossEntropyBackward(logits, labels).data), Array.from(n.crossEntropyBackward(logits, probs, { labelSmoothing: 0.2 }).data),
  ];
  const t01 = n.uniform([2000], { rng, low: 0, high: 1 });
  const p01 = n.sigmoid(n.uniform([2000], { rng, low: -40, high: 40 }));
  const finite = n.tensor(vals.map((u) => (Number.isFinite(u) ? u : 0)));
  out.bce = [
    Array.from(n.binaryCrossEntropyWithLogits(finite, t01, { reduction: 'none' }).data), Array.from(n.binaryCrossEntropyWithLogitsBackward(finite, t01).data),
    Array.from(n.binaryCrossEntropy(p01, t01, { reduction: 'none' }).data), Array.from(n.binaryCrossEntropyBackward(p01, t01).data),
  ];
  out.klDiv = [n.klDiv(n.logSoftmax(logits), probs, { reduction: 'batchmean' }).item(), n.klDiv(n.logSoftmax(logits), n.log(probs), { logTarget: true }).item()];

  // A convolution and its gradients (im2col and the GEMM's TN/NT forms).
  const img = n.uniform([2, 3, 11, 9], { rng, low: -1, high: 1 });
  const w = n.uniform([3, 3, 3, 5], { rng, low: -0.5, high: 0.5 });
  const conv = n.conv2d(img, w, null, { padding: 1, stride: [2, 1] });
  const cg = n.conv2dBackward(n.uniform(conv.shape, { rng, low: -1, high: 1 }), img, w, { padding: 1, stride: [2, 1] });
  out.conv = [conv, cg.dx, cg.dweight, cg.dbias].map((t) => Array.from(t.data));

  // Training steps: Linear → Tanh → Linear → GELU → Linear, cross-entropy, Adam (β^t by nabla's exact
  // powStep), by autograd.
  const net = new n.Sequential(new n.Linear(4, 32, { rng }), new n.Tanh(), new n.Linear(32, 32, { rng }), new n.GELU(), new n.Linear(32, 3, { rng }));
  const adam = new n.Adam(net.parameters(), { lr: 0.01 });
  const cls = Array.from({ length: 16 }, () => rng.integers(0, 3));
  out.ce = [];
  for (let t = 0; t < 5; t++) {
    adam.zeroGrad();
    out.ce.push(n.accumulateGrads(() => n.crossEntropy(net.forward(x), cls), net.parameters()).item());
    adam.step();
  }
  out.adamParams = net.parameters().map((p) => Array.from(p.data));
  return out;
}

/**
 * A 64-bit hash (two 32-bit lanes, hex) of every number in `result`, visited in key order, each as
 * its float64 bytes (so NaN payloads aside, −0 and +0 differ). The same function runs in Node and in
 * the browser.
 */
export function hash(result) {
  const f = new Float64Array(1);
  const w = new Uint32Array(f.buffer);
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  const word = (k) => {
    h1 = Math.imul(h1 ^ k, 2654435761);
    h2 = Math.imul(h2 ^ k, 1597334677);
  };
  const visit = (v) => {
    if (typeof v === 'number') {
      f[0] = v !== v ? NaN : v; // one NaN
      word(w[0]);
      word(w[1]);
    } else if (Array.isArray(v) || ArrayBuffer.isView(v)) {
      word(v.length);
      for (const e of v) visit(e);
    } else {
      for (const k of Object.keys(v).sort()) {
        for (let i = 0; i < k.length; i++) word(k.charCodeAt(i));
        visit(v[k]);
      }
    }
  };
  visit(result);
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h2 >>> 0).toString(16).padStart(8, '0') + (h1 >>> 0).toString(16).padStart(8, '0');
}
