import { describe, expect, it } from 'vitest';
import { gradCheck, layerNorm, layerNormBackward, ShapeError, tensor, ValueError } from '../../src/index.js';
import { expectMatches, fromFix, loadFixture, type FixTensor } from '../helpers/fixtures.js';

const fx = loadFixture('torch/ops15.json');

interface LnCase {
  shape: number[];
  normalizedShape: number[];
  eps: number;
  x: FixTensor;
  weight?: FixTensor;
  bias?: FixTensor;
  y: FixTensor;
  dy: FixTensor;
  dx: FixTensor;
  dweight: FixTensor;
  dbias: FixTensor;
}

describe('layerNorm against PyTorch 1.13', () => {
  for (const c of fx.layerNorm as LnCase[]) {
    const label = `x ${JSON.stringify(c.shape)} over ${JSON.stringify(c.normalizedShape)}${c.weight ? ' weight' : ''}${c.bias ? ' bias' : ''} eps ${c.eps}`;
    it(label, () => {
      const x = fromFix(c.x);
      const o = { weight: c.weight ? fromFix(c.weight) : undefined, bias: c.bias ? fromFix(c.bias) : undefined, eps: c.eps };
      expectMatches(layerNorm(x, c.normalizedShape, o), c.y, 1e-13, 1e-14, 'y');
      const g = layerNormBackward(fromFix(c.dy), x, c.normalizedShape, { weight: o.weight, eps: c.eps });
      expectMatches(g.dx, c.dx, 1e-12, 1e-13, 'dx');
      // PyTorch's x̂ = x·r − μ·r is not exactly 0 for a one-element row (r = 1/√ε ≈ 316): ~1e−13 noise.
      expectMatches(g.dweight, c.dweight, 1e-13, 1e-13, 'dweight');
      expectMatches(g.dbias, c.dbias, 1e-14, 1e-15, 'dbias');
    });
  }
  it('rows with a large mean (1e6 + U(−1, 1)): within 1e−9 of the 50-digit result (PyTorch’s x·r − μ·r form is off by ~1e−10 there)', () => {
    const c = fx.layerNormLargeMean;
    // Only the input's own rounding limits this: x − μ keeps ~10 of the 16 digits when |μ|/σ ≈ 1e6.
    expectMatches(layerNorm(fromFix(c.x), [8]), c.y, 1e-9, 1e-9, 'y');
  });
});

describe('properties and edge cases', () => {
  it('normalizedShape as a number; each row has mean 0 and biased variance 1/(1 + eps/σ²)', () => {
    const y = layerNorm([[1, 2, 3, 4], [10, 20, 30, 40]], 4, { eps: 0 + 1e-12 });
    for (let r = 0; r < 2; r++) {
      const row = Array.from(y.data.slice(r * 4, r * 4 + 4));
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 14);
      expect(row.reduce((a, b) => a + b * b, 0) / 4).toBeCloseTo(1, 10);
    }
  });
  it('a constant row gives 0 (then β); size-1 normalized dimension', () => {
    expect(Array.from(layerNorm([[5, 5, 5]], [3], { bias: [1, 2, 3] }).data)).toEqual([1, 2, 3]);
    expect(Array.from(layerNorm([[7], [-3]], [1]).data)).toEqual([0, 0]);
  });
  it('NaN or ∞ in a row makes that row NaN, not the others', () => {
    const y = layerNorm([[1, NaN, 3], [1, 2, 3], [Infinity, 0, 1]], [3]).data;
    expect([y[0], y[1], y[2], y[6], y[7], y[8]].every(Number.isNaN)).toBe(true);
    expect(y.slice(3, 6).every(Number.isFinite)).toBe(true);
  });
  it('empty batch', () => {
    expect(layerNorm(tensor([], [0, 3]), [3]).shape).toEqual([0, 3]);
    expect(layerNormBackward(tensor([], [0, 3]), tensor([], [0, 3]), [3]).dweight.toArray()).toEqual([0, 0, 0]);
  });
});

describe('gradCheck in float64 (x, weight and bias)', () => {
  const x = [[[0.3, -1.2, 0.8], [0.1, 2.0, -0.5]], [[1.5, 0.2, -0.4], [0.9, -0.7, 0.35]]];
  const w = [[1.2, 0.7, -0.3], [0.5, 1.1, 2.0]];
  const b = [[0.1, -0.2, 0.3], [0, 0.5, -1]];
  it('over the last two dimensions, all three gradients', () => {
    const r = gradCheck(
      {
        forward: (a, ww, bb) => layerNorm(a, [2, 3], { weight: ww, bias: bb, eps: 1e-3 }),
        backward: (dy, a, ww) => {
          const g = layerNormBackward(dy, a, [2, 3], { weight: ww, eps: 1e-3 });
          return [g.dx, g.dweight, g.dbias];
        },
      },
      [x, w, b],
      { rtol: 1e-7, atol: 1e-9 },
    );
    expect(r.ok, JSON.stringify(r.worst)).toBe(true);
  });
  it('over the last dimension, no affine', () => {
    const r = gradCheck({ forward: (a) => layerNorm(a, [3]), backward: (dy, a) => layerNormBackward(dy, a, [3]).dx }, [x], { rtol: 1e-7, atol: 1e-9 });
    expect(r.ok, JSON.stringify(r.worst)).toBe(true);
  });
});

describe('bad input', () => {
  it('normalizedShape must be the trailing dimensions of x', () => {
    expect(() => layerNorm([[1, 2, 3]], [2])).toThrow(/layerNorm: normalizedShape \[2\] is not the trailing dimensions of x's shape \[1,3\]/);
    expect(() => layerNorm([[1, 2, 3]], [1, 1, 3])).toThrow(ShapeError);
    expect(() => layerNorm([[1, 2, 3]], [])).toThrow(ValueError);
    expect(() => layerNorm([[1, 2, 3]], [3.5])).toThrow(/normalizedShape\[0\] is 3.5/);
  });
  it('weight and bias shaped like normalizedShape; eps > 0; unknown options', () => {
    expect(() => layerNorm([[1, 2, 3]], [3], { weight: [1, 2] })).toThrow(/options.weight has shape \[2\] but normalizedShape is \[3\]/);
    expect(() => layerNorm([[1, 2, 3]], [3], { eps: 0 })).toThrow(/options.eps must be a positive finite number/);
    expect(() => layerNorm([[1, 2, 3]], [3], { gamma: [1, 1, 1] } as never)).toThrow(/unknown key "gamma"/);
    expect(() => layerNormBackward([[1, 2, 3]], [[1, 2, 3]], [3], { bias: [1, 1, 1] } as never)).toThrow(/unknown key "bias"/);
    expect(() => layerNormBackward([[1, 2]], [[1, 2, 3]], [3])).toThrow(/dy has shape \[1,2\] but x has shape \[1,3\]/);
  });
});
