import { recorded } from '../activations/common.js';
import { ShapeError, ValueError, describe, formatShape } from '../errors.js';
import { sameShape } from '../tensor/shape.js';
import { Tensor, asTensor, type TensorLike } from '../tensor/tensor.js';
import { checkBoolean, checkOptions } from '../validate.js';
import { poolGeometry, windowBounds, type Pool, type Pool2dOptions } from './geometry.js';

/** Options of {@link avgPool2d} and {@link avgPool2dBackward}. */
export interface AvgPool2dOptions extends Pool2dOptions {
  /** Count the zero padding in the divisor. Default true (PyTorch's). */
  countIncludePad?: boolean;
  /** A fixed non-zero integer divisor instead of the window size (PyTorch's `divisor_override`). */
  divisorOverride?: number;
}

/**
 * 2-D average pooling over `[N, C, H, W]`, PyTorch's `F.avg_pool2d`.
 *
 * ```math
 * y_{n,c,i,j} = \frac{1}{D_{ij}} \sum_{(u, v) \in \text{window} \cap \text{input}} x_{n,c,u,v}
 * ```
 *
 * The divisor D (PyTorch's rule): `divisorOverride` when given; else with `countIncludePad` the
 * window's size counted within the padded input (a window that ceilMode lets overhang the padding
 * is cut there first, so its divisor is smaller than kh·kw); without it, the number of input
 * elements in the window. Output size as {@link maxPool2d} (no dilation).
 *
 * Method: window bounds per output row and column computed once; the sum runs in row-major order,
 * then one division (PyTorch's order).
 *
 * | case | result |
 * |---|---|
 * | NaN or ±∞ in the window | propagates (∞ − ∞ gives NaN) |
 * | window entirely in the padding | impossible: the padding is at most half the kernel |
 *
 * @example avgPool2d(tensor([1, 2, 3, 4], [1, 1, 2, 2]), { kernelSize: 2 }).toArray(); // => [[[[2.5]]]]
 * @see https://pytorch.org/docs/stable/generated/torch.nn.AvgPool2d.html
 */
export function avgPool2d(x: TensorLike, options: AvgPool2dOptions): Tensor {
  const s = setup('avgPool2d', x, options);
  const out = new Float64Array(s.N * s.C * s.ay.out * s.ax.out);
  avgPoolKernel(s, s.X.data, out, null);
  return recorded('avgPool2d', new Tensor(out, [s.N, s.C, s.ay.out, s.ax.out]), s.X, avgPool2dBackward, options);
}

/**
 * dL/dx of {@link avgPool2d}: each dy/D is added to every input element of its window
 * (overlapping windows add up; padding receives nothing).
 * @example avgPool2dBackward([[[[4]]]], tensor([1, 2, 3, 4], [1, 1, 2, 2]), { kernelSize: 2 }).toArray(); // => [[[[1, 1], [1, 1]]]]
 */
export function avgPool2dBackward(dy: TensorLike, x: TensorLike, options: AvgPool2dOptions): Tensor {
  const fn = 'avgPool2dBackward';
  const s = setup(fn, x, options);
  const D = asTensor(dy, fn, 'dy');
  const yShape = [s.N, s.C, s.ay.out, s.ax.out];
  if (!sameShape(D.shape, yShape)) throw new ShapeError(fn, `dy has shape ${formatShape(D.shape)} but the output of avgPool2d has shape ${formatShape(yShape)} (they must match)`);
  const dx = new Float64Array(s.X.size);
  avgPoolKernel(s, D.data, null, dx);
  return new Tensor(dx, s.X.shape);
}

interface AvgPool extends Pool {
  countIncludePad: boolean;
  divisor: number | null;
}

function setup(fn: string, x: TensorLike, options: AvgPool2dOptions): AvgPool {
  const o = checkOptions<AvgPool2dOptions>(fn, options, ['kernelSize', 'stride', 'padding', 'ceilMode', 'countIncludePad', 'divisorOverride']);
  const countIncludePad = checkBoolean(fn, 'options.countIncludePad', o.countIncludePad ?? true);
  let divisor: number | null = null;
  if (o.divisorOverride !== undefined) {
    const d = o.divisorOverride;
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d === 0) throw new ValueError(fn, `options.divisorOverride must be a non-zero integer, got ${describe(d)}`);
    divisor = d;
  }
  return { ...poolGeometry(fn, asTensor(x, fn, 'x'), o, false), countIncludePad, divisor };
}

/**
 * Forward (x → out) or backward (dy → dx, when `dx` is given, with `src` = dy). Per output: the
 * window [i·s − p, min(i·s − p + k, L + p)) gives the padded size; cut to [0, L) it gives the
 * elements summed (PyTorch's cpu_avg_pool).
 */
function avgPoolKernel(s: AvgPool, src: Float64Array, out: Float64Array | null, dx: Float64Array | null): void {
  const { N, C, H, W, ay, ax, countIncludePad, divisor } = s;
  const Ho = ay.out;
  const Wo = ax.out;
  const { start: ys, end: ye, count: yn } = windowBounds(ay, H);
  const { start: xs, end: xe, count: xn } = windowBounds(ax, W);
  const planes = N * C;
  const HW = H * W;
  for (let p = 0; p < planes; p++) {
    const base = p * HW;
    let o = p * Ho * Wo;
    for (let i = 0; i < Ho; i++) {
      const y0 = ys[i];
      const y1 = ye[i];
      for (let j = 0; j < Wo; j++, o++) {
        const x0 = xs[j];
        const x1 = xe[j];
        if (y0 >= y1 || x0 >= x1) {
          if (out !== null) out[o] = 0;
          continue;
        }
        const d = divisor !== null ? divisor : countIncludePad ? yn[i] * xn[j] : (y1 - y0) * (x1 - x0);
        if (out !== null) {
          let acc = 0;
          for (let iy = y0; iy < y1; iy++) {
            const row = base + iy * W;
            for (let ix = x0; ix < x1; ix++) acc += src[row + ix];
          }
          out[o] = acc / d;
        } else {
          const g = src[o] / d;
          for (let iy = y0; iy < y1; iy++) {
            const row = base + iy * W;
            for (let ix = x0; ix < x1; ix++) (dx as Float64Array)[row + ix] += g;
          }
        }
      }
    }
  }
}
