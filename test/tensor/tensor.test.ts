import { describe, expect, it } from 'vitest';
import { NablaError, ShapeError, Tensor, ValueError, arange, eye, full, ones, tensor, zeros } from '../../src/index.js';

describe('typed toArray accessors (issue 20, item 4)', () => {
  it('toArray1d … toArray4d return the nested values of a tensor of that rank', () => {
    expect(tensor([1, 2, 3]).toArray1d()).toEqual([1, 2, 3]);
    expect(tensor([[1, 2], [3, 4]]).toArray2d()).toEqual([[1, 2], [3, 4]]);
    expect(zeros([2, 0]).toArray2d()).toEqual([[], []]);
    expect(tensor([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2]).toArray3d()).toEqual([[[1, 2], [3, 4]], [[5, 6], [7, 8]]]);
    expect(tensor([1, 2, 3, 4], [1, 2, 1, 2]).toArray4d()).toEqual([[[[1, 2]], [[3, 4]]]]);
    expect(tensor([]).toArray1d()).toEqual([]);
  });

  it('any other rank is a ShapeError naming the accessor that fits', () => {
    expect(() => tensor([[1, 2]]).toArray1d()).toThrow(ShapeError);
    expect(() => tensor([[1, 2]]).toArray1d()).toThrow('toArray1d: tensor has shape [1,2] (rank 2) but toArray1d needs rank 1 (use toArray2d())');
    expect(() => tensor(5).toArray2d()).toThrow('toArray2d: tensor has shape [] (rank 0) but toArray2d needs rank 2 (use item())');
    expect(() => tensor([1]).toArray3d()).toThrow('(use toArray1d())');
    expect(() => zeros([1, 1, 1, 1, 1]).toArray4d()).toThrow('toArray4d: tensor has shape [1,1,1,1,1] (rank 5) but toArray4d needs rank 4 (use toArray())');
  });
});

