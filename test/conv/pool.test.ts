import { describe, expect, it } from 'vitest';
import { avgPool2d, avgPool2dBackward, createRng, gradCheck, maxPool2d, maxPool2dBackward, ShapeError, Tensor, tensor, ValueError, type AvgPool2dOptions, type MaxPool2dOptions } from '../../src/index.js';
import { expectMatches, fromFix, loadFixture, type FixTensor } from '../helpers/fixtures.js';

const fx = loadFixture('torch/conv15.json');

interface PoolCase<O> {
  name: string;
  options: O;
  x: FixTensor;
  y: FixTensor;
  dy: FixTensor;
  dx: FixTensor;
}

describe('maxPool2d against PyTorch 1.13', () => {
  for (const c of fx.maxPool2d as PoolCase<MaxPool2dOptions>[]) {
    it(c.name, () => {
      const x = fromFix(c.x);
      // Max pooling selects, it does not compute: values and gradients are exact.
      expectMatches(maxPool2d(x, c.options), c.y, 0, 0, 'y');
      expectMatches(maxPool2dBackward(fromFix(c.dy), x, c.options), c.dx, 1e-15, 1e-15, 'dx');
    });
  }
});

describe('avgPool2d against PyTorch 1.13', () => {
  for (const c of fx.avgPool2d as PoolCase<AvgPool2dOptions>[]) {
    it(c.name, () => {
      const x = fromFix(c.x);
      expectMatches(avgPool2d(x, c.options), c.y, 1e-15, 1e-16, 'y');
      expectMatches(avgPool2dBackward(fromFix(c.dy), x, c.options), c.dx, 1e-15, 1e-16, 'dx');
    });
  }
});

describe('pooling: gradCheck in float64 (distinct values, so no max is tied)', () => {
  // A permutation scaled: all values distinct and at least 0.01 apart, so ±1e−6 never changes a max.
  const n = 2 * 2 * 7 * 6;
  const x = tensor(Array.from({ length: n }, (_, i) => ((i * 37) % n) / 100 - 0.8), [2, 2, 7, 6]);
  const opts: MaxPool2dOptions[] = [
    { kernelSize: 2 },
    { kernelSize: 3, stride: 2, padding: 1, ceilMode: true },
    { kernelSize: [2, 3], stride: [1, 2], dilation: [2, 1], padding: [1, 1] },
  ];
  for (const o of opts) {
    it(`maxPool2d ${JSON.stringify(o)}`, () => {
      const r = gradCheck({ forward: (v) => maxPool2d(v, o), backward: (dy, v) => maxPool2dBackward(dy, v, o) }, [x], { rtol: 1e-7, atol: 1e-9 });
      expect(r.ok, JSON.stringify(r.worst)).toBe(true);
    });
  }
  const aopts: AvgPool2dOptions[] = [
    { kernelSize: 2 },
    { kernelSize: 3, stride: 2, padding: 1, ceilMode: true },
    { kernelSize: 3, stride: 2, padding: 1, ceilMode: true, countIncludePad: false },
    { kernelSize: [2, 3], stride: [1, 2], padding: [1, 1], divisorOverride: 5 },
  ];
  for (const o of aopts) {
    it(`avgPool2d ${JSON.stringify(o)}`, () => {
      const r = gradCheck({ forward: (v) => avgPool2d(v, o), backward: (dy, v) => avgPool2dBackward(dy, v, o) }, [x], { rtol: 1e-7, atol: 1e-9 });
      expect(r.ok, JSON.stringify(r.worst)).toBe(true);
    });
  }
});

