import { checkNumber } from '../validate.js';
import type { Tensor, TensorLike } from '../tensor/tensor.js';
import { mapActivation, mapBackward } from './common.js';

/**
 * Leaky ReLU: x for x > 0, negativeSlope·x otherwise. Default slope 0.01 (PyTorch; Keras' layer
 * uses 0.3 and TF.js' op 0.2 — pass it explicitly to match them).
 *
 * ```math
 * f(x) = \begin{cases} x & x > 0 \\ a x & x \le 0 \end{cases}, \qquad f'(x) = \begin{cases} 1 & x > 0 \\ a & x \le 0 \end{cases}
 * ```
 *
 * Kink convention (PyTorch): f'(0) = negativeSlope.
 * @example leakyRelu([-3, -0.5, 0, 2]).toArray(); // => [-0.03, -0.005, 0, 2]
 */
export function leakyRelu(x: TensorLike, negativeSlope = 0.01): Tensor {
  const s = checkNumber('leakyRelu', 'negativeSlope', negativeSlope);
  return mapActivation('leakyRelu', x, leakyReluKernel, leakyReluBackward, s);
}

function leakyReluKernel(a: Float64Array, out: Float64Array, s: number): void {
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    out[i] = v > 0 ? v : v * s;
  }
}

/**
 * dL/dx of {@link leakyRelu}: dy where x > 0, negativeSlope·dy otherwise (including x = 0).
 * @example leakyReluBackward([1, 1], [-2, 3], 0.1).toArray(); // => [0.1, 1]
 */
export function leakyReluBackward(dy: TensorLike, x: TensorLike, negativeSlope = 0.01): Tensor {
  const s = checkNumber('leakyReluBackward', 'negativeSlope', negativeSlope);
  return mapBackward('leakyReluBackward', dy, x, leakyReluGrad, s);
}

function leakyReluGrad(g: Float64Array, a: Float64Array, out: Float64Array, s: number): void {
  for (let i = 0; i < a.length; i++) out[i] = a[i] > 0 ? g[i] : g[i] * s;
}
