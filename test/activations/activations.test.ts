import { describe, expect, it } from 'vitest';
import {
  ShapeError, ValueError, gradCheck, leakyRelu, leakyReluBackward, logSoftmax, logSoftmaxBackward, prelu, preluBackward,
  relu, reluBackward, sigmoid, sigmoidBackward, softmax, softmaxBackward, softplus, softplusBackward, tanh, tanhBackward,
  tensor, zeros, type Tensor,
} from '../../src/index.js';
import { expectMatches, fromFix, loadFixture, type FixTensor } from '../helpers/fixtures.js';

const fx = loadFixture('activations.json');
const X = fromFix(fx.x);
const DY = fromFix(fx.dy);
// Relative 1e-15 plus an absolute floor in the subnormal range, where float64 itself has no relative precision.
const R = 1e-15;
const A = 1e-300;

describe('activations against 50-digit references', () => {
  it('sigmoid and its backward', () => {
    expectMatches(sigmoid(X), fx.sigmoid, R, A, 'sigmoid');
    expectMatches(sigmoidBackward(DY, X), fx.sigmoidBackward, 4e-15, A, 'sigmoidBackward');
  });
  it('tanh and its backward', () => {
    expectMatches(tanh(X), fx.tanh, R, A, 'tanh');
    expectMatches(tanhBackward(DY, X), fx.tanhBackward, 4e-15, A, 'tanhBackward');
  });
  it('relu and leakyRelu (exact)', () => {
    expectMatches(relu(X), fx.relu, 0, 0, 'relu');
    expectMatches(reluBackward(DY, X), fx.reluBackward, 0, 0, 'reluBackward');
    for (const s of [0.01, 0.2]) {
      expectMatches(leakyRelu(X, s), fx[`leakyRelu_${s}`], 0, 0, `leakyRelu ${s}`);
      expectMatches(leakyReluBackward(DY, X, s), fx[`leakyReluBackward_${s}`], 0, 0, `leakyReluBackward ${s}`);
    }
  });
  for (const c of fx.softplus as { beta: number; threshold: number; out: FixTensor; grad: FixTensor }[]) {
    it(`softplus beta ${c.beta} threshold ${c.threshold}`, () => {
      const o = { beta: c.beta, threshold: c.threshold };
      expectMatches(softplus(X, o), c.out, 2e-15, A, 'softplus');
      expectMatches(softplusBackward(DY, X, o), c.grad, 2e-15, A, 'softplusBackward');
    });
  }
  it('prelu scalar and per-channel, with dalpha', () => {
    const p = fx.prelu;
    const x = fromFix(p.x);
    const dy = fromFix(p.dy);
    expectMatches(prelu(x, p.alphaScalar), p.outScalar, 0, 0);
    const s = preluBackward(dy, x, p.alphaScalar);
    expectMatches(s.dx, p.dxScalar, 0, 0);
    expect(s.dalpha.shape).toEqual([]);
    expect(s.dalpha.item()).toBeCloseTo(p.dalphaScalar, 13);
    const alpha = fromFix(p.alphaChannels);
    expectMatches(prelu(x, alpha), p.outChannels, 0, 0);
    const c = preluBackward(dy, x, alpha);
    expectMatches(c.dx, p.dxChannels, 0, 0);
    expectMatches(c.dalpha, p.dalphaChannels, 1e-14, 1e-15);
  });
  for (const c of fx.softmaxCases as { x: FixTensor; axis: number; dy: FixTensor; softmax: FixTensor; logSoftmax: FixTensor; softmaxBackward: FixTensor; logSoftmaxBackward: FixTensor }[]) {
    it(`softmax/logSoftmax ${JSON.stringify(c.x.shape)} axis ${c.axis}`, () => {
      const x = fromFix(c.x);
      const dy = fromFix(c.dy);
      expectMatches(softmax(x, c.axis), c.softmax, 1e-13, 1e-300, 'softmax');
      expectMatches(logSoftmax(x, c.axis), c.logSoftmax, 1e-15, 1e-13, 'logSoftmax');
      expectMatches(softmaxBackward(dy, x, c.axis), c.softmaxBackward, 1e-13, 1e-15, 'softmaxBackward');
      expectMatches(logSoftmaxBackward(dy, x, c.axis), c.logSoftmaxBackward, 1e-13, 1e-15, 'logSoftmaxBackward');
    });
  }
});

