import { CHUNK, IN_PTR, OUT_PTR, SUMS_PTR, wasmKernels, type WasmKernels } from './backend.js';
import {
  HI,
  expScalar,
  expEdge,
  expFast,
  expTableF64,
  expm1Edge,
  expm1Fast,
  log1pScalar,
  log1pEdge,
  log1pFast,
  logEdge,
  logFast,
  logTableF64,
  pow2s,
  tanhEdge,
  tanhFast,
  tanhTableF64,
} from './elementary.js';

/**
 * Array kernels over Float64Arrays: out[outOff + i] = f(x[xOff + i]) for i < n, with nabla's own
 * elementary functions (elementary.ts). On the WebAssembly backend the input streams through a
 * fixed window of the module's memory (CHUNK elements at a time: copy in, two lanes per step, copy
 * out); in JavaScript a plain loop calls the scalar twin. Both give the same bits for every element.
 *
 * `out` may be `x` itself at the same offset (in place); other overlaps are not supported. No
 * validation: callers check lengths. Below MIN_WASM elements the JavaScript loop runs on either
 * backend (the copies would cost more than they save; the bits are the same anyway).
 * @internal
 */
const MIN_WASM = 16;

/**
 * Whether an array kernel over n elements runs in WebAssembly now (backend not forced to 'js', the
 * module compiled, n ≥ MIN_WASM). Ops whose kernel needs JavaScript passes before or after it
 * (GELU's polynomial, SiLU's product, ELU's select) take this to run one fused scalar loop instead
 * on the JavaScript path — the same operations per element, so the same bits.
 * @internal
 */
export function wasmActive(n: number): boolean {
  return n >= MIN_WASM && wasmKernels() !== null;
}

type Stream = (src: number, dst: number, n: number, a: number, b: number) => void;

/** Streams x through the module's input window CHUNK elements at a time: copy in, f, copy out. */
function streamed(w: WasmKernels, f: Stream, x: Float64Array, xOff: number, out: Float64Array, outOff: number, n: number, a = 0, b = 0): void {
  const mem = w.f64;
  const inIdx = IN_PTR / 8;
  const outIdx = OUT_PTR / 8;
  for (let i = 0; i < n; i += CHUNK) {
    const m = n - i < CHUNK ? n - i : CHUNK;
    mem.set(x.subarray(xOff + i, xOff + i + m), inIdx);
    f(IN_PTR, OUT_PTR, m, a, b);
    out.set(mem.subarray(outIdx, outIdx + m), outOff + i);
  }
}

/*
 * The JavaScript paths run, block by block (BLOCK elements, in the CPU's first-level cache), two
 * loops: the first calls a *Fast function of elementary.ts, which handles the common inputs and
 * returns EDGE (−1e300, written as a literal: V8 keeps literals in registers but boxes the results
 * that meet a module constant) for the rest (special values, thresholds, polynomial ranges); the second recomputes
 * exactly those with the full scalar function. Keeping the rare cases out of the first loop keeps
 * the body V8 inlines there short, which makes it up to twice as fast. In place (out = x) each
 * block's inputs are copied to a scratch block first, since the second loop reads them.
 */
const BLOCK = 512;
let scratch: Float64Array | null = null;

/** The inputs of block [b, e) as (array, offset of element 0): x itself, or a copy when in place. */
function blockInputs(x: Float64Array, xOff: number, out: Float64Array, b: number, e: number): Float64Array {
  if (x !== out) return x;
  const s = scratch ?? (scratch = new Float64Array(BLOCK));
  s.set(x.subarray(xOff + b, xOff + e));
  return s;
}

/** out = e^x elementwise. @internal */
export function expInto(x: Float64Array, xOff: number, out: Float64Array, outOff: number, n: number): void {
  const w = n >= MIN_WASM ? wasmKernels() : null;
  if (w !== null) return streamed(w, w.x.exp, x, xOff, out, outOff, n);
  const T = expTableF64();
  const P = pow2s();
  for (let b = 0; b < n; b += BLOCK) {
    const e = n - b < BLOCK ? n : b + BLOCK;
    const s = blockInputs(x, xOff, out, b, e);
    const so = s === x ? xOff : -b;
    let edges = 0;
    for (let i = b; i < e; i++) {
      const y = expFast(s[so + i], T, P);
      out[outOff + i] = y;
      if (y === -1e300) edges++;
    }
    if (edges > 0) for (let i = b; i < e; i++) {
      const v = out[outOff + i];
      if (v === -1e300) out[outOff + i] = expEdge(s[so + i]);
    }
  }
}

