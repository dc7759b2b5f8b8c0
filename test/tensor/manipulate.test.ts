import { describe, expect, it } from 'vitest';
import { ShapeError, allClose, concat, stack, tensor, transpose, zeros } from '../../src/index.js';
import { expectMatches, fromFix, loadFixture, type FixTensor } from '../helpers/fixtures.js';

const fx = loadFixture('tensor.json');

describe('transpose/concat/stack against NumPy', () => {
  for (const c of fx.transpose as { x: FixTensor; axes: number[] | null; out: FixTensor }[]) {
    it(`transpose ${JSON.stringify(c.x.shape)} axes ${JSON.stringify(c.axes)}`, () => {
      expectMatches(transpose(fromFix(c.x), c.axes ?? undefined), c.out);
    });
  }
  for (const c of fx.concat as { xs: FixTensor[]; axis: number; out: FixTensor }[]) {
    it(`concat axis ${c.axis}`, () => expectMatches(concat(c.xs.map(fromFix), c.axis), c.out));
  }
  for (const c of fx.stack as { xs: FixTensor[]; axis: number; out: FixTensor }[]) {
    it(`stack axis ${c.axis}`, () => expectMatches(stack(c.xs.map(fromFix), c.axis), c.out));
  }
});

describe('shape manipulation', () => {
  it('transpose copies (writes to the result do not reach the input)', () => {
    const x = tensor([[1, 2], [3, 4]]);
    const t = transpose(x);
    t.data[0] = 9;
    expect(x.data[0]).toBe(1);
    expect(transpose(tensor(3)).item()).toBe(3);
    expect(transpose(zeros([0, 2])).shape).toEqual([2, 0]);
  });

  it('bad arguments are clear errors', () => {
    expect(() => transpose(zeros([2, 3]), [0, 0])).toThrow(/transpose: axes \[0,0\] repeats axis 0/);
    expect(() => transpose(zeros([2, 3]), [0])).toThrow(/must be a permutation of 2 axes/);
    expect(() => concat([zeros([2, 3]), zeros([3, 3])], 1)).toThrow(ShapeError);
    expect(() => concat([zeros([2, 3]), zeros([3, 3])], 1)).toThrow(/xs\[1\] has shape \[3,3\] but xs\[0\] has \[2,3\]/);
    expect(() => concat([], 0)).toThrow(/concat: xs must be a non-empty array/);
    expect(() => stack([zeros([2]), zeros([3])])).toThrow(/stack: xs\[1\] has shape \[3\]/);
    expect(() => stack([zeros([2])], 2)).toThrow(/axis 2 is out of range/);
  });
});

describe('allClose against NumPy', () => {
  for (const c of fx.allclose as { a: FixTensor; b: FixTensor; rtol: number; atol: number; out: boolean }[]) {
    it(`${JSON.stringify(c.a.data)} vs ${JSON.stringify(c.b.data)} rtol ${c.rtol} atol ${c.atol}`, () => {
      expect(allClose(fromFix(c.a), fromFix(c.b), { rtol: c.rtol, atol: c.atol })).toBe(c.out);
    });
  }
  it('equalNan and errors', () => {
    expect(allClose([NaN], [NaN], { equalNan: true })).toBe(true);
    expect(() => allClose([1, 2], [1, 2, 3])).toThrow(ShapeError);
    expect(() => allClose([1], [1], { rtol: -1 })).toThrow(/allClose: options.rtol must be a non-negative finite number, got -1/);
  });
});
