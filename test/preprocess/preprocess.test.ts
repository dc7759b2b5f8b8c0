import { describe, expect, it } from 'vitest';
import { ShapeError, ValueError, fitStandardizer, oneHot, standardize, tensor } from '../../src/index.js';

describe('standardize / fitStandardizer', () => {
  it('per-column mean and population std (hand-derived)', () => {
    // Column 0: [1, 3, 5] → mean 3, var ((4 + 0 + 4) / 3) = 8/3. Column 1: [2, 2, 8] → mean 4, var (4 + 4 + 16) / 3 = 8.
    const { out, mean, std } = standardize([[1, 2], [3, 2], [5, 8]]);
    expect(mean.toArray()).toEqual([3, 4]);
    expect(std.toArray()).toEqual([Math.sqrt(8 / 3), Math.sqrt(8)]);
    expect(out.data[0]).toBe(-2 / Math.sqrt(8 / 3));
    expect(out.data[5]).toBe(4 / Math.sqrt(8));
  });

  it('a constant column gets std 1 and maps to zeros', () => {
    const s = fitStandardizer([[1, 7], [3, 7]]);
    expect(s.std.toArray()).toEqual([1, 1]);
    expect(s.transform([[2, 7]]).toArray()).toEqual([[0, 0]]);
  });

  it('a constant column of 0.1 maps to exact zeros: its mean is its value, not Σx/N (issue 17, item 14)', () => {
    // Ten copies of 0.1 sum to 0.9999999999999999, so Σx/N = 0.09999999999999999 and a naive
    // two-pass σ is ≈ 1.4e-17 instead of 0, which mapped the column to -1.
    for (const N of [3, 10, 1000]) {
      const col = new Array<number[]>(N).fill([0.1, 0]).map((r, i) => [r[0], i]);
      const { out, mean, std } = standardize(col);
      expect(mean.data[0]).toBe(0.1);
      expect(std.data[0]).toBe(1);
      for (let i = 0; i < N; i++) expect(Object.is(out.data[2 * i], 0)).toBe(true);
    }
    const s = fitStandardizer([0.1, 0.1, 0.1]);
    expect(s.mean.item()).toBe(0.1);
    expect(s.std.item()).toBe(1);
    expect(s.transform([0.1, 0.2]).toArray()).toEqual([0, 0.2 - 0.1]);
    // A column that is not constant keeps its tiny but real spread.
    const t = fitStandardizer([1, 1 + 2 ** -52]);
    expect(t.std.item()).toBeGreaterThan(0);
    expect(t.std.item()).toBeLessThan(1e-15);
  });

  it('inverse undoes transform and 1-D input is one column', () => {
    const s = fitStandardizer([2, 4, 6, 8]);
    expect(s.mean.shape).toEqual([]);
    const t = s.transform([2, 8]);
    const back = s.inverse(t);
    expect(back.data[0]).toBeCloseTo(2, 14);
    expect(back.data[1]).toBeCloseTo(8, 14);
  });

  it('does not modify its input and validates shapes', () => {
    const x = tensor([[1, 2], [3, 4]]);
    standardize(x);
    expect(x.toArray()).toEqual([[1, 2], [3, 4]]);
    const s = fitStandardizer(x);
    expect(() => s.transform([[1, 2, 3]])).toThrow('transform: x has shape [1,3] but the standardizer was fitted on [N, 2] data');
    expect(() => standardize(tensor([1, 2, 3, 4], [1, 2, 2]))).toThrow(ShapeError);
    expect(() => fitStandardizer(tensor([], [0, 2]))).toThrow(/x has no rows/);
  });
});

describe('oneHot', () => {
  it('encodes number[], Int32Array and Tensor labels', () => {
    expect(oneHot([2, 0], 3).toArray()).toEqual([[0, 0, 1], [1, 0, 0]]);
    expect(oneHot(new Int32Array([1]), 2).toArray()).toEqual([[0, 1]]);
    expect(oneHot(tensor([0, 1]), 2).toArray()).toEqual([[1, 0], [0, 1]]);
    expect(oneHot([], 4).shape).toEqual([0, 4]);
  });

  it('names the bad label', () => {
    expect(() => oneHot([0, 3], 3)).toThrow(ValueError);
    expect(() => oneHot([0, 3], 3)).toThrow('oneHot: labels[1] is 3, out of range for 3 classes (expected 0 ≤ label < 3)');
    expect(() => oneHot([0, 1.5], 3)).toThrow('oneHot: labels[1] is 1.5 (expected an integer class index)');
    expect(() => oneHot([-1], 3)).toThrow(/labels\[0\] is -1/);
    expect(() => oneHot([0], 0)).toThrow(/numClasses must be a positive integer, got 0/);
  });
});
