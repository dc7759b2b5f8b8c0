import { describe, expect, it } from 'vitest';
import * as nabla from '../../src/index.js';
import {
  ShapeError, TRUNCATED_NORMAL_STD, ValueError, calculateGain, computeFans, constant, createRng, eye, fanInUniform, getDefaultRng,
  heNormal, heUniform, lecunNormal, lecunUniform, matmul, normal, ones, orthogonal, setSeed, transpose, uniform, xavierNormal,
  xavierUniform, zeros, Linear, type Tensor, type Initializer,
} from '../../src/index.js';
import { loadFixture } from '../helpers/fixtures.js';

const fx = loadFixture('init.json');
type Init = (shape: number[], o?: Record<string, unknown>) => Tensor;

function expectStream(actual: Tensor, expected: number[], kind: string) {
  expect(actual.size).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual.data[i];
    const e = expected[i];
    // Uniform draws are bit-identical to NumPy; normal draws go through Math.log (a few ulp).
    const ok = kind === 'u' ? a === e : Math.abs(a - e) <= 4e-15 * Math.abs(e);
    if (!ok) expect.fail(`element ${i}: ${a} vs ${e}`);
  }
}

describe('initializers reproduce numpy.random.RandomState draws', () => {
  for (const c of fx.cases) {
    it(`${c.fn} ${JSON.stringify(c.shape)} seed ${c.seed} ${JSON.stringify(c.options)}`, () => {
      const f = (nabla as unknown as Record<string, Init>)[c.fn];
      const t = f(c.shape, { seed: c.seed, ...c.options });
      expect(t.shape).toEqual(c.shape);
      expectStream(t, c.data, c.kind);
      // rng: createRng(s) is the same stream as seed: s.
      expectStream(f(c.shape, { rng: createRng(c.seed), ...c.options }), c.data, c.kind);
    });
  }
  for (const c of fx.basic) {
    it(`${c.fn} ${JSON.stringify(c.options)}`, () => {
      const f = (nabla as unknown as Record<string, Init>)[c.fn];
      expectStream(f(c.shape, { seed: c.seed, ...c.options }), c.data, c.fn === 'uniform' ? 'u' : 'n');
    });
  }
  it('the issue’s example: xavierUniform([3, 4], { seed: 0 }) ≡ RandomState(0).uniform(−r, r, (3, 4))', () => {
    const c = fx.cases.find((k: { fn: string; seed: number; options: object }) => k.fn === 'xavierUniform' && k.seed === 0 && Object.keys(k.options).length === 0);
    expect(Array.from(xavierUniform([3, 4], { seed: 0 }).data)).toEqual(c.data);
  });
});

describe('orthogonal', () => {
  for (const c of fx.orthogonal) {
    it(`${JSON.stringify(c.shape)} gain ${c.gain} matches np.linalg.qr with the sign fix`, () => {
      const q = orthogonal(c.shape, { seed: c.seed, gain: c.gain });
      for (let i = 0; i < q.size; i++) {
        if (!(Math.abs(q.data[i] - c.data[i]) <= 1e-12)) expect.fail(`element ${i}: ${q.data[i]} vs ${c.data[i]}`);
      }
    });
  }
  it('QᵀQ = I (tall) and QQᵀ = I (wide) to 1e-12', () => {
    const tall = orthogonal([50, 20], { seed: 1 });
    const wide = orthogonal([20, 50], { seed: 1 });
    const a = matmul(transpose(tall), tall);
    const b = matmul(wide, transpose(wide));
    const I = eye(20);
    for (let i = 0; i < 400; i++) {
      expect(Math.abs(a.data[i] - I.data[i])).toBeLessThan(1e-12);
      expect(Math.abs(b.data[i] - I.data[i])).toBeLessThan(1e-12);
    }
  });
  it('needs rank ≥ 2', () => {
    expect(() => orthogonal([5])).toThrow('orthogonal: shape [5] has rank 1 (orthogonal needs rank ≥ 2)');
  });
});