/**
 * out = e^(x − shift) elementwise (x − shift rounded first), and returns Σ out in a fixed order
 * both backends follow: lane 0 adds the elements of even index and lane 1 those of odd index, each
 * in increasing order (an odd last element joins lane 0), then lane 0 + lane 1 — the order of the
 * two f64x2 lanes, so the sum stays in WebAssembly. `out` may be null when only the sum is needed
 * (nothing is copied out then). A softmax row's exponentials and their sum in one pass.
 * @internal
 */
export function expShiftSumInto(x: Float64Array, xOff: number, out: Float64Array | null, outOff: number, n: number, shift: number): number {
  const w = n >= MIN_WASM ? wasmKernels() : null;
  if (w !== null) {
    const mem = w.f64;
    const inIdx = IN_PTR / 8;
    const outIdx = OUT_PTR / 8;
    const sIdx = SUMS_PTR / 8;
    let s0 = 0;
    let s1 = 0;
    for (let i = 0; i < n; i += CHUNK) {
      const m = n - i < CHUNK ? n - i : CHUNK; // CHUNK is even: lane parity carries over
      mem.set(x.subarray(xOff + i, xOff + i + m), inIdx);
      w.x.expShiftSum(IN_PTR, OUT_PTR, m, shift, s0, s1, SUMS_PTR);
      s0 = mem[sIdx];
      s1 = mem[sIdx + 1];
      if (out !== null) out.set(mem.subarray(outIdx, outIdx + m), outOff + i);
    }
    return s0 + s1;
  }
  const T = expTableF64();
  const P = pow2s();
  let s0 = 0;
  let s1 = 0;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    let e0 = expFast(x[xOff + i] - shift, T, P);
    let e1 = expFast(x[xOff + i + 1] - shift, T, P);
    if (e0 === -1e300) e0 = expEdge(x[xOff + i] - shift);
    if (e1 === -1e300) e1 = expEdge(x[xOff + i + 1] - shift);
    s0 += e0;
    s1 += e1;
    if (out !== null) {
      out[outOff + i] = e0;
      out[outOff + i + 1] = e1;
    }
  }
  if (i < n) {
    let e0 = expFast(x[xOff + i] - shift, T, P);
    if (e0 === -1e300) e0 = expEdge(x[xOff + i] - shift);
    s0 += e0;
    if (out !== null) out[outOff + i] = e0;
  }
  return s0 + s1;
}

/**
 * out = e^(−|c·x|) elementwise (c·x rounded first): the one exponential behind the backwards of
 * sigmoid (c = 1: σ(x)·σ(−x) = e/(1 + e)²), tanh (c = 2: sech² x = 4e/(1 + e)²), softplus
 * (c = β), SiLU and GELU's tanh form. The exponent is never positive, so nothing overflows.
 * @internal
 */
export function expNegAbsInto(x: Float64Array, xOff: number, out: Float64Array, outOff: number, n: number, c: number): void {
  const w = n >= MIN_WASM ? wasmKernels() : null;
  if (w !== null) return streamed(w, w.x.expNegAbs, x, xOff, out, outOff, n, c);
  const T = expTableF64();
  const P = pow2s();
  for (let b = 0; b < n; b += BLOCK) {
    const e = n - b < BLOCK ? n : b + BLOCK;
    const s = blockInputs(x, xOff, out, b, e);
    const so = s === x ? xOff : -b;
    let edges = 0;
    for (let i = b; i < e; i++) {
      const y = expFast(-Math.abs(c * s[so + i]), T, P);
      out[outOff + i] = y;
      if (y === -1e300) edges++;
    }
    if (edges > 0) for (let i = b; i < e; i++) {
      const v = out[outOff + i];
      if (v === -1e300) out[outOff + i] = expScalar(-Math.abs(c * s[so + i]));
    }
  }
}

