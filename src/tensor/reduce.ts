import { ValueError, formatList, formatShape } from '../errors.js';
import { checkBoolean, checkOptions } from '../validate.js';
import { permute } from './manipulate.js';
import { record, recording } from '../autograd/tape.js';
import { checkSize } from './limits.js';
import { axisLayout, expandTo, normalizeAxes, sameShape, shapeSize } from './shape.js';
import { Tensor, asTensor, type TensorLike } from './tensor.js';
import { expInto, rowLogSumExp } from '../kernels/arrays.js';

/** Axis argument of the reductions: one axis (may be negative), several, or all when omitted. */
export type Axis = number | readonly number[];

/**
 * Sum of elements over `axis` (all elements when omitted).
 *
 * Method: along a contiguous axis, NumPy's pairwise summation (blocks of 128 with eight partial
 * sums), so results are bit-identical to `np.sum` for contiguous reductions; along an outer axis,
 * rows are added in order, as NumPy does.
 * @example sum([[1, 2], [3, 4]], 0).toArray(); // => [4, 6]
 * @example sum([[1, 2], [3, 4]]).item(); // => 10
 */
export function sum(x: TensorLike, axis?: Axis, keepDims = false): Tensor {
  const p = plan('sum', x, axis, keepDims);
  const out = new Float64Array(p.outer * p.inner);
  sumInto(p, out);
  const Y = new Tensor(out, p.shape);
  if (recording.tape !== null) record('sum', Y, [p.X], (dy) => [new Tensor(expandTo(dy.data, p.keptShape, p.X.shape), p.X.shape)]);
  return Y;
}

/**
 * Arithmetic mean over `axis`: the sum divided by the number of reduced elements
 * (NaN for an empty reduction, as in NumPy).
 * @example mean([[1, 2], [3, 4]], 1).toArray(); // => [1.5, 3.5]
 */
export function mean(x: TensorLike, axis?: Axis, keepDims = false): Tensor {
  const p = plan('mean', x, axis, keepDims);
  const out = new Float64Array(p.outer * p.inner);
  sumInto(p, out);
  for (let i = 0; i < out.length; i++) out[i] /= p.reduce;
  const Y = new Tensor(out, p.shape);
  if (recording.tape !== null) {
    record('mean', Y, [p.X], (dy) => {
      const g = expandTo(dy.data, p.keptShape, p.X.shape);
      for (let i = 0; i < g.length; i++) g[i] /= p.reduce;
      return [new Tensor(g, p.X.shape)];
    });
  }
  return Y;
}

/** Options of {@link variance}. */
export interface VarianceOptions {
  /** Divide by n − 1 (Bessel's correction, PyTorch's default) instead of n (NumPy's default). Default `true`. */
  unbiased?: boolean;
  /** Keep reduced axes as size-1 dimensions. Default `false`. */
  keepDims?: boolean;
}

/**
 * Variance over `axis`, two-pass like NumPy: μ = Σx/n, then Σ(x − μ)² / (n − ddof), ddof = 1 when
 * `unbiased` (the default, PyTorch's `torch.var`) and 0 otherwise (`np.var`). n − ddof ≤ 0 gives NaN.
 * @example variance([1, 2, 3, 4]).item(); // => 1.6666666666666667
 * @example variance([1, 2, 3, 4], undefined, { unbiased: false }).item(); // => 1.25
 */
export function variance(x: TensorLike, axis?: Axis, options?: VarianceOptions): Tensor {
  const { Y, p, mu, denom } = varianceOf('variance', x, axis, options);
  if (recording.tape !== null) record('variance', Y, [p.X], (dy) => [varianceBackward(dy, p, mu, denom)]);
  return Y;
}

