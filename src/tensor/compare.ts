import { optionsOf, numberArg, booleanArg } from '../util.js';
import { broadcastShapes, broadcastStrides, sameShape, shapeSize, stridesOf } from './shape.js';
import { asTensor, type TensorLike } from './tensor.js';

/** Tolerances of {@link allClose}. */
export interface CloseOptions {
  /** Relative tolerance. Default 1e-5 (NumPy's). */
  rtol?: number;
  /** Absolute tolerance. Default 1e-8 (NumPy's). */
  atol?: number;
  /** Treat NaN as equal to NaN. Default false (NumPy's). */
  equalNan?: boolean;
}

/**
 * True when every pair of elements (after NumPy broadcasting) satisfies NumPy's `isclose` rule
 *
 * ```math
 * |a - b| \le \text{atol} + \text{rtol}\cdot|b|
 * ```
 *
 * (not symmetric: `b` is the reference). Infinities are close only to the same infinity; NaN is
 * close to nothing unless `equalNan`. Shapes that cannot be broadcast are a ShapeError, as in NumPy.
 * @example allClose([1, 2], [1, 2 + 1e-9]); // => true
 */
export function allClose(a: TensorLike, b: TensorLike, options?: CloseOptions): boolean {
  return firstMismatches('allClose', a, b, options, 1).count === 0;
}

/** @internal Result of comparing two tensors element by element. */
export interface Mismatches {
  shape: number[];
  count: number;
  /** Flat index (in the broadcast shape) of the worst mismatch, -1 if none. */
  worst: number;
  worstA: number;
  worstB: number;
  worstRel: number;
}

/**
 * Compares with the isclose rule and reports the number of mismatches and the worst one (largest
 * |a − b| / |b|, a NaN mismatch counting as worst). Stops after `limit` mismatches when given.
 * @internal
 */
export function firstMismatches(fn: string, a: TensorLike, b: TensorLike, options: CloseOptions | undefined, limit = Infinity): Mismatches {
  const opts = optionsOf(fn, options);
  const rtol = numberArg(fn, 'options.rtol', opts.rtol ?? 1e-5, 'a non-negative number', (v) => v >= 0);
  const atol = numberArg(fn, 'options.atol', opts.atol ?? 1e-8, 'a non-negative number', (v) => v >= 0);
  const equalNan = booleanArg(fn, 'options.equalNan', opts.equalNan ?? false);
  const A = asTensor(a, fn, 'a');
  const B = asTensor(b, fn, 'b');
  const shape = broadcastShapes(fn, A.shape, B.shape);
  const size = shapeSize(shape);
  const sa = broadcastStrides(A.shape, shape);
  const sb = broadcastStrides(B.shape, shape);
  const st = stridesOf(shape);
  const result: Mismatches = { shape, count: 0, worst: -1, worstA: NaN, worstB: NaN, worstRel: -1 };
  const aligned = sameShape(A.shape, B.shape);
  for (let i = 0; i < size; i++) {
    let ia = i;
    let ib = i;
    if (!aligned) {
      ia = 0;
      ib = 0;
      let rem = i;
      for (let d = 0; d < shape.length; d++) {
        const idx = Math.floor(rem / st[d]);
        rem -= idx * st[d];
        ia += idx * sa[d];
        ib += idx * sb[d];
      }
    }
    const x = A.data[ia];
    const y = B.data[ib];
    let close: boolean;
    if (x === y) close = true;
    else if (x !== x || y !== y) close = equalNan && x !== x && y !== y;
    else if (!Number.isFinite(x) || !Number.isFinite(y)) close = false;
    else close = Math.abs(x - y) <= atol + rtol * Math.abs(y);
    if (close) continue;
    result.count++;
    const rel = x !== x || y !== y || !Number.isFinite(x - y) ? Infinity : Math.abs(x - y) / Math.abs(y);
    if (rel > result.worstRel) {
      result.worstRel = rel;
      result.worst = i;
      result.worstA = x;
      result.worstB = y;
    }
    if (result.count >= limit) break;
  }
  return result;
}
