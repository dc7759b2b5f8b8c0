import { record, recording } from '../autograd/tape.js';
import { ShapeError, ValueError, describe } from '../errors.js';
import { checkInteger, checkNumberWhere } from '../validate.js';
import { checkRank, checkSize } from './limits.js';
import { normalizeAxis, shapeSize, stridedOffsets, stridesOf } from './shape.js';
import { Tensor, asTensor, resolveReshape, type TensorLike } from './tensor.js';

/**
 * Structural ops: the same values in another shape or arrangement. Each is differentiable; its
 * backward is the inverse rearrangement of dy (a reshape back, a scatter into zeros, a slice).
 */

/**
 * The same values with another shape (one dimension may be −1, inferred). Shares x's data, like
 * `x.reshape(shape)` (which is this function).
 * @example reshape([1, 2, 3, 4], [2, -1]).toArray(); // => [[1, 2], [3, 4]]
 */
export function reshape(x: TensorLike, shape: readonly number[]): Tensor {
  const X = asTensor(x, 'reshape', 'x');
  return reshaped('reshape', X, resolveReshape('reshape', X.shape, X.size, shape));
}

/**
 * Flattens the dimensions from `startAxis` on into one: `[N, C, H, W]` → `[N, C·H·W]` with the
 * default 1 (PyTorch's `flatten(x, 1)`, what a `Flatten` layer does before a `Linear`).
 * @example flatten(zeros([2, 3, 4])).shape; // => [2, 12]
 */
export function flatten(x: TensorLike, startAxis = 1): Tensor {
  const X = asTensor(x, 'flatten', 'x');
  if (X.rank === 0) return reshaped('flatten', X, [1]);
  const a = normalizeAxis('flatten', startAxis, X.rank, 'startAxis');
  return reshaped('flatten', X, [...X.shape.slice(0, a), shapeSize(X.shape.slice(a))]);
}

/**
 * Removes dimensions of size 1: all of them, or only `axis` (a number or a list). As in PyTorch, a
 * named axis whose size is not 1 is left as it is.
 * @example squeeze(zeros([1, 3, 1])).shape; // => [3]
 */
export function squeeze(x: TensorLike, axis?: number | readonly number[]): Tensor {
  const X = asTensor(x, 'squeeze', 'x');
  let drop: Set<number>;
  if (axis === undefined || axis === null) drop = new Set(X.shape.flatMap((d, i) => (d === 1 ? [i] : [])));
  else {
    const list = typeof axis === 'number' ? [axis] : axis;
    if (!Array.isArray(list)) throw new ValueError('squeeze', `axis must be a number or an array of numbers, got ${describe(axis)}`);
    drop = new Set(list.map((a) => normalizeAxis('squeeze', a, Math.max(X.rank, 1))).filter((a) => X.shape[a] === 1));
  }
  return reshaped('squeeze', X, X.shape.filter((_, i) => !drop.has(i)));
}

/**
 * Inserts a dimension of size 1 at `axis` (−rank−1 ≤ axis ≤ rank; negative counts from the end of
 * the result, as PyTorch).
 * @example unsqueeze([1, 2], 0).shape; // => [1, 2]
 */
export function unsqueeze(x: TensorLike, axis: number): Tensor {
  const X = asTensor(x, 'unsqueeze', 'x');
  const a = normalizeAxis('unsqueeze', axis, X.rank + 1);
  const shape = X.shape.slice();
  shape.splice(a, 0, 1);
  return reshaped('unsqueeze', X, shape);
}

/** A view of X's data with `shape` (same size), recorded with a reshape-back backward. */
function reshaped(fn: string, X: Tensor, shape: readonly number[]): Tensor {
  checkRank(fn, 'the result', shape.length);
  const Y = new Tensor(X.data, shape);
  if (recording.tape !== null) record(fn, Y, [X], (dy) => [new Tensor(dy.data, X.shape)]);
  return Y;
}

/**
 * The block of x that starts at `begin` and has `size` (TF.js' `slice`; PyTorch's `narrow` on
 * several axes): `begin` and `size` give one entry per leading axis (a number for the first only);
 * missing axes are taken whole, and a size of −1 means "to the end".
 * @example slice([[1, 2, 3], [4, 5, 6]], [0, 1], [2, -1]).toArray(); // => [[2, 3], [5, 6]]
 */
