import { describe, expect, it } from 'vitest';
import { gradCheck, silu, siluBackward } from '../../src/index.js';
import { expectMatches, fromFix, loadFixture } from '../helpers/fixtures.js';
import { ulpDistance } from '../helpers/ulp.js';

const fx = loadFixture('torch/ops15.json');
const act = fx.activations;
const X = fromFix(act.x);
const DY = fromFix(act.dy);

describe('silu', () => {
  it('forward within 4 ulp of the 50-digit x·σ(x), over the whole range (tails, tiny, huge)', () => {
    const got = silu(X).data;
    const want = fromFix(act.silu).data;
    for (let i = 0; i < want.length; i++) {
      // mpmath has no −0; subnormal results are compared absolutely.
      if (got[i] === want[i] || Math.abs(got[i] - want[i]) <= 1e-320) continue;
      const d = ulpDistance(got[i], want[i]);
      if (d > 4) expect.fail(`silu(${X.data[i]}) = ${got[i]}, expected ${want[i]} (${d} ulp)`);
    }
  });
  it('backward σ(x)(1 + x·σ(−x)) against the 50-digit value (absolute 2e-16·|dy| near its zero at x ≈ −1.28)', () => {
    const got = siluBackward(DY, X).data;
    const want = fromFix(act.siluBackward).data;
    for (let i = 0; i < want.length; i++) {
      const err = Math.abs(got[i] - want[i]);
      if (!(got[i] === want[i] || err <= 8 * 2 ** -52 * Math.abs(want[i]) + 2e-16 * Math.abs(DY.data[i]))) {
        expect.fail(`siluBackward at x = ${X.data[i]}: got ${got[i]}, expected ${want[i]}`);
      }
    }
  });
  it('matches PyTorch 1.13 on ordinary inputs', () => {
    const t = act.torch;
    const x = fromFix(t.x);
    expectMatches(silu(x), t.silu, 1e-15, 1e-300, 'silu');
    expectMatches(siluBackward(fromFix(t.dy), x), t.siluBackward, 1e-14, 1e-16, 'siluBackward');
  });
  it('special values: ±∞ give the limits (PyTorch: NaN at −∞), ±0 keep their sign, NaN propagates', () => {
    const y = silu([Infinity, -Infinity, 0, -0, NaN, -1000, 1000]).data;
    expect(y[0]).toBe(Infinity);
    expect(Object.is(y[1], -0)).toBe(true);
    expect(Object.is(y[2], 0)).toBe(true);
    expect(Object.is(y[3], -0)).toBe(true);
    expect(y[4]).toBeNaN();
    expect(Object.is(y[5], -0)).toBe(true);
    expect(y[6]).toBe(1000);
    expect(Array.from(siluBackward([1, 1, 1, 1], [Infinity, -Infinity, 0, 1000]).data)).toEqual([1, 0, 0.5, 1]);
    expect(siluBackward([1], [NaN]).data[0]).toBeNaN();
  });
  it('gradCheck in float64', () => {
    const r = gradCheck({ forward: (v) => silu(v), backward: (dy, v) => siluBackward(dy, v) }, [[-6, -2, -1.28, -0.3, 0, 0.4, 1.5, 7]], { rtol: 1e-7, atol: 1e-9 });
    expect(r.ok, JSON.stringify(r.worst)).toBe(true);
  });
  it('bad input: dy and x shapes differ', () => {
    expect(() => siluBackward([1, 2], [[1, 2]])).toThrow(/siluBackward: dy has shape \[2\] but x has shape \[1,2\]/);
  });
});
