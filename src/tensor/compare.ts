import { checkBoolean, checkNumber, checkOptions } from '../validate.js';
import { broadcastShapes, broadcastStrides, sameShape, shapeSize, stridedOffsets } from './shape.js';
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
  return firstMismatches('allClose', a, b, closeOptions('allClose', options), 1).count === 0;
}

/** Resolved tolerances of the isclose rule. @internal */
export interface Tolerances {
  rtol: number;
  atol: number;
  equalNan: boolean;
}

/** The keys of {@link CloseOptions}. @internal */
export const CLOSE_KEYS: readonly string[] = ['rtol', 'atol', 'equalNan'];

/**
 * Reads rtol/atol/equalNan with NumPy's defaults; `extraKeys` are further options the caller
 * accepts (they are returned unchecked in `rest`). @internal
 */
export function closeOptions(fn: string, options: unknown, extraKeys: readonly string[] = []): Tolerances & { rest: Record<string, unknown> } {
  const o = checkOptions<Record<string, unknown>>(fn, options, [...CLOSE_KEYS, ...extraKeys]);
  return {
    rtol: checkNumber(fn, 'options.rtol', o.rtol ?? 1e-5, 'nonneg'),
    atol: checkNumber(fn, 'options.atol', o.atol ?? 1e-8, 'nonneg'),
    equalNan: checkBoolean(fn, 'options.equalNan', o.equalNan ?? false),
    rest: o,
  };
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
 * How far `x` is outside NumPy's isclose tolerance around `y` (|x − y| ≤ atol + rtol·|y|): 0 when
 * close (equal, or both NaN with `equalNan`), else |x − y| / (atol + rtol·|y|) — ∞ for a NaN, an
 * infinity that differs, or zero tolerances. @internal
 */
export function outsideTolerance(x: number, y: number, rtol: number, atol: number, equalNan: boolean): number {
  if (x === y) return 0;
  if (x !== x || y !== y) return equalNan && x !== x && y !== y ? 0 : Infinity;
  if (!Number.isFinite(x) || !Number.isFinite(y)) return Infinity;
  const diff = Math.abs(x - y);
  const allowed = atol + rtol * Math.abs(y);
  return diff <= allowed ? 0 : diff / allowed;
}

/**
 * Compares with the isclose rule and reports the number of mismatches and the worst one (largest
 * |a − b| / |b|, a NaN mismatch counting as worst). Stops after `limit` mismatches when given.
 * @internal
 */
export function firstMismatches(fn: string, a: TensorLike, b: TensorLike, tol: Tolerances, limit = Infinity): Mismatches {
  const { rtol, atol, equalNan } = tol;
  const A = asTensor(a, fn, 'a');
  const B = asTensor(b, fn, 'b');
  const shape = broadcastShapes(fn, A.shape, B.shape);
  const size = shapeSize(shape);
  const aligned = sameShape(A.shape, B.shape);
  const offA = aligned ? null : stridedOffsets(shape, broadcastStrides(A.shape, shape));
  const offB = aligned ? null : stridedOffsets(shape, broadcastStrides(B.shape, shape));
  const result: Mismatches = { shape, count: 0, worst: -1, worstA: NaN, worstB: NaN, worstRel: -1 };
  for (let i = 0; i < size; i++) {
    const ia = offA === null ? i : offA[i];
    const ib = offB === null ? i : offB[i];
    const x = A.data[ia];
    const y = B.data[ib];
    if (outsideTolerance(x, y, rtol, atol, equalNan) === 0) continue;
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
