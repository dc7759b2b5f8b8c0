import { ShapeError, formatShape } from '../errors.js';
import { logScalar } from '../kernels/elementary.js';
import { checkSize } from '../tensor/limits.js';
import { Tensor, type TensorLike } from '../tensor/tensor.js';
import { LOG_KEYS, checkUnitInterval, gradScale, parseLossOptions, reduceLoss, samePair, upstream, type LogLossOptions, type UpstreamOptions, recordLoss } from './reduction.js';

/**
 * Cross-entropy on probabilities (the textbook's −Σ y log o), one value per sample:
 *
 * ```math
 * \ell_i = -\sum_c y_{ic} \log p_{ic}, \qquad \frac{\partial \ell_i}{\partial p_{ic}} = -\frac{y_{ic}}{p_{ic}}
 * ```
 *
 * `prob` and `target` are `[N, C]` (or `[C]` for one sample), one-hot or soft targets; 'mean'
 * averages over the N samples, 'none' gives `[N]`. A term with y = 0 contributes 0 (its limit),
 * so p = 0 in a non-target class is fine; p = 0 where y > 0 gives +∞, the true value. p is not
 * clipped (Keras clips to [1e−7, 1 − 1e−7]); probabilities outside [0, 1] are a ValueError.
 * With `base: 2`, bits. For logits use {@link crossEntropy}, which is stable.
 * @example categoricalCrossEntropy([[0.1, 0.9]], [[0, 1]]).item(); // ≈ 0.10536
 */
export function categoricalCrossEntropy(input: TensorLike, target: TensorLike, options?: LogLossOptions): Tensor {
  const fn = 'categoricalCrossEntropy';
  const { P, T, C, N, shape, p } = prepare(fn, input, target, options);
  const a = P.data;
  const y = T.data;
  const v = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    let l = 0;
    for (let c = i * C; c < (i + 1) * C; c++) if (y[c] !== 0) l -= y[c] * logScalar(a[c]);
    v[i] = l;
  }
  return recordLoss(fn, reduceLoss(v, shape, p), P, T, categoricalCrossEntropyBackward, p.o);
}

/**
 * dL/dprob of {@link categoricalCrossEntropy}: −y/p · r (0 where y = 0), r = dy/N for 'mean'.
 * @example categoricalCrossEntropyBackward([[0.5, 0.5]], [[0, 1]]).toArray(); // => [[0, -2]]
 */
export function categoricalCrossEntropyBackward(input: TensorLike, target: TensorLike, options?: LogLossOptions & UpstreamOptions): Tensor {
  const fn = 'categoricalCrossEntropyBackward';
  const { P, T, C, N, shape, p } = prepare(fn, input, target, options);
  const { g, each } = upstream(fn, p, shape);
  const a = P.data;
  const y = T.data;
  const out = new Float64Array(P.size);
  for (let i = 0; i < N; i++) {
    const r = gradScale(p, each === null ? g : each[i], N);
    for (let c = i * C; c < (i + 1) * C; c++) out[c] = y[c] === 0 ? 0 : (-y[c] / a[c]) * r;
  }
  return new Tensor(out, P.shape);
}

function prepare(fn: string, input: TensorLike, target: TensorLike, options: LogLossOptions | undefined) {
  const [P, T] = samePair(fn, input, target, ['input', 'target']);
  const p = parseLossOptions(fn, options, LOG_KEYS);
  if (P.rank !== 1 && P.rank !== 2) throw new ShapeError(fn, `input must be [C] or [N, C], got shape ${formatShape(P.shape)}`);
  checkUnitInterval(fn, 'input', P);
  const C = P.shape[P.rank - 1];
  const N = P.rank === 2 ? P.shape[0] : 1;
  // [N, 0] is empty but has N per-sample losses.
  checkSize(fn, [N], 'the unreduced loss');
  return { P, T, C, N, shape: P.rank === 2 ? [N] : [], p };
}
