// Bit identity at the level of the ops: every kernel-backed op (forward and backward) gives the same
// float64 bits with setBackend('js') and setBackend('wasm') — Object.is per element, so NaN is NaN
// and −0 is not +0 — on random inputs of many shapes (sizes below and above the 16-element
// WebAssembly threshold, not multiples of the SIMD width 2, the tile 4 or the 8192-element window),
// with special values mixed in. test/kernels/identity.test.ts does the same for the array kernels
// themselves and gemm.test.ts for the GEMM.
import { describe, expect, it } from 'vitest';
import {
  Adam,
  accumulateGrads,
  Linear,
  Sequential,
  ReLU,
  binaryCrossEntropy,
  binaryCrossEntropyBackward,
  binaryCrossEntropyWithLogits,
  binaryCrossEntropyWithLogitsBackward,
  categoricalCrossEntropy,
  categoricalCrossEntropyBackward,
  conv2d,
  conv2dBackward,
  createRng,
  crossEntropy,
  crossEntropyBackward,
  elu,
  eluBackward,
  exp,
  expm1,
  gelu,
  geluBackward,
  klDiv,
  klDivBackward,
  linear,
  linearBackward,
  log,
  log1p,
  logLikelihoodLoss,
  logLikelihoodLossBackward,
  logSoftmax,
  logSoftmaxBackward,
  logSumExp,
  matmul,
  matmulBackward,
  sigmoid,
  sigmoidBackward,
  silu,
  siluBackward,
  softmax,
  softmaxBackward,
  softplus,
  softplusBackward,
  tanh,
  tanhBackward,
  tensor,
  valueAndGrad,
  vjp,
  type Tensor,
} from '../../src/index.js';
import { firstBitDifference, onBothBackends } from '../helpers/backends.js';

const SPECIALS = [
  NaN, Infinity, -Infinity, 0, -0, 5e-324, -5e-324, 2.2250738585072014e-308, 1, -1, 0.5, -0.5, 1e-300, -1e-300,
  1e300, -1e300, 709.782712893384, 709.7827128933841, -745.1332191019411, -745.1332191019412, 38.81622314453125,
  -38.81622314453125, 19.1, -19.1, 20, 20.000000000000004, -37, 37, 1e-17, -1e-17, 9007199254740992,
];

/** Random values: normal and wide ranges, log-uniform magnitudes of both signs, 1 in 7 a special value. */
function mixed(n: number, seed: number, specials = true): Float64Array {
  const rng = createRng(seed);
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const u = rng.random();
    switch (i % 7) {
      case 0: x[i] = -40 + 80 * u; break;
      case 1: x[i] = (rng.random() < 0.5 ? -1 : 1) * (1 + u) * 2 ** Math.floor(rng.random() * 80 - 60); break;
      case 2: x[i] = -800 + 1600 * u; break;
      case 3: x[i] = -2 + 4 * u; break;
      case 4: x[i] = 3 * rng.normal(); break;
      case 5: x[i] = -0.01 + 0.02 * u; break;
      default: x[i] = specials ? SPECIALS[Math.floor(u * SPECIALS.length)] : -5 + 10 * u;
    }
  }
  return x;
}

/** Probabilities in [0, 1], 0 and 1 included, some tiny and some within an ulp of 1. */
function probs(n: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const x = new Float64Array(n);
  const edge = [0, 1, 5e-324, 1e-300, 0.9999999999999999, 0.5, 1e-17];
  for (let i = 0; i < n; i++) {
    const u = rng.random();
    x[i] = i % 5 === 4 ? edge[Math.floor(u * edge.length)] : i % 5 === 3 ? 2 ** -Math.floor(u * 60) : u;
  }
  return x;
}

const SIZES = [0, 1, 2, 3, 15, 16, 17, 33, 1001, 8193];

/** Runs fn on both backends; expects every output tensor bit-identical. */
function same(label: string, fn: () => Tensor | Tensor[] | Record<string, Tensor>): void {
  const r = onBothBackends(() => {
    const out = fn();
    const list = out instanceof Array ? out : 'data' in out ? [out as Tensor] : Object.values(out);
    return list.map((t) => Float64Array.from(t.data));
  });
  expect(r.js.length).toBe(r.wasm.length);
  r.js.forEach((a, k) => {
    const d = firstBitDifference(a, r.wasm[k]);
    expect(d, `${label} (output ${k}): element ${d}: js ${a[d]}, wasm ${r.wasm[k][d]}`).toBe(-1);
  });
}

