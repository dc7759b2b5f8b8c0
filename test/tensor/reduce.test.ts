import { describe, expect, it } from 'vitest';
import { ValueError, argmax, max, mean, min, sum, tensor, variance, zeros } from '../../src/index.js';
import { expectMatches, fromFix, loadFixture, type FixTensor } from '../helpers/fixtures.js';

const fx = loadFixture('tensor.json');

interface ReduceResult {
  axis: number | number[] | null;
  keepDims: boolean;
  sum: FixTensor;
  mean: FixTensor;
  var0: FixTensor;
  var1: FixTensor;
  max: FixTensor | null;
  min: FixTensor | null;
  argmax?: FixTensor | null;
}

describe('reductions against NumPy', () => {
  for (const c of fx.reduce as { x: FixTensor; results: ReduceResult[] }[]) {
    const x = fromFix(c.x);
    for (const r of c.results) {
      const axis = r.axis === null ? undefined : r.axis;
      const label = `shape ${JSON.stringify(c.x.shape)} axis ${JSON.stringify(r.axis)} keepDims ${r.keepDims}`;
      it(label, () => {
        // Few-ulp agreement; contiguous sums use NumPy's pairwise order and are usually bit-identical.
        expectMatches(sum(x, axis, r.keepDims), r.sum, 1e-14, 1e-14, `sum ${label}`);
        expectMatches(mean(x, axis, r.keepDims), r.mean, 1e-14, 1e-14, `mean ${label}`);
        expectMatches(variance(x, axis, { unbiased: false, keepDims: r.keepDims }), r.var0, 1e-13, 1e-14, `var0 ${label}`);
        expectMatches(variance(x, axis, { keepDims: r.keepDims }), r.var1, 1e-13, 1e-14, `var1 ${label}`);
        if (r.max === null) {
          expect(() => max(x, axis, r.keepDims)).toThrow(/max: cannot reduce an empty axis/);
          expect(() => min(x, axis, r.keepDims)).toThrow(/min: cannot reduce an empty axis/);
        } else {
          expectMatches(max(x, axis, r.keepDims), r.max, 0, 0, `max ${label}`);
          expectMatches(min(x, axis, r.keepDims), r.min!, 0, 0, `min ${label}`);
        }
        if (r.argmax === null) expect(() => argmax(x, axis, r.keepDims)).toThrow(ValueError);
        else if (r.argmax !== undefined) expectMatches(argmax(x, axis, r.keepDims), r.argmax, 0, 0, `argmax ${label}`);
      });
    }
  }

  it('NaN propagates through max/min, argmax finds the first NaN, ties give the first index', () => {
    const c = fx.reduceNan;
    const x = fromFix(c.x);
    expectMatches(max(x, 1), c.max1);
    expectMatches(min(x, 1), c.min1);
    expectMatches(argmax(x, 1), c.argmax1);
    expectMatches(argmax(x, 0), c.argmax0);
    expectMatches(sum(x, 1), c.sum1);
  });
});

describe('reduction edge cases', () => {
  it('hand-derived values', () => {
    expect(sum([[1, 2], [3, 4]]).item()).toBe(10);
    expect(mean([1, 2, 3, 4]).item()).toBe(2.5);
    // Σ(x−2.5)² = 5: unbiased 5/3, biased 5/4.
    expect(variance([1, 2, 3, 4]).item()).toBe(5 / 3);
    expect(variance([1, 2, 3, 4], undefined, { unbiased: false }).item()).toBe(1.25);
  });

  it('empty and single-element reductions follow NumPy/PyTorch', () => {
    expect(sum([]).item()).toBe(0);
    expect(mean([]).item()).toBeNaN();
    expect(variance([5]).item()).toBeNaN(); // n − 1 = 0
    expect(variance([5], undefined, { unbiased: false }).item()).toBe(0);
    expect(sum(zeros([0, 3]), 0).toArray()).toEqual([0, 0, 0]);
    expect(() => max([])).toThrow('max: cannot reduce an empty axis of a tensor of shape [0] (max has no identity)');
  });

  it('a scalar reduces to itself; axis [] reduces nothing', () => {
    expect(sum(tensor(3)).item()).toBe(3);
    expect(sum([[1, 2]], []).toArray()).toEqual([[1, 2]]);
  });

  it('bad axes are errors', () => {
    expect(() => sum([[1, 2]], 2)).toThrow('sum: axis 2 is out of range for a tensor of rank 2 (expected -2 ≤ axis < 2)');
    expect(() => sum([[1, 2]], [0, -2])).toThrow(/axis -2 is repeated/);
    expect(() => mean([[1, 2]], 0.5)).toThrow(/axis must be an integer, got 0.5/);
    expect(() => argmax([[1, 2]], [0, 1])).toThrow(/argmax: axis must be one axis/);
    expect(() => variance([1, 2], undefined, { unbiased: 1 as never })).toThrow(/options.unbiased must be a boolean/);
  });
});
