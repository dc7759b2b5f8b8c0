import { ShapeError, ValueError, describe, formatList, formatShape } from '../errors.js';
import { record, recording } from '../autograd/tape.js';
import { checkRank, checkSize } from './limits.js';
import { axisLayout, normalizeAxis, stridedOffsets, stridesOf } from './shape.js';
import { Tensor, asTensor, type TensorLike } from './tensor.js';

/**
 * Permutes the dimensions of `x` (a copy, like `np.ascontiguousarray(np.transpose(x, axes))`).
 * Without `axes` the dimensions are reversed, so a matrix is transposed.
 * @example transpose([[1, 2, 3], [4, 5, 6]]).toArray(); // => [[1, 4], [2, 5], [3, 6]]
 */
export function transpose(x: TensorLike, axes?: readonly number[]): Tensor {
  const X = asTensor(x, 'transpose', 'x');
  const rank = X.rank;
  let perm: number[];
  if (axes === undefined) {
    perm = [];
    for (let i = rank - 1; i >= 0; i--) perm.push(i);
  } else {
    if (!Array.isArray(axes) || axes.length !== rank) {
      throw new ValueError('transpose', `axes must be a permutation of ${rank} axes, got ${formatList(axes)}`);
    }
    const seen = new Array<boolean>(rank).fill(false);
    perm = axes.map((a) => {
      const n = normalizeAxis('transpose', a, rank, 'axes entry');
      if (seen[n]) throw new ValueError('transpose', `axes ${formatList(axes)} repeats axis ${a} (expected a permutation)`);
      seen[n] = true;
      return n;
    });
  }
  const Y = permute(X, perm);
  if (recording.tape !== null) {
    const inverse = new Array<number>(rank);
    for (let i = 0; i < rank; i++) inverse[perm[i]] = i;
    record('transpose', Y, [X], (dy) => [permute(dy, inverse)]);
  }
  return Y;
}

/** @internal Copies X with its axes permuted (perm already validated). */
export function permute(X: Tensor, perm: readonly number[]): Tensor {
  const rank = X.rank;
  const shape = perm.map((p) => X.shape[p]);
  const out = new Float64Array(X.size);
  if (X.size === 0) return new Tensor(out, shape);
  const src = X.data;
  if (rank === 2 && perm[0] === 1) {
    transpose2d(src, X.shape[0], X.shape[1], out);
    return new Tensor(out, shape);
  }
  const inStrides = stridesOf(X.shape);
  const st = perm.map((p) => inStrides[p]);
  if (rank === 0) {
    out[0] = src[0];
    return new Tensor(out, shape);
  }
  const last = rank - 1;
  const n = shape[last];
  const s = st[last];
  const rows = stridedOffsets(shape.slice(0, last), st.slice(0, last));
  for (let r = 0, o = 0; r < rows.length; r++, o += n) {
    for (let i = 0, j = rows[r]; i < n; i++, j += s) out[o + i] = src[j];
  }
  return new Tensor(out, shape);
}

/** Cache-blocked 2-D transpose of an r×c row-major matrix into out (c×r). @internal */
export function transpose2d(src: Float64Array, r: number, c: number, out: Float64Array): void {
  const B = 32;
  for (let i0 = 0; i0 < r; i0 += B) {
    const i1 = Math.min(i0 + B, r);
    for (let j0 = 0; j0 < c; j0 += B) {
      const j1 = Math.min(j0 + B, c);
      for (let i = i0; i < i1; i++) {
        const row = i * c;
        for (let j = j0; j < j1; j++) out[j * r + i] = src[row + j];
      }
    }
  }
}

/**
 * Joins tensors along an existing axis. All shapes must agree except on `axis`.
 * @example concat([[[1, 2]], [[3, 4]]], 0).toArray(); // => [[1, 2], [3, 4]]
 */
export function concat(xs: readonly TensorLike[], axis = 0): Tensor {
  const ts = toList('concat', xs);
  const Y = concatTensors('concat', ts, axis);
  if (recording.tape !== null) {
    const ax = normalizeAxis('concat', axis, ts[0].rank);
    record('concat', Y, ts, (dy) => splitAlong(dy, ax, ts));
  }
  return Y;
}