describe('elementwise ops: js and wasm give identical bits', () => {
  const ops: [string, (x: Tensor) => Tensor][] = [
    ['exp', exp],
    ['log', log],
    ['log1p', log1p],
    ['expm1', expm1],
    ['sigmoid', sigmoid],
    ['tanh', tanh],
    ['softplus', (x) => softplus(x)],
    ['softplus β=2.5 threshold=5', (x) => softplus(x, { beta: 2.5, threshold: 5 })],
    ['softplus β=0.5 threshold=∞', (x) => softplus(x, { beta: 0.5, threshold: Infinity })],
    ['gelu', (x) => gelu(x)],
    ['gelu tanh', (x) => gelu(x, { approximate: 'tanh' })],
    ['silu', silu],
    ['elu', (x) => elu(x)],
    ['elu α=0.3', (x) => elu(x, 0.3)],
  ];
  for (const [name, op] of ops) {
    it(`${name} and its gradient (autograd, through the op's backward)`, () => {
      for (const n of SIZES) {
        const x = tensor(mixed(n, n + 11));
        const dy = tensor(mixed(n, n + 12, false));
        same(`${name} n=${n}`, () => {
          const { value, backward: back } = vjp(op, x);
          return [value, ...back(dy)];
        });
      }
    });
  }

  const backwards: [string, (dy: Tensor, x: Tensor) => Tensor][] = [
    ['sigmoidBackward', sigmoidBackward],
    ['tanhBackward', tanhBackward],
    ['softplusBackward', (dy, x) => softplusBackward(dy, x)],
    ['softplusBackward β=3 threshold=2', (dy, x) => softplusBackward(dy, x, { beta: 3, threshold: 2 })],
    ['geluBackward', (dy, x) => geluBackward(dy, x)],
    ['geluBackward tanh', (dy, x) => geluBackward(dy, x, { approximate: 'tanh' })],
    ['siluBackward', siluBackward],
    ['eluBackward', (dy, x) => eluBackward(dy, x, 1.7)],
  ];
  for (const [name, back] of backwards) {
    it(`${name} with special values in dy too`, () => {
      for (const n of SIZES) same(`${name} n=${n}`, () => back(tensor(mixed(n, 3 * n + 1)), tensor(mixed(n, 3 * n + 2))));
    });
  }
});

describe('softmax, log-softmax, log-sum-exp: js and wasm give identical bits', () => {
  const cases: [number[], number][] = [
    [[0, 5], -1],
    [[1, 1], -1],
    [[7], 0],
    [[3, 17], -1],
    [[3, 17], 0],
    [[100, 10], -1],
    [[4, 33, 5], 1],
    [[4, 33, 5], 0],
    [[2, 3, 1001], -1],
    [[2, 8200], -1],
    [[9000, 2], 0],
  ];
  for (const [shape, axis] of cases) {
    it(`shape [${shape}], axis ${axis}: forward, backward and autograd`, () => {
      const n = shape.reduce((a, b) => a * b, 1);
      const seed = n + axis + 100;
      // Finite logits (one line in eight gets a special value, to cover NaN/∞ lines).
      const v = mixed(n, seed, false).map((t) => t / 8);
      const sp = mixed(n, seed + 1);
      for (let i = 0; i < n; i += 8 * (shape[shape.length - 1] || 1)) v[i] = sp[i];
      const x = tensor(v, shape);
      const dy = tensor(mixed(n, seed + 2, false), shape);
      same(`softmax [${shape}] axis ${axis}`, () => [softmax(x, axis), softmaxBackward(dy, x, axis)]);
      same(`logSoftmax [${shape}] axis ${axis}`, () => [logSoftmax(x, axis), logSoftmaxBackward(dy, x, axis)]);
      same(`logSumExp [${shape}] axis ${axis}`, () => {
        const { value, backward: back } = vjp((t) => logSumExp(t, axis, true), x);
        return [value, ...back(tensor(mixed(value.size, seed + 3, false), value.shape))];
      });
      same(`logSumExp [${shape}] all`, () => {
        const { value, grads } = valueAndGrad((t) => logSumExp(t))(x);
        return [value, ...grads];
      });
    });
  }
});