export function slice(x: TensorLike, begin: number | readonly number[], size?: number | readonly number[]): Tensor {
  const fn = 'slice';
  const X = asTensor(x, fn, 'x');
  const b = typeof begin === 'number' ? [begin] : begin;
  const s = size === undefined ? [] : typeof size === 'number' ? [size] : size;
  if (!Array.isArray(b) || b.length > X.rank) throw new ValueError(fn, `begin must be a number or an array of at most ${X.rank} entries (one per axis), got ${describe(begin)}`);
  if (!Array.isArray(s) || s.length > X.rank) throw new ValueError(fn, `size must be a number or an array of at most ${X.rank} entries (one per axis), got ${describe(size)}`);
  const start: number[] = [];
  const box: number[] = [];
  for (let d = 0; d < X.rank; d++) {
    const n = X.shape[d];
    const b0 = d < b.length ? checkInteger(fn, `begin[${d}]`, b[d], 0) : 0;
    if (b0 > n) throw new ValueError(fn, `begin[${d}] is ${b0} but axis ${d} has length ${n} (expected 0 ≤ begin ≤ ${n})`);
    const sd = d < s.length ? s[d] : -1;
    const len = sd === -1 ? n - b0 : checkInteger(fn, `size[${d}]`, sd, 0);
    if (b0 + len > n) throw new ValueError(fn, `begin[${d}] + size[${d}] is ${b0 + len} but axis ${d} has length ${n} (the block must fit inside x)`);
    start.push(b0);
    box.push(len);
  }
  const out = new Float64Array(shapeSize(box));
  copyBox(X.data, X.shape, start, out, box, box.map(() => 0), box);
  const Y = new Tensor(out, box);
  if (recording.tape !== null) {
    record(fn, Y, [X], (dy) => {
      const g = new Float64Array(X.size);
      copyBox(dy.data, box, box.map(() => 0), g, X.shape, start, box);
      return [new Tensor(g, X.shape)];
    });
  }
  return Y;
}

/**
 * Splits x along `axis` into pieces: `count` equal pieces (the length must divide evenly), or pieces
 * of the given `sizes` (which must add up to the length; one may be −1, inferred). Each piece is a
 * copy and differentiable (PyTorch's `split`/TF.js' `split`).
 * @example split([1, 2, 3, 4, 5], [2, 3]).map((t) => t.toArray()); // => [[1, 2], [3, 4, 5]]
 */
export function split(x: TensorLike, sizes: number | readonly number[], axis = 0): Tensor[] {
  const fn = 'split';
  const X = asTensor(x, fn, 'x');
  if (X.rank === 0) throw new ShapeError(fn, 'x is a scalar (expected rank ≥ 1)');
  const a = normalizeAxis(fn, axis, X.rank);
  const n = X.shape[a];
  let parts: number[];
  if (typeof sizes === 'number') {
    const count = checkInteger(fn, 'sizes (a count)', sizes);
    checkSize(fn, count, 'the list of pieces');
    if (n % count !== 0) throw new ValueError(fn, `axis ${a} has length ${n}, which does not split into ${count} equal pieces`);
    parts = new Array<number>(count).fill(n / count);
  } else {
    if (!Array.isArray(sizes) || sizes.length === 0) throw new ValueError(fn, `sizes must be a count or a non-empty array of piece lengths, got ${describe(sizes)}`);
    let infer = -1;
    let known = 0;
    parts = sizes.map((v, i) => {
      if (v === -1 && infer < 0) {
        infer = i;
        return 0;
      }
      const len = checkInteger(fn, `sizes[${i}]`, v, 0);
      known += len;
      return len;
    });
    if (infer >= 0) {
      if (known > n) throw new ValueError(fn, `sizes ${JSON.stringify(sizes)} add up to more than axis ${a}'s length ${n}`);
      parts[infer] = n - known;
    } else if (known !== n) throw new ValueError(fn, `sizes ${JSON.stringify(sizes)} add up to ${known} but axis ${a} has length ${n} (they must add up to it)`);
  }
  const begin = new Array<number>(X.rank).fill(0);
  const size = X.shape.slice();
  return parts.map((len) => {
    size[a] = len;
    const piece = slice(X, begin, size);
    begin[a] += len;
    return piece;
  });
}

/**
 * Elements of x at `indices` along `axis` — NumPy's `take(x, indices, axis)`, PyTorch's
 * `index_select` for 1-D indices. The result's shape is x's with `axis` replaced by the indices'
 * shape. Indices are integers in [−n, n) (negative count from the end, as NumPy). The gradient
 * scatter-adds dy back (a repeated index accumulates).
 * @example take([[1, 2], [3, 4], [5, 6]], [2, 0], 0).toArray(); // => [[5, 6], [1, 2]]
 */
