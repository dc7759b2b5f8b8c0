import { Tensor, type TensorLike } from '../tensor/tensor.js';
import { gradScale, reduceLoss, type ReductionOptions, type UpstreamOptions, recordLoss, pairLoss, pairLossBackward } from './reduction.js';

/**
 * Mean absolute error, PyTorch's `F.l1_loss`: |p − t| elementwise, then the reduction.
 *
 * ```math
 * L = \frac{1}{N}\sum_i |p_i - t_i|, \qquad \frac{\partial L}{\partial p_i} = \frac{\operatorname{sign}(p_i - t_i)}{N}
 * ```
 *
 * Kink convention (PyTorch's `sgn`): the gradient at p = t is 0. Shapes must match.
 *
 * | p − t | loss | gradient |
 * |---|---|---|
 * | NaN | NaN | NaN |
 * | ±∞ | +∞ | ±1 (·scale) |
 * | ±0 | 0 | 0 |
 *
 * @example l1Loss([1, 2, 3], [1.5, 1, 3]).item(); // => 0.5
 * @see https://pytorch.org/docs/stable/generated/torch.nn.L1Loss.html
 */
export function l1Loss(input: TensorLike, target: TensorLike, options?: ReductionOptions): Tensor {
  const { I, T, a, b, p } = pairLoss('l1Loss', input, target, options);
  const v = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) v[i] = Math.abs(a[i] - b[i]);
  return recordLoss('l1Loss', reduceLoss(v, I.shape, p), I, T, l1LossBackward, p.o, 'negate');
}

/**
 * dL/dinput of {@link l1Loss}: sign(p − t)·dy, divided by N for 'mean' (0 where p = t).
 * @example l1LossBackward([1, 2, 3], [1.5, 1, 3]).toArray(); // => [-0.3333333333333333, 0.3333333333333333, 0]
 */
export function l1LossBackward(input: TensorLike, target: TensorLike, options?: ReductionOptions & UpstreamOptions): Tensor {
  const { I, a, b, p, g, each, n, out } = pairLossBackward('l1LossBackward', input, target, options);
  const r = gradScale(p, g, n);
  for (let i = 0; i < n; i++) {
    const d = a[i] - b[i];
    const s = d > 0 ? 1 : d < 0 ? -1 : d === 0 ? 0 : d;
    out[i] = s * (each === null ? r : gradScale(p, each[i], n));
  }
  return new Tensor(out, I.shape);
}
