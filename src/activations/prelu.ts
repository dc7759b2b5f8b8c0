import { ShapeError, ValueError, describe, formatShape } from '../errors.js';
import { record, recording } from '../autograd/tape.js';
import { axisLayout } from '../tensor/shape.js';
import { Tensor, asTensor, type TensorLike } from '../tensor/tensor.js';
import { backwardArgs } from './common.js';

/**
 * Parametric ReLU: x for x > 0, a·x otherwise, with a learnable `alpha` — one number shared by all
 * elements, or one per channel along axis 1 (PyTorch's `nn.PReLU(num_parameters=C)`).
 *
 * ```math
 * f(x) = \begin{cases} x & x > 0 \\ a_c x & x \le 0 \end{cases}, \quad
 * \frac{\partial L}{\partial x} = \begin{cases} dy & x > 0 \\ a_c\,dy & x \le 0 \end{cases}, \quad
 * \frac{\partial L}{\partial a_c} = \sum_{x \le 0,\ \text{channel } c} x \cdot dy
 * ```
 *
 * `alpha` may be a number, a shape-`[]` or `[1]` tensor (shared), or a `[C]` tensor with
 * `x.shape[1] === C` (per channel; x must have rank ≥ 2). Kink convention (PyTorch): f'(0) = a.
 * PyTorch initializes a = 0.25; Keras and TF.js initialize 0 and use one alpha per element.
 * @example prelu([-3, -0.5, 0, 2], 0.25).toArray(); // => [-0.75, -0.125, 0, 2]
 */
export function prelu(x: TensorLike, alpha: TensorLike): Tensor {
  const X = asTensor(x, 'prelu', 'x');
  const { A, a, inner, C } = alphaLayout('prelu', X, alpha);
  const d = X.data;
  const out = new Float64Array(X.size);
  // Contiguous runs of `inner` elements share one alpha; channels cycle with period C.
  for (let start = 0, c = 0; start < out.length; start += inner, c = c + 1 === C ? 0 : c + 1) {
    const ac = a[c];
    for (let i = start; i < start + inner; i++) {
      const v = d[i];
      out[i] = v > 0 ? v : v * ac;
    }
  }
  const Y = new Tensor(out, X.shape);
  if (recording.tape !== null) {
    record('prelu', Y, [X, A], (dy) => {
      const { dx, dalpha } = preluBackward(dy, X, A);
      return [dx, dalpha];
    });
  }
  return Y;
}

/**
 * Gradients of {@link prelu}: `dx` (shape of x) and `dalpha` (shape of alpha; a number alpha gives
 * a shape-`[]` tensor). dalpha sums x·dy over every element with x ≤ 0 that shares that alpha.
 * @example
 * const { dx, dalpha } = preluBackward([1, 1, 1, 1], [-3, -0.5, 0, 2], 0.25);
 * dx.toArray();     // => [0.25, 0.25, 0.25, 1]
 * dalpha.toArray(); // => -3.5
 */
export function preluBackward(dy: TensorLike, x: TensorLike, alpha: TensorLike): { dx: Tensor; dalpha: Tensor } {
  const [D, X] = backwardArgs('preluBackward', dy, x);
  const { a, inner, C, shape } = alphaLayout('preluBackward', X, alpha);
  const d = X.data;
  const g = D.data;
  const dx = new Float64Array(X.size);
  const da = new Float64Array(C);
  for (let start = 0, c = 0; start < dx.length; start += inner, c = c + 1 === C ? 0 : c + 1) {
    const ac = a[c];
    let sum = 0;
    for (let i = start; i < start + inner; i++) {
      const v = d[i];
      if (v > 0) dx[i] = g[i];
      else {
        dx[i] = ac * g[i];
        sum += v * g[i];
      }
    }
    da[c] += sum;
  }
  return { dx: new Tensor(dx, X.shape), dalpha: new Tensor(da, shape) };
}

function alphaLayout(fn: string, X: Tensor, alpha: TensorLike): { A: Tensor; a: Float64Array; inner: number; C: number; shape: readonly number[] } {
  if (alpha === undefined || alpha === null) throw new ValueError(fn, `alpha must be a number or a tensor, got ${describe(alpha)}`);
  const A = asTensor(alpha, fn, 'alpha');
  if (A.size === 1 && A.rank <= 1) return { A, a: A.data, inner: Math.max(X.size, 1), C: 1, shape: A.shape };
  if (A.rank !== 1) throw new ShapeError(fn, `alpha must be a number or a 1-D [C] tensor, got shape ${formatShape(A.shape)}`);
  if (X.rank < 2 || X.shape[1] !== A.size) {
    throw new ShapeError(
      fn,
      `alpha has ${A.size} channels but x has shape ${formatShape(X.shape)} (per-channel alpha needs x.shape[1] === ${A.size})`,
    );
  }
  return { A, a: A.data, inner: axisLayout(X.shape, 1).inner, C: A.size, shape: A.shape };
}
