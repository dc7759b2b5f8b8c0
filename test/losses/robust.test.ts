// l1Loss, smoothL1Loss and huberLoss: PyTorch fixtures, kinks, special values, gradCheck, bad input.
import { describe, expect, it } from 'vitest';
import { gradCheck, huberLoss, huberLossBackward, l1Loss, l1LossBackward, ShapeError, smoothL1Loss, smoothL1LossBackward, ValueError } from '../../src/index.js';
import { loadFixture } from '../helpers/fixtures.js';
import { checkTorchLoss, type TorchLossCase } from '../helpers/lossCases.js';

const cases = (loadFixture('torch/ops15.json').losses as TorchLossCase[]).filter((c) => ['l1Loss', 'smoothL1Loss', 'huberLoss'].includes(c.name));

describe('against PyTorch 1.13 (mean, sum, none; gradients with a non-trivial dy)', () => {
  it('covers every loss and option', () => expect(cases.length).toBe(8));
  for (const c of cases) it(c.label, () => checkTorchLoss(c));
});

describe('kinks and special values', () => {
  it('l1: gradient 0 where input = target, ±1 otherwise; NaN propagates', () => {
    expect(Array.from(l1LossBackward([1, 2, 3, NaN], [1, 1, 4, 0], { reduction: 'sum' }).data)).toEqual([0, 1, -1, NaN]);
    expect(l1Loss([Infinity], [0]).item()).toBe(Infinity);
    expect(l1Loss([NaN, 1], [0, 1]).item()).toBeNaN();
  });
  it('smoothL1 with beta 0 is l1 (no division by zero), in value and gradient away from p = t', () => {
    const x = [0.2, -2, 5, 1];
    const t = [0.3, 1, 4.5, -1];
    expect(smoothL1Loss(x, t, { beta: 0 }).item()).toBe(l1Loss(x, t).item());
    expect(Array.from(smoothL1LossBackward(x, t, { beta: 0 }).data)).toEqual(Array.from(l1LossBackward(x, t).data));
  });
  it('smoothL1 kink at p = t with beta 0: −1·scale (PyTorch tests p − t ≤ −β first); l1 gives 0', () => {
    expect(Array.from(smoothL1LossBackward([1, 2], [1, 2], { beta: 0, reduction: 'sum' }).data)).toEqual([-1, -1]);
    expect(Array.from(smoothL1LossBackward([1, 2], [1, 2], { beta: 1, reduction: 'sum' }).data)).toEqual([0, 0]);
  });
  it('huber = beta·smoothL1 with beta = delta; gradient ±delta beyond delta, ±delta at |d| = delta', () => {
    expect(huberLoss([0, 0], [0.5, 3], { delta: 2 }).item()).toBeCloseTo(2 * smoothL1Loss([0, 0], [0.5, 3], { beta: 2 }).item(), 15);
    expect(Array.from(huberLossBackward([0, 0, 0], [-2, 2, 10], { delta: 2, reduction: 'sum' }).data)).toEqual([2, -2, -2]);
    expect(Array.from(huberLossBackward([Infinity, -Infinity], [0, 0], { reduction: 'sum' }).data)).toEqual([1, -1]);
  });
  it('empty input: mean is NaN (0/0, as PyTorch), sum is 0, none is empty', () => {
    expect(l1Loss([], []).item()).toBeNaN();
    expect(huberLoss([], [], { reduction: 'sum' }).item()).toBe(0);
    expect(smoothL1Loss([], [], { reduction: 'none' }).shape).toEqual([0]);
  });
});

describe('gradCheck in float64 (away from the kinks)', () => {
  const x = [[0.3, -1.7, 2.4], [0.05, 1.1, -0.6]];
  const t = [[0.1, 0.2, -0.5], [0.9, 1.0, 0.7]];
  for (const [name, f, b, o] of [
    ['l1Loss', l1Loss, l1LossBackward, {}],
    ['smoothL1Loss', smoothL1Loss, smoothL1LossBackward, { beta: 0.5 }],
    ['huberLoss', huberLoss, huberLossBackward, { delta: 0.75 }],
  ] as const) {
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      it(`${name} ${reduction}`, () => {
        const opts = { ...o, reduction };
        const r = gradCheck({ forward: (a) => f(a, t, opts), backward: (dy, a) => b(a, t, { ...opts, dy }) }, [x], { rtol: 1e-7, atol: 1e-9 });
        expect(r.ok, JSON.stringify(r.worst)).toBe(true);
      });
    }
  }
});

describe('bad input', () => {
  it('shapes must match (losses do not broadcast)', () => {
    expect(() => l1Loss([1, 2], [1])).toThrow(ShapeError);
    expect(() => huberLossBackward([[1, 2]], [1, 2])).toThrow(/huberLossBackward: input has shape \[1,2\] but target has shape \[2\]/);
  });
  it('beta ≥ 0 and delta > 0 (PyTorch), unknown options named', () => {
    expect(() => smoothL1Loss([1], [1], { beta: -1 })).toThrow(/options.beta must be a non-negative finite number, got -1/);
    expect(() => huberLoss([1], [1], { delta: 0 })).toThrow(/options.delta must be a positive finite number, got 0/);
    expect(() => huberLoss([1], [1], { beta: 1 } as never)).toThrow(ValueError);
    expect(() => smoothL1Loss([1], [1], { betta: 1 } as never)).toThrow(/unknown key "betta" \(did you mean "beta"\?\)/);
    expect(() => l1LossBackward([1], [1], { reduction: 'none', dy: [1, 2] })).toThrow(/options.dy has shape \[2\]/);
  });
});