/** out = log x elementwise. @internal */
export function logInto(x: Float64Array, xOff: number, out: Float64Array, outOff: number, n: number): void {
  const w = n >= MIN_WASM ? wasmKernels() : null;
  if (w !== null) return streamed(w, w.x.log, x, xOff, out, outOff, n);
  const L = logTableF64();
  const P = pow2s();
  const F = new Float64Array(1);
  const I = new Int32Array(F.buffer);
  const hi = HI;
  for (let b = 0; b < n; b += BLOCK) {
    const e = n - b < BLOCK ? n : b + BLOCK;
    const s = blockInputs(x, xOff, out, b, e);
    const so = s === x ? xOff : -b;
    let edges = 0;
    for (let i = b; i < e; i++) {
      const y = logFast(s[so + i], L, P, F, I, hi);
      out[outOff + i] = y;
      if (y === -1e300) edges++;
    }
    if (edges > 0) for (let i = b; i < e; i++) {
      const v = out[outOff + i];
      if (v === -1e300) out[outOff + i] = logEdge(s[so + i]);
    }
  }
}

/** out = log(1 + x) elementwise. @internal */
export function log1pInto(x: Float64Array, xOff: number, out: Float64Array, outOff: number, n: number): void {
  const w = n >= MIN_WASM ? wasmKernels() : null;
  if (w !== null) return streamed(w, w.x.log1p, x, xOff, out, outOff, n);
  const L = logTableF64();
  const P = pow2s();
  const F = new Float64Array(1);
  const I = new Int32Array(F.buffer);
  const hi = HI;
  for (let b = 0; b < n; b += BLOCK) {
    const e = n - b < BLOCK ? n : b + BLOCK;
    const s = blockInputs(x, xOff, out, b, e);
    const so = s === x ? xOff : -b;
    let edges = 0;
    for (let i = b; i < e; i++) {
      const y = log1pFast(s[so + i], L, P, F, I, hi);
      out[outOff + i] = y;
      if (y === -1e300) edges++;
    }
    if (edges > 0) for (let i = b; i < e; i++) {
      const v = out[outOff + i];
      if (v === -1e300) out[outOff + i] = log1pEdge(s[so + i]);
    }
  }
}

/** out = e^x − 1 elementwise (ELU's negative side). @internal */
export function expm1Into(x: Float64Array, xOff: number, out: Float64Array, outOff: number, n: number): void {
  const w = n >= MIN_WASM ? wasmKernels() : null;
  if (w !== null) return streamed(w, w.x.expm1, x, xOff, out, outOff, n);
  const T = expTableF64();
  const P = pow2s();
  for (let b = 0; b < n; b += BLOCK) {
    const e = n - b < BLOCK ? n : b + BLOCK;
    const s = blockInputs(x, xOff, out, b, e);
    const so = s === x ? xOff : -b;
    let edges = 0;
    for (let i = b; i < e; i++) {
      const y = expm1Fast(s[so + i], T, P);
      out[outOff + i] = y;
      if (y === -1e300) edges++;
    }
    if (edges > 0) for (let i = b; i < e; i++) {
      const v = out[outOff + i];
      if (v === -1e300) out[outOff + i] = expm1Edge(s[so + i]);
    }
  }
}

/** out = tanh x elementwise (also GELU's tanh approximation, after its polynomial). @internal */
export function tanhInto(x: Float64Array, xOff: number, out: Float64Array, outOff: number, n: number): void {
  const w = n >= MIN_WASM ? wasmKernels() : null;
  if (w !== null) return streamed(w, w.x.tanh, x, xOff, out, outOff, n);
  const Q = tanhTableF64();
  for (let b = 0; b < n; b += BLOCK) {
    const e = n - b < BLOCK ? n : b + BLOCK;
    const s = blockInputs(x, xOff, out, b, e);
    const so = s === x ? xOff : -b;
    let edges = 0;
    for (let i = b; i < e; i++) {
      const y = tanhFast(s[so + i], Q);
      out[outOff + i] = y;
      if (y === -1e300) edges++;
    }
    if (edges > 0) for (let i = b; i < e; i++) {
      const v = out[outOff + i];
      if (v === -1e300) out[outOff + i] = tanhEdge(s[so + i]);
    }
  }
}

