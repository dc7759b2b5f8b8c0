import { describe, expect, it } from 'vitest';
import {
  BatchNorm, NablaError, ShapeError, ValueError, batchNorm, batchNormBackward, createRng, gradCheck, matmul, normal, recomputeStatistics,
  sigmoid, type Tensor,
} from '../../src/index.js';
import { expectMatches, fromFix, loadFixture, type FixTensor } from '../helpers/fixtures.js';

const fx = loadFixture('batchnorm.json');

describe('batchNorm / batchNormBackward against references', () => {
  for (const c of fx.cases) {
    it(`${JSON.stringify(c.shape)} axis ${c.axis} eps ${c.eps}`, () => {
      const x = fromFix(c.x);
      const gamma = fromFix(c.gamma);
      const beta = fromFix(c.beta);
      const dy = fromFix(c.dy);
      const o = { gamma, beta, eps: c.eps, axis: c.axis };
      expectMatches(batchNorm(x, o), c.train, 1e-13, 1e-13, 'train forward');
      const ev = { ...o, mean: fromFix(c.runningMean), variance: fromFix(c.runningVar) };
      expectMatches(batchNorm(x, ev), c.eval, 1e-13, 1e-13, 'eval forward');
      const t = batchNormBackward(dy, x, { gamma, eps: c.eps, axis: c.axis });
      expectMatches(t.dx, c.dxTrain, 1e-11, 1e-12, 'train dx');
      expectMatches(t.dgamma, c.dgammaTrain, 1e-12, 1e-12, 'dgamma');
      expectMatches(t.dbeta, c.dbetaTrain, 1e-12, 1e-12, 'dbeta');
      const e = batchNormBackward(dy, x, { gamma, eps: c.eps, axis: c.axis, mean: ev.mean, variance: ev.variance });
      expectMatches(e.dx, c.dxEval, 1e-13, 1e-14, 'eval dx');
      expectMatches(e.dgamma, c.dgammaEval, 1e-12, 1e-12, 'eval dgamma');
    });
  }

  it('gradCheck of the training-mode backward (x and γ) on random inputs', () => {
    const rng = createRng(4);
    for (const [shape, axis] of [[[5, 3], 1], [[2, 3, 2, 2], 1], [[3, 2, 4], -1]] as [number[], number][]) {
      const x = normal(shape, { rng, std: 2 });
      const C = shape[(axis + shape.length) % shape.length];
      const gamma = normal([C], { rng, mean: 1, std: 0.3 });
      const beta = normal([C], { rng });
      const r = gradCheck(
        {
          forward: (v: Tensor, g: Tensor, b: Tensor) => batchNorm(v, { gamma: g, beta: b, axis }),
          backward: (dy: Tensor, v: Tensor, g: Tensor) => {
            const { dx, dgamma, dbeta } = batchNormBackward(dy, v, { gamma: g, axis });
            return [dx, dgamma, dbeta];
          },
        },
        [x, gamma, beta],
        { rtol: 1e-6, atol: 1e-9 },
      );
      expect(r.ok, JSON.stringify(r.worst)).toBe(true);
    }
  });
});

