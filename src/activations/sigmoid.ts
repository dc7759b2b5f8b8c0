import type { Tensor, TensorLike } from '../tensor/tensor.js';
import { sigmoidInto } from '../kernels/arrays.js';
import { mapActivation, mapBackward } from './common.js';
import { logisticDerivativeInto } from './logistic.js';

/**
 * Logistic sigmoid, σ(x) = 1 / (1 + e^(−x)).
 *
 * ```math
 * \sigma(x) = \frac{1}{1 + e^{-x}}, \qquad \sigma'(x) = \sigma(x)\,(1 - \sigma(x))
 * ```
 *
 * Method: for x < 0 evaluate e^x / (1 + e^x), so the exponent is never positive and cannot
 * overflow. This equals PyTorch's `1/(1 + exp(−x))` to rounding for x > −709; below that PyTorch
 * returns 0 while nabla returns the (subnormal) true value.
 *
 * | x | σ(x) |
 * |---|---|
 * | NaN | NaN |
 * | +∞ | 1 |
 * | −∞ | 0 |
 * | ±0 | 0.5 |
 * | −1000 | 0 (underflow; true value e^−1000) |
 *
 * @example sigmoid([0, 2]).toArray(); // => [0.5, 0.8807970779778823]
 * @see https://pytorch.org/docs/stable/generated/torch.nn.Sigmoid.html
 */
export function sigmoid(x: TensorLike): Tensor {
  return mapActivation('sigmoid', x, sigmoidKernel, sigmoidBackward, undefined);
}

function sigmoidKernel(a: Float64Array, out: Float64Array): void {
  sigmoidInto(a, 0, out, 0, a.length);
}

/**
 * dL/dx of {@link sigmoid}: dy · σ(x) · (1 − σ(x)), evaluated as dy · e/(1 + e)² with e = e^(−|x|).
 *
 * Method: σ(x)·σ(−x) = e/(1 + e)² for either sign of x, so 1 − σ(x) is never formed, which would
 * cancel for large x (PyTorch's `(1 − y)·y` loses all digits near x = 37 and returns 0 from x ≈ 37
 * on; at x = 30 it is off by ~0.1%). nabla's value is accurate to a few ulp everywhere.
 * @example sigmoidBackward([1], [0]).toArray(); // => [0.25]
 */
export function sigmoidBackward(dy: TensorLike, x: TensorLike): Tensor {
  return mapBackward('sigmoidBackward', dy, x, sigmoidGrad, undefined);
}

function sigmoidGrad(g: Float64Array, a: Float64Array, out: Float64Array): void {
  logisticDerivativeInto(g, a, out, 1, 1);
}