describe('the textbook’s numbers and worked example AC1 (docs/semantics.md)', () => {
  it('σ(2.0), σ(1.2), σ(4.0) = 0.8808, 0.7685, 0.9820', () => {
    const s = sigmoid([2.0, 1.2, 4.0]).data;
    expect(s[0]).toBeCloseTo(0.8808, 4);
    expect(s[1]).toBeCloseTo(0.7685, 4);
    expect(s[2]).toBeCloseTo(0.982, 4);
  });
  it('softmax of s = [2.0, 1.2, 4.0] is [0.1131, 0.0508, 0.8360]', () => {
    const s = softmax([2.0, 1.2, 4.0]).data;
    expect(s[0]).toBeCloseTo(0.1131, 4);
    expect(s[1]).toBeCloseTo(0.0508, 4);
    expect(s[2]).toBeCloseTo(0.836, 4);
  });
  it('worked example AC1: LeakyReLU and PReLU at [−3, −0.5, 0, 2]', () => {
    expect(leakyRelu([-3, -0.5, 0, 2]).toArray()).toEqual([-0.03, -0.005, 0, 2]);
    expect(leakyRelu([-3, -0.5, 0, 2], 0.3).toArray()).toEqual([-0.8999999999999999, -0.15, 0, 2]);
    const { dx, dalpha } = preluBackward([1, 1, 1, 1], [-3, -0.5, 0, 2], 0.25);
    expect(prelu([-3, -0.5, 0, 2], 0.25).toArray()).toEqual([-0.75, -0.125, 0, 2]);
    expect(dx.toArray()).toEqual([0.25, 0.25, 0.25, 1]);
    expect(dalpha.item()).toBe(-3.5);
  });
  it('worked example AC1: softplus(β=2) at [5, 10, 11] and softmax of [1000, 1001, 1002]', () => {
    const sp = softplus([5, 10, 11], { beta: 2 }).data;
    expect(sp[0]).toBeCloseTo(5.000022699, 9);
    expect(sp[1]).toBe(10.000000001030577);
    expect(sp[2]).toBe(11);
    const s = softmax([1000, 1001, 1002]).data;
    expect(s[0]).toBeCloseTo(0.09003057317, 11);
    expect(logSoftmax([1000, 1001, 1002]).data[2]).toBeCloseTo(-0.4076059644, 10);
  });
});

describe('special values', () => {
  it('sigmoid/tanh/softplus of ±∞ and NaN', () => {
    expect(sigmoid([Infinity, -Infinity]).toArray()).toEqual([1, 0]);
    expect(sigmoid([NaN]).data[0]).toBeNaN();
    expect(tanh([Infinity, -Infinity]).toArray()).toEqual([1, -1]);
    expect(Object.is(tanh([-0]).data[0], -0)).toBe(true);
    expect(softplus([Infinity, -Infinity, -1000, 1000]).toArray()).toEqual([Infinity, 0, 0, 1000]);
    expect(softplus([NaN]).data[0]).toBeNaN();
    expect(softplus([1000], { threshold: Infinity }).toArray()).toEqual([1000]); // no overflow without threshold
  });
  it('relu: −0 → 0, NaN → NaN and passes dy; −∞ → 0', () => {
    expect(Object.is(relu([-0]).data[0], 0)).toBe(true);
    expect(relu([NaN]).data[0]).toBeNaN();
    expect(reluBackward([3], [NaN]).toArray()).toEqual([3]);
    expect(relu([-Infinity, Infinity]).toArray()).toEqual([0, Infinity]);
  });
  it('kink conventions are PyTorch’s', () => {
    expect(reluBackward([1], [0]).toArray()).toEqual([0]);
    expect(leakyReluBackward([1], [0], 0.1).toArray()).toEqual([0.1]);
    expect(preluBackward([1], [0], 0.3).dx.toArray()).toEqual([0.3]);
  });
  it('softmax rows with ±∞ and NaN; all −∞ gives NaN like PyTorch', () => {
    expect(softmax([-Infinity, 0]).toArray()).toEqual([0, 1]);
    expect(softmax([-Infinity, -Infinity]).data.every(Number.isNaN)).toBe(true);
    expect(softmax([NaN, 0]).data.every(Number.isNaN)).toBe(true);
    expect(logSoftmax([1000, 0, -1000]).toArray()).toEqual([0, -1000, -2000]);
  });
  it('size-1 and empty dimensions', () => {
    expect(softmax([[5]]).toArray()).toEqual([[1]]);
    expect(softmax(tensor(3)).item()).toBe(1);
    expect(softmax(zeros([0, 3])).shape).toEqual([0, 3]);
    expect(softmax(zeros([2, 0]), 1).shape).toEqual([2, 0]);
    expect(sigmoid(zeros([0])).shape).toEqual([0]);
  });
});

