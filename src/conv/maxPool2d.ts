import { recorded } from '../activations/common.js';
import { ShapeError, formatShape } from '../errors.js';
import { sameShape } from '../tensor/shape.js';
import { Tensor, asTensor, type TensorLike } from '../tensor/tensor.js';
import { checkOptions } from '../validate.js';
import { poolGeometry, windowBounds, type Pair2d, type Pool, type Pool2dOptions } from './geometry.js';

/** Options of {@link maxPool2d} and {@link maxPool2dBackward}. */
export interface MaxPool2dOptions extends Pool2dOptions {
  /** Spacing between window taps. Default 1. */
  dilation?: Pair2d;
}

/**
 * 2-D max pooling over `[N, C, H, W]`, PyTorch's `F.max_pool2d`: each output is the largest input
 * in its window; the padding never wins (it acts as −∞).
 *
 * ```math
 * y_{n,c,i,j} = \max_{u < k_h,\ v < k_w} x_{n,c,\; i s_h - p_h + u d_h,\; j s_w - p_w + v d_w}
 * ```
 *
 * Output size (PyTorch's `pooling_output_shape`): H_out = ⌊(H + 2p_h − d_h(k_h − 1) − 1 + (ceilMode ?
 * s_h − 1 : 0))/s_h⌋ + 1, minus one when ceilMode would start the last window at or beyond H + p_h.
 * Windows that overhang the input (ceilMode) are cut to it.
 *
 * Method: the window bounds of every output row and column are computed once per call; each
 * window is then scanned in row-major order with a strict `>`, so ties go to the first element in
 * window order, as PyTorch.
 *
 * | case | result |
 * |---|---|
 * | NaN in the window | NaN (the gradient goes to the window's last NaN, as PyTorch) |
 * | window all −∞ | −∞ (the gradient goes to its first element) |
 * | tie | the first element in window order takes the gradient |
 * | window with no element inside the input (only with dilation) | −∞, no gradient |
 *
 * @example maxPool2d(tensor([1, 3, 2, 3], [1, 1, 2, 2]), { kernelSize: 2 }).toArray(); // => [[[[3]]]]
 * @see https://pytorch.org/docs/stable/generated/torch.nn.MaxPool2d.html
 */
export function maxPool2d(x: TensorLike, options: MaxPool2dOptions): Tensor {
  const s = setup('maxPool2d', x, options);
  const out = new Float64Array(s.N * s.C * s.ay.out * s.ax.out);
  maxPoolKernel(s, s.X.data, out, null, null);
  return recorded('maxPool2d', new Tensor(out, [s.N, s.C, s.ay.out, s.ax.out]), s.X, maxPool2dBackward, options);
}

/**
 * dL/dx of {@link maxPool2d}: each dy is added to the input element its window selected (the
 * first maximum in window order; overlapping windows add up), 0 elsewhere.
 *
 * Method: the windows' maxima are found again from x (nothing is saved between the calls), in the
 * same order as the forward, so both pick the same element.
 * @example maxPool2dBackward([[[[5]]]], tensor([1, 3, 2, 3], [1, 1, 2, 2]), { kernelSize: 2 }).toArray(); // => [[[[0, 5], [0, 0]]]]
 */
export function maxPool2dBackward(dy: TensorLike, x: TensorLike, options: MaxPool2dOptions): Tensor {
  const fn = 'maxPool2dBackward';
  const s = setup(fn, x, options);
  const D = asTensor(dy, fn, 'dy');
  const yShape = [s.N, s.C, s.ay.out, s.ax.out];
  if (!sameShape(D.shape, yShape)) throw new ShapeError(fn, `dy has shape ${formatShape(D.shape)} but the output of maxPool2d has shape ${formatShape(yShape)} (they must match)`);
  const dx = new Float64Array(s.X.size);
  maxPoolKernel(s, s.X.data, null, D.data, dx);
  return new Tensor(dx, s.X.shape);
}

function setup(fn: string, x: TensorLike, options: MaxPool2dOptions): Pool {
  const o = checkOptions<MaxPool2dOptions>(fn, options, ['kernelSize', 'stride', 'padding', 'dilation', 'ceilMode']);
  return poolGeometry(fn, asTensor(x, fn, 'x'), o, true);
}

/**
 * Forward (out) or backward (dy → dx): the index of each window's maximum — first in window order,
 * NaN wins — then out = x[index] or dx[index] += dy.
 *
 * Method: 2×2 windows without dilation that lie inside the input (the common case) take a
 * branch-free tournament over their four elements: comparisons become 0/1 integers that select
 * indices, so random data costs no mispredicted branches (a branchy scan was ~3× slower). The
 * tournament keeps the first of equal values, as the scan does; a window whose sum is NaN (a NaN,
 * or +∞ with −∞) goes to the scan, which gives NaN its PyTorch treatment. Every other window is
 * scanned.
 */
