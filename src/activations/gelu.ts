import type { Tensor, TensorLike } from '../tensor/tensor.js';
import { checkChoice, checkOptions } from '../validate.js';
import { expNegAbsInto, logisticOf, sigmoidInto, wasmActive } from '../kernels/arrays.js';
import { expScalar } from '../kernels/elementary.js';
import { mapActivation, mapBackward, stableSigmoid } from './common.js';
import { erfc } from './erf.js';

/** Options of {@link gelu} and {@link geluBackward}. */
export interface GeluOptions {
  /** `'none'` (default): the exact x·Φ(x); `'tanh'`: Hendrycks & Gimpel's tanh approximation. */
  approximate?: 'none' | 'tanh';
}

/** 1/√2 (C's M_SQRT1_2), the factor PyTorch multiplies x by before erf. */
const SQRT1_2 = 0.7071067811865476;
/** 1/√(2π) (C's M_2_SQRTPI·M_SQRT1_2·½, PyTorch's kAlpha): the standard normal density at 0. */
const INV_SQRT_2PI = 0.3989422804014327;
/** √(2/π) (C's M_SQRT2·M_2_SQRTPI·½, PyTorch's kBeta) and the cubic coefficient 0.044715 of the tanh form. */
const K_BETA = 0.7978845608028654;
const K_KAPPA = 0.044715;

/**
 * Gaussian error linear unit (Hendrycks & Gimpel 2016), PyTorch's `F.gelu`: x·Φ(x) with Φ the
 * standard normal CDF, or with `approximate: 'tanh'` the tanh approximation.
 *
 * ```math
 * \mathrm{gelu}(x) = x\,\Phi(x) = \tfrac12 x\,\mathrm{erfc}\!\left(-\tfrac{x}{\sqrt2}\right), \qquad
 * \mathrm{gelu}_{\tanh}(x) = \tfrac12 x\left(1 + \tanh u\right) = x\,\sigma(2u),\quad u = \sqrt{2/\pi}\,(x + 0.044715\,x^3)
 * ```
 *
 * Method: PyTorch evaluates ½x(1 + erf(x/√2)) and ½x(1 + tanh u), which cancel for x ≪ 0 (relative
 * error at x = −6: 1e−10 for the exact form, 3e−7 for the tanh form; at x = −8: 2% and 100%, and 0
 * from x ≈ −9 and −8);
 * nabla evaluates ½x·erfc(−x/√2) with its own erfc (fdlibm's, ≤ 1 ulp) and x·σ(2u) with the
 * two-branch sigmoid, which keep full relative accuracy down to underflow and never overflow
 * (x³ may overflow to ±∞; σ(±∞) is then exactly 1 or 0). For x ≪ 0 the function itself is
 * ill-conditioned (a 1-ulp change of x changes gelu(x) by about x²/2 ulp), so the rounding of
 * x/√2 — the same argument PyTorch passes to erf — dominates the error there.
 *
 * | x | gelu(x) (either form) |
 * |---|---|
 * | NaN | NaN |
 * | +∞ | +∞ |
 * | −∞ | −0 (the limit; PyTorch gives NaN from −∞·0) |
 * | ±0 | ±0 |
 * | −40 | −0 (underflow; true value ≈ −1.5e−348) |
 * | 1e300 | 1e300 |
 *
 * @example gelu([-1, 0, 1]).toArray(); // ≈ [-0.1586552539, 0, 0.8413447461]
 * @see https://pytorch.org/docs/stable/generated/torch.nn.GELU.html
 */
export function gelu(x: TensorLike, options?: GeluOptions): Tensor {
  const tanhForm = parse('gelu', options);
  return mapActivation('gelu', x, tanhForm ? geluTanhKernel : geluKernel, geluBackward, options);
}

/** The exact form: erfc is nabla's (fdlibm's, on nabla's own exp), scalar on both backends. */
function geluKernel(a: Float64Array, out: Float64Array): void {
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    out[i] = v === -Infinity ? -0 : v * 0.5 * erfc(-v * SQRT1_2);
  }
}

/** 2u = 2·√(2/π)·(x + 0.044715·x³), the argument of σ in the tanh form. */
function twoU(v: number): number {
  return 2 * (K_BETA * (v + K_KAPPA * (v * v * v)));
}

