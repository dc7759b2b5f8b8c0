import { describe, expect, it } from 'vitest';
import { ShapeError, add, abs, div, exp, log, maximum, minimum, mul, neg, pow, sqrt, square, sub, tensor, zeros } from '../../src/index.js';
import { expectMatches, fromFix, loadFixture, type FixTensor } from '../helpers/fixtures.js';

const fx = loadFixture('tensor.json');
const binaryOps = { add, sub, mul, div, pow, maximum, minimum } as const;
const unaryOps = { neg, exp, log, sqrt, abs, square } as const;

describe('binary elementwise ops against NumPy', () => {
  for (const c of fx.binary as { op: keyof typeof binaryOps; a: FixTensor; b: FixTensor; out: FixTensor; special?: boolean }[]) {
    const label = `${c.op} ${JSON.stringify(c.a.shape)} with ${JSON.stringify(c.b.shape)}${c.special ? ' (special values)' : ''}`;
    it(label, () => {
      const out = binaryOps[c.op](fromFix(c.a), fromFix(c.b));
      // + − × ÷, max, min are exact IEEE operations: bit-identical to NumPy, −0 included.
      if (c.op === 'pow') expectMatches(out, c.out, 4e-16, 0, label);
      else expectMatches(out, c.out, 0, 0, label);
    });
  }
});

describe('unary ops against NumPy', () => {
  for (const c of fx.unary as { op: keyof typeof unaryOps; x: FixTensor; out: FixTensor }[]) {
    it(c.op, () => {
      const out = unaryOps[c.op](fromFix(c.x));
      // neg, abs, sqrt, square are correctly rounded; exp/log within 1 ulp of glibc.
      if (c.op === 'exp' || c.op === 'log') expectMatches(out, c.out, 2.3e-16, 0, c.op);
      else expectMatches(out, c.out, 0, 0, c.op);
    });
  }
});

describe('broadcasting and inputs', () => {
  it('accepts numbers and nested arrays on either side', () => {
    expect(add(1, [1, 2]).toArray()).toEqual([2, 3]);
    expect(sub([[1], [2]], [10, 20]).toArray()).toEqual([[-9, -19], [-8, -18]]);
    expect(mul(tensor(2), tensor(3)).shape).toEqual([]);
  });

  it('never writes into its inputs', () => {
    const a = tensor([1, 2, 3]);
    const b = tensor([4, 5, 6]);
    add(a, b);
    pow(a, b);
    expect(Array.from(a.data)).toEqual([1, 2, 3]);
    expect(Array.from(b.data)).toEqual([4, 5, 6]);
  });

  it('empty dimensions broadcast to empty results', () => {
    expect(add(zeros([0, 3]), [1, 2, 3]).shape).toEqual([0, 3]);
    expect(mul(zeros([2, 0]), zeros([1, 1])).shape).toEqual([2, 0]);
  });

  it('incompatible shapes are a ShapeError naming both shapes', () => {
    expect(() => add(zeros([2, 3]), zeros([3, 2]))).toThrow(ShapeError);
    expect(() => add(zeros([2, 3]), zeros([3, 2]))).toThrow(
      'add: shapes [2,3] and [3,2] cannot be broadcast together (dimension 0 is 2 vs 3; each pair must be equal or one of them 1)',
    );
    expect(() => mul(zeros([4]), zeros([0]))).toThrow(/mul: shapes \[4\] and \[0\]/);
  });

  it('non-tensor arguments are an error naming the argument', () => {
    expect(() => add('x' as never, 1)).toThrow(/add: a must be a Tensor/);
    expect(() => div(1, { a: 1 } as never)).toThrow(/div: b must be a Tensor/);
  });
});