function maxPoolKernel(s: Pool, x: Float64Array, out: Float64Array | null, dy: Float64Array | null, dx: Float64Array | null): void {
  const { N, C, H, W, ay, ax } = s;
  const Ho = ay.out;
  const Wo = ax.out;
  const ry = windowBounds(ay, ay.size);
  const rx = windowBounds(ax, ax.size);
  // The 2×2 fast path: rows and columns whose window is whole (not cut by padding or the edge).
  const fast = ay.kernel === 2 && ax.kernel === 2 && ay.dilation === 1 && ax.dilation === 1;
  let jlo = Wo;
  let jhi = Wo;
  if (fast) {
    jlo = 0;
    while (jlo < Wo && (jlo * ax.stride - ax.lo < 0 || rx.end[jlo] - rx.start[jlo] !== 2)) jlo++;
    jhi = jlo;
    while (jhi < Wo && rx.end[jhi] - rx.start[jhi] === 2) jhi++;
  }
  const planes = N * C;
  // Every window whole (no padding, no window cut by the edge): one flat loop, no per-row set-up.
  if (fast && jlo === 0 && jhi === Wo && ay.lo === 0 && ry.end[Ho - 1] - ry.start[Ho - 1] === 2) {
    const sh = ay.stride * W;
    const sw = ax.stride;
    for (let p = 0, o = 0; p < planes; p++) {
      for (let i = 0, r0 = p * H * W; i < Ho; i++, r0 += sh) {
        if (out !== null) for (let j = 0, r = r0; j < Wo; j++, r += sw, o++) out[o] = x[argmax2x2(x, r, W)];
        else for (let j = 0, r = r0; j < Wo; j++, r += sw, o++) (dx as Float64Array)[argmax2x2(x, r, W)] += (dy as Float64Array)[o];
      }
    }
    return;
  }
  for (let p = 0; p < planes; p++) {
    for (let i = 0; i < Ho; i++) {
      const whole = fast && ry.end[i] - ry.start[i] === 2 && i * ay.stride - ay.lo >= 0;
      const a0 = whole ? jlo : Wo;
      const a1 = whole ? jhi : Wo;
      const o = (p * Ho + i) * Wo;
      const base = p * H * W;
      if (out !== null) forwardRow(x, out, o, base, W, ry.start[i], ry.end[i], ay.dilation, rx, ax.dilation, ax.stride, ax.lo, a0, a1, Wo);
      else backwardRow(x, dy as Float64Array, dx as Float64Array, o, base, W, ry.start[i], ry.end[i], ay.dilation, rx, ax.dilation, ax.stride, ax.lo, a0, a1, Wo);
    }
  }
}

/** One output row of the forward: columns [a0, a1) by the 2×2 fast path, the others by the scan. */
function forwardRow(x: Float64Array, out: Float64Array, o: number, base: number, W: number, ys: number, ye: number, dh: number, rx: { start: Int32Array; end: Int32Array }, dw: number, sw: number, lo: number, a0: number, a1: number, Wo: number): void {
  for (let j = 0; j < a0; j++) {
    const k = windowArgmax(x, base, W, ys, ye, dh, rx.start[j], rx.end[j], dw);
    out[o + j] = k < 0 ? -Infinity : x[k];
  }
  const r0 = base + ys * W - lo;
  for (let j = a0; j < a1; j++) out[o + j] = x[argmax2x2(x, r0 + j * sw, W)];
  for (let j = a1; j < Wo; j++) {
    const k = windowArgmax(x, base, W, ys, ye, dh, rx.start[j], rx.end[j], dw);
    out[o + j] = k < 0 ? -Infinity : x[k];
  }
}

/** One output row of the backward: dx[argmax] += dy, with the forward's choice of path per column. */
function backwardRow(x: Float64Array, dy: Float64Array, dx: Float64Array, o: number, base: number, W: number, ys: number, ye: number, dh: number, rx: { start: Int32Array; end: Int32Array }, dw: number, sw: number, lo: number, a0: number, a1: number, Wo: number): void {
  for (let j = 0; j < a0; j++) {
    const k = windowArgmax(x, base, W, ys, ye, dh, rx.start[j], rx.end[j], dw);
    if (k >= 0) dx[k] += dy[o + j];
  }
  const r0 = base + ys * W - lo;
  for (let j = a0; j < a1; j++) dx[argmax2x2(x, r0 + j * sw, W)] += dy[o + j];
  for (let j = a1; j < Wo; j++) {
    const k = windowArgmax(x, base, W, ys, ye, dh, rx.start[j], rx.end[j], dw);
    if (k >= 0) dx[k] += dy[o + j];
  }
}

/**
 * The first maximum of the whole 2×2 window at r (row stride W), branch-free: each comparison is a
 * 0/1 integer that selects an index (a, b | c, d, then the two winners). A NaN sum (a NaN, or +∞
 * with −∞) goes to the scan for PyTorch's NaN rule.
 */
function argmax2x2(x: Float64Array, r: number, W: number): number {
  const a = x[r];
  const b = x[r + 1];
  const c = x[r + W];
  const d = x[r + W + 1];
  const sum = a + b + c + d;
  if (sum !== sum) return windowArgmax(x, r, W, 0, 2, 1, 0, 2, 1);
  const ia = r + +(b > a);
  const ic = r + W + +(d > c);
  return ia + +(x[ic] > x[ia]) * (ic - ia);
}

/**
 * The index of the maximum of one window (rows ys..ye by dh, columns xs..xe by dw), scanning in
 * row-major order with PyTorch's test: a larger value or any NaN takes the place (so the first
 * maximum wins, and the last NaN). A window of −∞ only gives its first element, as PyTorch; an
 * empty window (possible only with dilation) gives −1.
 */
function windowArgmax(x: Float64Array, base: number, W: number, ys: number, ye: number, dh: number, xs: number, xe: number, dw: number): number {
  let m = -Infinity;
  let best = -1;
  for (let iy = ys; iy < ye; iy += dh) {
    const row = base + iy * W;
    for (let ix = xs; ix < xe; ix += dw) {
      const v = x[row + ix];
      if (v > m || v !== v) {
        m = v;
        best = row + ix;
      }
    }
  }
  if (best < 0 && ys < ye && xs < xe) best = base + ys * W + xs;
  return best;
}