/** The variance with what its backward needs: the plan, the means, and n − ddof. */
function varianceOf(fn: string, x: TensorLike, axis: Axis | undefined, options: VarianceOptions | undefined) {
  const opts = checkOptions<VarianceOptions>(fn, options, ['unbiased', 'keepDims']);
  const unbiased = checkBoolean(fn, 'options.unbiased', opts.unbiased ?? true);
  const p = plan(fn, x, axis, opts.keepDims ?? false);
  const { outer, reduce: R, inner, data } = p;
  const mu = new Float64Array(outer * inner);
  sumInto(p, mu);
  for (let i = 0; i < mu.length; i++) mu[i] /= R;
  const out = new Float64Array(outer * inner);
  const denom = Math.max(R - (unbiased ? 1 : 0), 0);
  if (inner === 1) {
    const dev = new Float64Array(outer === 0 ? 0 : R); // no line, no scratch (R alone may be huge)
    for (let o = 0; o < outer; o++) {
      const m = mu[o];
      const base = o * R;
      for (let r = 0; r < R; r++) {
        const d = data[base + r] - m;
        dev[r] = d * d;
      }
      out[o] = pairwiseSum(dev, 0, R) / denom;
    }
  } else {
    for (let o = 0; o < outer; o++) {
      const ob = o * inner;
      for (let r = 0; r < R; r++) {
        const base = (o * R + r) * inner;
        for (let j = 0; j < inner; j++) {
          const d = data[base + j] - mu[ob + j];
          out[ob + j] += d * d;
        }
      }
      for (let j = 0; j < inner; j++) out[ob + j] /= denom;
    }
  }
  return { Y: new Tensor(out, p.shape), p, mu, denom };
}

/** dL/dx of variance: (2/(n − ddof))·dy·(x − μ), PyTorch's `var_backward`. */
function varianceBackward(dy: Tensor, p: Plan, mu: Float64Array, denom: number): Tensor {
  const X = p.X;
  const g = expandTo(dy.data, p.keptShape, X.shape);
  const m = expandTo(mu, p.keptShape, X.shape);
  const k = 2 / denom;
  for (let i = 0; i < g.length; i++) g[i] = k * g[i] * (X.data[i] - m[i]);
  return new Tensor(g, X.shape);
}

/**
 * Standard deviation over `axis`: √variance, with `variance`'s options (unbiased by default, like
 * `torch.std`; `unbiased: false` is `np.std`). Differentiable through variance and sqrt.
 * @example std([1, 2, 3, 4]).item(); // => 1.2909944487358056
 */
export function std(x: TensorLike, axis?: Axis, options?: VarianceOptions): Tensor {
  const { Y: V, p, mu, denom } = varianceOf('std', x, axis, options);
  const out = new Float64Array(V.size);
  for (let i = 0; i < out.length; i++) out[i] = Math.sqrt(V.data[i]);
  const Y = new Tensor(out, V.shape);
  if (recording.tape !== null) {
    // d std = d var / (2·std), and 0 where std = 0 (PyTorch's std_backward).
    record('std', Y, [p.X], (dy) => {
      const g = new Float64Array(out.length);
      for (let i = 0; i < g.length; i++) g[i] = out[i] === 0 ? 0 : dy.data[i] / (2 * out[i]);
      return [varianceBackward(new Tensor(g, V.shape), p, mu, denom)];
    });
  }
  return Y;
}

/**
 * log Σ eˣ over `axis` (all elements when omitted), without overflow:
 *
 * ```math
 * \operatorname{lse}(x) = m + \log \sum_i e^{x_i - m}, \quad m = \max_i x_i, \qquad
 * \frac{\partial\, \operatorname{lse}}{\partial x_i} = e^{x_i - \operatorname{lse}(x)}
 * ```
 *
 * A line whose maximum is ±∞ gives that infinity (all −∞: −∞, as `torch.logsumexp`); NaN
 * propagates. An empty line gives −∞ (log 0).
 * @example logSumExp([1000, 1000]).item(); // => 1000.6931471805599
 */
export function logSumExp(x: TensorLike, axis?: Axis, keepDims = false): Tensor {
  const p = plan('logSumExp', x, axis, keepDims);
  const { outer, reduce: R, inner, data } = p;
  let out: Float64Array;
  // An empty reduction is log 0 = −∞; nothing else is allocated for an empty tensor.
  if (data.length === 0) out = new Float64Array(outer * inner).fill(-Infinity);
  else {
    const { mx, lse } = rowLogSumExp(data, outer, R, inner);
    out = lse;
    for (let j = 0; j < out.length; j++) {
      const m = mx[j];
      out[j] = m === Infinity || m === -Infinity || m !== m ? m : m + lse[j];
    }
  }
  const Y = new Tensor(out, p.shape);
  if (recording.tape !== null) {
    record('logSumExp', Y, [p.X], (dy) => {
      // dx = dy · e^(x − lse), PyTorch's logsumexp_backward.
      const X = p.X;
      const g = expandTo(dy.data, p.keptShape, X.shape);
      const l = expandTo(out, p.keptShape, X.shape);
      for (let i = 0; i < l.length; i++) l[i] = X.data[i] - l[i];
      expInto(l, 0, l, 0, l.length);
      for (let i = 0; i < g.length; i++) g[i] = g[i] * l[i];
      return [new Tensor(g, X.shape)];
    });
  }
  return Y;
}

