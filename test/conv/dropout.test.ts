import { describe, expect, it } from 'vitest';
import { createRng, dropout, setSeed, Tensor, tensor, ValueError } from '../../src/index.js';
import { dropoutBackward, dropoutMask } from '../../src/conv/dropout.js';
import { expectMatches, fromFix, loadFixture, type FixTensor } from '../helpers/fixtures.js';

const fx = loadFixture('torch/conv15.json');

interface DropCase {
  seed: number;
  p: number;
  x: FixTensor;
  dropped: FixTensor;
  out: FixTensor;
  dy: FixTensor;
  dx: FixTensor;
  nextDraw: number;
}

describe("dropout: the mask is NumPy's RandomState(seed).random_sample(shape) < p", () => {
  for (const c of fx.dropout as DropCase[]) {
    it(`seed ${c.seed}, shape ${JSON.stringify(c.x.shape)}, p ${c.p}`, () => {
      const x = fromFix(c.x);
      expectMatches(dropout(x, { p: c.p, seed: c.seed }), c.out, 0, 0, 'out');
      // The same through an Rng, which is left where NumPy's stream would be.
      const rng = createRng(c.seed);
      expectMatches(dropout(x, { p: c.p, rng }), c.out, 0, 0, 'out (rng)');
      expect(rng.random()).toBe(c.nextDraw);
      // The internal mask and backward (for the Dropout layer and autograd).
      const mask = dropoutMask(x.shape, c.p, createRng(c.seed));
      const dropped = fromFix(c.dropped);
      expect(Array.from(mask.data, (m) => 1 - m)).toEqual(Array.from(dropped.data));
      expectMatches(dropoutBackward(fromFix(c.dy), mask, c.p), c.dx, 0, 0, 'dx');
      expectMatches(dropoutBackward(x, mask, c.p), c.out, 0, 0, 'forward = backward applied to x');
    });
  }
  it('special values: a dropped ±∞ or NaN is NaN (x·0, as PyTorch), a dropped negative is −0', () => {
    const c = fx.dropoutSpecials;
    expectMatches(dropout(fromFix(c.x), { p: c.p, seed: c.seed }), c.out, 0, 0);
  });
});

describe('dropout: behaviour', () => {
  it('evaluation mode (training: false) is the identity, draws nothing and returns a new tensor', () => {
    const x = tensor([1, 2, 3]);
    const rng = createRng(3);
    const y = dropout(x, { p: 0.9, rng, training: false });
    expect(Array.from(y.data)).toEqual([1, 2, 3]);
    expect(y.data).not.toBe(x.data);
    expect(rng.random()).toBe(createRng(3).random());
  });
  it('p = 0 keeps everything unscaled but still draws one number per element', () => {
    const rng = createRng(9);
    expect(Array.from(dropout([1, -2, 3], { p: 0, rng }).data)).toEqual([1, -2, 3]);
    const ref = createRng(9);
    ref.random();
    ref.random();
    ref.random();
    expect(rng.random()).toBe(ref.random());
  });
  it('without rng or seed it draws from the default generator (setSeed makes it reproducible)', () => {
    setSeed(4);
    const a = dropout(new Tensor(new Float64Array(50).fill(1), [50]));
    setSeed(4);
    const b = dropout(new Tensor(new Float64Array(50).fill(1), [50]));
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    expect(Array.from(a.data)).toEqual(Array.from(dropout(new Tensor(new Float64Array(50).fill(1), [50]), { seed: 4 }).data));
  });
  it('the kept fraction is close to 1 − p and the mean is preserved (seeded)', () => {
    const n = 20000;
    const y = dropout(new Tensor(new Float64Array(n).fill(1), [n]), { p: 0.3, seed: 123 });
    let kept = 0;
    let sum = 0;
    for (const v of y.data) {
      if (v !== 0) kept++;
      sum += v;
    }
    expect(Math.abs(kept / n - 0.7)).toBeLessThan(0.015);
    expect(Math.abs(sum / n - 1)).toBeLessThan(0.02);
  });
});

describe('dropout: bad input', () => {
  it('p outside [0, 1) is an error (p = 1 included, unlike PyTorch)', () => {
    for (const p of [1, -0.1, 1.5, NaN]) expect(() => dropout([1], { p, seed: 0 })).toThrow(ValueError);
    expect(() => dropout([1], { p: 1 })).toThrow(/dropout: options.p must be a number in \[0, 1\), got 1/);
    expect(() => dropoutMask([2], 1, createRng(0))).toThrow(/p must be a number in \[0, 1\)/);
  });
  it('rng and seed: not both; seed an integer; unknown options; training a boolean', () => {
    expect(() => dropout([1], { rng: createRng(0), seed: 1 })).toThrow(/both given/);
    expect(() => dropout([1], { seed: 1.5 })).toThrow(/options.seed must be an integer/);
    expect(() => dropout([1], { rate: 0.5 } as never)).toThrow(/unknown key "rate"/);
    expect(() => dropout([1], { training: 'no' } as never)).toThrow(/options.training must be a boolean/);
  });
  it('a failed call draws nothing', () => {
    const rng = createRng(2);
    expect(() => dropout([1], { rng, p: 2 })).toThrow(ValueError);
    expect(rng.random()).toBe(createRng(2).random());
  });
});
