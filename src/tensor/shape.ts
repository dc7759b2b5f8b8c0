import { ShapeError, ValueError, describe, formatList, formatShape } from '../errors.js';
import { MAX_RANK, checkSize } from './limits.js';

/** Product of the dimensions (1 for a scalar shape `[]`; 0 when any dimension is 0, however large the others). */
export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) {
    if (shape[i] === 0) return 0;
    n *= shape[i];
  }
  return n;
}

/** Row-major (C-order) strides of a contiguous tensor of this shape, in elements. */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/** Throws unless every dimension is a non-negative safe integer and there are at most 64 of them. */
export function checkShape(fn: string, arg: string, shape: unknown): readonly number[] {
  if (!Array.isArray(shape)) {
    throw new ValueError(fn, `${arg} must be an array of dimensions, got ${describe(shape)}`);
  }
  if (shape.length > MAX_RANK) throw new ShapeError(fn, `${arg} has ${shape.length} dimensions (at most ${MAX_RANK} are supported)`);
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i];
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
      throw new ValueError(fn, `${arg}[${i}] is ${describe(d)} (dimensions must be non-negative integers)`);
    }
  }
  return shape as number[];
}

/** Returns true when two shapes are equal element for element. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * NumPy broadcasting: align shapes on the right; each pair of dimensions must be equal or one of them 1.
 */
export function broadcastShapes(fn: string, a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
    const db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
    if (da === db || db === 1) out[i] = da;
    else if (da === 1) out[i] = db;
    else {
      throw new ShapeError(
        fn,
        `shapes ${formatShape(a)} and ${formatShape(b)} cannot be broadcast together ` +
          `(dimension ${i} is ${da} vs ${db}; each pair must be equal or one of them 1)`,
      );
    }
  }
  // Broadcasting can multiply sizes ([2^15, 1] with [1, 2^15]); a result the size of an input cannot.
  const size = shapeSize(out);
  if (size !== shapeSize(a) && size !== shapeSize(b)) checkSize(fn, out, `broadcasting ${formatShape(a)} with ${formatShape(b)}`);
  return out;
}

/** Strides for reading a tensor of `shape` as if it had `outShape` (0 on broadcast dimensions). */
export function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const rank = outShape.length;
  const offset = rank - shape.length;
  const own = stridesOf(shape);
  const strides = new Array<number>(rank).fill(0);
  for (let i = offset; i < rank; i++) strides[i] = shape[i - offset] === 1 ? 0 : own[i - offset];
  return strides;
}

/** Normalizes a possibly negative axis against `rank`, with an error naming the function. */
export function normalizeAxis(fn: string, axis: unknown, rank: number, arg = 'axis'): number {
  if (typeof axis !== 'number' || !Number.isInteger(axis)) {
    throw new ValueError(fn, `${arg} must be an integer, got ${describe(axis)}`);
  }
  if (axis < -rank || axis >= rank) {
    throw new ValueError(fn, `${arg} ${axis} is out of range for a tensor of rank ${rank} (expected ${-rank} ≤ ${arg} < ${rank})`);
  }
  return axis < 0 ? axis + rank : axis;
}

/**
 * Normalizes `axis` (undefined = all, a number, or an array) to a sorted list of distinct axes.
 */
export function normalizeAxes(fn: string, axis: number | readonly number[] | undefined | null, rank: number): number[] {
  if (axis === undefined || axis === null) {
    const all = new Array<number>(rank);
    for (let i = 0; i < rank; i++) all[i] = i;
    return all;
  }
  const list = typeof axis === 'number' ? [axis] : axis;
  if (!Array.isArray(list)) throw new ValueError(fn, `axis must be a number or an array of numbers, got ${describe(axis)}`);
  const seen = new Set<number>();
  for (const a of list) {
    const n = normalizeAxis(fn, a, rank);
    if (seen.has(n)) throw new ValueError(fn, `axis ${a} is repeated in ${formatList(list)} (each axis may appear once)`);
    seen.add(n);
  }
  return [...seen].sort((x, y) => x - y);
}

/** The multi-index of flat (row-major) position `flat` in `shape`. */
export function unravelIndex(flat: number, shape: readonly number[]): number[] {
  const st = stridesOf(shape);
  const idx = new Array<number>(shape.length);
  let rem = flat;
  for (let d = 0; d < st.length; d++) {
    const k = Math.floor(rem / st[d]);
    idx[d] = k;
    rem -= k * st[d];
  }
  return idx;
}

/**
 * A tensor of `shape` seen as `[outer, n, inner]` around `axis` (already normalized): `outer` is the
 * product of the dimensions before it, `n` its length, `inner` the product after it. Element k of
 * line (o, j) is at `(o·n + k)·inner + j`. The layout every per-axis kernel (softmax, the class axis
 * of the losses, batch normalization, PReLU's channels, concat, reductions) walks.
 */
export interface AxisLayout {
  outer: number;
  n: number;
  inner: number;
}

/**
 * The {@link AxisLayout} of `shape` around `axis` (normalized, 0 ≤ axis < rank), or around the run
 * of adjacent axes `axis..last`, whose lengths multiply into `n`.
 */
export function axisLayout(shape: readonly number[], axis: number, last = axis): AxisLayout {
  return { outer: product(shape, 0, axis), n: product(shape, axis, last + 1), inner: product(shape, last + 1, shape.length) };
}

/** Product of shape[from..to), 0 when any of them is 0 (never NaN from ∞·0 on absurd shapes). */
function product(shape: readonly number[], from: number, to: number): number {
  let p = 1;
  for (let d = from; d < to; d++) {
    if (shape[d] === 0) return 0;
    p *= shape[d];
  }
  return p;
}

/**
 * The offset of every position of `shape`, in row-major order, into data read with `strides`
 * (element strides per dimension; 0 on a broadcast dimension). The one strided walk behind
 * broadcasting reads, batched matmul, permutation and index reporting: an odometer over the
 * dimensions, no division per element.
 */
export function stridedOffsets(shape: readonly number[], strides: readonly number[]): Float64Array {
  const size = shapeSize(shape);
  const out = new Float64Array(size);
  const rank = shape.length;
  if (size === 0 || rank === 0) return out;
  const counter = new Array<number>(rank).fill(0);
  let off = 0;
  for (let i = 0; i < size; i++) {
    out[i] = off;
    for (let d = rank - 1; d >= 0; d--) {
      counter[d]++;
      off += strides[d];
      if (counter[d] < shape[d]) break;
      off -= strides[d] * shape[d];
      counter[d] = 0;
    }
  }
  return out;
}

/**
 * The values of a tensor of shape `from` broadcast (NumPy's rules, `from` already known to
 * broadcast) to shape `to`, as a new contiguous array: `np.broadcast_to(x, to).copy()`.
 */
export function expandTo(src: Float64Array, from: readonly number[], to: readonly number[]): Float64Array {
  if (sameShape(from, to)) return src.slice();
  const offsets = stridedOffsets(to, broadcastStrides(from, to));
  const out = new Float64Array(offsets.length);
  for (let i = 0; i < out.length; i++) out[i] = src[offsets[i]];
  return out;
}