function geluTanhKernel(a: Float64Array, out: Float64Array): void {
  const n = a.length;
  if (!wasmActive(n)) {
    for (let i = 0; i < n; i++) {
      const v = a[i];
      out[i] = v === -Infinity ? -0 : v * stableSigmoid(twoU(v));
    }
    return;
  }
  // The same operations in three passes, the sigmoid in WebAssembly.
  for (let i = 0; i < n; i++) out[i] = twoU(a[i]);
  sigmoidInto(out, 0, out, 0, n);
  for (let i = 0; i < n; i++) {
    const v = a[i];
    out[i] = v === -Infinity ? -0 : v * out[i];
  }
}

/**
 * dL/dx of {@link gelu}.
 *
 * ```math
 * \mathrm{gelu}'(x) = \Phi(x) + x\,\varphi(x),\ \varphi(x) = \frac{e^{-x^2/2}}{\sqrt{2\pi}};\qquad
 * \mathrm{gelu}_{\tanh}'(x) = s + 2x\,s\,(1 - s)\,\sqrt{2/\pi}\,(1 + 3\cdot 0.044715\,x^2),\ s = \sigma(2u)
 * ```
 *
 * Method: e^(−x²/2) is evaluated as e^(−h²/2)·e^(−(x−h)(x+h)/2) with h = x rounded to single
 * precision (h² is exact), so the rounding of x² does not cost up to ~700 ulp near x = ±37;
 * s·(1 − s) is e/(1 + e)² with e = e^(−|2u|) (no cancellation, where PyTorch's 1 − tanh²u is 0
 * beyond |u| ≈ 19). Limits at ±∞: 1 and 0 (PyTorch: NaN from ∞·0).
 * @example geluBackward([1], [0]).toArray(); // => [0.5]
 */
export function geluBackward(dy: TensorLike, x: TensorLike, options?: GeluOptions): Tensor {
  const tanhForm = parse('geluBackward', options);
  return mapBackward('geluBackward', dy, x, tanhForm ? geluTanhGrad : geluGrad, undefined);
}

function geluGrad(g: Float64Array, a: Float64Array, out: Float64Array): void {
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    const cdf = 0.5 * erfc(-v * SQRT1_2);
    // φ(x) underflows to 0 beyond |x| ≈ 38.6, so x·φ(x) is 0 there (and ∞·0 is avoided).
    let xpdf = 0;
    if (Math.abs(v) < 40) {
      const h = Math.fround(v);
      xpdf = v * (expScalar(-0.5 * (h * h)) * expScalar(-0.5 * ((v - h) * (v + h))) * INV_SQRT_2PI);
    }
    out[i] = g[i] * (cdf + xpdf);
  }
}

function geluTanhGrad(g: Float64Array, a: Float64Array, out: Float64Array): void {
  const n = a.length;
  // s = σ(2u) = m/(1 + e) and s·(1 − s) = e/(1 + e)², e = e^(−|2u|), m = 1 for 2u ≥ 0, else e.
  for (let i = 0; i < n; i++) out[i] = twoU(a[i]);
  expNegAbsInto(out, 0, out, 0, n, 1);
  for (let i = 0; i < n; i++) {
    const v = a[i];
    const e = out[i];
    const d = 1 + e;
    const s = logisticOf(v, e); // σ(2u): 2u has v's sign (β, κ > 0), −0, overflow and NaN included
    const st = e / (d * d);
    // st = 0 once |u| is large; then the second term is 0 even where x² overflows.
    const right = st === 0 ? 0 : 2 * v * st * (K_BETA * (1 + 3 * K_KAPPA * (v * v)));
    out[i] = g[i] * (s + right);
  }
}

/** Checks gelu's options for `fn` (the GELU layer too); true for the tanh approximation. @internal */
export function parse(fn: string, options: GeluOptions | undefined): boolean {
  const o = checkOptions<GeluOptions>(fn, options, ['approximate']);
  return checkChoice(fn, 'options.approximate', o.approximate ?? 'none', ['none', 'tanh'] as const) === 'tanh';
}