describe('worked example BN1 (docs/semantics.md)', () => {
  const x = [[1, 2], [3, 6], [5, 10], [7, 14]];
  it('train output (PyTorch eps 1e-5 and Keras eps 1e-3)', () => {
    const y = batchNorm(x, { gamma: [1, 0.5], beta: [0, 1] }).toArray() as number[][];
    const want = [[-1.341639445, 0.3291797745], [-0.4472131483, 0.7763932582], [0.4472131483, 1.223606742], [1.341639445, 1.670820226]];
    want.forEach((row, i) => row.forEach((v, j) => expect(y[i][j]).toBeCloseTo(v, 9)));
    const k = batchNorm(x, { gamma: [1, 0.5], beta: [0, 1], eps: 1e-3 }).toArray() as number[][];
    expect(k[0][0]).toBeCloseTo(-1.341506643, 9);
    expect(k[0][1]).toBeCloseTo(0.3291963766, 9);
    expect(k[3][1]).toBeCloseTo(1.670803623, 9);
  });
  it('running statistics after one and two steps, cumulative average, eval output', () => {
    const bn = new BatchNorm(2);
    bn.gamma!.data.set([1, 0.5]);
    bn.beta!.data.set([0, 1]);
    bn.forward(x);
    expect(bn.runningMean!.data[0]).toBeCloseTo(0.4, 14);
    expect(bn.runningMean!.data[1]).toBeCloseTo(0.8, 14);
    expect(bn.runningVar!.data[0]).toBeCloseTo(1.566666667, 9);
    expect(bn.runningVar!.data[1]).toBeCloseTo(3.566666667, 9);
    const y = bn.eval().forward(x).toArray() as number[][];
    const want = [[0.4793597473, 1.317701584], [2.077225572, 2.376706864], [3.675091396, 3.435712144], [5.27295722, 4.494717423]];
    want.forEach((row, i) => row.forEach((v, j) => expect(y[i][j]).toBeCloseTo(v, 9)));
    bn.train().forward(x);
    expect(bn.runningMean!.data[0]).toBeCloseTo(0.76, 14);
    expect(bn.runningVar!.data[1]).toBeCloseTo(5.876666667, 9);
    expect(bn.numBatchesTracked).toBe(2);
    const cum = new BatchNorm(2, { momentum: null });
    cum.forward(x);
    cum.forward(x.map((r) => r.map((v) => 2 * v)));
    expect(Array.from(cum.runningMean!.data)).toEqual([6, 12]);
    expect(cum.runningVar!.data[0]).toBeCloseTo(16.66666667, 8);
    expect(cum.runningVar!.data[1]).toBeCloseTo(66.66666667, 8);
  });
  it('Keras: momentum 0.99 weights the old value, biased running variance, eps 1e-3', () => {
    const bn = new BatchNorm(2, { convention: 'keras' });
    bn.gamma!.data.set([1, 0.5]);
    bn.beta!.data.set([0, 1]);
    bn.forward(x);
    expect(bn.runningMean!.data[0]).toBeCloseTo(0.04, 14);
    expect(bn.runningMean!.data[1]).toBeCloseTo(0.08, 14);
    expect(bn.runningVar!.data[0]).toBeCloseTo(1.04, 14);
    expect(bn.runningVar!.data[1]).toBeCloseTo(1.19, 14);
    const y = bn.eval().forward(x).toArray() as number[][];
    expect(y[0][0]).toBeCloseTo(0.9409051991, 9);
    expect(y[0][1]).toBeCloseTo(1.879661029, 9);
    expect(y[3][0]).toBeCloseTo(6.821562693, 9);
    expect(y[3][1]).toBeCloseTo(7.377542462, 9);
  });
});

