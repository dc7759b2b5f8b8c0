// Activations against PyTorch forward values and autograd gradients
// (test/fixtures/torch/activations.json, written by scripts/fixtures/torch_activations.py).
// Tolerances are those of test/activations/activations.test.ts, except where PyTorch's own formula
// loses digits that nabla documents keeping (sigmoid′ and tanh′, see below).
import { describe, expect, it } from 'vitest';
import {
  leakyRelu, leakyReluBackward, logSoftmax, logSoftmaxBackward, prelu, preluBackward, relu, reluBackward, sigmoid,
  sigmoidBackward, softmax, softmaxBackward, softplus, softplusBackward, tanh, tanhBackward, type Tensor,
} from '../../src/index.js';
import { decode, expectMatches, fromFix, loadFixture, type Enc, type FixTensor } from '../helpers/fixtures.js';

const fx = loadFixture('torch/activations.json');
const X = fromFix(fx.x);
const DY = fromFix(fx.dy);
const A = 1e-300; // absolute floor in the subnormal range, as in test/activations
const EPS = 2 ** -52;

describe('elementwise activations vs PyTorch', () => {
  it('sigmoid (1e-15) and tanh (1e-15)', () => {
    expectMatches(sigmoid(X), fx.sigmoid, 1e-15, A, 'sigmoid');
    expectMatches(tanh(X), fx.tanh, 1e-15, A, 'tanh');
  });
  it('relu, leakyRelu: exact, signed zeros included (but relu(−0))', () => {
    // relu(−0): PyTorch's clamp_min gives −0, nabla +0 (its docs: ±0 → 0). Compared as numbers there.
    const r = relu(X);
    const want = fromFix(fx.relu);
    for (let i = 0; i < X.size; i++) {
      const same = Object.is(X.data[i], -0) ? r.data[i] === want.data[i] : Object.is(r.data[i], want.data[i]);
      if (!same) expect.fail(`relu [${i}] x=${X.data[i]}: got ${r.data[i]}, expected ${want.data[i]}`);
    }
    expectMatches(reluBackward(DY, X), fx.reluBackward, 0, 0, 'reluBackward');
    for (const c of fx.leakyRelu as { negativeSlope: number; out: FixTensor; grad: FixTensor }[]) {
      expectMatches(leakyRelu(X, c.negativeSlope), c.out, 0, 0, `leakyRelu ${c.negativeSlope}`);
      expectMatches(leakyReluBackward(DY, X, c.negativeSlope), c.grad, 0, 0, `leakyReluBackward ${c.negativeSlope}`);
    }
  });
  for (const c of fx.softplus as { beta: number; threshold: number; out: FixTensor; grad: FixTensor }[]) {
    it(`softplus beta ${c.beta} threshold ${c.threshold} (2e-15)`, () => {
      const o = { beta: c.beta, threshold: c.threshold };
      expectMatches(softplus(X, o), c.out, 2e-15, A, 'softplus');
      expectMatches(softplusBackward(DY, X, o), c.grad, 2e-15, A, 'softplusBackward');
    });
  }
});

