import { Tensor, type TensorLike } from '../tensor/tensor.js';
import { checkNumber } from '../validate.js';
import { gradScale, reduceLoss, type ReductionOptions, type UpstreamOptions, recordLoss, pairLoss, pairLossBackward } from './reduction.js';

/** Options of {@link huberLoss}. */
export interface HuberLossOptions extends ReductionOptions {
  /** Where the loss turns from quadratic to linear, δ > 0. Default 1. */
  delta?: number;
}

/**
 * Huber loss (Huber 1964), PyTorch's `F.huber_loss`: quadratic below δ, linear (slope δ) above.
 *
 * ```math
 * \ell_i = \begin{cases} 0.5\, z^2 & z < \delta \\ \delta\,(z - 0.5\delta) & z \ge \delta \end{cases},\quad z = |p_i - t_i|;
 * \qquad \frac{\partial \ell_i}{\partial p_i} = \begin{cases} p_i - t_i & |p_i - t_i| < \delta \\ \delta\operatorname{sign}(p_i - t_i) & \text{else} \end{cases}
 * ```
 *
 * It equals δ·{@link smoothL1Loss} with β = δ. δ must be positive (as PyTorch). Shapes must match.
 *
 * | p − t | loss | gradient |
 * |---|---|---|
 * | NaN | NaN | NaN |
 * | ±∞ | +∞ | ±δ (·scale) |
 * | ±0 | 0 | 0 |
 *
 * @example huberLoss([0, 0], [0.5, 3]).item(); // => 1.3125
 * @see https://pytorch.org/docs/stable/generated/torch.nn.HuberLoss.html
 */
export function huberLoss(input: TensorLike, target: TensorLike, options?: HuberLossOptions): Tensor {
  const fn = 'huberLoss';
  const { I, T, a, b, p } = pairLoss(fn, input, target, options, ['delta']);
  const delta = checkNumber(fn, 'options.delta', p.o.delta ?? 1, 'pos');
  const v = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const z = Math.abs(a[i] - b[i]);
    v[i] = z < delta ? 0.5 * z * z : delta * (z - 0.5 * delta);
  }
  return recordLoss(fn, reduceLoss(v, I.shape, p), I, T, huberLossBackward, p.o, 'negate');
}

/**
 * dL/dinput of {@link huberLoss}: (p − t) inside (−δ, δ), ±δ outside, times dy (and 1/N for
 * 'mean'); PyTorch's `huber_loss_backward`.
 * @example huberLossBackward([0, 0], [0.5, 3]).toArray(); // => [-0.25, -0.5]
 */
export function huberLossBackward(input: TensorLike, target: TensorLike, options?: HuberLossOptions & UpstreamOptions): Tensor {
  const fn = 'huberLossBackward';
  const { I, a, b, p, g, each, n, out } = pairLossBackward(fn, input, target, options, ['delta']);
  const delta = checkNumber(fn, 'options.delta', p.o.delta ?? 1, 'pos');
  const r0 = gradScale(p, g, n);
  for (let i = 0; i < n; i++) {
    const d = a[i] - b[i];
    const r = each === null ? r0 : gradScale(p, each[i], n);
    out[i] = d <= -delta ? -r * delta : d >= delta ? r * delta : d * r;
  }
  return new Tensor(out, I.shape);
}