describe('tensor()', () => {
  it('infers the shape of nested arrays and lays values out row-major', () => {
    const t = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.size).toBe(6);
    expect(t.rank).toBe(2);
    expect(Array.from(t.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(t.toArray()).toEqual([[1, 2, 3], [4, 5, 6]]);
  });

  it('makes a rank-0 tensor from a number', () => {
    const t = tensor(5);
    expect(t.shape).toEqual([]);
    expect(t.rank).toBe(0);
    expect(t.item()).toBe(5);
    expect(t.toArray()).toBe(5);
  });

  it('copies a Float64Array and accepts an explicit shape', () => {
    const src = new Float64Array([1, 2, 3, 4]);
    const t = tensor(src, [2, 2]);
    src[0] = 99;
    expect(t.toArray()).toEqual([[1, 2], [3, 4]]);
  });

  it('accepts typed-array rows and empty dimensions', () => {
    expect(tensor([new Float64Array([1, 2]), new Float64Array([3, 4])]).shape).toEqual([2, 2]);
    expect(tensor([]).shape).toEqual([0]);
    expect(tensor([[], []]).shape).toEqual([2, 0]);
    expect(zeros([2, 0, 3]).size).toBe(0);
  });

  it('keeps -0, NaN and infinities', () => {
    const t = tensor([-0, NaN, Infinity, -Infinity]);
    expect(Object.is(t.data[0], -0)).toBe(true);
    expect(t.data[1]).toBeNaN();
    expect(t.data[2]).toBe(Infinity);
    expect(t.data[3]).toBe(-Infinity);
  });

  it('names the offending index of a ragged array', () => {
    expect(() => tensor([[1, 2, 3], [4, 5]])).toThrow(ShapeError);
    expect(() => tensor([[1, 2, 3], [4, 5]])).toThrow(/data\[1\] has length 2 \(expected 3/);
    expect(() => tensor([[1, 2], 3] as never)).toThrow(/data\[1\] is 3 \(expected an array of length 2\)/);
    expect(() => tensor([[1, [2]], [3, 4]] as never)).toThrow(/data\[0\]\[1\] is an array/);
    expect(() => tensor([1, 'a'] as never)).toThrow(ValueError);
    expect(() => tensor([1, 'a'] as never)).toThrow(/tensor: data\[1\] is "a" \(expected a number\)/);
  });

  it('rejects a shape that does not match the data', () => {
    expect(() => tensor([1, 2, 3], [2, 2])).toThrow(/shape \[2,2\] holds 4 elements but data has 3/);
    expect(() => tensor([1, 2], [2.5] as never)).toThrow(/shape\[0\] is 2.5/);
    expect(() => tensor('abc' as never)).toThrow(NablaError);
  });
});

describe('Tensor', () => {
  it('validates its constructor arguments', () => {
    expect(() => new Tensor(new Float64Array(3), [2, 2])).toThrow(ShapeError);
    expect(() => new Tensor([1, 2] as never, [2])).toThrow(/data must be a Float64Array/);
    expect(() => new Tensor(new Float64Array(2), [-2] as never)).toThrow(/shape\[0\] is -2/);
  });

  it('has a frozen shape and a null grad', () => {
    const t = zeros([2]);
    expect(Object.isFrozen(t.shape)).toBe(true);
    expect(t.grad).toBeNull();
  });

  it('reshape shares data and infers -1', () => {
    const t = arange(6);
    const r = t.reshape([2, -1]);
    expect(r.shape).toEqual([2, 3]);
    r.data[0] = 42;
    expect(t.data[0]).toBe(42);
    expect(t.reshape([3, 2, 1]).shape).toEqual([3, 2, 1]);
    expect(tensor(7).reshape([1, 1]).shape).toEqual([1, 1]);
    expect(zeros([0, 3]).reshape([-1, 3]).shape).toEqual([0, 3]);
  });

  it('reshape errors name what was asked', () => {
    const t = arange(6);
    expect(() => t.reshape([4, -1])).toThrow(/cannot reshape \[6\] \(6 elements\) to \[4,-1\]/);
    expect(() => t.reshape([4, 2])).toThrow(/to \[4,2\] \(8 elements\)/);
    expect(() => t.reshape([-1, -1])).toThrow(/more than one -1/);
  });

  it('item() requires exactly one element', () => {
    expect(tensor([[3]]).item()).toBe(3);
    expect(() => tensor([1, 2]).item()).toThrow(/item: tensor of shape \[2\] has 2 elements/);
  });

  it('clone() copies data', () => {
    const t = tensor([1, 2]);
    const c = t.clone();
    c.data[0] = 5;
    expect(t.data[0]).toBe(1);
  });
});

describe('creation', () => {
  it('zeros, ones, full, eye, arange', () => {
    expect(zeros([2, 2]).toArray()).toEqual([[0, 0], [0, 0]]);
    expect(ones([3]).toArray()).toEqual([1, 1, 1]);
    expect(full([2], -0).data.every((v) => Object.is(v, -0))).toBe(true);
    expect(eye(3).toArray()).toEqual([[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
    expect(eye(0).shape).toEqual([0, 0]);
    expect(arange(4).toArray()).toEqual([0, 1, 2, 3]);
    expect(arange(0).shape).toEqual([0]);
    // np.arange(1, 2, 0.25) and np.arange(5, 0, -2)
    expect(arange(1, 2, 0.25).toArray()).toEqual([1, 1.25, 1.5, 1.75]);
    expect(arange(5, 0, -2).toArray()).toEqual([5, 3, 1]);
  });

  it('rejects bad shapes and arguments', () => {
    expect(() => zeros([2, -1])).toThrow(/zeros: shape\[1\] is -1/);
    expect(() => ones(3 as never)).toThrow(/ones: shape must be an array/);
    expect(() => eye(1.5)).toThrow(/eye: n must be a non-negative integer, got 1.5/);
    expect(() => arange(0, 1, 0)).toThrow(/step is 0/);
    expect(() => full([2], 'x' as never)).toThrow(/value must be a number/);
  });
});
