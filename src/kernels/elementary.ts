/**
 * nabla's own elementary functions — exp, log, log1p, expm1, tanh — as scalar JavaScript.
 *
 * Each function is the scalar twin of a lane of the f64x2 code in `kernels.wat`: the same
 * constants and the same sequence of IEEE-754 double operations (+, −, ×, ÷, no fused
 * multiply-add), so both give the same bits for every input. Where the WebAssembly code evaluates
 * several branch formulas and selects one per lane, the code here branches to the same formula.
 *
 * Why not `Math.exp`: ECMAScript leaves the accuracy of `Math` functions to the engine, and V8,
 * SpiderMonkey and JavaScriptCore differ in the last bit for some inputs; these functions give the
 * same bits everywhere. Each is within 1 ulp of the correctly rounded result (measured against
 * mpmath on ≥ 100,000 points per function, test/kernels/elementary.test.ts), and special values
 * (NaN, ±0, ±∞, overflow and underflow thresholds, subnormals) are exactly `Math`'s.
 *
 * Sources: log, log1p and expm1 follow fdlibm 5.3 (Sun Microsystems, 1993) as kept in FreeBSD's
 * msun (lib/msun/src/e_log.c, s_log1p.c, s_expm1.c) — the algorithms V8 uses for Math.log,
 * Math.log1p and Math.expm1 (on Node 20 they agree bit for bit on every point tested). exp uses the table-driven scheme
 * of ARM's optimized-routines (math/exp.c, Szabolcs Nagy 2018) with nabla's own table and Taylor
 * coefficients (scripts/gen-kernel-tables.py → tables.ts): no division, ≈ 0.51 ulp. tanh is
 * nabla's: fdlibm's tanh (1 − 2/(expm1(2x) + 2)) errs by up to ~2 ulp, so tanh here uses a short
 * series near 0 and, above, e^{2|x|} from exp's scheme with the quotient corrected in
 * double-double arithmetic (Dekker 1971, "A floating-point technique for extending the available
 * precision").
 *
 * Bit access uses one 8-byte scratch buffer viewed as float64 and two int32 words (little-endian
 * word order, detected once).
 * @internal
 */

import {
  EXP_TABLE,
  INVLN2N,
  NEGLN2HIN,
  NEGLN2LON,
  TANH_C1 as S1,
  TANH_C2 as S2,
  TANH_C3 as S3,
  TANH_C4 as S4,
  TANH_C5 as S5,
  TANH_C6 as S6,
  TANH_C7 as S7,
  TANH_C8 as S8,
} from './tables.js';

const F64 = /* @__PURE__ */ new Float64Array(1);
const I32 = /* @__PURE__ */ new Int32Array(F64.buffer);
/** Index of the high (sign/exponent) 32-bit word of a float64 in I32. */
const HI = /* @__PURE__ */ (new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0);
const LO = 1 - HI;

function highWord(x: number): number {
  F64[0] = x;
  return I32[HI];
}

/**
 * 2^j for j = −1074 … 1023 at index j + 1074, built on first use. A table, not a float built from
 * bits, because writing two int32 words and reading them back as one float64 defeats the CPU's
 * store-to-load forwarding and costs more than the rest of exp.
 */
let pow2Table: Float64Array | null = null;

/** The table of powers of two. @internal */
export function pow2s(): Float64Array {
  if (pow2Table !== null) return pow2Table;
  const t = new Float64Array(2098);
  let v = 1;
  for (let j = 0; j <= 1023; j++, v *= 2) t[j + 1074] = v;
  v = 1;
  for (let j = 0; j >= -1074; j--, v /= 2) t[j + 1074] = v;
  return (pow2Table = t);
}

/** 2^k for an integer k in [−1074, 1023], exactly. */
function pow2(k: number): number {
  return (pow2Table ?? pow2s())[k + 1074];
}

/**
 * y·2^k for an integer k in [−1100, 1100], rounded once: y·2^⌊k/2⌋ is exact for the y these
 * functions pass (|y| in [0.5, 4]), and the second product rounds (to a subnormal, or overflows).
 */
function scale(y: number, k: number): number {
  const T = pow2Table ?? pow2s();
  const k1 = k >> 1;
  return y * T[k1 + 1074] * T[k - k1 + 1074];
}

