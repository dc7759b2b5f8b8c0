import type { Labels } from '../labels.js';
import { Tensor, asTensor, type TensorLike } from '../tensor/tensor.js';
import { CLASS_KEYS, classLayout, classOptions, classTarget, weightedCount } from './classes.js';
import { LOG_KEYS, gradScale, parseLossOptions, reduceLoss, upstream, type LogLossOptions, type UpstreamOptions, recordLoss } from './reduction.js';

/** Options of {@link nllLoss}. */
export interface NllLossOptions extends LogLossOptions {
  /** Per-class weight `[C]`. */
  weight?: TensorLike;
  /** Label whose samples are skipped (0 loss, not counted in the mean). Default −100. */
  ignoreIndex?: number;
}

/**
 * Negative log-likelihood on log-probabilities, PyTorch's `F.nll_loss`.
 *
 * ```math
 * \ell_i = -w_{y_i}\, x_{i, y_i}, \qquad \text{mean} = \frac{\sum_i \ell_i}{\sum_{i\ \text{not ignored}} w_{y_i}}
 * ```
 *
 * Classes are on axis 1 (axis 0 for a 1-D input). Ignored samples give 0; if every sample is
 * ignored, 'mean' is 0/0 = NaN, as in PyTorch.
 * @example nllLoss([[-0.5, -1], [-2, -0.1]], [0, 1]).item(); // => 0.3
 */
export function nllLoss(input: TensorLike, target: Labels | TensorLike, options?: NllLossOptions): Tensor {
  const fn = 'nllLoss';
  const { I, L, y, w, ignore, p } = prepare(fn, input, target, options);
  const { C, inner } = L;
  const v = new Float64Array(y.length);
  for (let pos = 0; pos < y.length; pos++) {
    const c = y[pos];
    if (c === ignore) continue;
    const wy = w === null ? 1 : w[c];
    const o = Math.floor(pos / inner);
    v[pos] = -wy * I.data[o * C * inner + c * inner + (pos - o * inner)];
  }
  return recordLoss(fn, reduceLoss(v, L.lossShape, p, weightedCount(y, w, ignore)), I, target, nllLossBackward, p.o);
}

/**
 * dL/dinput of {@link nllLoss}: −w[y_i]·r at (i, y_i) and 0 elsewhere, with r = dy/Σw[y] for 'mean',
 * dy for 'sum', dy_i for 'none'.
 * @example nllLossBackward([[-0.5, -1], [-2, -0.1]], [0, 1]).toArray(); // => [[-0.5, 0], [0, -0.5]]
 */
export function nllLossBackward(input: TensorLike, target: Labels | TensorLike, options?: NllLossOptions & UpstreamOptions): Tensor {
  const fn = 'nllLossBackward';
  const { I, L, y, w, ignore, p } = prepare(fn, input, target, options);
  const { g, each } = upstream(fn, p, L.lossShape);
  const { C, inner } = L;
  const denom = weightedCount(y, w, ignore);
  const out = new Float64Array(I.size);
  for (let pos = 0; pos < y.length; pos++) {
    const c = y[pos];
    if (c === ignore) continue;
    const r = gradScale(p, each === null ? g : each[pos], denom);
    const o = Math.floor(pos / inner);
    out[o * C * inner + c * inner + (pos - o * inner)] = -(w === null ? 1 : w[c]) * r;
  }
  return new Tensor(out, I.shape);
}

function prepare(fn: string, input: TensorLike, target: Labels | TensorLike, options: NllLossOptions | undefined) {
  const I = asTensor(input, fn, 'input');
  const p = parseLossOptions(fn, options, [...LOG_KEYS, ...CLASS_KEYS]);
  const L = classLayout(fn, I);
  const { w, ignore } = classOptions(fn, p.o, L.C);
  const y = classTarget(fn, I, L, target, false, ignore).labels as Int32Array;
  return { I, L, y, w, ignore, p };
}
