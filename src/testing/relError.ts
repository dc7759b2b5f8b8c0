import { ShapeError, formatShape } from '../errors.js';
import { sameShape } from '../tensor/shape.js';
import { asTensor, type TensorLike } from '../tensor/tensor.js';

/**
 * The relative error the CS231n-style courses print next to every gradient check:
 *
 * ```math
 * \max_i \frac{|a_i - b_i|}{\max(10^{-8},\ |a_i| + |b_i|)}
 * ```
 *
 * element by element, then the largest (NumPy: `np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b)))`).
 * Symmetric in `a` and `b`; at most 1; 0 for empty tensors. Shapes must be equal (no broadcasting).
 * Non-finite values give what the formula gives — NaN for a NaN, and for ∞ against a finite value
 * (∞/∞) — so any comparison `relError(a, b) < tol` fails on them, as it does in NumPy.
 * @example relError([1, 2], [1, 2.000002]); // => 4.99999…e-7
 */
export function relError(a: TensorLike, b: TensorLike): number {
  const fn = 'relError';
  const A = asTensor(a, fn, 'a');
  const B = asTensor(b, fn, 'b');
  if (!sameShape(A.shape, B.shape)) throw new ShapeError(fn, `shapes differ: a is ${formatShape(A.shape)}, b is ${formatShape(B.shape)} (they must match)`);
  let max = 0;
  for (let i = 0; i < A.size; i++) {
    const r = relErrorAt(A.data[i], B.data[i]);
    if (r !== r) return NaN;
    if (r > max) max = r;
  }
  return max;
}

/** |a − b| / max(1e−8, |a| + |b|) for one pair of numbers. @internal */
export function relErrorAt(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(1e-8, Math.abs(a) + Math.abs(b));
}
