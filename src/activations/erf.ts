/**
 * The error function and its complement for float64, ported from Sun's fdlibm `s_erf.c` (as kept
 * in FreeBSD's msun, lib/msun/src/s_erf.c): the same intervals, the same rational minimax
 * approximations and coefficients, and the same evaluation order, so the error stays below 1 ulp
 * (tested against 50-digit mpmath values, tails and subnormal arguments included). Its notice:
 *
 * > Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved.
 * > Developed at SunPro, a Sun Microsystems, Inc. business.
 * > Permission to use, copy, modify, and distribute this software is freely granted, provided
 * > that this notice is preserved.
 *
 * nabla needs its own: JavaScript has no `Math.erf`, and GELU's exact form is x·Φ(x) =
 * ½·x·erfc(−x/√2). The C code's tests on the high word of x are written as comparisons with the
 * doubles they stand for (a high word below 0x3FEB0000 is |x| < 0.84375), and its
 * `SET_LOW_WORD(z, 0)` as an exact truncation of x to 21 significant bits. fdlibm's calls to exp
 * are nabla's own exp (src/kernels/elementary.ts, within 1 ulp), so the results are the same bits
 * on every engine.
 * @internal
 */

import { expScalar } from '../kernels/elementary.js';

/** erx = (float)0.84506291151: erf(1) rounded to single precision. */
const ERX = 8.45062911510467529297e-1;
/** 2/√π − 1, for |x| < 2⁻²⁸; EFX8 = 8·EFX. */
const EFX = 1.28379167095512586316e-1;
const EFX8 = 1.02703333676410069053;

// erf on [0, 0.84375]: x + x·P(x²)/Q(x²).
const PP0 = 1.28379167095512558561e-1;
const PP1 = -3.25042107247001499370e-1;
const PP2 = -2.84817495755985104766e-2;
const PP3 = -5.77027029648944159157e-3;
const PP4 = -2.37630166566501626084e-5;
const QQ1 = 3.97917223959155352819e-1;
const QQ2 = 6.50222499887672944485e-2;
const QQ3 = 5.08130628187576562776e-3;
const QQ4 = 1.32494738004321644526e-4;
const QQ5 = -3.96022827877536812320e-6;
// erf on [0.84375, 1.25]: erx + P(s)/Q(s), s = |x| − 1.
const PA0 = -2.36211856075265944077e-3;
const PA1 = 4.14856118683748331666e-1;
const PA2 = -3.72207876035701323847e-1;
const PA3 = 3.18346619901161753674e-1;
const PA4 = -1.10894694282396677476e-1;
const PA5 = 3.54783043256182359371e-2;
const PA6 = -2.16637559486879084300e-3;
const QA1 = 1.06420880400844228286e-1;
const QA2 = 5.40397917702171048937e-1;
const QA3 = 7.18286544141962662868e-2;
const QA4 = 1.26171219808761642112e-1;
const QA5 = 1.36370839120290507362e-2;
const QA6 = 1.19844998467991074170e-2;
// erfc on [1.25, 1/0.35]: exp(−x² − 0.5625 + R(1/x²)/S(1/x²))/x.
const RA0 = -9.86494403484714822705e-3;
const RA1 = -6.93858572707181764372e-1;
const RA2 = -1.05586262253232909814e1;
const RA3 = -6.23753324503260060396e1;
const RA4 = -1.62396669462573470355e2;
const RA5 = -1.84605092906711035994e2;
const RA6 = -8.12874355063065934246e1;
const RA7 = -9.81432934416914548592;
const SA1 = 1.96512716674392571292e1;
const SA2 = 1.37657754143519042600e2;
const SA3 = 4.34565877475229228821e2;
const SA4 = 6.45387271733267880336e2;
const SA5 = 4.29008140027567833386e2;
const SA6 = 1.08635005541779435134e2;
const SA7 = 6.57024977031928170135;
const SA8 = -6.04244152148580987438e-2;
// erfc on [1/0.35, 28]: the same form with other coefficients.
const RB0 = -9.86494292470009928597e-3;
const RB1 = -7.99283237680523006574e-1;
const RB2 = -1.77579549177547519889e1;
const RB3 = -1.60636384855821916062e2;
const RB4 = -6.37566443368389627722e2;
const RB5 = -1.02509513161107724954e3;
const RB6 = -4.83519191608651397019e2;
const SB1 = 3.03380607434824582924e1;
const SB2 = 3.25792512996573918826e2;
const SB3 = 1.53672958608443695994e3;
const SB4 = 3.19985821950859553908e3;
const SB5 = 2.55305040643316442583e3;
const SB6 = 4.74528541206955367215e2;
const SB7 = -2.24409524465858183362e1;

/** The doubles whose high words the C code compares against (low word 0). */
const TWO_M1015 = 2.848094538889218e-306; // 0x00800000
const TWO_M28 = 3.725290298461914e-9; // 0x3E300000
const TWO_M56 = 1.3877787807814457e-17; // 0x3C700000
const ERF_SPLIT = 2.8571434020996094; // 0x4006DB6E, ~1/0.35 in erf
const ERFC_SPLIT = 2.8571414947509766; // 0x4006DB6D, ~1/0.35 in erfc

