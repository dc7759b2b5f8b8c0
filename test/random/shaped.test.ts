// Shaped draws (randn, rand, integers with a shape) against numpy.random.RandomState fixtures
// (scripts/fixtures/random_shaped.py), in call order on one stream.
import { describe, expect, it } from 'vitest';
import { ShapeError, Tensor, ValueError, createRng } from '../../src/index.js';
import { loadFixture } from '../helpers/fixtures.js';

interface Call {
  call: 'randn' | 'rand' | 'randint';
  shape: number[];
  low?: number;
  high?: number;
  data: number[];
}
const fx = loadFixture<{ cases: { seed: number; calls: Call[] }[]; singleBound: { seed: number; high: number; shape: number[]; data: number[] } }>('random_shaped.json');

describe('shaped draws reproduce RandomState', () => {
  for (const c of fx.cases) {
    it(`seed ${c.seed}: randn, randint, rand in call order`, () => {
      const rng = createRng(c.seed);
      for (const [k, call] of c.calls.entries()) {
        let t: Tensor;
        if (call.call === 'randn') t = rng.randn(...call.shape);
        else if (call.call === 'rand') t = rng.rand(...call.shape);
        else t = rng.integers(call.low as number, call.high as number, call.shape);
        expect(t).toBeInstanceOf(Tensor);
        expect(t.shape, `call ${k} shape`).toEqual(call.shape);
        const got = Array.from(t.data);
        if (call.call === 'randn') {
          // Normal draws: Math.log vs C's log, a few ulp.
          got.forEach((v, i) => expect(Math.abs(v - call.data[i]), `call ${k} element ${i}`).toBeLessThanOrEqual(4e-15 * Math.abs(call.data[i])));
        } else expect(got, `call ${k}`).toEqual(call.data); // uniform and integer draws: exact
      }
    });
  }

  it('integers(n, undefined, shape) draws from [0, n) like randint(n, size=shape); a number is a 1-D shape', () => {
    const s = fx.singleBound;
    expect(Array.from(createRng(s.seed).integers(s.high, undefined, s.shape).data)).toEqual(s.data);
    expect(Array.from(createRng(s.seed).integers(s.high, undefined, s.shape[0]).data)).toEqual(s.data);
  });

  it('a shaped draw consumes the stream exactly as that many scalar draws', () => {
    const a = createRng(3);
    const b = createRng(3);
    expect(Array.from(a.integers(-2, 9, [3, 2]).data)).toEqual(Array.from({ length: 6 }, () => b.integers(-2, 9)));
    expect(Array.from(a.randn(5).data)).toEqual(Array.from({ length: 5 }, () => b.normal()));
    expect(Array.from(a.rand(2, 2).data)).toEqual(Array.from({ length: 4 }, () => b.random()));
    expect(a.random()).toBe(b.random());
  });

  it('scalar integers() still returns a number', () => {
    expect(typeof createRng(0).integers(0, 10)).toBe('number');
    expect(typeof createRng(0).integers(10)).toBe('number');
  });
});

describe('shaped draws: bad input changes nothing', () => {
  it('bad shapes and ranges are ValueErrors that consume no draws', () => {
    const rng = createRng(1);
    const ref = createRng(1);
    expect(() => rng.randn(2, -1)).toThrow(ValueError);
    expect(() => rng.randn(2, -1)).toThrow('randn: shape[1] is -1 (dimensions must be non-negative integers)');
    expect(() => rng.randn(1.5)).toThrow(/randn: shape\[0\] is 1.5/);
    expect(() => (rng.randn as (...a: unknown[]) => Tensor)([2, 3])).toThrow('randn: dimensions are separate arguments, as in NumPy (randn(2, 3)), got an array (spread it: randn(...shape))');
    expect(() => rng.rand(NaN)).toThrow(/rand: shape\[0\] is NaN/);
    expect(() => rng.integers(0, 10, [2, -3])).toThrow('integers: shape[1] is -3 (dimensions must be non-negative integers)');
    expect(() => rng.integers(5, 5, [2])).toThrow('integers: low 5 must be less than high 5');
    expect(() => rng.integers(0.5, 5, [2])).toThrow('integers: low must be an integer, got 0.5');
    expect(() => rng.integers(-(2 ** 52), 2 ** 52 + 2, [2])).toThrow(/range high − low = .* is too large/);
    expect(() => rng.integers(0, 3, 'x' as never)).toThrow(/integers: shape must be an array of dimensions, got "x"/);
    // Past the element limit of every new tensor: a ShapeError before allocating (was a raw RangeError).
    expect(() => rng.randn(1e5, 1e5)).toThrow(ShapeError);
    expect(() => rng.randn(1e5, 1e5)).toThrow(/^randn: the result would have shape .*10000000000 elements .* over the limit of/);
    expect(() => rng.rand(2 ** 29)).toThrow(ShapeError);
    expect(() => rng.integers(0, 2, [2 ** 15, 2 ** 14])).toThrow(ShapeError);
    // Nothing was drawn by the failed calls.
    expect(rng.random()).toBe(ref.random());
  });
});
