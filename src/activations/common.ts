import { record, recording } from '../autograd/tape.js';
import { ShapeError, formatShape } from '../errors.js';
import { sameShape } from '../tensor/shape.js';
import { Tensor, asTensor, type TensorLike } from '../tensor/tensor.js';

/** Converts (dy, x) of an elementwise backward and checks that their shapes agree. @internal */
export function backwardArgs(fn: string, dy: TensorLike, x: TensorLike): [Tensor, Tensor] {
  const D = asTensor(dy, fn, 'dy');
  const X = asTensor(x, fn, 'x');
  if (!sameShape(D.shape, X.shape)) {
    throw new ShapeError(fn, `dy has shape ${formatShape(D.shape)} but x has shape ${formatShape(X.shape)} (they must match)`);
  }
  return [D, X];
}

/**
 * σ(z) in the two-branch form, n/(1 + e) with e = e^(−|z|) and n = 1 for z ≥ 0, e otherwise: for
 * z ≥ 0, 1/(1 + e^(−z)); for z < 0, e^z/(1 + e^z). The exponent is never positive, so nothing
 * overflows, and the result keeps full relative accuracy down to the subnormal range. The scalar
 * twin of the sigmoid array kernel (nabla's own exp), so the same bits on every backend.
 * @internal
 */
export { sigmoidScalar as stableSigmoid } from '../kernels/arrays.js';

/**
 * Returns an activation's output `Y = f(X)`, recorded (inside a transform) with its backward
 * `fBackward(dy, X, arg)` — the pair's own backward, so the derivative is written once. @internal
 */
export function recorded<A>(fn: string, Y: Tensor, X: Tensor, fBackward: (dy: Tensor, x: Tensor, arg: A) => Tensor, arg: A): Tensor {
  if (recording.tape !== null) record(fn, Y, [X], (dy) => [fBackward(dy, X, arg)]);
  return Y;
}

/**
 * The shape every elementwise activation shares: converts x, runs `kernel(x, out, arg)` — one
 * tight loop over the values, written in the activation's own file — and returns the output,
 * recorded with the pair's backward. The kernel is called once per tensor, never per element.
 * @internal
 */
export function mapActivation<A>(
  fn: string,
  x: TensorLike,
  kernel: (a: Float64Array, out: Float64Array, arg: A) => void,
  fBackward: (dy: Tensor, x: Tensor, arg: A) => Tensor,
  arg: A,
): Tensor {
  const X = asTensor(x, fn, 'x');
  const out = new Float64Array(X.size);
  kernel(X.data, out, arg);
  return recorded(fn, new Tensor(out, X.shape), X, fBackward, arg);
}

/**
 * The backward's counterpart of {@link mapActivation}: checks dy against x and runs
 * `kernel(dy, x, out, arg)`, one loop writing dL/dx. @internal
 */
export function mapBackward<A>(
  fn: string,
  dy: TensorLike,
  x: TensorLike,
  kernel: (g: Float64Array, a: Float64Array, out: Float64Array, arg: A) => void,
  arg: A,
): Tensor {
  const [D, X] = backwardArgs(fn, dy, x);
  const out = new Float64Array(X.size);
  kernel(D.data, X.data, out, arg);
  return new Tensor(out, X.shape);
}