describe('fans and gains', () => {
  it('computeFans follows the documented rule', () => {
    expect(computeFans([7])).toEqual({ fanIn: 7, fanOut: 7 });
    expect(computeFans([784, 256])).toEqual({ fanIn: 784, fanOut: 256 });
    expect(computeFans([3, 3, 16, 32])).toEqual({ fanIn: 144, fanOut: 288 });
    expect(computeFans([3, 4], { fanIn: 10 })).toEqual({ fanIn: 10, fanOut: 4 });
    expect(() => computeFans([])).toThrow(ShapeError);
    // Dimensions are validated (issue 17, item 9): no arrays or strings come back as "fans".
    expect(() => computeFans([[2]] as never)).toThrow(ValueError);
    expect(() => computeFans([[2]] as never)).toThrow('computeFans: shape[0] is an array of length 1 (dimensions must be non-negative integers)');
    expect(() => computeFans(['3'] as never)).toThrow('computeFans: shape[0] is "3" (dimensions must be non-negative integers)');
    expect(() => computeFans([2.5, 3])).toThrow(ValueError);
    expect(() => computeFans([3, 4], { fanOut: 0 })).toThrow(/options.fanOut must be a positive integer, got 0/);
  });
  it('calculateGain matches PyTorch', () => {
    expect(calculateGain('linear')).toBe(1);
    expect(calculateGain('sigmoid')).toBe(1);
    expect(calculateGain('tanh')).toBe(5 / 3);
    expect(calculateGain('relu')).toBe(Math.sqrt(2));
    expect(calculateGain('leaky_relu')).toBe(Math.sqrt(2 / (1 + 0.01 ** 2)));
    expect(calculateGain('leaky_relu', 0.2)).toBe(Math.sqrt(2 / 1.04));
    expect(calculateGain('selu')).toBe(0.75);
    // PyTorch's linear_fns include the transposed convolutions (issue 17, item 19).
    for (const f of ['conv1d', 'conv2d', 'conv3d', 'conv_transpose1d', 'conv_transpose2d', 'conv_transpose3d'] as const) expect(calculateGain(f)).toBe(1);
    expect(() => calculateGain('gelu' as never)).toThrow(/calculateGain: nonlinearity "gelu" is not supported/);
  });
  it('worked example AC1: scales for a 3→4 layer ([3, 4] in nabla’s layout)', () => {
    // PyTorch default bound 1/√3; xavier_uniform √(6/7); kaiming_uniform √2.
    const b = (t: Tensor) => Math.max(...Array.from(t.data, Math.abs));
    expect(b(fanInUniform([3, 4], { seed: 0 }))).toBeLessThan(0.5773502692);
    expect(b(xavierUniform([3, 4], { seed: 0 }))).toBeLessThan(0.9258200998);
    expect(b(heUniform([3, 4], { seed: 0 }))).toBeLessThan(1.414213562);
    expect(TRUNCATED_NORMAL_STD).toBe(0.87962566103423978);
  });
});