// PyTorch's backward formulas cancel: sigmoid′ = (1 − y)·y loses log2(e^x) bits of 1 − y for x > 0
// (relative error ≈ ε·e^x), tanh′ = 1 − y² loses ≈ ε·sinh²(x) relative. nabla evaluates σ(x)σ(−x)
// and 1/cosh²(x), accurate everywhere (docs of sigmoidBackward/tanhBackward). So each element is
// compared with PyTorch at test/activations' 4e-15 plus PyTorch's own error bound (4ε·e^x, 4ε·sinh²x)
// where that bound is below 1e-3, and with the 50-digit value at 4e-15 where PyTorch has lost its
// digits (|x| ≳ 17 for tanh′, x ≳ 30 for σ′).
function againstTorchOrExact(got: Tensor, torch: FixTensor, exact: FixTensor, bound: (x: number) => number, label: string): number {
  const t = fromFix(torch).data;
  const e = fromFix(exact).data;
  let viaExact = 0;
  let torchOff = 0;
  for (let i = 0; i < X.size; i++) {
    const x = X.data[i];
    const b = Number.isFinite(x) ? bound(x) : 0;
    const a = got.data[i];
    if (Number.isNaN(e[i])) {
      expect(a, `${label} [${i}] x=${x}`).toBeNaN();
      continue;
    }
    const want = b < 1e-3 ? t[i] : e[i];
    const rtol = b < 1e-3 ? 4e-15 + b : 4e-15;
    if (b >= 1e-3) {
      viaExact++;
      if (Math.abs(t[i] - e[i]) > 4e-15 * Math.abs(e[i])) torchOff++;
    }
    if (!(Math.abs(a - want) <= rtol * Math.abs(want) + A)) expect.fail(`${label} [${i}] x=${x}: got ${a}, expected ${want} (rtol ${rtol})`);
  }
  // PyTorch really is off in that region (else the bound is too pessimistic).
  expect(torchOff, `${label}: elements where PyTorch's value is off`).toBeGreaterThan(0);
  return viaExact;
}

describe('sigmoid′ and tanh′ vs PyTorch within its formula’s error, else vs the exact value', () => {
  it('sigmoidBackward', () => {
    const n = againstTorchOrExact(sigmoidBackward(DY, X), fx.sigmoidBackward, fx.sigmoidBackwardExact, (x) => 4 * EPS * Math.max(1, Math.exp(x)), 'sigmoidBackward');
    expect(n).toBeGreaterThan(0);
  });
  it('tanhBackward', () => {
    const n = againstTorchOrExact(tanhBackward(DY, X), fx.tanhBackward, fx.tanhBackwardExact, (x) => 4 * EPS * Math.sinh(x) ** 2, 'tanhBackward');
    expect(n).toBeGreaterThan(0);
  });
});

interface PreluCase {
  name: string;
  x: FixTensor;
  dy: FixTensor;
  alpha: number | FixTensor;
  out: FixTensor;
  dx: FixTensor;
  dalpha: Enc | FixTensor;
}

describe('prelu vs F.prelu and autograd (out, dx exact; dalpha as test/activations)', () => {
  for (const c of fx.prelu as PreluCase[]) {
    it(c.name, () => {
      const x = fromFix(c.x);
      const alpha = typeof c.alpha === 'number' ? c.alpha : fromFix(c.alpha);
      expectMatches(prelu(x, alpha), c.out, 0, 0, 'out');
      const g = preluBackward(fromFix(c.dy), x, alpha);
      expectMatches(g.dx, c.dx, 0, 0, 'dx');
      if (typeof c.dalpha !== 'object') {
        expect(g.dalpha.shape).toEqual([]);
        const want = decode(c.dalpha);
        if (Number.isFinite(want)) expect(g.dalpha.item()).toBeCloseTo(want, 13);
        else expect(g.dalpha.item()).toBe(want);
      } else {
        expectMatches(g.dalpha, c.dalpha, 1e-14, 1e-15, 'dalpha');
      }
    });
  }
});

describe('softmax / logSoftmax vs torch.softmax / log_softmax and autograd', () => {
  for (const c of fx.softmax as { x: FixTensor; axis: number; dy: FixTensor; softmax: FixTensor; logSoftmax: FixTensor; softmaxBackward: FixTensor; logSoftmaxBackward: FixTensor }[]) {
    it(`${JSON.stringify(c.x.shape)} axis ${c.axis}`, () => {
      const x = fromFix(c.x);
      const dy = fromFix(c.dy);
      expectMatches(softmax(x, c.axis), c.softmax, 1e-13, 1e-300, 'softmax');
      expectMatches(logSoftmax(x, c.axis), c.logSoftmax, 1e-15, 1e-13, 'logSoftmax');
      expectMatches(softmaxBackward(dy, x, c.axis), c.softmaxBackward, 1e-13, 1e-15, 'softmaxBackward');
      expectMatches(logSoftmaxBackward(dy, x, c.axis), c.logSoftmaxBackward, 1e-13, 1e-15, 'logSoftmaxBackward');
    });
  }
});