export function take(x: TensorLike, indices: readonly number[] | Tensor | Int32Array, axis: number): Tensor {
  const fn = 'take';
  const X = asTensor(x, fn, 'x');
  if (X.rank === 0) throw new ShapeError(fn, 'x is a scalar (expected rank ≥ 1)');
  const a = normalizeAxis(fn, axis, X.rank);
  const n = X.shape[a];
  let idxShape: number[];
  let raw: ArrayLike<number>;
  if (indices instanceof Tensor) {
    idxShape = indices.shape.slice();
    raw = indices.data;
  } else if (Array.isArray(indices) || indices instanceof Int32Array) {
    idxShape = [indices.length];
    raw = indices as ArrayLike<number>;
  } else throw new ValueError(fn, `indices must be a number[], an Int32Array or an integer Tensor, got ${describe(indices)}`);
  const idx = new Int32Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const v = raw[i];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < -n || v >= n) {
      throw new ValueError(fn, `indices[${i}] is ${describe(v)} (expected an integer in [${-n}, ${n}) for axis ${a} of length ${n})`);
    }
    idx[i] = v < 0 ? v + n : v;
  }
  const outer = shapeSize(X.shape.slice(0, a));
  const inner = shapeSize(X.shape.slice(a + 1));
  const k = idx.length;
  const shape = [...X.shape.slice(0, a), ...idxShape, ...X.shape.slice(a + 1)];
  checkRank(fn, 'the result', shape.length);
  const out = new Float64Array(checkSize(fn, shape));
  // An empty result (or x) has no row to copy, however large the other dimensions.
  for (let o = 0; o < (out.length === 0 ? 0 : outer); o++) {
    for (let i = 0; i < k; i++) {
      const src = (o * n + idx[i]) * inner;
      out.set(X.data.subarray(src, src + inner), (o * k + i) * inner);
    }
  }
  const Y = new Tensor(out, shape);
  if (recording.tape !== null) {
    record(fn, Y, [X], (dy) => {
      const g = new Float64Array(X.size);
      scatterAdd(g, dy.data, idx, outer, n, inner);
      return [new Tensor(g, X.shape)];
    });
  }
  return Y;
}

/**
 * The backward of a gather along an axis: adds each `inner`-long run of `src` (laid out
 * `[outer, idx.length, inner]`) into row `idx[i]` of `dst` (laid out `[outer, n, inner]`); repeated
 * indices accumulate. Shared by {@link take} and the Embedding layer. @internal
 */
export function scatterAdd(dst: Float64Array, src: Float64Array, idx: Int32Array, outer: number, n: number, inner: number): void {
  const k = idx.length;
  if (src.length === 0) return;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < k; i++) {
      const d = (o * n + idx[i]) * inner;
      const s = (o * k + i) * inner;
      for (let j = 0; j < inner; j++) dst[d + j] += src[s + j];
    }
  }
}

/**
 * Pads x with `value` (default 0): `paddings` gives `[before, after]` for every axis, in order
 * (NumPy's `pad(x, paddings, constant_values=value)`). The gradient is dy's inner block.
 * @example pad([[1, 2]], [[1, 0], [0, 1]]).toArray(); // => [[0, 0, 0], [1, 2, 0]]
 */
export function pad(x: TensorLike, paddings: readonly (readonly [number, number])[], value = 0): Tensor {
  const fn = 'pad';
  const X = asTensor(x, fn, 'x');
  if (!Array.isArray(paddings) || paddings.length !== X.rank) {
    throw new ValueError(fn, `paddings must give [before, after] for each of x's ${X.rank} axes, got ${describe(paddings)}`);
  }
  checkNumberWhere(fn, 'value', value, 'a number', () => true);
  const before: number[] = [];
  const shape: number[] = [];
  paddings.forEach((p, d) => {
    if (!Array.isArray(p) || p.length !== 2) throw new ValueError(fn, `paddings[${d}] must be [before, after], got ${describe(p)}`);
    before.push(checkInteger(fn, `paddings[${d}][0]`, p[0], 0));
    shape.push(X.shape[d] + before[d] + checkInteger(fn, `paddings[${d}][1]`, p[1], 0));
  });
  const out = new Float64Array(checkSize(fn, shape));
  if (value !== 0) out.fill(value);
  const zero = X.shape.map(() => 0);
  copyBox(X.data, X.shape, zero, out, shape, before, X.shape);
  const Y = new Tensor(out, shape);
  if (recording.tape !== null) {
    record(fn, Y, [X], (dy) => {
      const g = new Float64Array(X.size);
      copyBox(dy.data, shape, before, g, X.shape, zero, X.shape);
      return [new Tensor(g, X.shape)];
    });
  }
  return Y;
}

/**
 * Copies the block of size `box` starting at `srcStart` in `src` (shape `srcShape`) to `dstStart` in
 * `dst` (shape `dstShape`), a contiguous row of the last axis at a time. @internal
 */
export function copyBox(
  src: Float64Array,
  srcShape: readonly number[],
  srcStart: readonly number[],
  dst: Float64Array,
  dstShape: readonly number[],
  dstStart: readonly number[],
  box: readonly number[],
): void {
  const rank = box.length;
  if (shapeSize(box) === 0) return;
  if (rank === 0) {
    dst[0] = src[0];
    return;
  }
  const ss = stridesOf(srcShape);
  const ds = stridesOf(dstShape);
  let s0 = 0;
  let d0 = 0;
  for (let d = 0; d < rank; d++) {
    s0 += srcStart[d] * ss[d];
    d0 += dstStart[d] * ds[d];
  }
  const last = rank - 1;
  const rowLen = box[last];
  const outer = box.slice(0, last);
  const sRows = stridedOffsets(outer, ss.slice(0, last));
  const dRows = stridedOffsets(outer, ds.slice(0, last));
  for (let r = 0; r < sRows.length; r++) {
    const s = s0 + sRows[r];
    dst.set(src.subarray(s, s + rowLen), d0 + dRows[r]);
  }
}
