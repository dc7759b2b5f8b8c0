import type { Tensor, TensorLike } from '../tensor/tensor.js';
import { mapActivation, mapBackward } from './common.js';

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
  for (let i = 0; i < a.length; i++) out[i] = Math.tanh(a[i]);
}

/**
 * dL/dx of {@link tanh}: dy · (1 − tanh²(x)), evaluated as dy / cosh²(x).
 *
 * Method: 1 − tanh² = sech², and 1/cosh² keeps full relative accuracy where 1 − tanh² cancels
 * (|x| ≳ 10; PyTorch's `1 − y²` is exactly 0 from |x| ≈ 19.1 on).
 * @example tanhBackward([1], [0]).toArray(); // => [1]
 */
export function tanhBackward(dy: TensorLike, x: TensorLike): Tensor {
  return mapBackward('tanhBackward', dy, x, tanhGrad, undefined);
}

function tanhGrad(g: Float64Array, a: Float64Array, out: Float64Array): void {
  for (let i = 0; i < a.length; i++) {
    const c = Math.cosh(a[i]);
    out[i] = g[i] / (c * c);
  }
}
