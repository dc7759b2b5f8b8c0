import { CHUNK, IN_PTR, OUT_PTR, wasmKernels, type WasmKernels } from './backend.js';
import { exp, expm1, log, log1p, tanh } from './elementary.js';

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

type Unary = (src: number, dst: number, n: number) => void;

function streamed(w: WasmKernels, f: Unary, x: Float64Array, xOff: number, out: Float64Array, outOff: number, n: number): void {
  const mem = w.f64;
  const inIdx = IN_PTR / 8;
  const outIdx = OUT_PTR / 8;
  for (let i = 0; i < n; i += CHUNK) {
    const m = n - i < CHUNK ? n - i : CHUNK;
    mem.set(x.subarray(xOff + i, xOff + i + m), inIdx);
    f(IN_PTR, OUT_PTR, m);
    out.set(mem.subarray(outIdx, outIdx + m), outOff + i);
  }
}

/** out = e^x elementwise. @internal */
export function expInto(x: Float64Array, xOff: number, out: Float64Array, outOff: number, n: number): void {
  const w = n >= MIN_WASM ? wasmKernels() : null;
  if (w !== null) return streamed(w, w.x.exp, x, xOff, out, outOff, n);
  for (let i = 0; i < n; i++) out[outOff + i] = exp(x[xOff + i]);
}

/**
 * out = e^(x − shift) elementwise (x − shift rounded first): the numerators of a softmax row with
 * shift = the row's max, or the terms of a log-sum-exp. Callers sum `out` themselves, in index
 * order, so the sum is the same on both backends.
 * @internal
 */
export function expShiftInto(x: Float64Array, xOff: number, out: Float64Array, outOff: number, n: number, shift: number): void {
  const w = n >= MIN_WASM ? wasmKernels() : null;
  if (w !== null) {
    const mem = w.f64;
    const inIdx = IN_PTR / 8;
    const outIdx = OUT_PTR / 8;
    for (let i = 0; i < n; i += CHUNK) {
      const m = n - i < CHUNK ? n - i : CHUNK;
      mem.set(x.subarray(xOff + i, xOff + i + m), inIdx);
      w.x.expShift(IN_PTR, OUT_PTR, m, shift);
      out.set(mem.subarray(outIdx, outIdx + m), outOff + i);
    }
    return;
  }
  for (let i = 0; i < n; i++) out[outOff + i] = exp(x[xOff + i] - shift);
}

/** out = log x elementwise. @internal */
export function logInto(x: Float64Array, xOff: number, out: Float64Array, outOff: number, n: number): void {
  const w = n >= MIN_WASM ? wasmKernels() : null;
  if (w !== null) return streamed(w, w.x.log, x, xOff, out, outOff, n);
  for (let i = 0; i < n; i++) out[outOff + i] = log(x[xOff + i]);
}

/** out = log(1 + x) elementwise. @internal */
export function log1pInto(x: Float64Array, xOff: number, out: Float64Array, outOff: number, n: number): void {
  const w = n >= MIN_WASM ? wasmKernels() : null;
  if (w !== null) return streamed(w, w.x.log1p, x, xOff, out, outOff, n);
  for (let i = 0; i < n; i++) out[outOff + i] = log1p(x[xOff + i]);
}

/** out = e^x − 1 elementwise (ELU's negative side). @internal */
export function expm1Into(x: Float64Array, xOff: number, out: Float64Array, outOff: number, n: number): void {
  const w = n >= MIN_WASM ? wasmKernels() : null;
  if (w !== null) return streamed(w, w.x.expm1, x, xOff, out, outOff, n);
  for (let i = 0; i < n; i++) out[outOff + i] = expm1(x[xOff + i]);
}

/** out = tanh x elementwise (also GELU's tanh approximation, after its polynomial). @internal */
export function tanhInto(x: Float64Array, xOff: number, out: Float64Array, outOff: number, n: number): void {
  const w = n >= MIN_WASM ? wasmKernels() : null;
  if (w !== null) return streamed(w, w.x.tanh, x, xOff, out, outOff, n);
  for (let i = 0; i < n; i++) out[outOff + i] = tanh(x[xOff + i]);
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
  for (let i = 0; i < n; i++) out[outOff + i] = sigmoid(x[xOff + i]);
}

/** Scalar twin of {@link sigmoidInto}'s lanes. @internal */
export function sigmoid(x: number): number {
  const e = exp(-Math.abs(x));
  return (x >= 0 ? 1 : e) / (1 + e);
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
  if (w !== null) {
    const mem = w.f64;
    const inIdx = IN_PTR / 8;
    const outIdx = OUT_PTR / 8;
    for (let i = 0; i < n; i += CHUNK) {
      const m = n - i < CHUNK ? n - i : CHUNK;
      mem.set(x.subarray(xOff + i, xOff + i + m), inIdx);
      w.x.softplus(IN_PTR, OUT_PTR, m, beta, threshold);
      out.set(mem.subarray(outIdx, outIdx + m), outOff + i);
    }
    return;
  }
  for (let i = 0; i < n; i++) out[outOff + i] = softplus(x[xOff + i], beta, threshold);
}

/** Scalar twin of {@link softplusInto}'s lanes. @internal */
export function softplus(x: number, beta: number, threshold: number): number {
  const z = beta * x;
  if (z > threshold) return x;
  return ((z > 0 ? z : 0) + log1p(exp(-Math.abs(z)))) / beta;
}