describe('statistics of large seeded draws', () => {
  // 250 000 draws: the standard error of the mean is σ/500, of the variance ≈ σ²·√2/500 (normal)
  // or σ²·0.9/500 (uniform). Tolerances are 5–6 standard errors; the seed makes them deterministic.
  const shape = [500, 500];
  const stats = (t: Tensor) => {
    let m = 0;
    for (const v of t.data) m += v;
    m /= t.size;
    let v2 = 0;
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of t.data) {
      v2 += (v - m) ** 2;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    return { mean: m, std: Math.sqrt(v2 / t.size), lo, hi };
  };
  const cases: [string, Init, number, 'u' | 'n' | 't'][] = [
    ['fanInUniform', fanInUniform as Init, 1 / Math.sqrt(500), 'u'],
    ['xavierUniform', xavierUniform as Init, Math.sqrt(6 / 1000), 'u'],
    ['heUniform', heUniform as Init, Math.sqrt(6 / 500), 'u'],
    ['lecunUniform', lecunUniform as Init, Math.sqrt(3 / 500), 'u'],
    ['xavierNormal', xavierNormal as Init, Math.sqrt(2 / 1000), 'n'],
    ['heNormal', heNormal as Init, Math.sqrt(2 / 500), 'n'],
    ['lecunNormal', lecunNormal as Init, 1 / Math.sqrt(500), 'n'],
    ['heNormal truncated', (s, o) => heNormal(s, { ...o, truncated: true }), Math.sqrt(2 / 500), 't'],
  ];
  for (const [name, f, scale, kind] of cases) {
    it(name, () => {
      const s = stats(f(shape, { seed: 42 }));
      const std = kind === 'u' ? scale / Math.sqrt(3) : scale;
      expect(Math.abs(s.mean)).toBeLessThan((6 * std) / 500);
      expect(Math.abs(s.std / std - 1)).toBeLessThan(6 * (kind === 'u' ? 0.9 : 1.5) / 500);
      if (kind === 'u') {
        expect(s.lo).toBeGreaterThanOrEqual(-scale);
        expect(s.hi).toBeLessThan(scale);
        expect(s.hi).toBeGreaterThan(scale * 0.999);
      }
      if (kind === 't') {
        const cut = (2 * scale) / TRUNCATED_NORMAL_STD;
        expect(s.lo).toBeGreaterThanOrEqual(-cut);
        expect(s.hi).toBeLessThanOrEqual(cut);
      }
    });
  }
});

describe('the default generator', () => {
  it('setSeed makes unseeded initializers reproducible and equal to seed: n', () => {
    setSeed(3);
    const a = xavierUniform([3, 4]);
    setSeed(3);
    const b = xavierUniform([3, 4]);
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    expect(Array.from(a.data)).toEqual(Array.from(xavierUniform([3, 4], { seed: 3 }).data));
    expect(getDefaultRng()).toBeDefined();
  });
});

describe('constant, zeros, ones', () => {
  it('fill, and serve as layer initializers (which pass an options argument they do not read)', () => {
    expect(constant([2], 0.5).toArray()).toEqual([0.5, 0.5]);
    const asInit: Initializer[] = [zeros, ones];
    expect(asInit[0]([2], { rng: createRng(1) }).toArray()).toEqual([0, 0]);
    expect(asInit[1]([1, 2], { rng: createRng(1) }).toArray()).toEqual([[1, 1]]);
    expect(new Linear(2, 3, { init: zeros }).weight.toArray()).toEqual([[0, 0, 0], [0, 0, 0]]);
  });
});

describe('bad input', () => {
  it('dims must be positive integers', () => {
    expect(() => xavierUniform([3, 0])).toThrow('xavierUniform: shape[1] is 0 in [3,0] (dimensions must be positive integers)');
    expect(() => heNormal([2.5, 3])).toThrow(ValueError);
    expect(() => uniform('3' as never)).toThrow(/uniform: shape must be an array/);
  });
  it('ranges and options', () => {
    expect(() => uniform([2], { low: 1, high: 1 })).toThrow('uniform: options.low 1 must be less than options.high 1');
    expect(() => normal([2], { std: -1 })).toThrow('normal: options.std must be a non-negative finite number, got -1');
    expect(() => xavierUniform([2, 2], { gain: -1 })).toThrow(/options.gain must be a non-negative finite number/);
    expect(() => heUniform([2, 2], { mode: 'fan_in' as never })).toThrow(/options.mode must be 'fanIn' or 'fanOut'/);
    expect(() => normal([2], { seed: -1 })).toThrow(/options.seed must be an integer in \[0, 2\^32\)/);
    expect(() => normal([2], { seed: 1, rng: createRng(1) })).toThrow(/options.rng and options.seed were both given/);
    expect(() => normal([2], { truncated: 'yes' as never })).toThrow(/options.truncated must be a boolean/);
    expect(() => fanInUniform([])).toThrow(/cannot compute fans of a scalar shape/);
  });
});