/**
 * Logistic sigmoid, σ(x) = 1/(1 + e^(−x)), evaluated as n/(1 + e) with e = exp(−|x|) and n = 1 for
 * x ≥ 0, n = e otherwise: the exponent is never positive, so nothing overflows (the two-branch
 * stable form). NaN → NaN, +∞ → 1, −∞ → 0, ±0 → 0.5. Also SiLU's σ and BCE's probabilities.
 * @internal
 */
export function sigmoidInto(x: Float64Array, xOff: number, out: Float64Array, outOff: number, n: number): void {
  const w = n >= MIN_WASM ? wasmKernels() : null;
  if (w !== null) return streamed(w, w.x.sigmoid, x, xOff, out, outOff, n);
  const T = expTableF64();
  const P = pow2s();
  for (let b = 0; b < n; b += BLOCK) {
    const e = n - b < BLOCK ? n : b + BLOCK;
    const s = blockInputs(x, xOff, out, b, e);
    const so = s === x ? xOff : -b;
    let edges = 0;
    for (let i = b; i < e; i++) {
      const y = sigmoidFast(s[so + i], T, P);
      out[outOff + i] = y;
      if (y === -1e300) edges++;
    }
    if (edges > 0) for (let i = b; i < e; i++) {
      const v = out[outOff + i];
      if (v === -1e300) out[outOff + i] = sigmoidScalar(s[so + i]);
    }
  }
}

/**
 * σ(z) from e = e^(−|z|): n/(1 + e) with n = 1 for z ≥ 0, else e — the stable two-branch form
 * (nothing overflows, and σ(z) for z < 0 keeps its relative accuracy). The one place the
 * formula is written: sigmoid, its WebAssembly lanes' twin, and the backwards of softplus, SiLU
 * and GELU's tanh form use it. @internal
 */
export function logisticOf(z: number, e: number): number {
  return (z >= 0 ? 1 : e) / (1 + e);
}

/** σ(x) from expFast; EDGE where expFast leaves the input to expEdge (|x| > 708, NaN). */
function sigmoidFast(v: number, T: Float64Array, P: Float64Array): number {
  const e = expFast(-Math.abs(v), T, P);
  return e === -1e300 ? -1e300 : logisticOf(v, e);
}

/** Scalar twin of {@link sigmoidInto}'s lanes. @internal */
export function sigmoidScalar(x: number): number {
  return logisticOf(x, expScalar(-Math.abs(x)));
}

/**
 * Softplus with PyTorch's β and threshold: z = β·x; x where z > threshold, else
 * (max(z, 0) + log1p(e^(−|z|)))/β — the stable form of log1p(e^z)/β that cannot overflow (for
 * z ≤ 0 it is log1p(e^z)/β, for z > 0, (z + log1p(e^(−z)))/β). With β = 1 and threshold = +∞,
 * softplus(x) − x·t is BCE-with-logits and softplus(−x) is −log σ(x).
 * @internal
 */
export function softplusInto(x: Float64Array, xOff: number, out: Float64Array, outOff: number, n: number, beta: number, threshold: number): void {
  const w = n >= MIN_WASM ? wasmKernels() : null;
  if (w !== null) return streamed(w, w.x.softplus, x, xOff, out, outOff, n, beta, threshold);
  const T = expTableF64();
  const L = logTableF64();
  const P = pow2s();
  const F = new Float64Array(1);
  const I = new Int32Array(F.buffer);
  const hi = HI;
  // Per block, short loops V8 inlines whole: e = e^(−|βx|) into a scratch block, log1p(e) (e itself
  // below 2^−54), the combination, and the rare rest (EDGE) by the scalar twin.
  const E = new Float64Array(BLOCK);
  for (let b = 0; b < n; b += BLOCK) {
    const m = n - b < BLOCK ? n - b : BLOCK;
    const s = blockInputs(x, xOff, out, b, b + m);
    const so = (s === x ? xOff : -b) + b;
    const o = outOff + b;
    for (let i = 0; i < m; i++) E[i] = expFast(-Math.abs(beta * s[so + i]), T, P);
    for (let i = 0; i < m; i++) {
      const e = E[i]; // EDGE (negative) stays EDGE
      out[o + i] = e < 5.551115123125783e-17 ? e : log1pFast(e, L, P, F, I, hi);
    }
    for (let i = 0; i < m; i++) {
      const v = s[so + i];
      const z = beta * v;
      const l = out[o + i];
      out[o + i] = z > threshold ? v : l === -1e300 ? -1e300 : ((z > 0 ? z : 0) + l) / beta;
    }
    for (let i = 0; i < m; i++) if (out[o + i] === -1e300) out[o + i] = softplusScalar(s[so + i], beta, threshold);
  }
}

