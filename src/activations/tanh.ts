import type { Tensor, TensorLike } from '../tensor/tensor.js';
import { tanhInto } from '../kernels/arrays.js';
import { mapActivation, mapBackward } from './common.js';
import { logisticDerivativeInto } from './logistic.js';

/**
 * Hyperbolic tangent.
 *
 * ```math
 * \tanh(x) = \frac{e^{x} - e^{-x}}{e^{x} + e^{-x}}, \qquad \tanh'(x) = 1 - \tanh^2(x)
 * ```
 *
 * | x | tanh(x) |
 * |---|---|
 * | NaN | NaN |
 * | ±∞ | ±1 |
 * | ±0 | ±0 |
 * | ±1000 | ±1 |
 *
 * @example tanh([0, 1]).toArray(); // => [0, 0.7615941559557649]
 */
export function tanh(x: TensorLike): Tensor {
  return mapActivation('tanh', x, tanhKernel, tanhBackward, undefined);
}

function tanhKernel(a: Float64Array, out: Float64Array): void {
  tanhInto(a, 0, out, 0, a.length);
}

/**
 * dL/dx of {@link tanh}: dy · (1 − tanh²(x)), evaluated as dy · 4e/(1 + e)² with e = e^(−2|x|).
 *
 * Method: 1 − tanh² = sech² = 4e/(1 + e)², which keeps full relative accuracy where 1 − tanh²
 * cancels (|x| ≳ 10; PyTorch's `1 − y²` is exactly 0 from |x| ≈ 19.1 on) and cannot overflow.
 * @example tanhBackward([1], [0]).toArray(); // => [1]
 */
export function tanhBackward(dy: TensorLike, x: TensorLike): Tensor {
  return mapBackward('tanhBackward', dy, x, tanhGrad, undefined);
}

function tanhGrad(g: Float64Array, a: Float64Array, out: Float64Array): void {
  logisticDerivativeInto(g, a, out, 2, 4);
}