describe('losses: js and wasm give identical bits', () => {
  const shapes: [number, number][] = [[1, 1], [3, 5], [17, 10], [64, 33], [5, 1001], [2, 9000]];
  for (const [N, C] of shapes) {
    it(`crossEntropy [${N}, ${C}]: labels, probabilities, smoothing, weights, ignoreIndex; forward and backward`, () => {
      const rng = createRng(N * C);
      const x = tensor(mixed(N * C, N + C, false).map((t) => t / 4), [N, C]);
      const labels = Int32Array.from({ length: N }, () => Math.floor(rng.random() * C));
      const p = probs(N * C, N * C + 1);
      const w = tensor(probs(C, C + 7));
      const opts = [{}, { labelSmoothing: 0.1 }, { weight: w, ignoreIndex: labels[0] }, { reduction: 'none' as const }, { reduction: 'sum' as const, base: 2 }];
      for (const o of opts) {
        same(`crossEntropy [${N}, ${C}] labels ${JSON.stringify(o)}`, () => [crossEntropy(x, labels, o), crossEntropyBackward(x, labels, o)]);
      }
      same(`crossEntropy [${N}, ${C}] probabilities`, () => [crossEntropy(x, tensor(p, [N, C])), crossEntropyBackward(x, tensor(p, [N, C]), { labelSmoothing: 0.2 })]);
    });
  }

  it('crossEntropy with spatial dimensions [N, C, d] and special logits', () => {
    const x = tensor(mixed(3 * 7 * 11, 5), [3, 7, 11]);
    const labels = Int32Array.from({ length: 33 }, (_, i) => (i * 5) % 7);
    same('crossEntropy [3, 7, 11]', () => [crossEntropy(x, labels, { reduction: 'none' }), crossEntropyBackward(x, labels)]);
  });

  for (const n of SIZES) {
    it(`elementwise log losses, n = ${n}`, () => {
      const x = tensor(mixed(n, n + 1));
      const t = tensor(probs(n, n + 2));
      const pr = tensor(probs(n, n + 3));
      const logq = tensor(mixed(n, n + 4, false).map((v) => -Math.abs(v)));
      for (const o of [{}, { reduction: 'none' as const }]) {
        same(`binaryCrossEntropyWithLogits n=${n} ${JSON.stringify(o)}`, () => [
          binaryCrossEntropyWithLogits(x, t, o),
          binaryCrossEntropyWithLogitsBackward(x, t, o),
          binaryCrossEntropyWithLogits(x, t, { ...o, posWeight: tensor(probs(n, 9)) }),
        ]);
        same(`binaryCrossEntropy n=${n} ${JSON.stringify(o)}`, () => [binaryCrossEntropy(pr, t, o), binaryCrossEntropyBackward(pr, t, o)]);
        same(`klDiv n=${n} ${JSON.stringify(o)}`, () => [
          klDiv(logq, t, o),
          klDivBackward(logq, t, o),
          klDiv(logq, logq, { ...o, logTarget: true }),
          klDivBackward(logq, logq, { ...o, logTarget: true }),
        ]);
      }
    });
  }

  it('categoricalCrossEntropy and logLikelihoodLoss on probabilities (base e and 2)', () => {
    for (const [N, C] of [[1, 3], [9, 17], [40, 100]]) {
      const pr = tensor(probs(N * C, N), [N, C]);
      const t = tensor(probs(N * C, N + 1), [N, C]);
      const labels = Int32Array.from({ length: N }, (_, i) => (i * 7) % C);
      for (const o of [{}, { base: 2 }, { reduction: 'none' as const, base: 10 }]) {
        same(`categoricalCrossEntropy [${N}, ${C}]`, () => [categoricalCrossEntropy(pr, t, o), categoricalCrossEntropyBackward(pr, t, o)]);
        same(`logLikelihoodLoss [${N}, ${C}]`, () => [logLikelihoodLoss(pr, labels, o), logLikelihoodLossBackward(pr, labels, o)]);
      }
    }
  });
});