/** Scalar twin of {@link softplusInto}'s lanes. @internal */
export function softplusScalar(x: number, beta: number, threshold: number): number {
  const z = beta * x;
  if (z > threshold) return x;
  return ((z > 0 ? z : 0) + log1pScalar(expScalar(-Math.abs(z)))) / beta;
}

/** Maximum of one line (n elements `inner` apart from x[base]), NaN if any element is NaN. @internal */
export function lineMax(x: Float64Array, base: number, n: number, inner: number): number {
  let m = -Infinity;
  for (let k = 0, p = base; k < n; k++, p += inner) {
    const v = x[p];
    if (v > m || v !== v) m = v;
    if (m !== m) break;
  }
  return m;
}

/**
 * The exponentials of softmax, log-softmax, log-sum-exp and cross-entropy, for the `inner` lines
 * of slab o of x laid out as [outer, n, inner] (line j: x[o·n·inner + k·inner + j], k < n): writes
 * e^(x − m_j) into e[eOff..eOff + n·inner) at the slab's own layout (e may be null for inner = 1
 * when only the sums are needed), m_j = the line's maximum, and stores m_j in mx[at + j] and the
 * line's sum in tot[at + j].
 *
 * Lines along the last axis (inner = 1) go through {@link expShiftSumInto}, which sums the even and
 * the odd positions separately (the two SIMD lanes) and then adds the two; strided lines are
 * shifted in one JavaScript pass, exponentiated by {@link expInto} over the whole slab and summed
 * in increasing k. Each element is exp(x − m) with x − m rounded first, and each path sums in its
 * one order on both backends, so the results are the same bits. A line of −∞ (or with +∞ or NaN)
 * gives NaN sums.
 * @internal
 */
export function expLines(
  x: Float64Array,
  o: number,
  n: number,
  inner: number,
  e: Float64Array | null,
  eOff: number,
  mx: Float64Array,
  tot: Float64Array,
  at: number,
): void {
  const base = o * n * inner;
  if (inner === 1) {
    const m = lineMax(x, base, n, 1);
    mx[at] = m;
    tot[at] = expShiftSumInto(x, base, e, eOff, n, m);
    return;
  }
  for (let j = 0; j < inner; j++) {
    mx[at + j] = lineMax(x, base + j, n, inner);
    tot[at + j] = 0;
  }
  const size = n * inner;
  if (e === null) throw new Error('expLines: strided lines need an output buffer');
  for (let k = 0, p = 0; k < n; k++) for (let j = 0; j < inner; j++, p++) e[eOff + p] = x[base + p] - mx[at + j];
  expInto(e, eOff, e, eOff, size);
  for (let k = 0, p = 0; k < n; k++) for (let j = 0; j < inner; j++, p++) tot[at + j] += e[eOff + p];
}

/**
 * Per line of `x` laid out as [outer, n, inner]: the maximum and log Σ e^(x − max), so that
 * log-softmax is x − max − lse. Used by log-softmax, the fused cross-entropy and logSumExp. @internal
 */
export function rowLogSumExp(x: Float64Array, outer: number, n: number, inner: number): { mx: Float64Array; lse: Float64Array } {
  const mx = new Float64Array(outer * inner);
  const lse = new Float64Array(outer * inner);
  // Only the sums are needed: the exponentials of rows along the last axis are not even copied out.
  const e = inner === 1 ? null : new Float64Array(outer === 0 ? 0 : n * inner);
  for (let o = 0; o < outer; o++) expLines(x, o, n, inner, e, 0, mx, lse, o * inner);
  logInto(lse, 0, lse, 0, lse.length);
  return { mx, lse };
}
