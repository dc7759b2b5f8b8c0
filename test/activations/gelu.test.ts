import { describe, expect, it } from 'vitest';
import { gelu, geluBackward, gradCheck, ValueError } from '../../src/index.js';
import { erf, erfc } from '../../src/activations/erf.js';
import { expectMatches, fromFix, loadFixture } from '../helpers/fixtures.js';
import { ulpDistance } from '../helpers/ulp.js';

const fx = loadFixture('torch/ops15.json');
const act = fx.activations;
const X = fromFix(act.x);
const DY = fromFix(act.dy);
const EPS = 2 ** -52;

/** Expects every element within `tol(x)` relative error of the reference (plus a subnormal floor). */
function expectRel(actual: Float64Array, expected: Float64Array, tol: (i: number) => number, label: string): void {
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    // mpmath has no −0: a zero reference matches either zero.
    if (a === e || (Number.isNaN(a) && Number.isNaN(e))) continue;
    if (!Number.isFinite(e) || Number.isNaN(e)) expect.fail(`${label}[${i}] (x = ${X.data[i]}): got ${a}, expected ${e}`);
    const err = Math.abs(a - e);
    // Capped: where the allowance would be huge (x³ or x² overflows) the results are exact anyway.
    if (!(err <= Math.min(tol(i), 1e-10) * Math.abs(e) + 1e-320)) expect.fail(`${label}[${i}] (x = ${X.data[i]}): got ${a}, expected ${e} (rel err ${err / Math.abs(e)}, allowed ${tol(i)})`);
  }
}

describe('erf and erfc (the fdlibm port) against 50-digit mpmath', () => {
  const xs = fromFix(fx.erf.x).data;
  const wantErf = fromFix(fx.erf.erf).data;
  const wantErfc = fromFix(fx.erf.erfc).data;
  it(`erf within 1 ulp at ${xs.length} points (tails, interval edges, subnormal arguments)`, () => {
    let worst = 0;
    for (let i = 0; i < xs.length; i++) {
      const d = ulpDistance(erf(xs[i]), wantErf[i]);
      if (d > 1) expect.fail(`erf(${xs[i]}) = ${erf(xs[i])}, expected ${wantErf[i]} (${d} ulp)`);
      worst = Math.max(worst, d);
    }
    expect(worst).toBeLessThanOrEqual(1);
  });
  it(`erfc within 2 ulp at the same points (subnormal results in the far tail)`, () => {
    // fdlibm's erfc reaches 2 ulp just below 1.25 ((1 − erx) − P/Q cancels) and near 6 (two exps and
    // a division); glibc's erfc, the same algorithm, gives the same values there.
    let over1 = 0;
    for (let i = 0; i < xs.length; i++) {
      const d = ulpDistance(erfc(xs[i]), wantErfc[i]);
      if (d > 2) expect.fail(`erfc(${xs[i]}) = ${erfc(xs[i])}, expected ${wantErfc[i]} (${d} ulp)`);
      if (d > 1) over1++;
    }
    expect(over1).toBeLessThan(xs.length / 100);
  });
  it('special values', () => {
    expect(erf(NaN)).toBeNaN();
    expect(erfc(NaN)).toBeNaN();
    expect(erf(Infinity)).toBe(1);
    expect(erf(-Infinity)).toBe(-1);
    expect(erfc(Infinity)).toBe(0);
    expect(erfc(-Infinity)).toBe(2);
    expect(Object.is(erf(-0), -0)).toBe(true);
    expect(Object.is(erf(0), 0)).toBe(true);
    expect(erfc(0)).toBe(1);
    expect(erf(5e-324)).toBe(5e-324); // (2/√π)·2^−1074 rounds back to 2^−1074
    expect(erfc(30)).toBe(0);
    expect(erfc(-30)).toBe(2);
  });
});

