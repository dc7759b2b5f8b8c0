// BatchNorm's running statistics set by hand, and a NumPy course's running-average convention
// (momentum on the old value, biased variance, running_var from 0) as nabla options, against the
// course's batchnorm_forward (scripts/fixtures/course.py).
import { describe, expect, it } from 'vitest';
import { BatchNorm, ShapeError, ValueError, relError, tensor } from '../../src/index.js';
import { fromFix, loadFixture, type FixTensor } from '../helpers/fixtures.js';

const fx = loadFixture('course.json').batchnorm as Record<string, { gamma: FixTensor; beta: FixTensor; train: FixTensor[]; test: FixTensor; runningMean: FixTensor; runningVar: FixTensor; testOut: FixTensor }>;

describe('the course’s convention: { convention: "keras", momentum: 0.9, eps: 1e-5, axis: 1 } and running variance from 0', () => {
  for (const [name, c] of Object.entries(fx)) {
    it(`${name}: running averages after three batches, then a test-mode forward`, () => {
      const C = c.gamma.shape[0];
      const bn = new BatchNorm(C, { convention: 'keras', momentum: 0.9, eps: 1e-5, axis: 1 });
      bn.setRunningStatistics({ variance: 0 });
      bn.gamma?.data.set(fromFix(c.gamma).data);
      bn.beta?.data.set(fromFix(c.beta).data);
      for (const t of c.train) bn.forward(fromFix(t));
      expect(relError(bn.runningMean!, fromFix(c.runningMean))).toBeLessThan(1e-14);
      expect(relError(bn.runningVar!, fromFix(c.runningVar))).toBeLessThan(1e-14);
      bn.eval();
      expect(relError(bn.forward(fromFix(c.test)), fromFix(c.testOut))).toBeLessThan(1e-13);
    });
  }

  it('without the reset the running variance starts at 1, and the result differs', () => {
    const c = fx.dense;
    const bn = new BatchNorm(c.gamma.shape[0], { convention: 'keras', momentum: 0.9, eps: 1e-5, axis: 1 });
    for (const t of c.train) bn.forward(fromFix(t));
    expect(relError(bn.runningVar!, fromFix(c.runningVar))).toBeGreaterThan(1e-3);
  });
});

describe('setRunningStatistics', () => {
  it('sets mean and variance from numbers or [C] tensors, and the batch counter; omitted entries keep their values', () => {
    const bn = new BatchNorm(3);
    bn.setRunningStatistics({ variance: 0 });
    expect(Array.from(bn.runningVar?.data ?? [])).toEqual([0, 0, 0]);
    expect(Array.from(bn.runningMean?.data ?? [])).toEqual([0, 0, 0]);
    bn.setRunningStatistics({ mean: [1, -2, 0.5], numBatchesTracked: 4 });
    expect(Array.from(bn.runningMean?.data ?? [])).toEqual([1, -2, 0.5]);
    expect(Array.from(bn.runningVar?.data ?? [])).toEqual([0, 0, 0]);
    expect(bn.numBatchesTracked).toBe(4);
    bn.setRunningStatistics({ variance: tensor([2, 3, 4]) });
    expect(Array.from(bn.runningVar?.data ?? [])).toEqual([2, 3, 4]);
    bn.setRunningStatistics({ mean: null, variance: null });
    expect(Array.from(bn.runningVar?.data ?? [])).toEqual([2, 3, 4]);
  });

  it('eval mode uses what was set', () => {
    const bn = new BatchNorm(2, { affine: false });
    bn.setRunningStatistics({ mean: [1, 2], variance: [4 - 1e-5, 1 - 1e-5] });
    bn.eval();
    const y = bn.forward([[3, 2], [1, 4]]);
    expect(relError(y, [[1, 0], [0, 2]])).toBeLessThan(1e-15);
  });

  it('copies its input', () => {
    const bn = new BatchNorm(2);
    const v = tensor([1, 2]);
    bn.setRunningStatistics({ variance: v });
    v.data.fill(9);
    expect(Array.from(bn.runningVar?.data ?? [])).toEqual([1, 2]);
  });

  describe('bad input: a clear error and nothing changed', () => {
    const cases: [string, Record<string, unknown>, string | RegExp, typeof ValueError | typeof ShapeError][] = [
      ['a negative variance (after a valid mean)', { mean: [5, 5, 5], variance: [1, -0.5, 1] }, 'BatchNorm.setRunningStatistics: stats.variance[1] is -0.5 (expected a finite number ≥ 0)', ValueError],
      ['a negative variance given as a number', { variance: -1 }, 'BatchNorm.setRunningStatistics: stats.variance[0] is -1 (expected a finite number ≥ 0)', ValueError],
      ['a NaN mean', { mean: [0, NaN, 0] }, 'BatchNorm.setRunningStatistics: stats.mean[1] is NaN (expected a finite number)', ValueError],
      ['an infinite variance', { variance: [1, 1, Infinity] }, /stats.variance\[2\] is Infinity/, ValueError],
      ['the wrong shape', { mean: [1, 2] }, 'BatchNorm.setRunningStatistics: stats.mean has shape [2] (expected [3], one value per feature, or a number)', ShapeError],
      ['a [1, C] tensor', { variance: [[1, 1, 1]] }, /stats.variance has shape \[1,3\]/, ShapeError],
      ['a bad counter', { mean: [1, 1, 1], numBatchesTracked: -1 }, 'BatchNorm.setRunningStatistics: stats.numBatchesTracked must be a non-negative integer, got -1', ValueError],
      ['a misspelled key', { var: [1, 1, 1] }, /BatchNorm.setRunningStatistics: stats has an unknown key "var" \(did you mean "variance"\?\)/, ValueError],
      ['a non-object', 5 as never, 'BatchNorm.setRunningStatistics: stats must be a plain object, got 5', ValueError],
    ];
    for (const [name, stats, message, type] of cases) {
      it(name, () => {
        const bn = new BatchNorm(3);
        bn.forward([[1, 2, 3], [4, 6, 9]]);
        const before = JSON.stringify(bn.stateDict());
        expect(() => bn.setRunningStatistics(stats as never)).toThrow(type);
        expect(() => bn.setRunningStatistics(stats as never)).toThrow(message);
        expect(JSON.stringify(bn.stateDict())).toBe(before);
      });
    }

    it('a layer without running statistics', () => {
      const bn = new BatchNorm(2, { trackRunningStats: false });
      expect(() => bn.setRunningStatistics({ variance: 0 })).toThrow('BatchNorm.setRunningStatistics: the layer has no running statistics (trackRunningStats is false)');
    });
  });
});