describe('BatchNorm layer', () => {
  const r = fx.running;
  it('running statistics over several steps: momentum 0.1, cumulative, Keras', () => {
    const pt = new BatchNorm(3);
    const cum = new BatchNorm(3, { momentum: null });
    const ke = new BatchNorm(3, { convention: 'keras' });
    r.batches.forEach((b: FixTensor, k: number) => {
      const x = fromFix(b);
      pt.forward(x);
      cum.forward(x);
      ke.forward(x);
      const h = r.history[k];
      for (let c = 0; c < 3; c++) {
        expect(pt.runningMean!.data[c]).toBeCloseTo(h.mean[c], 13);
        expect(pt.runningVar!.data[c]).toBeCloseTo(h.var[c], 12);
        expect(cum.runningMean!.data[c]).toBeCloseTo(h.meanCum[c], 13);
        expect(cum.runningVar!.data[c]).toBeCloseTo(h.varCum[c], 12);
        expect(ke.runningMean!.data[c]).toBeCloseTo(h.meanKeras[c], 13);
        expect(ke.runningVar!.data[c]).toBeCloseTo(h.varKeras[c], 12);
      }
    });
    expectMatches(pt.eval().forward(fromFix(r.evalX)), r.evalOut, 1e-12, 1e-13, 'eval after training');
  });

  it('recomputeStatistics sets the population mean and unbiased variance', () => {
    const bn = new BatchNorm(3);
    recomputeStatistics(bn, r.batches.map(fromFix));
    for (let c = 0; c < 3; c++) {
      expect(bn.runningMean!.data[c]).toBeCloseTo(r.population.mean[c], 13);
      expect(bn.runningVar!.data[c]).toBeCloseTo(r.population.varUnbiased[c], 12);
    }
    expect(bn.numBatchesTracked).toBe(4);
    const k = new BatchNorm(3, { convention: 'keras' });
    recomputeStatistics(k, r.batches.map(fromFix));
    for (let c = 0; c < 3; c++) expect(k.runningVar!.data[c]).toBeCloseTo(r.population.varBiased[c], 12);
  });

  it('backward matches the functional backward and accumulates gamma/beta grads', () => {
    const c = fx.cases[1];
    const x = fromFix(c.x);
    const dy = fromFix(c.dy);
    const bn = new BatchNorm(c.shape[1], { eps: c.eps });
    bn.gamma!.data.set(fromFix(c.gamma).data);
    bn.beta!.data.set(fromFix(c.beta).data);
    bn.forward(x);
    const dx = bn.backward(dy);
    expectMatches(dx, c.dxTrain, 1e-11, 1e-12, 'dx');
    expectMatches(bn.gamma!.grad!, c.dgammaTrain, 1e-12, 1e-12, 'gamma.grad');
    bn.forward(x);
    bn.backward(dy);
    expect(bn.beta!.grad!.data[0]).toBeCloseTo(2 * fromFix(c.dbetaTrain).data[0], 12);
    bn.zeroGrad();
    expect(bn.gamma!.grad!.data.every((v) => v === 0)).toBe(true);
  });

  it('eval backward treats running statistics as constants; trackRunningStats false uses batch stats in eval', () => {
    const bn = new BatchNorm(2);
    bn.forward([[1, 2], [3, 5]]);
    bn.eval();
    bn.forward([[1, 2], [3, 5]]);
    const dx = bn.backward([[1, 1], [1, 1]]);
    const rv = bn.runningVar!.data;
    expect(dx.data[0]).toBeCloseTo(1 / Math.sqrt(rv[0] + 1e-5), 14);
    const nt = new BatchNorm(2, { trackRunningStats: false }).eval();
    expect(nt.runningMean).toBeNull();
    expectMatches(nt.forward([[1, 2], [3, 5]]), batchNorm([[1, 2], [3, 5]]), 1e-15, 0);
  });

  it('4-D per channel and channels-last', () => {
    const rng = createRng(1);
    const x = normal([2, 3, 4, 4], { rng });
    const bn = new BatchNorm(3);
    expectMatches(bn.forward(x), batchNorm(x), 1e-15, 1e-15);
    const last = new BatchNorm(4, { axis: -1 });
    expectMatches(last.forward(x), batchNorm(x, { axis: -1 }), 1e-15, 1e-15);
  });

  it('state dict round trip and validation', () => {
    const a = new BatchNorm(2);
    a.forward([[1, 2], [3, 7], [0, 1]]);
    const b = new BatchNorm(2);
    b.loadStateDict(JSON.parse(JSON.stringify(a.stateDict())));
    expect(Array.from(b.runningVar!.data)).toEqual(Array.from(a.runningVar!.data));
    expect(b.numBatchesTracked).toBe(1);
    const bad = a.stateDict();
    bad.tensors.gamma.shape = [3];
    const before = JSON.stringify(b.stateDict());
    expect(() => b.loadStateDict(bad)).toThrow('BatchNorm.loadStateDict: tensors.gamma has shape [3] but the module\'s is [2]');
    expect(() => b.loadStateDict({ ...a.stateDict(), scalars: { numBatchesTracked: -1 } })).toThrow(/numBatchesTracked is -1/);
    expect(JSON.stringify(b.stateDict())).toBe(before);
  });

  it('bad input is a clear error and touches no running statistic', () => {
    const bn = new BatchNorm(3);
    const before = JSON.stringify(bn.stateDict());
    expect(() => bn.forward([[1, 2, 3]])).toThrow(/^BatchNorm.forward: expected more than 1 value per channel when training, got input of shape \[1,3\] \(a last batch of one row\? batches\(x, y, \{ dropLast: true \}\) drops it/);
    expect(() => bn.forward([[1, 2], [3, 4]])).toThrow(/x has shape \[2,2\] with 2 channels on axis 1, but the layer has numFeatures 3/);
    expect(() => bn.forward([1, 2, 3])).toThrow(ShapeError);
    expect(() => bn.backward([[1, 2, 3]])).toThrow(NablaError);
    expect(() => bn.backward([[1, 2, 3]])).toThrow(/no forward to differentiate/);
    expect(JSON.stringify(bn.stateDict())).toBe(before);
    expect(() => new BatchNorm(3, { eps: 0 })).toThrow('BatchNorm: options.eps must be a positive finite number, got 0');
    expect(() => new BatchNorm(0)).toThrow(/numFeatures must be a positive integer/);
    expect(() => new BatchNorm(3, { momentum: 2 })).toThrow(/momentum must be a number in \[0, 1\] or null/);
    expect(() => batchNorm([[1, 2]], { gamma: [1, 2, 3] })).toThrow(/options.gamma has shape \[3\] but x has 2 channels/);
    expect(() => batchNorm([[1, 2]], { mean: [0, 0] })).toThrow(/must be given together/);
    expect(() => recomputeStatistics(bn, [[[1, 2]]])).toThrow(/with 2 channels/);
    expect(() => recomputeStatistics(bn, 5 as never)).toThrow(ValueError);
  });
});

describe('statistics that overflow one-pass are recomputed two-pass (issue 17, item 13)', () => {
  // Hand-derived: for ±1.5e308, Σx = 0 so μ = 0, Σ(x − μ)² = ∞, σ⁻¹ = 1/√∞ = 0, x̂ = x·0 = 0, y = β
  // (PyTorch's two-pass kernel gives the same). Welford's d = x − mean = −3e308 = −∞ gave NaN.
  it('functional forward, [N, C] and [N, C, L] layouts, one channel at a time', () => {
    expect(batchNorm([[1.5e308], [-1.5e308]], { beta: [0.25] }).toArray()).toEqual([[0.25], [0.25]]);
    expect(batchNorm([[[1.5e308, -1.5e308]], [[-1.5e308, 1.5e308]]], { beta: [-1] }).toArray()).toEqual([[[-1, -1]], [[-1, -1]]]);
    // A second, ordinary channel is untouched by its neighbour's fallback: [1, 3] → ∓1/√(1 + ε).
    const y = batchNorm([[1.5e308, 1], [-1.5e308, 3]]).toArray() as number[][];
    expect(y.map((r) => r[0])).toEqual([0, -0]); // x̂ = x·0 keeps the sign of x
    expect(y.map((r) => r[1])).toEqual([-1 / Math.sqrt(1 + 1e-5), 1 / Math.sqrt(1 + 1e-5)]);
  });

  it('the layer: running mean 0.9·0 + 0.1·0 = 0, running variance ∞, output β', () => {
    const bn = new BatchNorm(1);
    expect(bn.forward([[1.5e308], [-1.5e308]]).toArray()).toEqual([[0], [0]]);
    expect(bn.runningMean!.toArray()).toEqual([0]);
    expect(bn.runningVar!.toArray()).toEqual([Infinity]);
  });
});

describe('one value per channel in training mode (issue 17, item 15)', () => {
  it('the functional forms throw like the layer and F.batch_norm, instead of returning zeros', () => {
    // PyTorch: ValueError "Expected more than 1 value per channel when training, got input size [1, 3]".
    for (const [x, shape] of [[[[1, 2, 3]], '[1,3]'], [[[[[5]], [[6]]]], '[1,2,1,1]']] as const) {
      expect(() => batchNorm(x)).toThrow(ValueError);
      expect(() => batchNorm(x)).toThrow(`batchNorm: expected more than 1 value per channel when training, got input of shape ${shape}`);
      expect(() => batchNormBackward(x, x)).toThrow(`batchNormBackward: expected more than 1 value per channel when training, got input of shape ${shape}`);
    }
    // With given statistics (eval mode) one row is fine.
    expect(batchNorm([[1, 2, 3]], { mean: [1, 1, 1], variance: [1, 1, 1], eps: 1e-300 }).toArray()).toEqual([[0, 1, 2]]);
    // Two values per channel (over N·H·W) are enough.
    expect(batchNorm([[[1, 3]]]).toArray()).toEqual([[[-1 / Math.sqrt(1 + 1e-5), 1 / Math.sqrt(1 + 1e-5)]]]);
  });
});

describe('the textbook: batch normalization keeps a deep sigmoid network out of saturation', () => {
  it('pre-activations of 8 sigmoid layers stay near mean 0, std 1 with BN; without it they saturate', () => {
    const rng = createRng(7);
    const N = 256;
    const D = 64;
    const x = normal([N, D], { rng });
    let h = x;
    let hb = x;
    const satPlain: number[] = [];
    const satBn: number[] = [];
    for (let l = 0; l < 8; l++) {
      const W = normal([D, D], { rng, std: 1 }); // too large a range (the textbook's warning)
      const z = matmul(h, W);
      const zb = new BatchNorm(D).forward(matmul(hb, W));
      const frac = (t: Tensor) => t.data.reduce((s, v) => s + (Math.abs(v) > 4 ? 1 : 0), 0) / t.size;
      satPlain.push(frac(z));
      satBn.push(frac(zb));
      h = sigmoid(z);
      hb = sigmoid(zb);
    }
    // σ'(4) ≈ 0.018: beyond |z| > 4 a sigmoid has all but stopped passing gradient.
    expect(Math.min(...satPlain.slice(1))).toBeGreaterThan(0.3);
    expect(Math.max(...satBn)).toBeLessThan(0.001);
  });
});