/**
 * erf(x) = (2/√π)∫₀ˣ e^(−t²) dt, odd, to within 1 ulp.
 *
 * | x | erf(x) |
 * |---|---|
 * | NaN | NaN |
 * | ±∞ | ±1 |
 * | ±0 | ±0 |
 * | \|x\| ≥ 6 | ±1 (rounded) |
 * | tiny | x·(2/√π), no spurious underflow |
 * @internal
 */
export function erf(x: number): number {
  if (x !== x) return x;
  const a = Math.abs(x);
  if (a === Infinity) return x > 0 ? 1 : -1;
  if (a < 0.84375) {
    if (a < TWO_M28) {
      if (a < TWO_M1015) return (8 * x + EFX8 * x) / 8;
      return x + EFX * x;
    }
    const z = x * x;
    const r = PP0 + z * (PP1 + z * (PP2 + z * (PP3 + z * PP4)));
    const s = 1 + z * (QQ1 + z * (QQ2 + z * (QQ3 + z * (QQ4 + z * QQ5))));
    return x + x * (r / s);
  }
  if (a < 1.25) {
    const s = a - 1;
    const P = PA0 + s * (PA1 + s * (PA2 + s * (PA3 + s * (PA4 + s * (PA5 + s * PA6)))));
    const Q = 1 + s * (QA1 + s * (QA2 + s * (QA3 + s * (QA4 + s * (QA5 + s * QA6)))));
    return x >= 0 ? ERX + P / Q : -ERX - P / Q;
  }
  if (a >= 6) return x >= 0 ? 1 - 1e-300 : 1e-300 - 1;
  const r = tailExp(a, a < ERF_SPLIT);
  return x >= 0 ? 1 - r / a : r / a - 1;
}

/**
 * erfc(x) = 1 − erf(x), computed directly so that it keeps full relative accuracy where it is
 * small (x > 0.84375), to within 1 ulp.
 *
 * | x | erfc(x) |
 * |---|---|
 * | NaN | NaN |
 * | +∞ | 0 |
 * | −∞ | 2 |
 * | ±0 | 1 |
 * | x ≥ 28 | 0 (underflow; between ≈ 26.6 and 27.3 the result is subnormal) |
 * | x ≤ −6 | 2 (rounded) |
 * @internal
 */
export function erfc(x: number): number {
  if (x !== x) return x;
  const a = Math.abs(x);
  if (a === Infinity) return x > 0 ? 0 : 2;
  if (a < 0.84375) {
    if (a < TWO_M56) return 1 - x;
    const z = x * x;
    const r = PP0 + z * (PP1 + z * (PP2 + z * (PP3 + z * PP4)));
    const s = 1 + z * (QQ1 + z * (QQ2 + z * (QQ3 + z * (QQ4 + z * QQ5))));
    const y = r / s;
    if (x < 0.25) return 1 - (x + x * y);
    return 0.5 - (x * y + (x - 0.5));
  }
  if (a < 1.25) {
    const s = a - 1;
    const P = PA0 + s * (PA1 + s * (PA2 + s * (PA3 + s * (PA4 + s * (PA5 + s * PA6)))));
    const Q = 1 + s * (QA1 + s * (QA2 + s * (QA3 + s * (QA4 + s * (QA5 + s * QA6)))));
    return x >= 0 ? 1 - ERX - P / Q : 1 + (ERX + P / Q);
  }
  if (a < 28) {
    if (x <= -6) return 2 - 1e-300;
    const r = tailExp(a, a < ERFC_SPLIT);
    return x > 0 ? r / a : 2 - r / a;
  }
  return x > 0 ? 0 : 2 - 1e-300;
}

/**
 * exp(−a² − 0.5625 + R(1/a²)/S(1/a²)) for 1.25 ≤ a < 28, the shared tail of erf and erfc
 * (erfc(a) = this / a). With z = a cut to 21 significant bits, z² is exact, so
 * exp(−a²) = exp(−z²)·exp((z − a)(z + a)) loses nothing to the rounding of a².
 */
function tailExp(a: number, near: boolean): number {
  const s = 1 / (a * a);
  let R: number;
  let S: number;
  if (near) {
    R = RA0 + s * (RA1 + s * (RA2 + s * (RA3 + s * (RA4 + s * (RA5 + s * (RA6 + s * RA7))))));
    S = 1 + s * (SA1 + s * (SA2 + s * (SA3 + s * (SA4 + s * (SA5 + s * (SA6 + s * (SA7 + s * SA8)))))));
  } else {
    R = RB0 + s * (RB1 + s * (RB2 + s * (RB3 + s * (RB4 + s * (RB5 + s * RB6)))));
    S = 1 + s * (SB1 + s * (SB2 + s * (SB3 + s * (SB4 + s * (SB5 + s * (SB6 + s * SB7))))));
  }
  const z = truncateLowWord(a);
  return expScalar(-z * z - 0.5625) * expScalar((z - a) * (z + a) + R / S);
}

/**
 * fdlibm's SET_LOW_WORD(z, 0) for 1 ≤ a < 32: a with the low 32 bits of its significand cleared,
 * i.e. truncated to a multiple of 2^(e − 20) where 2^e ≤ a < 2^(e+1). Multiplying by a power of
 * two and flooring are exact, so this equals the bit operation.
 */
function truncateLowWord(a: number): number {
  const scale = a < 2 ? 1048576 : a < 4 ? 524288 : a < 8 ? 262144 : a < 16 ? 131072 : 65536;
  return Math.floor(a * scale) / scale;
}