describe('GEMM-backed ops: js and wasm give identical bits', () => {
  it('matmul and matmulBackward: 2-D, 1-D, batched, broadcast batches', () => {
    const cases: [number[], number[]][] = [
      [[3, 4], [4, 5]],
      [[33, 70], [70, 41]],
      [[130, 129], [129, 67]],
      [[200], [200, 37]],
      [[45, 300], [300]],
      [[3, 37, 40], [3, 40, 29]],
      [[2, 1, 50, 64], [5, 64, 35]],
      [[70, 90], [4, 90, 50]],
    ];
    cases.forEach(([sa, sb], k) => {
      const na = sa.reduce((a, b) => a * b, 1);
      const nb = sb.reduce((a, b) => a * b, 1);
      const a = tensor(mixed(na, 10 + k, false), sa);
      const b = tensor(mixed(nb, 20 + k, false), sb);
      const c = matmul(a, b);
      const dy = tensor(mixed(c.size, 30 + k, false), c.shape);
      same(`matmul [${sa}]·[${sb}]`, () => [matmul(a, b), ...Object.values(matmulBackward(dy, a, b))]);
    });
  });

  it('linear and linearBackward (batch dimensions flattened), with special values', () => {
    for (const [shape, out] of [[[5, 3], 4], [[64, 100], 37], [[2, 33, 70], 130]] as [number[], number][]) {
      const n = shape.reduce((a, b) => a * b, 1);
      const K = shape[shape.length - 1];
      const x = tensor(mixed(n, n, n < 100), shape);
      const w = tensor(mixed(K * out, K, false), [K, out]);
      const bias = tensor(mixed(out, out, false));
      const y = linear(x, w, bias);
      const dy = tensor(mixed(y.size, 5, false), y.shape);
      same(`linear [${shape}]·[${K}, ${out}]`, () => [linear(x, w, bias), ...Object.values(linearBackward(dy, x, w))]);
    }
  });

  it('conv2d and conv2dBackward: groups, stride, padding, dilation, several images per chunk', () => {
    const cases: [number[], number[], object][] = [
      [[2, 3, 9, 11], [3, 3, 3, 8], { padding: 1 }],
      [[4, 4, 16, 16], [3, 3, 2, 6], { groups: 2, stride: 2 }],
      [[1, 1, 40, 37], [5, 4, 1, 5], { dilation: [2, 1], padding: 'same' }],
      [[3, 8, 7, 7], [1, 1, 8, 16], {}],
    ];
    cases.forEach(([sx, sw, o], k) => {
      const x = tensor(mixed(sx.reduce((a, b) => a * b, 1), 40 + k, false), sx);
      const w = tensor(mixed(sw.reduce((a, b) => a * b, 1), 50 + k, false), sw);
      const y = conv2d(x, w, null, o);
      const dy = tensor(mixed(y.size, 60 + k, false), y.shape);
      same(`conv2d [${sx}] * [${sw}] ${JSON.stringify(o)}`, () => [conv2d(x, w, null, o), ...Object.values(conv2dBackward(dy, x, w, o))]);
    });
  });

  it('training steps of a small network (Linear, ReLU, cross-entropy, Adam) end in the same parameters', () => {
    const rng = createRng(3);
    const x = tensor(rng.fillNormal(new Float64Array(64 * 30), 0, 1), [64, 30]);
    const labels = Int32Array.from({ length: 64 }, () => Math.floor(rng.random() * 10));
    same('MLP steps', () => {
      const model = new Sequential(new Linear(30, 40, { rng: createRng(1) }), new ReLU(), new Linear(40, 10, { rng: createRng(2) }));
      const params = model.parameters();
      const opt = new Adam(params, { lr: 0.01 });
      const losses: number[] = [];
      for (let s = 0; s < 5; s++) {
        opt.zeroGrad();
        losses.push(accumulateGrads(() => crossEntropy(model.forward(x), labels), params).item());
        opt.step();
      }
      return [tensor(losses), ...params];
    });
  });
});
