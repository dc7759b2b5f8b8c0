import { describe, expect, it } from 'vitest';
import { ShapeError, ValueError, relError, tensor } from '../../src/index.js';

describe('relError: max |a − b| / max(1e−8, |a| + |b|)', () => {
  it('hand values', () => {
    expect(relError([1, 2], [1, 2])).toBe(0);
    expect(relError([3], [1])).toBe(0.5); // 2 / 4
    expect(relError([1], [-1])).toBe(1); // its maximum
    expect(relError([0], [0])).toBe(0);
    expect(relError([[1, 10], [4, 0.5]], [[1.5, 10], [4, 0.25]])).toBe(0.25 / 0.75); // elementwise (0.2, 0, 0, 1/3), then the max
    expect(relError(2, 3)).toBe(1 / 5); // numbers are shape-[] tensors
  });

  it('the 1e−8 floor: tiny values far apart in relative terms count as close', () => {
    expect(relError([1e-10], [0])).toBeCloseTo(1e-10 / 1e-8, 15); // 0.01, not 1
    expect(relError([3e-9], [1e-9])).toBeCloseTo(2e-9 / 1e-8, 15); // |a| + |b| = 4e-9 < 1e-8
  });

  it('symmetric, and the elementwise maximum (not the ratio of maxima)', () => {
    const a = tensor([100, 1e-3]);
    const b = tensor([100.1, 2e-3]);
    expect(relError(a, b)).toBe(relError(b, a));
    expect(relError(a, b)).toBeCloseTo(1e-3 / 3e-3, 12); // the small element dominates
  });

  it('NaN and infinity give what NumPy gives (NaN), so a threshold test fails; empty tensors give 0', () => {
    expect(relError([1, NaN], [1, 1])).toBeNaN();
    expect(relError([Infinity], [1])).toBeNaN(); // ∞/∞
    expect(relError([Infinity], [Infinity])).toBeNaN(); // (∞ − ∞) = NaN
    expect(relError([], [])).toBe(0);
  });

  it('bad input: shapes must match (no broadcasting); non-tensors are ValueErrors', () => {
    expect(() => relError([1, 2], [[1, 2]])).toThrow(ShapeError);
    expect(() => relError([1, 2], [[1, 2]])).toThrow('relError: shapes differ: a is [2], b is [1,2] (they must match)');
    expect(() => relError([1, 2], 1)).toThrow(ShapeError);
    expect(() => relError('x' as never, [1])).toThrow(ValueError);
  });
});
