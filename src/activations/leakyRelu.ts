import { checkNumber } from '../validate.js';
import { Tensor, asTensor, type TensorLike } from '../tensor/tensor.js';
import { backwardArgs, recorded } from './common.js';

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
  const X = asTensor(x, 'leakyRelu', 'x');
  const s = checkNumber('leakyRelu', 'negativeSlope', negativeSlope);
  const a = X.data;
  const n = a.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = a[i];
    out[i] = v > 0 ? v : v * s;
  }
  return recorded('leakyRelu', new Tensor(out, X.shape), X, leakyReluBackward, s);
}

/**
 * dL/dx of {@link leakyRelu}: dy where x > 0, negativeSlope·dy otherwise (including x = 0).
 * @example leakyReluBackward([1, 1], [-2, 3], 0.1).toArray(); // => [0.1, 1]
 */
export function leakyReluBackward(dy: TensorLike, x: TensorLike, negativeSlope = 0.01): Tensor {
  const [D, X] = backwardArgs('leakyReluBackward', dy, x);
  const s = checkNumber('leakyReluBackward', 'negativeSlope', negativeSlope);
  const a = X.data;
  const g = D.data;
  const n = a.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = a[i] > 0 ? g[i] : g[i] * s;
  return new Tensor(out, X.shape);
}