// fdlibm constants (hex values as in e_exp.c / e_log.c).
const LN2_HI = 6.93147180369123816490e-1; // 0x3fe62e42 fee00000
const LN2_LO = 1.90821492927058770002e-10; // 0x3dea39ef 35793c76
const INVLN2 = 1.44269504088896338700e0; // 0x3ff71547 652b82fe
/** 1.5·2^52: x + SHIFT − SHIFT rounds x to the nearest integer (ties to even) for |x| < 2^51. */
const SHIFT = 6755399441055744;
const O_THRESHOLD = 7.09782712893383973096e2; // 0x40862E42 FEFA39EF
const U_THRESHOLD = -7.45133219101941108420e2; // 0xc0874910 D52D3051

/** EXP_TABLE as a Float64Array (tail_j at 2j, H_j at 2j + 1), built on first use. */
let expTable: Float64Array | null = null;

/** The exp table. @internal */
export function expTableF64(): Float64Array {
  return expTable ?? (expTable = Float64Array.from(EXP_TABLE));
}

/** Taylor coefficients 1/2, 1/6, 1/24, 1/120 of e^r − 1 − r. */
const C2 = 0.5;
const C3 = 1 / 6;
const C4 = 1 / 24;
const C5 = 1 / 120;

/**
 * e^x.
 *
 * Method (the table-driven scheme of ARM's optimized-routines exp, Szabolcs Nagy 2018, with
 * nabla's own table and Taylor coefficients): k = round(x·128/ln2), r = x − k·ln2/128 with
 * |r| ≤ ln2/256 (ln2/128 split so that k·hi is exact); 2^(k/128) = 2^(k>>7)·H_j·(1 + tail_j),
 * j = k mod 128, from a 128-entry table (src/kernels/tables.ts); then
 * e^x ≈ 2^(k>>7)·(H + H·tmp), tmp = tail + r + r²(1/2 + r/6) + r⁴(1/24 + r/120) (truncation
 * error < 2^−60.7). The power of two is applied in two exact-then-rounded steps, so results
 * near overflow and in the subnormal range are rounded once. No division; about 0.51 ulp.
 *
 * | x | exp(x) |
 * |---|---|
 * | NaN | NaN |
 * | ±0 | 1 |
 * | +∞, x > 709.782712893384 | +∞ |
 * | −∞, x < −745.1332191019411 | 0 |
 * | −745.1332191019411 | 5e−324 |
 */
export function exp(x: number): number {
  if (!(x <= O_THRESHOLD)) return x > 0 ? Infinity : x;
  if (x < U_THRESHOLD) return 0;
  const T = expTable ?? expTableF64();
  const kd = x * INVLN2N + SHIFT - SHIFT;
  const k = kd | 0;
  const r = x + kd * NEGLN2HIN + kd * NEGLN2LON;
  const j = (k & 127) << 1;
  const r2 = r * r;
  const tmp = T[j] + r + r2 * (C2 + r * C3) + r2 * r2 * (C4 + r * C5);
  const H = T[j + 1];
  const e = k >> 7;
  // Where 2^e is a normal double one product rounds once, exactly as scale()'s two do.
  return e >= -1022 && e <= 1023 ? (H + H * tmp) * pow2(e) : scale(H + H * tmp, e);
}

const TWO54 = 1.8014398509481984e16;
const LG1 = 6.666666666666735130e-1;
const LG2 = 3.999999999940941908e-1;
const LG3 = 2.857142874366239149e-1;
const LG4 = 2.222219843214978396e-1;
const LG5 = 1.818357216161805012e-1;
const LG6 = 1.531383769920937332e-1;
const LG7 = 1.479819860511658591e-1;

/**
 * Natural logarithm.
 *
 * Method (fdlibm e_log.c, unchanged): x = 2^k·(1 + f) with √2/2 < 1 + f < √2 (subnormals scaled
 * by 2^54 first); s = f/(2 + f), log(1 + f) = 2s + s·R(s²) with R a degree-14 Remes fit (error <
 * 2^−58.45), combined in one of three orders chosen by the size of f; log x = k·ln2_hi + (… +
 * k·ln2_lo). fdlibm's separate k = 0 formulas equal the general ones with k = 0 bit for bit.
 *
 * | x | log(x) |
 * |---|---|
 * | NaN, x < 0, −∞ | NaN |
 * | ±0 | −∞ |
 * | 1 | +0 |
 * | +∞ | +∞ |
 */
