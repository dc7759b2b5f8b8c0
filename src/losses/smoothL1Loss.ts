import { Tensor, type TensorLike } from '../tensor/tensor.js';
import { checkNumber } from '../validate.js';
import { gradScale, reduceLoss, type ReductionOptions, type UpstreamOptions, recordLoss, pairLoss, pairLossBackward } from './reduction.js';

/** Options of {@link smoothL1Loss}. */
export interface SmoothL1LossOptions extends ReductionOptions {
  /** Where the loss turns from quadratic to linear, β ≥ 0. Default 1. β = 0 is the L1 loss. */
  beta?: number;
}

/**
 * Smooth L1 loss (Girshick 2015), PyTorch's `F.smooth_l1_loss`: quadratic below β, linear above.
 *
 * ```math
 * \ell_i = \begin{cases} \frac{0.5\, z^2}{\beta} & z < \beta \\ z - 0.5\beta & z \ge \beta \end{cases},\quad z = |p_i - t_i|;
 * \qquad \frac{\partial \ell_i}{\partial p_i} = \begin{cases} \frac{p_i - t_i}{\beta} & |p_i - t_i| < \beta \\ \operatorname{sign}(p_i - t_i) & \text{else} \end{cases}
 * ```
 *
 * It equals {@link huberLoss} divided by β (same β = δ). With β = 0 it is {@link l1Loss}, as in
 * PyTorch (no division by zero), except for the gradient at p = t (see the backward). Shapes must
 * match.
 *
 * | p − t | loss | gradient |
 * |---|---|---|
 * | NaN | NaN | NaN |
 * | ±∞ | +∞ | ±1 (·scale) |
 * | ±0 | 0 | 0 |
 *
 * @example smoothL1Loss([0, 0], [0.5, 3]).item(); // => 1.3125
 * @see https://pytorch.org/docs/stable/generated/torch.nn.SmoothL1Loss.html
 */
export function smoothL1Loss(input: TensorLike, target: TensorLike, options?: SmoothL1LossOptions): Tensor {
  const fn = 'smoothL1Loss';
  const { I, T, a, b, p } = pairLoss(fn, input, target, options, ['beta']);
  const beta = checkNumber(fn, 'options.beta', p.o.beta ?? 1, 'nonneg');
  const v = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const z = Math.abs(a[i] - b[i]);
    // PyTorch's expression and order; with β = 0 no z is < β, so every element takes z − 0.
    v[i] = z < beta ? (0.5 * z * z) / beta : z - 0.5 * beta;
  }
  return recordLoss(fn, reduceLoss(v, I.shape, p), I, T, smoothL1LossBackward, p.o, 'negate');
}

/**
 * dL/dinput of {@link smoothL1Loss}: (p − t)/β inside (−β, β), sign(p − t) outside, times dy
 * (and 1/N for 'mean'). At |p − t| = β both branches give ±1. Kink convention (PyTorch's
 * `smooth_l1_backward`, which tests p − t ≤ −β first): with β = 0 the gradient at p = t is −1, not
 * the 0 of {@link l1LossBackward}.
 * @example smoothL1LossBackward([0, 0], [0.5, 3]).toArray(); // => [-0.25, -0.5]
 */
export function smoothL1LossBackward(input: TensorLike, target: TensorLike, options?: SmoothL1LossOptions & UpstreamOptions): Tensor {
  const fn = 'smoothL1LossBackward';
  const { I, a, b, p, g, each, n, out } = pairLossBackward(fn, input, target, options, ['beta']);
  const beta = checkNumber(fn, 'options.beta', p.o.beta ?? 1, 'nonneg');
  const r0 = gradScale(p, g, n);
  for (let i = 0; i < n; i++) {
    const d = a[i] - b[i];
    const r = each === null ? r0 : gradScale(p, each[i], n);
    // PyTorch's smooth_l1_backward, tests in its order: x ≤ −β → −1, x ≥ β → 1, else x/β.
    out[i] = d <= -beta ? -r : d >= beta ? r : (d * r) / beta;
  }
  return new Tensor(out, I.shape);
}
