import { Tensor, type TensorLike } from '../tensor/tensor.js';
import { sigmoidInto, softplusInto } from '../kernels/arrays.js';
import { LOG_KEYS, broadcastOption, gradScale, pairLoss, reduceLoss, upstream, type LogLossOptions, type UpstreamOptions, recordLoss } from './reduction.js';

/** Options of {@link binaryCrossEntropyWithLogits}. */
export interface BinaryCrossEntropyWithLogitsOptions extends LogLossOptions {
  /** Per-element rescaling weight, broadcast to the input's shape. */
  weight?: TensorLike;
  /** Weight of positive examples, broadcast to the input's shape (usually one per class, `[C]`). */
  posWeight?: TensorLike;
}

/**
 * Binary cross-entropy on logits, PyTorch's `F.binary_cross_entropy_with_logits`, in the stable form
 *
 * ```math
 * \ell = (1 - y)\,x - w_{pos}\,\log\sigma(x), \quad w_{pos} = 1 + (p_w - 1)\,y, \quad
 * \log\sigma(x) = \min(x, 0) - \log(1 + e^{-|x|})
 * ```
 *
 * which without `posWeight` is max(x, 0) − x·y + log1p(e^(−|x|)) and never overflows:
 * x = −800, y = 1 gives 800 (the naive form gives ∞ or NaN). Gradient: σ(x) − y (with posWeight,
 * w_pos·σ(x) − p_w·y). Targets are not range-checked (PyTorch does not either).
 *
 * Method: by the sign of x, so that no two large terms cancel —
 * x ≥ 0: (1 − y)·x + w_pos·log1p(e^(−x)), PyTorch's order of operations;
 * x < 0: w_pos·log1p(e^x) − p_w·y·x (−log σ(x) = log1p(e^x) − x, and (1 − y − w_pos)·x = −p_w·y·x).
 * A confidently right example keeps its tiny loss: x = −50, y = 0 gives log1p(e^−50) ≈ 1.93e−22,
 * where (1 − y)·x − log σ(x) — and PyTorch 1.13, which evaluates x + (−x) + log(1 + e^x) — give 0;
 * x = 50, y = 1 likewise (PyTorch: log(1 + e^−50) = 0).
 * @example binaryCrossEntropyWithLogits([-800, 0], [1, 1], { reduction: 'none' }).toArray(); // => [800, 0.6931471805599453]
 */
export function binaryCrossEntropyWithLogits(input: TensorLike, target: TensorLike, options?: BinaryCrossEntropyWithLogitsOptions): Tensor {
  const fn = 'binaryCrossEntropyWithLogits';
  const { I, T, w, pw, p } = prepare(fn, input, target, options);
  const a = I.data;
  const y = T.data;
  const n = a.length;
  // sp = log(1 + e^(−|x|)) = −log σ(|x|) = softplus(−|x|): never overflows, keeps e^(−|x|) when it
  // is tiny (nabla's softplus kernel, WebAssembly or JavaScript, the same bits).
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = -Math.abs(a[i]);
  softplusInto(v, 0, v, 0, n, 1, Infinity);
  for (let i = 0; i < n; i++) {
    const x = a[i];
    const t = y[i];
    const sp = v[i];
    let l: number;
    if (pw === null) l = x >= 0 ? (1 - t) * x + sp : sp - t * x;
    else {
      const wp = (pw[i] - 1) * t + 1;
      l = x >= 0 ? (1 - t) * x + wp * sp : wp * sp - pw[i] * t * x;
    }
    v[i] = w === null ? l : l * w[i];
  }
  return recordLoss(fn, reduceLoss(v, I.shape, p), I, T, binaryCrossEntropyWithLogitsBackward, p.o);
}

/**
 * dL/dinput of {@link binaryCrossEntropyWithLogits}: (σ(x) − y)·dy, or
 * ((p_w·y + 1 − y)·σ(x) − p_w·y)·dy with posWeight; times weight; divided by N for 'mean'.
 * @example binaryCrossEntropyWithLogitsBackward([0], [1], { reduction: 'sum' }).toArray(); // => [-0.5]
 */
export function binaryCrossEntropyWithLogitsBackward(
  input: TensorLike,
  target: TensorLike,
  options?: BinaryCrossEntropyWithLogitsOptions & UpstreamOptions,
): Tensor {
  const fn = 'binaryCrossEntropyWithLogitsBackward';
  const { I, T, w, pw, p } = prepare(fn, input, target, options);
  const { g, each } = upstream(fn, p, I.shape);
  const a = I.data;
  const y = T.data;
  const n = a.length;
  const out = new Float64Array(n);
  sigmoidInto(a, 0, out, 0, n);
  for (let i = 0; i < n; i++) {
    const s = out[i];
    let d: number;
    if (pw === null) d = (s - y[i]) * (each === null ? g : each[i]);
    else {
      const t = pw[i] * y[i];
      d = ((t + 1 - y[i]) * s - t) * (each === null ? g : each[i]);
    }
    if (w !== null) d *= w[i];
    out[i] = gradScale(p, d, n);
  }
  return new Tensor(out, I.shape);
}

function prepare(fn: string, input: TensorLike, target: TensorLike, options: BinaryCrossEntropyWithLogitsOptions | undefined) {
  const { I, T, p } = pairLoss(fn, input, target, options, [...LOG_KEYS, 'weight', 'posWeight']);
  const w = p.o.weight === undefined ? null : broadcastOption(fn, 'options.weight', p.o.weight, I.shape);
  const pw = p.o.posWeight === undefined ? null : broadcastOption(fn, 'options.posWeight', p.o.posWeight, I.shape);
  return { I, T, w, pw, p };
}