export function log(x: number): number {
  F64[0] = x;
  const hx = I32[HI];
  // Zero, negative, subnormal, +∞ and NaN leave the hot path (keeping them inline, with x and hx
  // reassigned, makes V8 compile the common case twice as slow).
  if (hx < 0x00100000 || hx >= 0x7ff00000) return logSpecial(x, hx);
  return logNormal(x, hx, 0);
}

function logSpecial(x: number, hx: number): number {
  if (hx >= 0x7ff00000) return x + x;
  if (x === 0) return -Infinity;
  if (hx < 0 || x !== x) return NaN;
  const xs = x * TWO54; // subnormal: scale into the normal range, k −= 54
  return logNormal(xs, highWord(xs), -54);
}

/** log x for a positive normal x whose high word is hx, plus k·ln2. */
function logNormal(x: number, hx: number, k: number): number {
  // fdlibm sets the exponent field of x to that of 1 or 1/2; multiplying by a power of two is
  // the same exact operation without writing a word and reading back a double.
  let e = (hx >> 20) - 1023;
  hx &= 0x000fffff;
  const i = (hx + 0x95f64) & 0x100000;
  e += i >> 20;
  k += e;
  const f = x * pow2(-e) - 1;
  const dk = k;
  if ((0x000fffff & (2 + hx)) < 3) {
    const R = f * f * (0.5 - 0.33333333333333333 * f);
    return dk * LN2_HI - (R - dk * LN2_LO - f);
  }
  const s = f / (2 + f);
  const z = s * s;
  const w = z * z;
  const t1 = w * (LG2 + w * (LG4 + w * LG6));
  const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  const R = t2 + t1;
  if (((hx - 0x6147a) | (0x6b851 - hx)) > 0) {
    const hfsq = 0.5 * f * f;
    return dk * LN2_HI - (hfsq - (s * (hfsq + R) + dk * LN2_LO) - f);
  }
  return dk * LN2_HI - (s * (f - R) - dk * LN2_LO - f);
}

/**
 * log(1 + x), accurate for tiny x.
 *
 * Method (fdlibm s_log1p.c, unchanged): for −0.2929 < x < 0.41422, f = x and k = 0; otherwise
 * u = 1 + x rounded, 1 + x = 2^k·(1 + f) from u, and the rounding error of u corrected by
 * c = ((1 + x) − u)/u; then log(1 + f) as in {@link log}. |x| < 2^−54 returns x, |x| < 2^−29
 * returns x − x²/2.
 *
 * | x | log1p(x) |
 * |---|---|
 * | NaN, x < −1, −∞ | NaN |
 * | −1 | −∞ |
 * | ±0 | ±0 |
 * | +∞ | +∞ |
 */
export function log1p(x: number): number {
  const hx = highWord(x);
  if (hx < 0x3fda827a) {
    const ax = hx & 0x7fffffff;
    if (ax >= 0x3ff00000) return x === -1 ? -Infinity : NaN;
    if (ax < 0x3e200000) return ax < 0x3c900000 ? x : x - x * x * 0.5;
    if (hx > 0 || hx <= (0xbfd2bec4 | 0)) return log1pTail(x, 0, 0, 1); // f = x, k = 0
  }
  if (hx >= 0x7ff00000) return x + x;
  return log1pReduced(x, hx);
}

/** 1 + x = 2^k·(1 + f) with the rounding of 1 + x corrected by c. */
function log1pReduced(x: number, hx: number): number {
  let u: number;
  let hu: number;
  let k: number;
  let c: number;
  if (hx < 0x43400000) {
    u = 1 + x;
    hu = highWord(u);
    k = (hu >> 20) - 1023;
    c = (k > 0 ? 1 - (u - x) : x - (u - 1)) / u;
  } else {
    u = x;
    hu = hx;
    k = (hu >> 20) - 1023;
    c = 0;
  }
  hu &= 0x000fffff;
  // fdlibm sets the exponent field of u to that of 1 (or 1/2, counted in k): the same exact
  // scaling as a product with a power of two.
  if (hu >= 0x6a09e) {
    k += 1;
    hu = (0x00100000 - hu) >> 2;
  }
  return log1pTail(u * pow2(-k) - 1, k, c, hu);
}

