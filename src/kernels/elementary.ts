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
 * Sources: exp, log, log1p and expm1 follow fdlibm 5.3 (Sun Microsystems, 1993–2004) as kept in
 * FreeBSD's msun (lib/msun/src/e_exp.c, e_log.c, s_log1p.c, s_expm1.c) — the same algorithms V8
 * uses for Math.exp/log/log1p/expm1. tanh is nabla's: fdlibm's tanh (1 − 2/(expm1(2x)+2)) errs by
 * up to ~2 ulp, so tanh here evaluates expm1(2|x|) and the quotient in double-double arithmetic
 * (Dekker 1971, "A floating-point technique for extending the available precision").
 *
 * Bit access uses one 8-byte scratch buffer viewed as float64 and two int32 words (little-endian
 * word order, detected once).
 * @internal
 */

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
const P1 = 1.66666666666666019037e-1;
const P2 = -2.77777777770155933842e-3;
const P3 = 6.61375632143793436117e-5;
const P4 = -1.65339022054652515390e-6;
const P5 = 4.13813679705723846039e-8;

/**
 * e^x.
 *
 * Method (fdlibm e_exp.c): x = k·ln2 + r with |r| ≤ ln2/2, k = round(x/ln2), r = hi − lo with
 * ln2 split so that k·ln2_hi is exact; exp(r) = 1 + r + r·c/(2 − c), c = r − r²·P(r²) (Remes,
 * error < 2^−59); then scaled by 2^k in two exact-then-rounded steps. fdlibm rounds x/ln2 by
 * truncating x/ln2 ± 1/2 and special-cases |x| < ln2/2 and scaling; here one formula covers all
 * finite x between the thresholds (the same values up to the choice of k at exact ties).
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
  const k = x * INVLN2 + SHIFT - SHIFT;
  const hi = x - k * LN2_HI;
  const lo = k * LN2_LO;
  const r = hi - lo;
  const t = r * r;
  const c = r - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  const y = 1 - (lo - (r * c) / (2 - c) - hi);
  return scale(y, k | 0);
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
  let hx = I32[HI];
  let k = 0;
  if (hx < 0x00100000) {
    if (x === 0) return -Infinity;
    if (hx < 0 || x !== x) return NaN;
    k = -54;
    x *= TWO54;
    F64[0] = x;
    hx = I32[HI];
  }
  if (hx >= 0x7ff00000) return x + x;
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
  const ax = hx & 0x7fffffff;
  let k = 1;
  let f = 0;
  let hu = 0;
  let c = 0;
  if (hx < 0x3fda827a) {
    if (ax >= 0x3ff00000) return x === -1 ? -Infinity : NaN;
    if (ax < 0x3e200000) return ax < 0x3c900000 ? x : x - x * x * 0.5;
    if (hx > 0 || hx <= (0xbfd2bec4 | 0)) {
      k = 0;
      f = x;
      hu = 1;
    }
  }
  if (hx >= 0x7ff00000) return x + x;
  if (k !== 0) {
    let u: number;
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
    f = u * pow2(-k) - 1;
  }
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
  let k: number;
  let c = 0;
  if (ax >= HALF_LN2) {
    let t: number;
    if (ax < THREE_HALVES_LN2) t = x < 0 ? -1 : 1;
    else t = Math.trunc(INVLN2 * x + (x < 0 ? -0.5 : 0.5));
    const hi = x - t * LN2_HI;
    const lo = t * LN2_LO;
    x = hi - lo;
    c = hi - x - lo;
    k = t;
  } else if (ax < 5.551115123125783e-17) {
    return x; // |x| < 2^−54
  } else k = 0;
  const hfx = 0.5 * x;
  const hxs = x * hfx;
  const r1 = 1 + hxs * (Q1 + hxs * (Q2 + hxs * (Q3 + hxs * (Q4 + hxs * Q5))));
  const t = 3 - r1 * hfx;
  let e = hxs * ((r1 - t) / (6 - x * t));
  if (k === 0) return x - (x * e - hxs);
  e = x * (e - c) - c;
  e -= hxs;
  if (k === -1) return 0.5 * (x - e) - 0.5;
  if (k === 1) return x < -0.25 ? -2 * (e - (x + 0.5)) : 1 + 2 * (x - e);
  if (k <= -2 || k > 56) return scale(1 - (e - x), k) - 1;
  if (k < 20) return (1 - pow2(-k) - (e - x)) * pow2(k);
  return (x - (e + pow2(-k)) + 1) * pow2(k);
}

/** Veltkamp's splitting constant 2^27 + 1. */
const SPLIT = 134217729;
/** Taylor coefficients 1/3!, 1/4!, …, 1/15! of (e^r − 1 − r − r²/2)/r³. */
const E3 = 1 / 6;
const E4 = 1 / 24;
const E5 = 1 / 120;
const E6 = 1 / 720;
const E7 = 1 / 5040;
const E8 = 1 / 40320;
const E9 = 1 / 362880;
const E10 = 1 / 3628800;
const E11 = 1 / 39916800;
const E12 = 1 / 479001600;
const E13 = 1 / 6227020800;
const E14 = 1 / 87178291200;
const E15 = 1 / 1307674368000;
/** From here on tanh(|x|) rounds to 1: 1 − tanh(x) = 2/(e^{2x} + 1) < 2^−54. */
const TANH_ONE = 19.1;
const TANH_TINY = 3.725290298461914e-9; // 2^−28

