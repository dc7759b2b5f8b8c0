import { describe, expect, it } from 'vitest';
import { elu, eluBackward, gradCheck, ValueError } from '../../src/index.js';
import { expectMatches, fromFix, loadFixture } from '../helpers/fixtures.js';
import { ulpDistance } from '../helpers/ulp.js';

const fx = loadFixture('torch/ops15.json');
const act = fx.activations;
const X = fromFix(act.x);
const DY = fromFix(act.dy);

describe('elu', () => {
  for (const alpha of [1, 0.3]) {
    it(`alpha ${alpha}: forward and backward within 2 ulp of the 50-digit values everywhere`, () => {
      const y = elu(X, alpha).data;
      const wantY = fromFix(act[`elu_${alpha.toFixed(1)}`]).data;
      const g = eluBackward(DY, X, alpha).data;
      const wantG = fromFix(act[`eluBackward_${alpha.toFixed(1)}`]).data;
      for (let i = 0; i < X.size; i++) {
        // mpmath has no −0 (elu(−0) = −0·α here); subnormals compare absolutely.
        const dy = y[i] === wantY[i] || Math.abs(y[i] - wantY[i]) <= 1e-320 ? 0 : ulpDistance(y[i], wantY[i]);
        if (dy > 2) expect.fail(`elu(${X.data[i]}, ${alpha}) = ${y[i]}, expected ${wantY[i]} (${dy} ulp)`);
        const dg = g[i] === wantG[i] || Math.abs(g[i] - wantG[i]) <= 1e-320 ? 0 : ulpDistance(g[i], wantG[i]);
        if (dg > 2) expect.fail(`eluBackward at x = ${X.data[i]}: got ${g[i]}, expected ${wantG[i]} (${dg} ulp)`);
      }
    });
    it(`alpha ${alpha}: matches PyTorch 1.13 on ordinary inputs`, () => {
      const t = act.torch;
      const x = fromFix(t.x);
      // PyTorch's exp(x) − 1 loses relative accuracy near 0⁻ (nabla uses expm1).
      expectMatches(elu(x, alpha), t[`elu_${alpha.toFixed(1)}`], 1e-13, 1e-16, 'elu');
      expectMatches(eluBackward(fromFix(t.dy), x, alpha), t[`elu_${alpha.toFixed(1)}Backward`], 1e-15, 1e-16, 'eluBackward');
    });
  }
  it('special values and the kink: elu′(0) = α (PyTorch), NaN passes dy in the backward', () => {
    const y = elu([Infinity, -Infinity, 0, -0, NaN, -1e-300], 2).data;
    expect(y[0]).toBe(Infinity);
    expect(y[1]).toBe(-2);
    expect(Object.is(y[2], 0)).toBe(true);
    expect(Object.is(y[3], -0)).toBe(true);
    expect(y[4]).toBeNaN();
    expect(y[5]).toBe(-2e-300);
    expect(Array.from(eluBackward([3, 3, 3, 3], [0, -Infinity, 1, NaN], 2).data)).toEqual([6, 0, 3, 3]);
  });
  it('elu(−1e−10) is exact to rounding (PyTorch 1.13: −1.000000082740371e−10)', () => {
    expect(elu([-1e-10]).data[0]).toBe(-9.999999999500001e-11); // mpmath's expm1(−1e−10), rounded
  });
  it('gradCheck in float64', () => {
    for (const alpha of [1, 0.3]) {
      const r = gradCheck({ forward: (v) => elu(v, alpha), backward: (dy, v) => eluBackward(dy, v, alpha) }, [[-5, -1, -0.2, 0.1, 2, 9]], { rtol: 1e-7, atol: 1e-9 });
      expect(r.ok, JSON.stringify(r.worst)).toBe(true);
    }
  });
  it('bad input: alpha must be a finite number', () => {
    expect(() => elu([1], NaN)).toThrow(ValueError);
    expect(() => eluBackward([1], [1], Infinity)).toThrow(/eluBackward: alpha must be a finite number, got Infinity/);
  });
});