/** k·ln2 + log(1 + f) + c, as fdlibm combines them. */
function log1pTail(f: number, k: number, c: number, hu: number): number {
  const hfsq = 0.5 * f * f;
  const dk = k;
  if (hu === 0) {
    const R = hfsq * (1 - 0.66666666666666666 * f);
    return dk * LN2_HI - (R - (dk * LN2_LO + c) - f);
  }
  const s = f / (2 + f);
  const z = s * s;
  const R = z * (LG1 + z * (LG2 + z * (LG3 + z * (LG4 + z * (LG5 + z * (LG6 + z * LG7))))));
  return dk * LN2_HI - (hfsq - (s * (hfsq + R) + (dk * LN2_LO + c)) - f);
}

const Q1 = -3.33333333333331316428e-2;
const Q2 = 1.58730158725481460165e-3;
const Q3 = -7.93650757867487942473e-5;
const Q4 = 4.00821782732936239552e-6;
const Q5 = -2.01099218183624371326e-7;
/** fdlibm's threshold 56·ln2 as a high word, 0x4043687A: from it on, expm1(x < 0) = −1. */
const EXPM1_NEG_LIMIT = 38.81622314453125;
/** 1.5·ln2 truncated to the high word 0x3FF0A2B2: below it, k = ±1. */
const THREE_HALVES_LN2 = 1.0397205352783203;
/** ln2/2 rounded up to the next high word (0x3fd62e43): from it on, x is reduced. */
const HALF_LN2 = 0.3465735912322998;

/**
 * e^x − 1, accurate for tiny x.
 *
 * Method (fdlibm s_expm1.c, unchanged): x = k·ln2 + r with a correction c for the rounding of
 * r; expm1(r) = r + r²/2 + r³/2·(3 − (R1 + R1·r/2))/(6 − r·(3 − R1·r/2)) with R1 a degree-5
 * Remes fit (error < 2^−61); then 2^k·(expm1(r) + 1) − 1 arranged by the size of k to avoid
 * cancellation.
 *
 * | x | expm1(x) |
 * |---|---|
 * | NaN | NaN |
 * | ±0 | ±0 |
 * | +∞, x > 709.782712893384 | +∞ |
 * | −∞, x ≤ −38.81622314453125 | −1 |
 */
export function expm1(x: number): number {
  const ax = x < 0 ? -x : x;
  if (!(ax < EXPM1_NEG_LIMIT)) {
    if (x !== x) return x;
    if (x < 0) return -1;
    if (x > O_THRESHOLD) return Infinity;
  }
  if (ax >= HALF_LN2) {
    const t = ax < THREE_HALVES_LN2 ? (x < 0 ? -1 : 1) : Math.trunc(INVLN2 * x + (x < 0 ? -0.5 : 0.5));
    const hi = x - t * LN2_HI;
    const lo = t * LN2_LO;
    const r = hi - lo;
    return expm1Reduced(r, hi - r - lo, t);
  }
  if (ax < 5.551115123125783e-17) return x; // |x| < 2^−54
  return expm1Reduced(x, 0, 0);
}

/** expm1 of x + k·ln2 for the reduced x, with c the rounding error of the reduction. */
function expm1Reduced(x: number, c: number, k: number): number {
  const hfx = 0.5 * x;
  const hxs = x * hfx;
  const r1 = 1 + hxs * (Q1 + hxs * (Q2 + hxs * (Q3 + hxs * (Q4 + hxs * Q5))));
  const t = 3 - r1 * hfx;
  const e0 = hxs * ((r1 - t) / (6 - x * t));
  if (k === 0) return x - (x * e0 - hxs);
  const e = x * (e0 - c) - c - hxs;
  if (k === -1) return 0.5 * (x - e) - 0.5;
  if (k === 1) return x < -0.25 ? -2 * (e - (x + 0.5)) : 1 + 2 * (x - e);
  if (k <= -2 || k > 56) return scale(1 - (e - x), k) - 1;
  if (k < 20) return (1 - pow2(-k) - (e - x)) * pow2(k);
  return (x - (e + pow2(-k)) + 1) * pow2(k);
}