describe('gelu (exact form)', () => {
  it('forward: within 4 ulp of erfc at the rounded argument fl(x/√2), everywhere', () => {
    expectRel(gelu(X).data, fromFix(act.geluArgRounded).data, () => 4 * EPS, 'gelu vs arg-rounded');
  });
  it('forward: within the conditioning (x²/2 + 4 ulp) of the exact x·Φ(x), everywhere', () => {
    expectRel(gelu(X).data, fromFix(act.gelu).data, (i) => (X.data[i] ** 2 / 2 + 4) * EPS, 'gelu vs exact');
  });
  it('backward: Φ(x) + x·φ(x) within 8 ulp of the exact value (absolute 1e-16·|dy| near its zero at x ≈ −0.75)', () => {
    const got = geluBackward(DY, X).data;
    const want = fromFix(act.geluBackward).data;
    for (let i = 0; i < want.length; i++) {
      const err = Math.abs(got[i] - want[i]);
      if (!(err <= 8 * EPS * Math.abs(want[i]) + 2e-16 * Math.abs(DY.data[i]) || got[i] === want[i])) {
        expect.fail(`geluBackward at x = ${X.data[i]}: got ${got[i]}, expected ${want[i]}`);
      }
    }
  });
  it('matches PyTorch 1.13 on ordinary inputs', () => {
    const t = act.torch;
    const x = fromFix(t.x);
    // PyTorch's ½x(1 + erf(x/√2)) has absolute error ~|x|·1e−16 where 1 + erf cancels (x ≪ 0).
    expectMatches(gelu(x), t.gelu, 1e-14, 1e-15, 'gelu');
    expectMatches(geluBackward(fromFix(t.dy), x), t.geluBackward, 1e-14, 1e-15, 'geluBackward');
  });
  it('special values: ±∞, ±0, NaN, huge', () => {
    const y = gelu([Infinity, -Infinity, 0, -0, NaN, 1e300, -1e300]).data;
    expect(y[0]).toBe(Infinity);
    expect(Object.is(y[1], -0)).toBe(true);
    expect(Object.is(y[2], 0)).toBe(true);
    expect(Object.is(y[3], -0)).toBe(true);
    expect(y[4]).toBeNaN();
    expect(y[5]).toBe(1e300);
    expect(Object.is(y[6], -0)).toBe(true);
    expect(Array.from(geluBackward([1, 1, 1], [Infinity, -Infinity, 0]).data)).toEqual([1, 0, 0.5]);
  });
  it('gradCheck in float64', () => {
    const x = [-4, -2.5, -0.75, -0.1, 0, 0.3, 1, 2.2, 5];
    const r = gradCheck({ forward: (v) => gelu(v), backward: (dy, v) => geluBackward(dy, v) }, [x], { rtol: 1e-7, atol: 1e-9 });
    expect(r.ok, JSON.stringify(r.worst)).toBe(true);
  });
});

describe('gelu (tanh approximation)', () => {
  const o = { approximate: 'tanh' as const };
  const u = (v: number) => 0.7978845608028654 * (v + 0.044715 * v * v * v);
  it('forward: x·σ(2u) within the conditioning of u (4|u| + 4 ulp) of the exact value, everywhere', () => {
    expectRel(gelu(X, o).data, fromFix(act.geluTanh).data, (i) => (4 * Math.abs(u(X.data[i])) + 4) * EPS, 'gelu tanh');
  });
  it('backward against the exact derivative of the tanh form', () => {
    const got = geluBackward(DY, X, o).data;
    const want = fromFix(act.geluTanhBackward).data;
    for (let i = 0; i < want.length; i++) {
      const tol = Math.min((8 * Math.abs(u(X.data[i])) + 8) * EPS, 1e-10) * Math.abs(want[i]) + 2e-16 * Math.abs(DY.data[i]);
      if (!(Math.abs(got[i] - want[i]) <= tol || got[i] === want[i])) expect.fail(`at x = ${X.data[i]}: got ${got[i]}, expected ${want[i]}`);
    }
  });
  it('matches PyTorch 1.13 on ordinary inputs', () => {
    const t = act.torch;
    const x = fromFix(t.x);
    // PyTorch's ½x(1 + tanh u) cancels likewise for x ≪ 0.
    expectMatches(gelu(x, o), t.geluTanh, 1e-14, 1e-15, 'gelu tanh');
    expectMatches(geluBackward(fromFix(t.dy), x, o), t.geluTanhBackward, 1e-14, 1e-15, 'geluBackward tanh');
  });
  it('no NaN or overflow for huge inputs', () => {
    expect(Array.from(gelu([1e300, -1e300, 1e154, -Infinity, Infinity], o).data)).toEqual([1e300, -0, 1e154, -0, Infinity]);
    expect(Array.from(geluBackward([1, 1, 1, 1], [1e300, -1e300, 1e154, -1e154], o).data)).toEqual([1, 0, 1, 0]);
  });
  it('gradCheck in float64', () => {
    const x = [-4, -2.5, -0.75, -0.1, 0, 0.3, 1, 2.2, 5];
    const r = gradCheck({ forward: (v) => gelu(v, o), backward: (dy, v) => geluBackward(dy, v, o) }, [x], { rtol: 1e-7, atol: 1e-9 });
    expect(r.ok, JSON.stringify(r.worst)).toBe(true);
  });
});

describe('gelu: bad input', () => {
  it('unknown option and bad approximate', () => {
    expect(() => gelu([1], { approximat: 'tanh' } as never)).toThrow(/unknown key "approximat" \(did you mean "approximate"\?\)/);
    expect(() => gelu([1], { approximate: 'tahn' } as never)).toThrow(ValueError);
    expect(() => geluBackward([1, 2], [1])).toThrow(/dy has shape \[2\] but x has shape \[1\]/);
  });
});
