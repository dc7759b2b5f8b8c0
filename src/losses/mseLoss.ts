import { Tensor, type TensorLike } from '../tensor/tensor.js';
import { reduceLoss, type ReductionOptions, type UpstreamOptions, recordLoss, pairLoss, pairLossBackward } from './reduction.js';

/**
 * Mean squared error, PyTorch's `F.mse_loss`: (p − t)² elementwise, then the reduction.
 *
 * ```math
 * L = \frac{1}{N}\sum_i (p_i - t_i)^2, \qquad \frac{\partial L}{\partial p_i} = \frac{2}{N}(p_i - t_i)
 * ```
 *
 * 'mean' averages over **all** elements (no ½). The textbook's e = ½‖y − o‖² is
 * `0.5 * mseLoss(o, y, { reduction: 'sum' })`, whose gradient is (o − y). Shapes must match.
 * @example mseLoss([1, 2, 3], [1.5, 1, 3]).item(); // => 0.4166666666666667
 */
export function mseLoss(input: TensorLike, target: TensorLike, options?: ReductionOptions): Tensor {
  const { I, T, a, b, p } = pairLoss('mseLoss', input, target, options);
  const v = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - b[i];
    v[i] = d * d;
  }
  return recordLoss('mseLoss', reduceLoss(v, I.shape, p), I, T, mseLossBackward, p.o, 'negate');
}

/**
 * dL/dinput of {@link mseLoss}: (2/N)·(p − t)·dy for 'mean', 2·(p − t)·dy for 'sum' and 'none'
 * (PyTorch's `mse_loss_backward`, same order of operations).
 * @example mseLossBackward([1, 2, 3], [1.5, 1, 3]).toArray(); // ≈ [-0.3333, 0.6667, 0]
 */
export function mseLossBackward(input: TensorLike, target: TensorLike, options?: ReductionOptions & UpstreamOptions): Tensor {
  const { I, a, b, p, g, each, n, out } = pairLossBackward('mseLossBackward', input, target, options);
  const norm = p.reduction === 'mean' ? 2 / n : 2;
  for (let i = 0; i < n; i++) out[i] = norm * (a[i] - b[i]) * (each === null ? g : each[i]);
  return new Tensor(out, I.shape);
}