/**
 * Hyperbolic tangent.
 *
 * Method: for 2^−28 ≤ |x| < 19.1, tanh|x| = T/(T + 2) with T = e^{2|x|} − 1 held as a
 * double-double: 2|x| = k·ln2 + r (r as hi + lo), e^r − 1 = r + r²/2 + r³·Σ r^j/(j+3)! with r²
 * exact by Dekker's product, T = 2^k·(e^r − 1) + (2^k − 1) by an exact two-sum; the quotient is
 * q0 = T/(T + 2) corrected by its exact residual. The error is ≈ 0.5 ulp plus ~0.1 ulp.
 * |x| < 2^−28 returns x (tanh x = x − x³/3 rounds to x); |x| ≥ 19.1 returns ±1.
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
  const y = a + a;
  const k = y * INVLN2 + SHIFT - SHIFT;
  const hi = y - k * LN2_HI;
  const lo = k * LN2_LO;
  const rh = hi - lo;
  const rl = hi - rh - lo;
  // r_h² = sh + sl exactly (Dekker).
  const cs = SPLIT * rh;
  const ah = cs - (cs - rh);
  const al = rh - ah;
  const sh = rh * rh;
  const sl = ah * ah - sh + 2 * ah * al + al * al;
  const h = 0.5 * sh;
  // m = e^r − 1 = (rh + h) + (rl + sl/2 + rh·rl + r³·P(r)), the first sum exact by two-sum.
  const s = rh + h;
  const bb = s - rh;
  const e1 = rh - (s - bb) + (h - bb);
  const p =
    rh * sh *
    (E3 + rh * (E4 + rh * (E5 + rh * (E6 + rh * (E7 + rh * (E8 + rh * (E9 + rh * (E10 + rh * (E11 + rh * (E12 + rh * (E13 + rh * (E14 + rh * E15))))))))))));
  const low = e1 + rl + 0.5 * sl + rh * rl + p;
  const mh = s + low;
  const ml = low - (mh - s);
  // T = A·m + (A − 1), A = 2^k.
  const A = pow2(k | 0);
  const u1 = A * mh;
  const u2 = A - 1;
  const t = u1 + u2;
  const tb = t - u1;
  const tl = u1 - (t - tb) + (u2 - tb) + A * ml;
  // D = T + 2 as d + dl.
  const d = t + 2;
  const db = d - t;
  const dl = t - (d - db) + (2 - db) + tl;
  // q = T/D: q0 + (T − q0·D)/d with q0·d exact by Dekker.
  const q0 = t / d;
  const cq = SPLIT * q0;
  const qh = cq - (cq - q0);
  const ql = q0 - qh;
  const cd = SPLIT * d;
  const dh = cd - (cd - d);
  const dlo = d - dh;
  const pp = q0 * d;
  const pe = qh * dh - pp + qh * dlo + ql * dh + ql * dlo;
  const res = t - pp - pe + tl - q0 * dl;
  const z = q0 + res / d;
  return x < 0 ? -z : z;
}
