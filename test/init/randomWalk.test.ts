import { describe, expect, it } from 'vitest';
import { ValueError, normal, randomWalkGain, xavierNormal } from '../../src/index.js';

describe('randomWalkGain (Sussillo & Abbott 2014)', () => {
  // Hand-derived: linear g = e^{1/(2N)}; ReLU g = √2·e^{1.2/(max(N, 6) − 2.4)}, evaluated with mpmath
  // at 40 digits (N = 1..6 all give √2·e^{1/3}).
  const expected: [number, 'linear' | 'relu', number][] = [
    [1, 'linear', 1.648721270700128146848651], // √e
    [100, 'linear', 1.005012520859401063383566], // e^{0.005}
    [1000, 'linear', 1.000500125020835937760438], // e^{0.0005}
    [1, 'relu', 1.97369401937315291477782], // √2·e^{1/3}
    [6, 'relu', 1.97369401937315291477782], // √2·e^{1/3}
    [7, 'relu', 1.835731712620877481035215], // √2·e^{1.2/4.6}
    [32, 'relu', 1.472724564944746986392773], // √2·e^{1.2/29.6}
    [100, 'relu', 1.43170876612985264645455], // √2·e^{1.2/97.6}
    [1000, 'relu', 1.415915724930865169044384], // √2·e^{1.2/997.6}
  ];
  for (const [n, nl, g] of expected) {
    it(`${nl}, N = ${n}`, () => expect(Math.abs(randomWalkGain(n, nl) - g)).toBeLessThanOrEqual(4e-16 * g));
  }

  it('tends to 1 (linear) and √2 (ReLU) as the width grows', () => {
    expect(Math.abs(randomWalkGain(1e9, 'linear') - 1)).toBeLessThan(1e-9);
    expect(Math.abs(randomWalkGain(1e9, 'relu') - Math.SQRT2)).toBeLessThan(1e-8);
  });

  it("as xavierNormal's gain on a square layer, the std is the paper's g/√N", () => {
    const n = 50;
    const g = randomWalkGain(n, 'relu');
    const a = xavierNormal([n, n], { gain: g, seed: 3 });
    const b = normal([n, n], { std: g / Math.sqrt(n), seed: 3 });
    for (let i = 0; i < a.size; i++) expect(Math.abs(a.data[i] - b.data[i])).toBeLessThanOrEqual(1e-15 * Math.abs(b.data[i]));
  });

  it('bad input', () => {
    expect(() => randomWalkGain(0, 'relu')).toThrow(/randomWalkGain: width must be a positive integer, got 0/);
    expect(() => randomWalkGain(2.5, 'relu')).toThrow(ValueError);
    expect(() => randomWalkGain(NaN, 'linear')).toThrow(ValueError);
    expect(() => randomWalkGain(10, 'tanh' as never)).toThrow(/nonlinearity must be 'linear' or 'relu', got "tanh"/);
    expect(() => randomWalkGain(10, 'Relu' as never)).toThrow(/did you mean 'relu'/);
  });
});
