import { Tensor, type TensorLike } from '../tensor/tensor.js';
import { log1pInto, logInto } from '../kernels/arrays.js';
import { LOG_KEYS, broadcastOption, checkUnitInterval, gradScale, pairLoss, reduceLoss, upstream, type LogLossOptions, type UpstreamOptions, recordLoss } from './reduction.js';

/** Options of {@link binaryCrossEntropy}. */
export interface BinaryCrossEntropyOptions extends LogLossOptions {
  /** Per-element rescaling weight, broadcast to the input's shape (not normalized in the mean). */
  weight?: TensorLike;
}

/**
 * Binary cross-entropy on probabilities, PyTorch's `F.binary_cross_entropy`, each log clamped at −100.
 *
 * ```math
 * \ell_i = -w_i\big[\,y_i \max(\log p_i, -100) + (1 - y_i)\max(\log(1 - p_i), -100)\big], \qquad
 * \frac{\partial \ell_i}{\partial p_i} = w_i\,\frac{p_i - y_i}{\max\big(p_i(1 - p_i),\ \varepsilon\big)}, \quad \varepsilon = \mathrm{fl}_{32}(10^{-12})
 * ```
 *
 * Method: log(1 − p) is `log1p(−p)` (nabla's own log and log1p, the same bits on every engine).
 * The clamp keeps p ∈ {0, 1} finite (loss ≤ 100, no 0·(−∞)); the gradient's denominator is guarded by ε = 1e−12 rounded to float32 (PyTorch's `EPSILON` is a
 * `float`: 9.999999960041972e−13), so p = 0 with y = 1 gives −1/(ε·N) ≈ −1.0000000004e12/N. Keras
 * clips p to [1e−7, 1 − 1e−7] instead (max loss ≈ 16.1). Probabilities or targets outside [0, 1]
 * (or NaN) are a ValueError, as in PyTorch. `base: 2` gives the textbook's bits.
 * @example binaryCrossEntropy([0.9, 0.2], [1, 0], { reduction: 'none' }).toArray(); // ≈ [0.10536, 0.22314]
 */
export function binaryCrossEntropy(input: TensorLike, target: TensorLike, options?: BinaryCrossEntropyOptions): Tensor {
  const fn = 'binaryCrossEntropy';
  const { I, T, w, p } = prepare(fn, input, target, options);
  const a = I.data;
  const y = T.data;
  const n = a.length;
  // log p and log(1 − p) = log1p(−p) with nabla's own log and log1p (WebAssembly or JavaScript, the same bits).
  const lp = new Float64Array(n);
  const lq = new Float64Array(n);
  logInto(a, 0, lp, 0, n);
  for (let i = 0; i < n; i++) lq[i] = -a[i];
  log1pInto(lq, 0, lq, 0, n);
  const v = lp;
  for (let i = 0; i < n; i++) {
    const l = (y[i] - 1) * Math.max(lq[i], -100) - y[i] * Math.max(lp[i], -100);
    v[i] = w === null ? l : l * w[i];
  }
  return recordLoss(fn, reduceLoss(v, I.shape, p), I, T, binaryCrossEntropyBackward, p.o);
}

/**
 * dL/dinput of {@link binaryCrossEntropy}: dy·(p − y)/max(p(1 − p), ε), ε = float32(1e−12), times weight, divided
 * by N for 'mean' (and by ln(base)), in PyTorch's order.
 * @example binaryCrossEntropyBackward([0.9, 0.2], [1, 0]).toArray(); // ≈ [-0.27778, 0.3125]
 */
export function binaryCrossEntropyBackward(input: TensorLike, target: TensorLike, options?: BinaryCrossEntropyOptions & UpstreamOptions): Tensor {
  const fn = 'binaryCrossEntropyBackward';
  const { I, T, w, p } = prepare(fn, input, target, options);
  const { g, each } = upstream(fn, p, I.shape);
  const a = I.data;
  const y = T.data;
  const n = a.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = a[i];
    let d = ((each === null ? g : each[i]) * (x - y[i])) / Math.max((1 - x) * x, EPSILON);
    if (w !== null) d *= w[i];
    out[i] = gradScale(p, d, n);
  }
  return new Tensor(out, I.shape);
}

/**
 * The gradient's guard: PyTorch's `constexpr float EPSILON = 1e-12` (aten/src/ATen/native/Loss.cpp),
 * a float32, so in double it is Math.fround(1e-12), not 1e-12 (4e-9 relative apart).
 */
const EPSILON = 9.999999960041972e-13;

function prepare(fn: string, input: TensorLike, target: TensorLike, options: BinaryCrossEntropyOptions | undefined) {
  const { I, T, p } = pairLoss(fn, input, target, options, [...LOG_KEYS, 'weight']);
  const w = p.o.weight === undefined ? null : broadcastOption(fn, 'options.weight', p.o.weight, I.shape);
  checkUnitInterval(fn, 'input', I);
  checkUnitInterval(fn, 'target', T);
  return { I, T, w, p };
}