/** The pieces of dy along `axis` with the shapes of `parts` (the gradient of concat). */
function splitAlong(dy: Tensor, axis: number, parts: readonly Tensor[]): Tensor[] {
  const { outer, inner } = axisLayout(dy.shape, axis);
  const rowLen = dy.shape[axis] * inner;
  let colOff = 0;
  return parts.map((t) => {
    const chunk = t.shape[axis] * inner;
    const out = new Float64Array(t.size);
    if (out.length === 0) return new Tensor(out, t.shape);
    for (let o = 0; o < outer; o++) out.set(dy.data.subarray(o * rowLen + colOff, o * rowLen + colOff + chunk), o * chunk);
    colOff += chunk;
    return new Tensor(out, t.shape);
  });
}

function concatTensors(fn: string, ts: readonly Tensor[], axis: number): Tensor {
  const rank = ts[0].rank;
  if (rank === 0) throw new ShapeError(fn, 'xs[0] is a scalar (expected tensors of rank ≥ 1; use stack to join scalars)');
  const ax = normalizeAxis(fn, axis, rank);
  let total = 0;
  for (let k = 0; k < ts.length; k++) {
    const t = ts[k];
    if (t.rank !== rank) {
      throw new ShapeError(fn, `xs[${k}] has rank ${t.rank} but xs[0] has rank ${rank} (all inputs must have the same rank)`);
    }
    for (let d = 0; d < rank; d++) {
      if (d !== ax && t.shape[d] !== ts[0].shape[d]) {
        throw new ShapeError(fn, `xs[${k}] has shape ${formatShape(t.shape)} but xs[0] has ${formatShape(ts[0].shape)} (all dimensions except axis ${ax} must match)`);
      }
    }
    total += t.shape[ax];
  }
  const shape = ts[0].shape.slice();
  shape[ax] = total;
  // The same tensor may be listed many times: the result can be far larger than any input.
  const out = new Float64Array(checkSize(fn, shape));
  if (out.length === 0) return new Tensor(out, shape);
  const { outer, inner } = axisLayout(shape, ax);
  const rowLen = total * inner;
  let colOff = 0;
  for (const t of ts) {
    const chunk = t.shape[ax] * inner;
    if (chunk === 0) continue;
    for (let o = 0; o < outer; o++) out.set(t.data.subarray(o * chunk, (o + 1) * chunk), o * rowLen + colOff);
    colOff += chunk;
  }
  return new Tensor(out, shape);
}

/**
 * Joins tensors of identical shape along a new axis.
 * @example stack([[1, 2], [3, 4]], 1).toArray(); // => [[1, 3], [2, 4]]
 */
export function stack(xs: readonly TensorLike[], axis = 0): Tensor {
  const ts = toList('stack', xs);
  const base = ts[0].shape;
  for (let k = 1; k < ts.length; k++) {
    const s = ts[k].shape;
    if (s.length !== base.length || s.some((d, i) => d !== base[i])) {
      throw new ShapeError('stack', `xs[${k}] has shape ${formatShape(s)} but xs[0] has ${formatShape(base)} (all inputs must have the same shape)`);
    }
  }
  const ax = normalizeAxis('stack', axis, base.length + 1);
  checkRank('stack', 'the result', base.length + 1);
  const expanded = base.slice();
  expanded.splice(ax, 0, 1);
  const Y = concatTensors('stack', ts.map((t) => new Tensor(t.data, expanded)), ax);
  if (recording.tape !== null) {
    const views = ts.map((t) => new Tensor(t.data, expanded));
    record('stack', Y, ts, (dy) => splitAlong(dy, ax, views).map((g, k) => new Tensor(g.data, ts[k].shape)));
  }
  return Y;
}

function toList(fn: string, xs: readonly TensorLike[]): Tensor[] {
  if (!Array.isArray(xs) || xs.length === 0) {
    throw new ValueError(fn, `xs must be a non-empty array of tensors, got ${Array.isArray(xs) ? 'an empty array' : describe(xs)}`);
  }
  return xs.map((x, i) => asTensor(x, fn, `xs[${i}]`));
}