/** Veltkamp's splitting constant 2^27 + 1. */
const SPLIT = 134217729;
/** From here on tanh(|x|) rounds to 1: 1 − tanh(x) = 2/(e^{2x} + 1) < 2^−54. */
const TANH_ONE = 19.1;
const TANH_TINY = 3.725290298461914e-9; // 2^−28
/** Below this, the series; from it on, e^{2|x|}. */
const TANH_SMALL = 0.125;

/**
 * Hyperbolic tangent.
 *
 * Method (nabla's; fdlibm's 1 − 2/(expm1(2x) + 2) errs by up to ~2 ulp):
 * - |x| < 2^−28: x (tanh x = x − x³/3 rounds to x);
 * - |x| < 1/8: a + a·Σ_{n=1..8} c_n a^(2n), a = |x|, the Taylor series (truncation < 2^−70
 *   relative; the sum is < 0.6 % of a, so its rounding errors are negligible);
 * - |x| < 19.1: E = e^{2a} held as S·(1 + tmp) from exp's table scheme (S = H_j·2^(k>>7) exact,
 *   relative error < 2^−59), then tanh a = 1 − 2/(E + 1) with E + 1 by an exact two-sum, the
 *   quotient corrected by its exact residual (Dekker's product; the correction divided by d as a
 *   product with q0/2 ≈ 1/d, its own error being far below an ulp) and 1 − q by an exact
 *   two-sum: one final rounding, ≈ 0.5 ulp;
 * - |x| ≥ 19.1: ±1.
 *
 * | x | tanh(x) |
 * |---|---|
 * | NaN | NaN |
 * | ±0 | ±0 |
 * | ±∞, \|x\| ≥ 19.1 | ±1 |
 * | subnormal | x |
 */
export function tanh(x: number): number {
  const a = x < 0 ? -x : x;
  if (!(a < TANH_ONE)) return x !== x ? x : x > 0 ? 1 : -1;
  if (a < TANH_TINY) return x;
  let z: number;
  if (a < TANH_SMALL) {
    const a2 = a * a;
    z = a + a * (a2 * (S1 + a2 * (S2 + a2 * (S3 + a2 * (S4 + a2 * (S5 + a2 * (S6 + a2 * (S7 + a2 * S8))))))));
  } else {
    const T = expTable ?? expTableF64();
    const y = a + a;
    const kd = y * INVLN2N + SHIFT - SHIFT;
    const k = kd | 0;
    const r = y + kd * NEGLN2HIN + kd * NEGLN2LON;
    const j = (k & 127) << 1;
    const r2 = r * r;
    const tmp = T[j] + r + r2 * (C2 + r * C3) + r2 * r2 * (C4 + r * C5);
    const S = T[j + 1] * pow2(k >> 7);
    // D = E + 1 = S + 1 + S·tmp as d + dl, |dl| ≤ ulp(d)/2 (S ≥ 1: both two-sums are exact)
    const d0 = S + 1;
    const dl0 = 1 - (d0 - S) + S * tmp;
    const d = d0 + dl0;
    const dl = dl0 - (d - d0);
    // q = 2/D = q0 + qc, with 2 − q0·d exact (Dekker)
    const q0 = 2 / d;
    const cq = SPLIT * q0;
    const qh = cq - (cq - q0);
    const ql = q0 - qh;
    const cd = SPLIT * d;
    const dh = cd - (cd - d);
    const dlo = d - dh;
    const pp = q0 * d;
    const pe = qh * dh - pp + qh * dlo + ql * dh + ql * dlo;
    const qc = (2 - pp - pe - q0 * dl) * (0.5 * q0); // ÷ d, as × q0/2: the term is ~2^−53·q0
    // z = 1 − q0 − qc, with 1 − q0 = s1 + se exactly
    const s1 = 1 - q0;
    const se = 1 - s1 - q0;
    z = s1 + (se - qc);
  }
  return x < 0 ? -z : z;
}