/**
 * Maximum over `axis`; NaN if any reduced element is NaN (like `np.max`). An empty reduction is an error.
 * @example max([[1, 5], [3, 2]], 0).toArray(); // => [3, 5]
 */
export function max(x: TensorLike, axis?: Axis, keepDims = false): Tensor {
  return extreme('max', x, axis, keepDims, true, false);
}

/**
 * Minimum over `axis`; NaN if any reduced element is NaN (like `np.min`). An empty reduction is an error.
 * @example min([[1, 5], [3, 2]], 1).toArray(); // => [1, 2]
 */
export function min(x: TensorLike, axis?: Axis, keepDims = false): Tensor {
  return extreme('min', x, axis, keepDims, false, false);
}

/**
 * Index of the maximum over `axis` (over the flattened tensor when omitted), as float64 values.
 * Ties give the first index; a NaN counts as the maximum (the first NaN's index), like `np.argmax`.
 * Only one axis may be given.
 * @example argmax([[1, 5], [3, 2]], 1).toArray(); // => [1, 0]
 */
export function argmax(x: TensorLike, axis?: Axis, keepDims = false): Tensor {
  if (Array.isArray(axis) && axis.length !== 1) {
    throw new ValueError('argmax', `axis must be one axis, got ${formatList(axis)} (argmax reduces a single axis or the flattened tensor)`);
  }
  return extreme('argmax', x, axis, keepDims, true, true);
}

function extreme(fn: string, x: TensorLike, axis: Axis | undefined, keepDims: boolean, isMax: boolean, wantIndex: boolean): Tensor {
  const p = plan(fn, x, axis, keepDims);
  const { outer, reduce: R, inner, data } = p;
  if (R === 0) {
    throw new ValueError(fn, `cannot reduce an empty axis of a tensor of shape ${formatShape(p.inputShape)} (${fn} has no identity)`);
  }
  const out = new Float64Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const base = o * R * inner + j;
      let best = data[base];
      let bestIdx = 0;
      if (best === best) {
        for (let r = 1; r < R; r++) {
          const v = data[base + r * inner];
          if (v !== v) {
            best = v;
            bestIdx = r;
            break;
          }
          if (isMax ? v > best : v < best) {
            best = v;
            bestIdx = r;
          }
        }
      }
      out[o * inner + j] = wantIndex ? bestIdx : best;
    }
  }
  const Y = new Tensor(out, p.shape);
  if (!wantIndex && recording.tape !== null) record(fn, Y, [p.X], (dy) => [extremeBackward(dy, p, out)]);
  return Y;
}

/**
 * dL/dx of max/min: dy shared evenly among the elements equal to the result (PyTorch's `amax`/
 * `amin` rule; a NaN result gives NaN, as there 0 elements compare equal).
 */
function extremeBackward(dy: Tensor, p: Plan, result: Float64Array): Tensor {
  const X = p.X;
  const r = expandTo(result, p.keptShape, X.shape);
  const mask = new Float64Array(X.size);
  for (let i = 0; i < mask.length; i++) mask[i] = X.data[i] === r[i] ? 1 : 0;
  // Ties per reduced line: the same reduction of the mask.
  const count = new Float64Array(result.length);
  sumInto({ ...p, data: p.moved === null ? mask : permute(new Tensor(mask, X.shape), p.moved).data }, count);
  const c = expandTo(count, p.keptShape, X.shape);
  const g = expandTo(dy.data, p.keptShape, X.shape);
  for (let i = 0; i < g.length; i++) g[i] = (mask[i] * g[i]) / c[i];
  return new Tensor(g, X.shape);
}

interface Plan {
  /** Contiguous data laid out as [outer, reduce, inner]. */
  data: Float64Array;
  outer: number;
  reduce: number;
  inner: number;
  /** Output shape (with or without kept dims). */
  shape: number[];
  inputShape: readonly number[];
  /** The input. */
  X: Tensor;
  /** The input's shape with every reduced axis 1 (what a gradient broadcasts from). */
  keptShape: number[];
  /** The permutation that put non-adjacent reduced axes last, or null when none was needed. */
  moved: number[] | null;
}