describe('pooling: special cases', () => {
  it('max ties go to the first element in window order', () => {
    const x = tensor([2, 2, 2, 2], [1, 1, 2, 2]);
    expect(maxPool2dBackward([[[[1]]]], x, { kernelSize: 2 }).toArray()).toEqual([[[[1, 0], [0, 0]]]]);
    // Overlapping windows add up on a shared maximum.
    expect(maxPool2dBackward([[[[1, 10]]]], tensor([0, 5, 0], [1, 1, 1, 3]), { kernelSize: [1, 2], stride: 1 }).toArray()).toEqual([[[[0, 11, 0]]]]);
  });
  it('max padding never wins: all-negative input with padding', () => {
    expect(maxPool2d(tensor([-3, -2, -5, -4], [1, 1, 2, 2]), { kernelSize: 2, stride: 1, padding: 1 }).toArray()).toEqual([[[[-3, -2, -2], [-3, -2, -2], [-5, -4, -4]]]]);
  });
  it('a dilated window with no tap inside the input gives −∞ and no gradient', () => {
    // Taps at −1 and 2 of a length-2 axis.
    const x = tensor([1, 2], [1, 1, 1, 2]);
    const o = { kernelSize: [1, 2] as [number, number], padding: [0, 1] as [number, number], dilation: [1, 3] as [number, number] };
    expect(maxPool2d(x, o).toArray()).toEqual([[[[-Infinity]]]]);
    expect(maxPool2dBackward([[[[1]]]], x, o).toArray()).toEqual([[[[0, 0]]]]);
  });
  it('avg: countIncludePad and divisorOverride change only the divisor', () => {
    const x = tensor([1, 2, 3, 4], [1, 1, 2, 2]);
    expect(avgPool2d(x, { kernelSize: 2, stride: 1, padding: 1 }).data[0]).toBe(0.25);
    expect(avgPool2d(x, { kernelSize: 2, stride: 1, padding: 1, countIncludePad: false }).data[0]).toBe(1);
    expect(avgPool2d(x, { kernelSize: 2, stride: 1, padding: 1, divisorOverride: -2 }).data[0]).toBe(-0.5);
  });
  it('inputs are not modified', () => {
    const x = tensor([1, 5, 2, 4, 3, 0], [1, 1, 2, 3]);
    const copy = x.data.slice();
    maxPool2dBackward(maxPool2d(x, { kernelSize: 2, stride: 1 }), x, { kernelSize: 2, stride: 1 });
    avgPool2dBackward(avgPool2d(x, { kernelSize: 2, stride: 1 }), x, { kernelSize: 2, stride: 1 });
    expect(x.data).toEqual(copy);
  });
});

