import { ShapeError, ValueError, describe, formatShape } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkBoolean, checkInteger } from '../validate.js';

/** A size per spatial axis: one number for both, or `[height, width]`. */
export type Pair2d = number | readonly [number, number];

/** The options max and average pooling share. */
export interface Pool2dOptions {
  /** Window size, one number or `[kh, kw]`. Required. */
  kernelSize: Pair2d;
  /** Step between windows. Default: the kernel size. */
  stride?: Pair2d;
  /** Implicit padding on each side (−∞ for max pooling, 0 for average); at most half the kernel (PyTorch's rule). Default 0. */
  padding?: Pair2d;
  /** Round the output size up instead of down (the last window must start inside the input or the left padding). Default false. */
  ceilMode?: boolean;
}

/**
 * Per output row (or column) of a pooling axis: its first tap inside the input (`start`: i·s − p
 * moved forward by the dilation d until ≥ 0), the exclusive end of its taps inside the input
 * (`end` = min(i·s − p + d(k − 1) + 1, L)), and how many positions it spans within the padded
 * input (`count`, the divisor average pooling's countIncludePad uses; its d is 1). @internal
 */
export function windowBounds(axis: Axis, size: number): { start: Int32Array; end: Int32Array; count: Int32Array } {
  const n = axis.out;
  const d = axis.dilation;
  const start = new Int32Array(n);
  const end = new Int32Array(n);
  const count = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const a = i * axis.stride - axis.lo;
    const b = a + d * (axis.kernel - 1) + 1;
    count[i] = Math.min(b, size + axis.lo) - a;
    let s = a;
    while (s < 0) s += d;
    start[i] = s;
    end[i] = Math.min(b, size);
  }
  return { start, end, count };
}

/**
 * Reads a {@link Pair2d} option as `[h, w]`, each an integer ≥ `min` (1 for sizes, strides and
 * dilations; 0 for padding). @internal
 */
export function readPair(fn: string, name: string, value: unknown, min: number): [number, number] {
  if (Array.isArray(value)) {
    if (value.length !== 2) throw new ValueError(fn, `${name} must be a number or [height, width], got an array of length ${value.length}`);
    return [checkInteger(fn, `${name}[0]`, value[0], min), checkInteger(fn, `${name}[1]`, value[1], min)];
  }
  if (typeof value !== 'number') throw new ValueError(fn, `${name} must be a number or [height, width], got ${describe(value)}`);
  const v = checkInteger(fn, name, value, min);
  return [v, v];
}

/** The `[N, C, H, W]` input of a 2-D convolution or pooling, checked. @internal */
export function nchw(fn: string, X: Tensor, arg = 'x'): [number, number, number, number] {
  if (X.rank !== 4) {
    throw new ShapeError(fn, `${arg} has shape ${formatShape(X.shape)} (expected rank 4, [N, C, H, W]; for one image use x.reshape([1, C, H, W]))`);
  }
  return [X.shape[0], X.shape[1], X.shape[2], X.shape[3]];
}

/**
 * The geometry along one spatial axis: input length, kernel extent, stride, dilation, padding
 * before (`lo`) and after (`hi`), and the output length. @internal
 */
export interface Axis {
  size: number;
  kernel: number;
  stride: number;
  dilation: number;
  lo: number;
  hi: number;
  out: number;
}

/**
 * PyTorch's convolution output length, ⌊(L + lo + hi − d·(k − 1) − 1)/s⌋ + 1, after checking that
 * the dilated kernel d·(k − 1) + 1 fits in the padded input (PyTorch's "Kernel size can't be
 * greater than actual input size"). @internal
 */
export function convAxis(fn: string, what: string, size: number, kernel: number, stride: number, dilation: number, lo: number, hi: number): Axis {
  const span = dilation * (kernel - 1) + 1;
  if (span > size + lo + hi) {
    throw new ShapeError(
      fn,
      `the ${what} of the kernel${dilation > 1 ? ` (dilated: ${dilation}·(${kernel} − 1) + 1 = ${span})` : ''} is ${span}, larger than the padded input's ${what} ${size}${lo + hi > 0 ? ` + ${lo + hi}` : ''} (expected kernel ≤ padded input)`,
    );
  }
  return { size, kernel, stride, dilation, lo, hi, out: Math.floor((size + lo + hi - span) / stride) + 1 };
}

/**
 * PyTorch's pooling output length (`pooling_output_shape`):
 * ⌊(L + 2p − d·(k − 1) − 1 + (ceilMode ? s − 1 : 0))/s⌋ + 1, and with ceilMode one less when the
 * last window would start at or beyond L + p (it must start inside the input or the left padding).
 * The padding must be at most half the kernel, and the result at least 1. @internal
 */
export function poolAxis(fn: string, what: string, size: number, kernel: number, stride: number, dilation: number, pad: number, ceilMode: boolean): Axis {
  if (pad > kernel / 2) {
    throw new ValueError(fn, `options.padding ${pad} along the ${what} is more than half the kernel ${kernel} (PyTorch requires padding ≤ kernelSize / 2)`);
  }
  const span = dilation * (kernel - 1) + 1;
  let out = Math.floor((size + 2 * pad - span + (ceilMode ? stride - 1 : 0)) / stride) + 1;
  if (ceilMode && (out - 1) * stride >= size + pad) out--;
  if (out < 1) {
    throw new ShapeError(
      fn,
      `the ${what} of the window${dilation > 1 ? ` (dilated: ${span})` : ''} is ${span}, larger than the padded input's ${what} ${size + 2 * pad} (the output would be empty; expected kernel ≤ padded input)`,
    );
  }
  return { size, kernel, stride, dilation, lo: pad, hi: pad, out };
}

/** What the pooling functions share: the input and the geometry of both axes. @internal */
export interface Pool {
  X: Tensor;
  N: number;
  C: number;
  H: number;
  W: number;
  ay: Axis;
  ax: Axis;
}

/**
 * Reads `kernelSize` (required), `stride` (default: the kernel size), `padding`, `dilation` (when
 * `dilation` is true; else 1) and `ceilMode` from checked options, and the geometry of x. @internal
 */
export function poolGeometry(fn: string, X: Tensor, o: Record<string, unknown>, dilation: boolean): Pool {
  if (o.kernelSize === undefined) throw new ValueError(fn, 'options.kernelSize is required (a number or [kh, kw])');
  const [kh, kw] = readPair(fn, 'options.kernelSize', o.kernelSize, 1);
  const [sh, sw] = o.stride === undefined ? [kh, kw] : readPair(fn, 'options.stride', o.stride, 1);
  const [ph, pw] = readPair(fn, 'options.padding', o.padding ?? 0, 0);
  const [dh, dw] = dilation ? readPair(fn, 'options.dilation', o.dilation ?? 1, 1) : [1, 1];
  const ceil = checkBoolean(fn, 'options.ceilMode', o.ceilMode ?? false);
  const [N, C, H, W] = nchw(fn, X);
  const ay = poolAxis(fn, 'height', H, kh, sh, dh, ph, ceil);
  const ax = poolAxis(fn, 'width', W, kw, sw, dw, pw, ceil);
  return { X, N, C, H, W, ay, ax };
}