function plan(fn: string, x: TensorLike, axis: Axis | undefined, keepDims: boolean): Plan {
  const X = asTensor(x, fn, 'x');
  checkBoolean(fn, 'keepDims', keepDims);
  const p = planOf(X, normalizeAxes(fn, axis, X.rank), keepDims);
  // Reducing an empty axis makes a result larger than the (empty) input: [0, 2^40] → [2^40].
  checkSize(fn, p.shape);
  return p;
}

/** The [outer, reduce, inner] plan for reducing X over `axes` (sorted, distinct, valid). */
function planOf(X: Tensor, axes: readonly number[], keepDims: boolean): Plan {
  const reduced = new Array<boolean>(X.rank).fill(false);
  for (const a of axes) reduced[a] = true;
  const shape: number[] = [];
  for (let d = 0; d < X.rank; d++) {
    if (!reduced[d]) shape.push(X.shape[d]);
    else if (keepDims) shape.push(1);
  }
  const R = shapeSize(axes.map((a) => X.shape[a]));
  const keptShape = X.shape.map((d, i) => (reduced[i] ? 1 : d));
  const base = { shape, inputShape: X.shape, X, keptShape, moved: null };
  if (axes.length === 0) return { ...base, data: X.data, outer: X.size, reduce: 1, inner: 1 };
  const lo = axes[0];
  const hi = axes[axes.length - 1];
  if (hi - lo + 1 === axes.length) {
    const { outer, inner } = axisLayout(X.shape, lo, hi);
    // An empty result has no line to reduce: walk none, however large the other dimensions.
    return { ...base, data: X.data, outer: inner === 0 ? 0 : outer, reduce: R, inner };
  }
  // Non-adjacent axes: move the reduced axes to the end (one copy), then reduce contiguous rows.
  const kept: number[] = [];
  for (let d = 0; d < X.rank; d++) if (!reduced[d]) kept.push(d);
  const perm = [...kept, ...axes];
  return { ...base, moved: perm, data: permute(X, perm).data, outer: shapeSize(kept.map((d) => X.shape[d])), reduce: R, inner: 1 };
}

function sumInto(p: Plan, out: Float64Array): void {
  const { outer, reduce: R, inner, data } = p;
  if (inner === 1) {
    for (let o = 0; o < outer; o++) out[o] = pairwiseSum(data, o * R, R);
    return;
  }
  for (let o = 0; o < outer; o++) {
    const ob = o * inner;
    for (let r = 0; r < R; r++) {
      const base = (o * R + r) * inner;
      for (let j = 0; j < inner; j++) out[ob + j] += data[base + j];
    }
  }
}

/**
 * NumPy's pairwise summation of `a[start .. start+n)`: below 8 elements a plain loop; up to 128,
 * eight interleaved partial sums combined as ((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7)); above, split at
 * a multiple of 8 near the middle. Error grows as O(log n) rather than O(n).
 * @internal
 */
export function pairwiseSum(a: Float64Array, start: number, n: number): number {
  if (n < 8) {
    let s = 0;
    for (let i = 0; i < n; i++) s += a[start + i];
    return s;
  }
  if (n <= 128) {
    let r0 = a[start];
    let r1 = a[start + 1];
    let r2 = a[start + 2];
    let r3 = a[start + 3];
    let r4 = a[start + 4];
    let r5 = a[start + 5];
    let r6 = a[start + 6];
    let r7 = a[start + 7];
    const end = n - (n % 8);
    let i = 8;
    for (; i < end; i += 8) {
      const k = start + i;
      r0 += a[k];
      r1 += a[k + 1];
      r2 += a[k + 2];
      r3 += a[k + 3];
      r4 += a[k + 4];
      r5 += a[k + 5];
      r6 += a[k + 6];
      r7 += a[k + 7];
    }
    let s = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
    for (; i < n; i++) s += a[start + i];
    return s;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(a, start, n2) + pairwiseSum(a, start + n2, n - n2);
}

/**
 * `g` summed over the dimensions that broadcasting added or stretched, so that it has `shape`:
 * the gradient of a broadcast input (NumPy alignment on the right). @internal
 */
export function sumTo(g: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(g.shape, shape)) return g;
  const lead = g.rank - shape.length;
  const axes: number[] = [];
  for (let d = 0; d < g.rank; d++) if (d < lead || (shape[d - lead] === 1 && g.shape[d] !== 1)) axes.push(d);
  if (axes.length === 0) return new Tensor(g.data, shape);
  const p = planOf(g, axes, false);
  const out = new Float64Array(p.outer * p.inner);
  sumInto(p, out);
  return new Tensor(out, shape);
}
