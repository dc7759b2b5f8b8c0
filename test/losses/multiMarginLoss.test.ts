import { describe, expect, it } from 'vitest';
import { gradCheck, multiMarginLoss, multiMarginLossBackward, ShapeError, tensor, ValueError } from '../../src/index.js';
import { loadFixture } from '../helpers/fixtures.js';
import { checkTorchLoss, type TorchLossCase } from '../helpers/lossCases.js';

const cases = (loadFixture('torch/ops15.json').losses as TorchLossCase[]).filter((c) => c.name === 'multiMarginLoss');

describe('multiMarginLoss against PyTorch 1.13 (p 1/2, margin, weight; a margin met exactly)', () => {
  it('covers every option', () => expect(cases.length).toBe(6));
  for (const c of cases) it(c.label, () => checkTorchLoss(c));
});

describe('the SVM hinge loss by hand', () => {
  // CS231n's example: scores [3.2, 5.1, −1.7] for a cat (class 0), Δ = 1:
  // max(0, 5.1 − 3.2 + 1) + max(0, −1.7 − 3.2 + 1) = 2.9, and PyTorch divides by C = 3.
  it('CS231n scores: 2.9 / C', () => {
    expect(multiMarginLoss([[3.2, 5.1, -1.7]], [0]).item()).toBeCloseTo(2.9 / 3, 14);
    expect(Array.from(multiMarginLossBackward([[3.2, 5.1, -1.7]], [0], { reduction: 'sum' }).data)).toEqual([-1 / 3, 1 / 3, 0]);
  });
  it('a margin met exactly (z = 0) contributes no loss and no gradient', () => {
    expect(multiMarginLoss([[0.5, 1.5]], [1]).item()).toBe(0);
    expect(Array.from(multiMarginLossBackward([[0.5, 1.5]], [1]).data)).toEqual([0, 0]);
  });
  it('one sample [C]: none gives a scalar; C = 1 gives 0', () => {
    expect(multiMarginLoss([0.1, 0.9, 0.3], 2, { reduction: 'none' }).shape).toEqual([]);
    expect(multiMarginLoss([[4]], [0]).item()).toBe(0);
  });
  it('labels as number[], Int32Array or an integer tensor', () => {
    const x = [[0.2, 0.1], [0.4, 0.9]];
    const a = multiMarginLoss(x, [0, 1]).item();
    expect(multiMarginLoss(x, new Int32Array([0, 1])).item()).toBe(a);
    expect(multiMarginLoss(x, tensor([0, 1])).item()).toBe(a);
  });
});

describe('gradCheck in float64', () => {
  const x = [[0.3, -1.2, 0.8, 0.15], [1.5, 0.2, -0.4, 0.9], [-0.3, 0.65, 0.05, -1.1]];
  const y = [2, 0, 1];
  for (const o of [{}, { p: 2 as const }, { margin: 0.7, weight: [1, 2, 0.5, 3] }]) {
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      it(`${JSON.stringify(o)} ${reduction}`, () => {
        const opts = { ...o, reduction };
        const r = gradCheck({ forward: (a) => multiMarginLoss(a, y, opts), backward: (dy, a) => multiMarginLossBackward(a, y, { ...opts, dy }) }, [x], { rtol: 1e-7, atol: 1e-9 });
        expect(r.ok, JSON.stringify(r.worst)).toBe(true);
      });
    }
  }
});

describe('bad input', () => {
  it('p must be 1 or 2; labels in range; weight [C]; rank ≤ 2', () => {
    expect(() => multiMarginLoss([[1, 2]], [0], { p: 3 as never })).toThrow(/options.p must be 1 or 2, got 3/);
    expect(() => multiMarginLoss([[1, 2]], [2])).toThrow(/target\[0\] is 2, out of range for 2 classes/);
    expect(() => multiMarginLoss([[1, 2]], [0.5])).toThrow(ValueError);
    expect(() => multiMarginLoss([[1, 2]], [0], { weight: [1, 2, 3] })).toThrow(/options.weight has shape \[3\] but there are 2 classes/);
    expect(() => multiMarginLoss([[[1, 2]]], [[0]])).toThrow(ShapeError);
    expect(() => multiMarginLoss([[1, 2], [3, 4]], [0])).toThrow(/target has 1 labels|target has shape \[1\]/);
    expect(() => multiMarginLoss([[1, 2]], [0], { margn: 1 } as never)).toThrow(/did you mean "margin"/);
  });
});