describe('gradient checks (central differences)', () => {
  const x = tensor([[0.3, -1.2, 2.5, -0.7], [1.1, 0.4, -2.2, 3.3]]);
  const pairs: [string, (x: Tensor) => Tensor, (dy: Tensor, x: Tensor) => Tensor][] = [
    ['sigmoid', sigmoid, sigmoidBackward],
    ['tanh', tanh, tanhBackward],
    ['relu', relu, reluBackward],
    ['leakyRelu', (v) => leakyRelu(v, 0.2), (dy, v) => leakyReluBackward(dy, v, 0.2)],
    ['softplus', (v) => softplus(v, { beta: 2 }), (dy, v) => softplusBackward(dy, v, { beta: 2 })],
    ['softmax axis -1', (v) => softmax(v), (dy, v) => softmaxBackward(dy, v)],
    ['softmax axis 0', (v) => softmax(v, 0), (dy, v) => softmaxBackward(dy, v, 0)],
    ['logSoftmax', (v) => logSoftmax(v), (dy, v) => logSoftmaxBackward(dy, v)],
  ];
  for (const [name, forward, backward] of pairs) {
    it(name, () => {
      const r = gradCheck({ forward, backward }, [x], { rtol: 1e-7 });
      expect(r.ok, JSON.stringify(r.worst)).toBe(true);
    });
  }
  it('prelu with respect to x and per-channel alpha', () => {
    const xs = tensor([[[0.5, -1.5], [-0.3, 2]], [[-2, 1], [0.7, -0.9]]]);
    const r = gradCheck(
      { forward: (v, a) => prelu(v, a), backward: (dy, v, a) => preluBackward(dy, v, a) },
      [xs, [0.25, -0.5]],
      { rtol: 1e-7 },
    );
    expect(r.ok, JSON.stringify(r.worst)).toBe(true);
  });
});

describe('bad input', () => {
  it('backward shapes must match', () => {
    expect(() => sigmoidBackward([1, 2], [1])).toThrow(ShapeError);
    expect(() => reluBackward([1, 2], [1])).toThrow('reluBackward: dy has shape [2] but x has shape [1] (they must match)');
  });
  it('options are validated', () => {
    expect(() => softplus([1], { beta: 0 })).toThrow('softplus: options.beta must be a positive finite number, got 0');
    expect(() => softplus([1], { threshold: NaN })).toThrow(ValueError);
    expect(() => leakyRelu([1], NaN)).toThrow(/leakyRelu: negativeSlope must be a finite number, got NaN/);
    expect(() => softmax([[1, 2]], 2)).toThrow(/softmax: axis 2 is out of range for a tensor of rank 2/);
  });
  it('prelu alpha must fit the channels', () => {
    expect(() => prelu(zeros([2, 3]), [1, 2])).toThrow(/prelu: alpha has 2 channels but x has shape \[2,3\]/);
    expect(() => prelu(zeros([3]), [1, 2, 3])).toThrow(ShapeError);
    expect(() => prelu(zeros([3]), [[1]])).toThrow(/alpha must be a number or a 1-D \[C\] tensor/);
  });
});
