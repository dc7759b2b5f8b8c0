import { describe, expect, it } from 'vitest';
import { Rng, ValueError, createRng, getDefaultRng, setSeed } from '../../src/index.js';
import { loadFixture } from '../helpers/fixtures.js';

const fx = loadFixture('random.json');

/** Normal draws go through Math.log vs C's log: allow a few ulp. */
function expectUlps(actual: number[], expected: number[], rtol = 4e-15): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!(Math.abs(actual[i] - expected[i]) <= rtol * Math.abs(expected[i]))) {
      expect.fail(`element ${i}: ${actual[i]} vs ${expected[i]}`);
    }
  }
}

describe('createRng reproduces numpy.random.RandomState', () => {
  for (const c of fx.cases) {
    it(`seed ${c.seed}: every stream in call order`, () => {
      const check = createRng(c.seed);
      expect(Array.from({ length: 5 }, () => check.nextUint32())).toEqual(c.first_uint32);
      const rng = createRng(c.seed);
      const draw = (n: number, f: () => number) => Array.from({ length: n }, f);
      expect(draw(700, () => rng.random())).toEqual(c.random); // bit-identical
      expectUlps(draw(21, () => rng.normal()), c.normal);
      expect(draw(3, () => rng.random())).toEqual(c.random_after_normal);
      expectUlps(draw(3, () => rng.normal()), c.normal_after);
      expectUlps(draw(5, () => rng.normal(2.5, 0.1)), c.normal_loc_scale);
      expect(draw(10, () => rng.uniform(-2, 3))).toEqual(c.uniform);
      expect(draw(20, () => rng.integers(0, 10))).toEqual(c.randint_10);
      expect(draw(10, () => rng.integers(-5, 5))).toEqual(c.randint_neg);
      expect(draw(5, () => rng.integers(0, 2 ** 40))).toEqual(c.randint_big);
      expect(draw(5, () => rng.integers(0, 2 ** 32))).toEqual(c.randint_2_32);
      expect(draw(3, () => rng.integers(7, 8))).toEqual(c.randint_one);
      expect(rng.permutation(10)).toEqual(c.permutation_10);
      expect(rng.permutation(1000)).toEqual(c.permutation_1000);
      const arr = Array.from({ length: 20 }, (_, i) => i);
      expect(rng.shuffle(arr)).toEqual(c.shuffle_20);
      const rows = Array.from({ length: 6 }, (_, i) => [i, 10 + i]);
      expect(rng.shuffle(rows)).toEqual(c.shuffle_rows);
      expect(draw(3, () => rng.random())).toEqual(c.final_random);
    });
  }

  it('fills in row-major order, one draw per element', () => {
    for (const f of fx.fills) {
      expect(Array.from(createRng(f.seed).fillUniform(new Float64Array(12), -0.5, 0.5))).toEqual(f.uniform_3x4);
      expectUlps(Array.from(createRng(f.seed).fillNormal(new Float64Array(12), 0, 2)), f.normal_3x4);
    }
  });
});

describe('Rng', () => {
  it('getState/setState resumes the stream exactly, cached normal included', () => {
    const a = createRng(3);
    a.normal();
    const state = JSON.parse(JSON.stringify(a.getState()));
    const expected = [a.normal(), a.random(), a.normal()];
    const b = createRng(99);
    b.setState(state);
    expect([b.normal(), b.random(), b.normal()]).toEqual(expected);
  });

  it('rejects a corrupt state without changing the generator', () => {
    const a = createRng(5);
    const before = a.getState();
    expect(() => a.setState({ ...before, key: before.key.slice(1) })).toThrow(/setState: state.key must be an array of 624 integers/);
    expect(() => a.setState({ ...before, pos: 700 })).toThrow(/state.pos is 700/);
    expect(a.getState()).toEqual(before);
  });

  it('shuffles typed arrays in place', () => {
    const t = new Int32Array([0, 1, 2, 3, 4]);
    expect(createRng(0).shuffle(t)).toBe(t);
    expect(Array.from(t).sort()).toEqual([0, 1, 2, 3, 4]);
  });

  it('validates arguments', () => {
    expect(() => createRng(-1)).toThrow('createRng: seed must be an integer in [0, 2^32), got -1');
    expect(() => createRng(2 ** 32)).toThrow(ValueError);
    expect(() => createRng(1.5)).toThrow(ValueError);
    expect(() => createRng(0).integers(5, 5)).toThrow(/low 5 must be less than high 5/);
    expect(() => createRng(0).integers(0.5, 3)).toThrow(/low must be an integer/);
    expect(() => createRng(0).permutation(-1)).toThrow(/n must be non-negative/);
    expect(() => createRng(0).shuffle('abc' as never)).toThrow(/shuffle: array must be an array/);
  });

  it('setSeed makes the default generator reproducible', () => {
    setSeed(0);
    const x = getDefaultRng().random();
    expect(x).toBe(fx.cases[0].random[0]);
    expect(getDefaultRng()).toBeInstanceOf(Rng);
  });
});

describe('draw parameters are checked before anything is drawn', () => {
  it('non-numbers and a negative std are ValueErrors (NumPy: scale < 0), and the stream does not advance', () => {
    const r = createRng(7);
    const state = JSON.stringify(r.getState());
    let deep: unknown = [1];
    for (let i = 0; i < 5000; i++) deep = [deep];
    const calls: [string, () => unknown][] = [
      ['normal', () => r.normal('1' as never)],
      ['normal', () => r.normal(0, -1)],
      ['uniform', () => r.uniform(deep as never)],
      ['uniform', () => r.uniform(0, Symbol('s') as never)],
      ['fillUniform', () => r.fillUniform([0, 0] as never)],
      ['fillNormal', () => r.fillNormal(new Float64Array(2), 0, -2)],
    ];
    for (const [fn, f] of calls) {
      expect(f, fn).toThrow(ValueError);
      expect(f, fn).toThrow(new RegExp(`^${fn}: `));
    }
    expect(() => r.normal(0, -1)).toThrow('normal: std must be a non-negative number, got -1');
    expect(JSON.stringify(r.getState())).toBe(state);
    expect(r.normal(1, 0)).toBe(1);
  });
});