describe('pooling: bad input (before any work)', () => {
  const x = tensor(new Array(16).fill(1), [1, 1, 4, 4]);
  it('kernelSize required; sizes and strides positive integers; padding ≤ kernel/2', () => {
    expect(() => maxPool2d(x, {} as never)).toThrow(/maxPool2d: options.kernelSize is required/);
    expect(() => maxPool2d(x, undefined as never)).toThrow(/options.kernelSize is required/);
    expect(() => maxPool2d(x, { kernelSize: 0 })).toThrow(/options.kernelSize must be a positive integer, got 0/);
    expect(() => avgPool2d(x, { kernelSize: 2, stride: 0 })).toThrow(/avgPool2d: options.stride must be a positive integer, got 0/);
    expect(() => maxPool2d(x, { kernelSize: 2, dilation: -1 })).toThrow(/options.dilation must be a positive integer/);
    expect(() => maxPool2d(x, { kernelSize: 3, padding: 2 })).toThrow(/options.padding 2 along the height is more than half the kernel 3/);
    expect(() => avgPool2d(x, { kernelSize: [4, 1], padding: [2, 1] })).toThrow(/along the width is more than half the kernel 1/);
  });
  it('window larger than the padded input (output would be empty)', () => {
    expect(() => maxPool2d(x, { kernelSize: 5 })).toThrow(/the height of the window is 5, larger than the padded input's height 4/);
    expect(() => maxPool2d(x, { kernelSize: 2, dilation: 4 })).toThrow(ShapeError);
  });
  it('x must be [N, C, H, W]; dy must match; unknown options; avg has no dilation', () => {
    expect(() => maxPool2d(tensor([1, 2, 3, 4], [2, 2]), { kernelSize: 1 })).toThrow(/x has shape \[2,2\] \(expected rank 4/);
    expect(() => maxPool2dBackward(tensor([1], [1, 1, 1, 1]), x, { kernelSize: 2 })).toThrow(/dy has shape \[1,1,1,1\] but the output of maxPool2d has shape \[1,1,2,2\]/);
    expect(() => avgPool2d(x, { kernelSize: 2, dilation: 2 } as never)).toThrow(/unknown key "dilation"/);
    expect(() => maxPool2d(x, { kernel_size: 2 } as never)).toThrow(/did you mean "kernelSize"/);
    expect(() => avgPool2d(x, { kernelSize: 2, countIncludePad: 1 } as never)).toThrow(/countIncludePad must be a boolean/);
    expect(() => avgPool2d(x, { kernelSize: 2, divisorOverride: 0 })).toThrow(/divisorOverride must be a non-zero integer, got 0/);
    expect(() => maxPool2d(x, { kernelSize: 2, ceilMode: 'yes' } as never)).toThrow(ValueError);
  });
});

describe('maxPool2d 2×2 fast path against a plain scan (many ties, NaN and ±∞ sprinkled in)', () => {
  /** PyTorch's rule written out directly: first maximum in window order, NaN wins (the last NaN). */
  function reference(x: Float64Array, [N, C, H, W]: number[], k: number, s: number, p: number, ceil: boolean, dy: Float64Array | null) {
    const size = (L: number) => {
      let o = Math.floor((L + 2 * p - k + (ceil ? s - 1 : 0)) / s) + 1;
      if (ceil && (o - 1) * s >= L + p) o--;
      return o;
    };
    const Ho = size(H);
    const Wo = size(W);
    const out = new Float64Array(N * C * Ho * Wo);
    const dx = new Float64Array(x.length);
    for (let q = 0; q < N * C; q++)
      for (let i = 0; i < Ho; i++)
        for (let j = 0; j < Wo; j++) {
          let m = -Infinity;
          let best = -1;
          for (let u = 0; u < k; u++)
            for (let v = 0; v < k; v++) {
              const iy = i * s - p + u;
              const ix = j * s - p + v;
              if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
              const at = (q * H + iy) * W + ix;
              if (best < 0) best = at;
              if (x[at] > m || Number.isNaN(x[at])) {
                m = x[at];
                best = at;
              }
            }
          const o = (q * Ho + i) * Wo + j;
          out[o] = m;
          if (dy !== null) dx[best] += dy[o];
        }
    return { out, dx, shape: [N, C, Ho, Wo] };
  }
  const rng = createRng(77);
  for (const [s, p, ceil] of [[2, 0, false], [1, 0, false], [2, 1, true], [3, 1, true], [1, 1, false]] as const) {
    it(`stride ${s}, padding ${p}, ceilMode ${ceil}`, () => {
      const shape = [2, 3, 9, 8];
      const n = 2 * 3 * 9 * 8;
      const x = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const r = rng.random();
        x[i] = r < 0.02 ? NaN : r < 0.04 ? Infinity : r < 0.06 ? -Infinity : rng.integers(-2, 3);
      }
      const o = { kernelSize: 2, stride: s, padding: p, ceilMode: ceil };
      const ref = reference(x, shape, 2, s, p, ceil, null);
      const dy = new Float64Array(ref.out.length);
      for (let i = 0; i < dy.length; i++) dy[i] = rng.integers(1, 100);
      const withDx = reference(x, shape, 2, s, p, ceil, dy);
      const X = new Tensor(x, shape);
      expectMatches(maxPool2d(X, o), new Tensor(ref.out, ref.shape), 0, 0, 'y');
      expectMatches(maxPool2dBackward(new Tensor(dy, ref.shape), X, o), new Tensor(withDx.dx, shape), 0, 0, 'dx');
    });
  }
});
