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
 * Sources: exp, and the tables of log, log1p, expm1 and tanh, follow the table-driven scheme of
 * ARM's optimized-routines (math/exp.c and math/log.c, Szabolcs Nagy 2018) without fused
 * multiply-add, with nabla's own tables and polynomials (scripts/gen-kernel-tables.py →
 * tables.ts); log1p near 0 uses fdlibm's identity log1p(r) = 2·atanh(r/(2 + r)) (fdlibm 5.3,
 * Sun Microsystems 1993, s_log1p.c) with Taylor coefficients. expm1 and tanh are nabla's, built
 * on exp's table with their cancellations handled by exact two-sums (Dekker 1971, "A
 * floating-point technique for extending the available precision") and, for tanh, a table of
 * 2/(e^(k·hi) + 1) in double-double. Worst errors: ≈ 0.51 ulp (exp), ≈ 0.52–0.6 ulp (log, log1p,
 * expm1) by analysis, 0.71 ulp (tanh) measured; ≤ 1 ulp everywhere on the fixture points, with
 * 99.5–99.9 % of results correctly rounded.
 *
 * Speed in JavaScript: each function f has fFast(x, tables…), the common case, which returns
 * {@link EDGE} for the inputs fEdge(x) handles (special values, thresholds, rare ranges); array
 * kernels (arrays.ts) run fFast in one loop and fEdge over the EDGE results in a second, so the
 * body V8 inlines into the hot loop stays short; the tables are passed in, and the hot paths'
 * constants are written as literals (V8 reloads a module's constants from memory at every use).
 * The scalar f(x) is fFast then, if needed, fEdge.
 *
 * Bit access uses one 8-byte scratch buffer viewed as float64 and two int32 words (little-endian
 * word order, detected once).
 * @internal
 */

import {
  EXP_TABLE,
  INVLN2N,
  LOG_A0,
  LOG_A1,
  LOG_A2,
  LOG_A3,
  LOG_A4,
  LOG_TABLE,
  NEGLN2HIN,
  NEGLN2LON,
} from './tables.js';
import { decodeFloat64s } from './base64.js';

const F64 = /* @__PURE__ */ new Float64Array(1);
const I32 = /* @__PURE__ */ newInt32View(F64);

function newInt32View(f: Float64Array): Int32Array {
  return new Int32Array(f.buffer);
}
/**
 * What the *Fast functions return for the inputs their *Edge function takes: −1e300, below every
 * result any of them gives (exp and sigmoid are positive, expm1 and tanh ≥ −1, log and log1p ≥
 * −745). Written as the literal −1e300 where it is returned or compared: a NaN or ∞ literal, or a
 * module constant, among a function's results makes V8 box every double it returns, which
 * triples the cost of the loops that call it.
 * @internal
 */
export const EDGE = -1e300;

/** Index of the high (sign/exponent) 32-bit word of a float64 in an Int32Array view. @internal */
export const HI = /* @__PURE__ */ littleEndianHigh();

function littleEndianHigh(): number {
  return new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
}

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
/** 1.5·2^52: x + SHIFT − SHIFT rounds x to the nearest integer (ties to even) for |x| < 2^51. */
const SHIFT = 6755399441055744;
const O_THRESHOLD = 7.09782712893383973096e2; // 0x40862E42 FEFA39EF
const U_THRESHOLD = -7.45133219101941108420e2; // 0xc0874910 D52D3051

/** EXP_TABLE as a Float64Array (tail_j at 2j, H_j at 2j + 1), built on first use. */
let expTable: Float64Array | null = null;

/** The exp table. @internal */
export function expTableF64(): Float64Array {
  return expTable ?? (expTable = decodeFloat64s(EXP_TABLE));
}


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
export function expScalar(x: number): number {
  const y = expFast(x, expTable ?? expTableF64(), pow2Table ?? pow2s());
  return y !== -1e300 ? y : expEdge(x);
}

/**
 * The common case of {@link exp}, |x| ≤ 708, with its tables passed in (the exp table, the powers
 * of two); {@link EDGE} for every other input, which {@link expEdge} takes. Array kernels run this in one
 * loop and expEdge over the NaNs in a second: V8 then inlines only the short common case, which
 * makes it about twice as fast. @internal
 */
export function expFast(x: number, T: Float64Array, P: Float64Array): number {
  // |x| ≤ 708: 2^(k>>7) is a normal double and one product rounds once, exactly as expEdge's
  // two-step product would. Constants are literals (INVLN2N, NEGLN2HIN, NEGLN2LON of tables.ts,
  // 1.5·2^52, 1/2, 1/6, 1/24, 1/120): V8 embeds literals in the code but loads a module's
  // constants from memory at every use, which costs this loop a third of its speed.
  if (!(Math.abs(x) <= 708)) return -1e300; // EDGE
  const kd = x * 184.6649652337873 + 6755399441055744 - 6755399441055744; // round(x·128/ln2)
  const k = kd | 0;
  const r = x + kd * -0.005415212347998022 + kd * -1.2655086083325438e-13; // x − k·ln2/128
  const j = (k & 127) << 1;
  const r2 = r * r;
  const tmp = T[j] + r + r2 * (0.5 + r * 0.16666666666666666) + r2 * r2 * (0.041666666666666664 + r * 0.008333333333333333);
  const H = T[j + 1];
  return (H + H * tmp) * P[(k >> 7) + 1074];
}

/** exp beyond ±708: NaN, the thresholds, and y·2^e in two steps (results near overflow or subnormal). @internal */
export function expEdge(x: number): number {
  if (!(x <= O_THRESHOLD)) return x > 0 ? Infinity : x;
  if (x < U_THRESHOLD) return 0;
  const T = expTable ?? expTableF64();
  const kd = x * INVLN2N + SHIFT - SHIFT;
  const k = kd | 0;
  const r = x + kd * NEGLN2HIN + kd * NEGLN2LON;
  const j = (k & 127) << 1;
  const r2 = r * r;
  const tmp = T[j] + r + r2 * (0.5 + r * 0.16666666666666666) + r2 * r2 * (0.041666666666666664 + r * 0.008333333333333333);
  const H = T[j + 1];
  return scale(H + H * tmp, k >> 7);
}

/** 2^52: subnormal inputs of log are scaled into the normal range first. */
const TWO52 = 4503599627370496;
/** High word of 0.6875 (0x3fe60000): log reduces x to 2^k·z with z in [0.6875, 1.375). */
const LOG_OFF = 0x3fe60000;

/** log's table as 1/c, c, RN(log c) per subinterval (3 doubles each), built on first use. */
let logTable: Float64Array | null = null;

/** The log table (1/c_i rounded once, c_i, RN(log c_i); see tables.ts). @internal */
export function logTableF64(): Float64Array {
  if (logTable !== null) return logTable;
  const src = decodeFloat64s(LOG_TABLE);
  const t = new Float64Array(384);
  for (let i = 0; i < 128; i++) {
    const c = src[2 * i];
    t[3 * i] = 1 / c;
    t[3 * i + 1] = c;
    t[3 * i + 2] = src[2 * i + 1];
  }
  return (logTable = t);
}

/**
 * Natural logarithm.
 *
 * Method (the table-driven scheme of ARM's optimized-routines log, Szabolcs Nagy 2018, without
 * fused multiply-add, with nabla's own table and polynomials, scripts/gen-kernel-tables.py):
 * - x in [1 − 2^−4, 1 + 0x1.09p−4): r = x − 1 (exact) and log x = log1p(r) by
 *   {@link log1pNear};
 * - otherwise x = 2^k·z with z in [0.6875, 1.375) (exact; subnormals scaled by 2^52 first), c the
 *   table point of z's subinterval (one of 128, picked by z's leading bits), r = (z − c)·(1/c)
 *   (z − c exact, |r| < 0.0039), and log x = k·ln2 + log c + log1p(r), with k·ln2_hi + log c and
 *   its rounding error (Fast2Sum), + r (Fast2Sum), and log1p(r) − r as r²·(A0 + … + A4·r⁴).
 *   log c is within 2^−63 of RN(log c) by the choice of c. About 0.52 ulp; no division.
 *
 * | x | log(x) |
 * |---|---|
 * | NaN, x < 0, −∞ | NaN |
 * | ±0 | −∞ |
 * | 1 | +0 |
 * | +∞ | +∞ |
 */
export function logScalar(x: number): number {
  const y = logFast(x, logTable ?? logTableF64(), pow2Table ?? pow2s(), F64, I32, HI);
  return y !== -1e300 ? y : logEdge(x);
}

/**
 * The table path of {@link log} with its tables passed in (log's table, the powers of two); NaN
 * for the inputs {@link logEdge} takes (see expFast). @internal
 */
export function logFast(x: number, L: Float64Array, P: Float64Array, F: Float64Array, I: Int32Array, hi: number): number {
  F[0] = x;
  const hx = I[hi];
  // Not a positive normal number (0, negative, subnormal, ∞, NaN): EDGE, for logEdge. In
  // [0.9375, 1.064697265625): log1pNear(x − 1). Unsigned comparisons of the high word.
  if (((hx - 0x00100000) >>> 0) >= 0x7fe00000) return -1e300; // EDGE
  if (((hx - 0x3fee0000) >>> 0) < 0x30900) return log1pNear(x - 1);
  // logMain(x, hx, 0, 0, L, P) with literal constants (LN2_HI, LN2_LO, LOG_A0..LOG_A4; see expFast).
  const tmp = hx - 0x3fe60000;
  const i = ((tmp >> 13) & 127) * 3;
  const k = tmp >> 20;
  const r = (x * P[1074 - k] - L[i + 1]) * L[i];
  const t = k * 6.93147180369123816490e-1;
  const w = t + L[i + 2];
  const we = t - w + L[i + 2];
  const h = w + r;
  const lo = w - h + r + (k * 1.90821492927058770002e-10 + we);
  const r2 = r * r;
  return lo + r2 * -0.5 + r * r2 * (0.3333333333230906 + r * -0.2499999999910376 + r2 * (0.20000270486568708 + r * -0.16666903342493952)) + h;
}

/** log of the inputs logFast leaves: subnormal, and the special values (0, negative, ∞, NaN). @internal */
export function logEdge(x: number): number {
  const hx = highWord(x);
  if (hx >= 0x7ff00000) return x + x;
  if (x === 0) return -Infinity;
  if (hx < 0 || x !== x) return NaN;
  const xs = x * TWO52; // subnormal: into the normal range, k −= 52
  return logMain(xs, highWord(xs), -52, 0, logTable ?? logTableF64(), pow2Table ?? pow2s());
}

/**
 * log(z·2^k + c·2^k) for a positive normal x = z·2^k whose high word is hx, plus kAdd·ln2; c is
 * a correction far below ulp(x) (log1p's rounding error of 1 + x; 0 for log).
 */
function logMain(x: number, hx: number, kAdd: number, c: number, L: Float64Array, P: Float64Array): number {
  const tmp = hx - LOG_OFF;
  const i = ((tmp >> 13) & 127) * 3;
  const ke = tmp >> 20;
  const s = P[1074 - ke];
  const r = (x * s - L[i + 1] + c * s) * L[i];
  const kd = ke + kAdd;
  const t = kd * LN2_HI;
  const w = t + L[i + 2];
  const we = t - w + L[i + 2];
  const hi = w + r;
  const lo = w - hi + r + (kd * LN2_LO + we);
  const r2 = r * r;
  return lo + r2 * LOG_A0 + r * r2 * (LOG_A1 + r * LOG_A2 + r2 * (LOG_A3 + r * LOG_A4)) + hi;
}

/**
 * log1p(r) for −2^−4 ≤ r < 0x1.09p−4 (fdlibm's identity): with s = r/(2 + r), log1p(r) = 2·atanh(s)
 * = r − r·s + s·R(s²), evaluated as r − (r²/2 − s·(r²/2 + R)), R = z·(2/3 + 2z/5 + … + 2z⁴/11),
 * z = s² ≤ 2^−9.9 (truncation < 2^−62 relative). The correction subtracted from r is under
 * r/30, so its roundings cost under 0.1 ulp: ≈ 0.56 ulp. @internal
 */
export function log1pNear(r: number): number {
  const s = r / (2 + r);
  const z = s * s;
  const R = z * (0.6666666666666666 + z * (0.4 + z * (0.2857142857142857 + z * (0.2222222222222222 + z * 0.18181818181818182))));
  const hfsq = 0.5 * r * r;
  return r - (hfsq - s * (hfsq + R));
}

/**
 * log(1 + x), accurate for tiny x.
 *
 * Method: |x| < 2^−54 gives x; |x| < 1/16, {@link log1pNear}(x); otherwise
 * 1 + x = u + c exactly (u rounded, c its rounding error by Fast2Sum) and log u by {@link log}'s
 * table path, with c·2^−k added to z − c_i before the product by 1/c_i, so the rounding of 1 + x
 * costs nothing. About 0.52 ulp.
 *
 * | x | log1p(x) |
 * |---|---|
 * | NaN, x < −1, −∞ | NaN |
 * | −1 | −∞ |
 * | ±0 | ±0 |
 * | +∞ | +∞ |
 */
export function log1pScalar(x: number): number {
  const y = log1pFast(x, logTable ?? logTableF64(), pow2Table ?? pow2s(), F64, I32, HI);
  return y !== -1e300 ? y : log1pEdge(x);
}

/** The table path of {@link log1p}; EDGE for the inputs {@link log1pEdge} takes. @internal */
export function log1pFast(x: number, L: Float64Array, P: Float64Array, F: Float64Array, I: Int32Array, hi: number): number {
  // |x| < 1/16: log1pNear(x), except |x| < 2^−54 (±0, tiny x); x ≤ −1, +∞ and NaN: EDGE, for log1pEdge.
  const ax = Math.abs(x);
  if (ax < 0.0625) return ax < 5.551115123125783e-17 ? -1e300 : log1pNear(x);
  if (!(x > -1 && x < Infinity)) return -1e300; // EDGE
  const u = 1 + x;
  const c = x < 1 ? 1 - u + x : x - u + 1; // (1 + x) − u exactly (Fast2Sum; here |x| < 1 means x < 1)
  F[0] = u;
  // logMain(u, hu, 0, c, L, P) with literal constants (see logFast).
  const tmp = I[hi] - 0x3fe60000;
  const i = ((tmp >> 13) & 127) * 3;
  const k = tmp >> 20;
  const s = P[1074 - k];
  const r = (u * s - L[i + 1] + c * s) * L[i];
  const t = k * 6.93147180369123816490e-1;
  const w = t + L[i + 2];
  const we = t - w + L[i + 2];
  const h = w + r;
  const lo = w - h + r + (k * 1.90821492927058770002e-10 + we);
  const r2 = r * r;
  return lo + r2 * -0.5 + r * r2 * (0.3333333333230906 + r * -0.2499999999910376 + r2 * (0.20000270486568708 + r * -0.16666903342493952)) + h;
}

/** log1p of the inputs log1pFast leaves: |x| < 2^−54 (x itself) and the special values. @internal */
export function log1pEdge(x: number): number {
  if (!(x > -1)) return x === -1 ? -Infinity : NaN;
  return x; // +∞, or |x| < 2^−54 (±0 included)
}

/**
 * e^x − 1, accurate for tiny x.
 *
 * Method (nabla's):
 * - |x| < 2^−54: x;
 * - |x| < 1/16: x + x²·(1/2 + x/6 + … + x⁸/10!), the Taylor polynomial (truncation < 2^−65
 *   relative); the x² term is under 1/32 of the result, so its rounding costs little: ≈ 0.6 ulp;
 * - otherwise e^x = S·(1 + tmp) from {@link exp}'s table scheme, S = H_j·2^(k>>7) exact, and
 *   e^x − 1 = hi + (lo + S·tmp) with hi + lo = S − 1 exactly (Fast2Sum); no cancellation since
 *   |e^x − 1| > 0.06 here: ≈ 0.6 ulp;
 * - x > 709: e^x (the same bits as that formula, without overflowing 2^(k>>7)).
 *
 * | x | expm1(x) |
 * |---|---|
 * | NaN | NaN |
 * | ±0 | ±0 |
 * | +∞, x > 709.782712893384 | +∞ |
 * | −∞, x ≤ −38.81622314453125 | −1 |
 */
export function expm1Scalar(x: number): number {
  const y = expm1Fast(x, expTable ?? expTableF64(), pow2Table ?? pow2s());
  return y !== -1e300 ? y : expm1Edge(x);
}

/** The table path of {@link expm1}; EDGE for the inputs {@link expm1Edge} takes. @internal */
export function expm1Fast(x: number, T: Float64Array, P: Float64Array): number {
  const ax = Math.abs(x);
  if (ax < 0.0625) {
    if (ax < 5.551115123125783e-17) return x; // |x| < 2^−54 (±0 included)
    return x + x * x * (0.5 + x * (0.16666666666666666 + x * (0.041666666666666664 + x * (0.008333333333333333 + x * (0.001388888888888889 + x * (0.0001984126984126984 + x * (2.48015873015873e-05 + x * (2.7557319223985893e-06 + x * 2.755731922398589e-07))))))));
  }
  if (!(x > -38.81622314453125 && x <= 709)) return -1e300; // EDGE
  const kd = x * 184.6649652337873 + 6755399441055744 - 6755399441055744; // round(x·128/ln2)
  const k = kd | 0;
  const r = x + kd * -0.005415212347998022 + kd * -1.2655086083325438e-13; // x − k·ln2/128
  const j = (k & 127) << 1;
  const r2 = r * r;
  const tmp = T[j] + r + r2 * (0.5 + r * 0.16666666666666666) + r2 * r2 * (0.041666666666666664 + r * 0.008333333333333333);
  const S = T[j + 1] * P[(k >> 7) + 1074];
  const hi = S - 1;
  const lo = S - (hi + 1);
  return hi + (lo + S * tmp);
}

/** expm1 of the inputs expm1Fast leaves: x > 709, x ≤ −38.81622314453125 (−1, fdlibm's 56·ln2), NaN. @internal */
export function expm1Edge(x: number): number {
  if (x > 709) return expScalar(x);
  return x !== x ? x : -1; // x ≤ −38.81622314453125
}

/** From here on tanh(|x|) rounds to 1: 1 − tanh(x) = 2/(e^{2x} + 1) < 2^−54. */
const TANH_ONE = 19.1;
/** 2^−28: below it the series' correction is under half an ulp, so tanh x rounds to x. */
const TANH_TINY = 3.725290298461914e-9;
/**
 * tanh's table covers k = round(2a·128/ln2) ≤ 7054 for a ≤ 19.1 (the WebAssembly code
 * evaluates the table path on every lane, a clamped to 19.1); entry 7055 is never read.
 */
const TANH_QK = 7056;
/** Veltkamp's splitting constant 2^27 + 1. */
const SPLIT = 134217729;

/** 2/(E_k + 1) as qh + ql for k < 7056 (tanh's table), built on first use. */
let tanhTable: Float64Array | null = null;

/**
 * tanh's table: for k = 0..7055, qh_k and ql_k with qh_k + ql_k = 2/(E_k + 1) to ~2^−80
 * relative (qh_k correctly rounded; both checked against mpmath by test/kernels/backend.test.ts),
 * where E_k = e^(k·hi), hi = −NEGLN2HIN (ln2/128's high part, at most 35 bits, so that tanh's
 * reduction 2a − k·hi is exact and needs no low part), from exp's table: e^(k·hi) =
 * 2^(k/128)·e^(−k·lo) with 2^(k/128) = S_k·(1 + tail_j) (S_k = H_j·2^(k>>7) exact, j = k mod 128)
 * and lo = −NEGLN2LON. Computed in double-double arithmetic (E_k + 1 as S_k + 1 by Fast2Sum plus
 * S_k·t, the quotient corrected by its residual through Dekker's exact product): only +, −, ×, ÷,
 * so the same bits on every engine. @internal
 */
export function tanhTableF64(): Float64Array {
  if (tanhTable !== null) return tanhTable;
  const E = expTable ?? expTableF64();
  const t = new Float64Array(2 * TANH_QK);
  for (let k = 0; k < TANH_QK; k++) {
    const j = (k & 127) << 1;
    const S = E[j + 1] * pow2(k >> 7);
    // e^(k·hi) = S·(1 + tail)·e^(−k·lo) ≈ S·(1 + t), t = tail − k·lo + (k·lo)²/2 (|k·lo| < 2^−29.9:
    // the dropped terms and t's rounding are below 2^−82)
    const d = k * -NEGLN2LON;
    const t1 = E[j] - d + 0.5 * d * d;
    const ph = S + 1;
    const pl = 1 - (ph - S) + S * t1; // S ≥ 1: 1 − (ph − S) is S + 1 − ph exactly
    const q0 = 2 / ph;
    // 2 − q0·ph exactly (Dekker), then the residual of the whole quotient.
    const cq = SPLIT * q0;
    const qhh = cq - (cq - q0);
    const qlo = q0 - qhh;
    const cp = SPLIT * ph;
    const phh = cp - (cp - ph);
    const plo = ph - phh;
    const p = q0 * ph;
    const pe = qhh * phh - p + qhh * plo + qlo * phh + qlo * plo;
    const q1 = (2 - p - pe - q0 * pl) / (ph + pl); // ph + pl: for large k, pl is far above ulp(ph)
    const qh = q0 + q1;
    t[2 * k] = qh;
    t[2 * k + 1] = q1 - (qh - q0);
  }
  return (tanhTable = t);
}

/**
 * Hyperbolic tangent.
 *
 * Method (nabla's; fdlibm's 1 − 2/(expm1(2x) + 2) errs by up to ~2 ulp), with a = |x|:
 * - a < 1/32: a + a·Σ_{n=1..8} c_n a^(2n), the Taylor series (truncation < 2^−90 relative; for
 *   a < 2^−27 the correction is below half an ulp of a, so the result is x);
 * - 1/32 ≤ a < 19.1: tanh a = 1 − q, q = 2/(e^{2a} + 1). With k = round(2a·128/ln2),
 *   hi the high part of ln2/128 (exp's), s = a − k·hi/2 exactly (|s| ≤ ln2/512 + 2^−30)
 *   and E_k = e^{k·hi}: e^{2a} + 1 = (E_k + 1)(1 + ε), ε = (e^{2s} − 1)·E_k/(E_k + 1) =
 *   h·(2 − Q_k) with h = (e^{2s} − 1)/2 = s + s²(1 + 2s/3) + s⁴(1/3 + 2s/15) (truncation
 *   < 2^−52 relative to h), and Q_k = 2/(E_k + 1) = qh + ql from a table of 7056 double-double
 *   entries; then
 *   q = Q_k/(1 + ε) ≈ qh + (ql − qh·ε/(1 + ε)), and 1 − qh by Fast2Sum, so that
 *   tanh a = s1 + ((((1 − s1) − qh) − ql) + qh·ε/(1 + ε)) with s1 = RN(1 − qh). Only the
 *   correction qh·ε/(1 + ε) (|ε| < 2^−8.5) carries rounding errors beyond the last addition's;
 *   it is at most 9 % of the result (at a = 1/32) and far less above, so ≈ 0.5–0.65 ulp
 *   (measured with mpmath on about 4.5 million points: at most 0.71 ulp, just above 1/32, where
 *   tanh falls below 2^−5 and its ulp halves; 0.62 below 1/16, 0.52 from 1/8 to 1, 0.5 above);
 * - a ≥ 19.1: ±1 (the formula gives exactly 1 at 19.1, where the WebAssembly code clamps a).
 *
 * | x | tanh(x) |
 * |---|---|
 * | NaN | NaN |
 * | ±0 | ±0 |
 * | ±∞, \|x\| ≥ 19.1 | ±1 |
 * | subnormal | x |
 */
export function tanhScalar(x: number): number {
  const y = tanhFast(x, tanhTable ?? tanhTableF64());
  return y !== -1e300 ? y : tanhEdge(x);
}

/** {@link tanh} for 1/32 ≤ |x| < 19.1 (the table path); EDGE for the inputs {@link tanhEdge} takes. @internal */
export function tanhFast(x: number, Q: Float64Array): number {
  const a = x < 0 ? -x : x;
  if (!(a >= 0.03125 && a < 19.1)) return -1e300; // EDGE: the series (tiny x included), ±1, NaN
  // k = round(2a·128/ln2), with 2a·128/ln2 computed as a·(256/ln2) (2·INVLN2N, exact scaling)
  const kd = a * 369.3299304675746 + 6755399441055744 - 6755399441055744;
  const k = (kd | 0) << 1;
  const s = a + kd * -0.002707606173999011; // a − k·hi/2, exactly (NEGLN2HIN/2)
  const s2 = s * s;
  const h = s + s2 * (1 + s * 0.6666666666666666) + s2 * s2 * (0.3333333333333333 + s * 0.13333333333333333); // (e^(2s) − 1)/2
  const qh = Q[k];
  const eps = h * (2 - qh);
  const s1 = 1 - qh;
  const z = s1 + (1 - s1 - qh - Q[k + 1] + (qh * eps) / (1 + eps));
  return x < 0 ? -z : z;
}

/**
 * tanh of NaN, of |x| ≥ 19.1 (±1) and of |x| < 1/32 (the series; x itself below 2^−28, the bits
 * the series gives there, signed zeros included). @internal
 */
export function tanhEdge(x: number): number {
  const a = x < 0 ? -x : x;
  if (!(a < TANH_ONE)) return x !== x ? x : x > 0 ? 1 : -1;
  if (a < TANH_TINY) return x;
  const a2 = a * a;
  const z = a + a * (a2 * (-0.3333333333333333 + a2 * (0.13333333333333333 + a2 * (-0.05396825396825397 + a2 * (0.021869488536155203 + a2 * (-0.008863235529902197 + a2 * (0.003592128036572481 + a2 * (-0.0014558343870513183 + a2 * 0.000590027440945586))))))));
  return x < 0 ? -z : z;
}
