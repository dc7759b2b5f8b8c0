import { record, recording } from '../autograd/tape.js';
import { ShapeError, ValueError, formatShape } from '../errors.js';
import { gemmStrided } from '../kernels/gemm.js';
import { sameShape } from '../tensor/shape.js';
import { Tensor, asTensor, type TensorLike } from '../tensor/tensor.js';
import { checkInteger, checkOptions } from '../validate.js';
import { convAxis, nchw, readPair, type Axis, type Pair2d } from './geometry.js';

/** Options of {@link conv2d} and {@link conv2dBackward}. */
export interface Conv2dOptions {
  /** Step between windows, one number or `[sh, sw]`. Default 1. */
  stride?: Pair2d;
  /**
   * Zeros added on each side: one number, `[ph, pw]` (each on both sides), `'valid'` (0) or
   * `'same'` (output size = input size; stride 1 only; when the dilated kernel's extent is even
   * the extra row/column goes at the bottom/right, as PyTorch). Default 0.
   */
  padding?: Pair2d | 'same' | 'valid';
  /** Spacing between kernel taps, one number or `[dh, dw]`. Default 1. */
  dilation?: Pair2d;
  /** Number of channel groups; C_in and C_out must both be divisible by it. Default 1. */
  groups?: number;
}

/**
 * 2-D convolution (cross-correlation, as in every deep-learning library), PyTorch's `F.conv2d`
 * with the weight in HWIO layout.
 *
 * x is `[N, C_in, H, W]` (NCHW), weight `[kh, kw, C_in/groups, C_out]` (the layout
 * `computeFans` and every initializer read), bias `[C_out]`. With input channels split into
 * `groups` groups of C_in/G and output channels into groups of C_out/G, output channel o of
 * group g = ⌊o/(C_out/G)⌋ sees only the input channels of group g:
 *
 * ```math
 * y_{n,o,i,j} = b_o + \sum_{c=0}^{C_{in}/G-1}\sum_{u=0}^{k_h-1}\sum_{v=0}^{k_w-1}
 *   x_{n,\,g C_{in}/G + c,\; i s_h - p_t + u d_h,\; j s_w - p_l + v d_w}\; w_{u,v,c,o}
 * ```
 *
 * with x read as 0 outside the input (zero padding). Output size (PyTorch's rule):
 * H_out = ⌊(H + p_t + p_b − d_h(k_h − 1) − 1)/s_h⌋ + 1, likewise W_out.
 *
 * Method: im2col. For a chunk of images, the receptive fields of one group are unrolled into a
 * matrix `col` of shape [kh·kw·C_in/G, chunk·H_out·W_out] (rows in the weight's own (kh, kw, c)
 * order, zeros where the window overhangs the padding); the output is then one GEMM,
 * Wᵀ·col, through the shared matrix kernel (its TN form reads Wᵀ in place). Chunks hold about 2¹⁷ values of `col`, so it stays in
 * cache while keeping the GEMMs large.
 *
 * A PyTorch weight `[C_out, C_in/G, kh, kw]` is `w_torch.permute(2, 3, 1, 0)` in this layout
 * (see docs/conv.md).
 *
 * | case | result |
 * |---|---|
 * | NaN or ±∞ in x or weight | propagates to every output whose window (or kernel) contains it, as PyTorch |
 * | N = 0 or C_out = 0 | an empty output of the right shape |
 * | 1×1 kernel, stride 1, no padding | a per-pixel linear map over channels |
 * | kernel larger than the padded input | ShapeError |
 *
 * @example conv2d(tensor([1, 2, 3, 4], [1, 1, 2, 2]), tensor([1, 1, 1, 1], [2, 2, 1, 1])).toArray(); // => [[[[10]]]]
 * @see https://pytorch.org/docs/stable/generated/torch.nn.functional.conv2d.html
 */
export function conv2d(x: TensorLike, weight: TensorLike, bias?: TensorLike | null, options?: Conv2dOptions): Tensor {
  const fn = 'conv2d';
  const s = setup(fn, x, weight, options);
  let B: Tensor | null = null;
  if (bias !== undefined && bias !== null) {
    if (typeof bias === 'object' && !Array.isArray(bias) && !(bias instanceof Tensor) && !ArrayBuffer.isView(bias)) {
      throw new ValueError(fn, 'bias is an options object (pass the options fourth: conv2d(x, weight, undefined, { … }))');
    }
    B = asTensor(bias, fn, 'bias');
    if (B.rank !== 1 || B.size !== s.Co) throw new ShapeError(fn, `bias has shape ${formatShape(B.shape)} but weight has ${s.Co} output channels (expected [${s.Co}])`);
  }
  const out = new Float64Array(s.N * s.Co * s.P);
  if (out.length > 0) forwardKernel(s.X.data, s.Wt.data, B === null ? null : B.data, out, s);
  const Y = new Tensor(out, [s.N, s.Co, s.ay.out, s.ax.out]);
  if (recording.tape !== null) {
    record(fn, Y, [s.X, s.Wt, B], (dy) => {
      const g = conv2dBackward(dy, s.X, s.Wt, options);
      return [g.dx, g.dweight, B === null ? null : g.dbias];
    });
  }
  return Y;
}

/**
 * Gradients of {@link conv2d}: `{ dx, dweight, dbias }` shaped like x, weight and `[C_out]`.
 *
 * ```math
 * \frac{\partial L}{\partial w_{u,v,c,o}} = \sum_{n,i,j} dy_{n,o,i,j}\, x_{n,\,gC_{in}/G+c,\; i s_h - p_t + u d_h,\; j s_w - p_l + v d_w},
 * \qquad \frac{\partial L}{\partial b_o} = \sum_{n,i,j} dy_{n,o,i,j}
 * ```
 * and ∂L/∂x is the adjoint of the forward map: every dy_{n,o,i,j}·w_{u,v,c,o} is added back onto
 * the input element it was read from (nothing onto the padding).
 *
 * Method: dweight = col · dyᵀ per chunk and group (the same im2col as the forward); dx = col2im of
 * W · dy, where col2im scatters-adds each unrolled column back into its window. Both products run
 * in the shared GEMM (dyᵀ is read in place by its NT form). dbias does not depend on whether the forward had a bias.
 *
 * @example conv2dBackward(ones([1, 1, 1, 1]), tensor([1, 2, 3, 4], [1, 1, 2, 2]), ones([2, 2, 1, 1])).dweight.toArray(); // => [[[[1]], [[2]]], [[[3]], [[4]]]]
 */
export function conv2dBackward(dy: TensorLike, x: TensorLike, weight: TensorLike, options?: Conv2dOptions): { dx: Tensor; dweight: Tensor; dbias: Tensor } {
  const fn = 'conv2dBackward';
  const s = setup(fn, x, weight, options);
  const D = asTensor(dy, fn, 'dy');
  const yShape = [s.N, s.Co, s.ay.out, s.ax.out];
  if (!sameShape(D.shape, yShape)) throw new ShapeError(fn, `dy has shape ${formatShape(D.shape)} but the output of conv2d has shape ${formatShape(yShape)} (they must match)`);
  const dx = new Float64Array(s.X.size);
  const dw = new Float64Array(s.Wt.size);
  const db = new Float64Array(s.Co);
  if (D.size > 0) backwardKernel(D.data, s.X.data, s.Wt.data, dx, dw, db, s);
  return { dx: new Tensor(dx, s.X.shape), dweight: new Tensor(dw, s.Wt.shape), dbias: new Tensor(db, [s.Co]) };
}

/** The checked geometry of one convolution call. */
interface Conv {
  X: Tensor;
  Wt: Tensor;
  N: number;
  C: number;
  H: number;
  W: number;
  Co: number;
  G: number;
  /** Input channels per group. */
  cg: number;
  /** Output channels per group. */
  cog: number;
  kh: number;
  kw: number;
  ay: Axis;
  ax: Axis;
  /** Rows of col: kh·kw·cg. */
  K: number;
  /** Output positions per image: H_out·W_out. */
  P: number;
}

function setup(fn: string, x: TensorLike, weight: TensorLike, options: Conv2dOptions | undefined): Conv {
  const o = checkOptions<Conv2dOptions>(fn, options, ['stride', 'padding', 'dilation', 'groups']);
  const X = asTensor(x, fn, 'x');
  const Wt = asTensor(weight, fn, 'weight');
  const [N, C, H, W] = nchw(fn, X);
  const [sh, sw] = readPair(fn, 'options.stride', o.stride ?? 1, 1);
  const [dh, dw] = readPair(fn, 'options.dilation', o.dilation ?? 1, 1);
  const G = checkInteger(fn, 'options.groups', o.groups ?? 1, 1);
  if (Wt.rank !== 4) {
    throw new ShapeError(fn, `weight has shape ${formatShape(Wt.shape)} (expected rank 4, [kh, kw, C_in/groups, C_out]; a PyTorch weight [C_out, C_in/groups, kh, kw] is w.permute(2, 3, 1, 0))`);
  }
  const [kh, kw, cg, Co] = Wt.shape;
  if (C % G !== 0) throw new ValueError(fn, `x has ${C} input channels, which is not divisible by options.groups ${G}`);
  if (Co % G !== 0) throw new ValueError(fn, `weight has ${Co} output channels (its last dimension), which is not divisible by options.groups ${G}`);
  if (cg !== C / G) {
    throw new ShapeError(
      fn,
      `weight has shape ${formatShape(Wt.shape)} but x has ${C} channels${G > 1 ? ` in ${G} groups` : ''} (expected [kh, kw, ${C / G}, C_out]: HWIO, ` +
        `with C_in/groups = ${C / G} third; a PyTorch weight [C_out, C_in/groups, kh, kw] is w.permute(2, 3, 1, 0))`,
    );
  }
  if (kh < 1 || kw < 1) throw new ShapeError(fn, `weight has shape ${formatShape(Wt.shape)}: the kernel must be at least 1×1`);
  let pad: [number, number, number, number];
  const p = o.padding ?? 0;
  if (p === 'valid') pad = [0, 0, 0, 0];
  else if (p === 'same') {
    if (sh !== 1 || sw !== 1) throw new ValueError(fn, `options.padding 'same' needs stride 1, got stride [${sh}, ${sw}] (as PyTorch: 'same' is not supported for strided convolutions)`);
    // PyTorch: total = d·(k − 1); the smaller half before, the larger after.
    const th = dh * (kh - 1);
    const tw = dw * (kw - 1);
    pad = [th >> 1, th - (th >> 1), tw >> 1, tw - (tw >> 1)];
  } else if (typeof p === 'string') {
    throw new ValueError(fn, `options.padding must be a number, [ph, pw], 'same' or 'valid', got ${JSON.stringify(p)}`);
  } else {
    const [ph, pw] = readPair(fn, 'options.padding', p, 0);
    pad = [ph, ph, pw, pw];
  }
  const ay = convAxis(fn, 'height', H, kh, sh, dh, pad[0], pad[1]);
  const ax = convAxis(fn, 'width', W, kw, sw, dw, pad[2], pad[3]);
  return { X, Wt, N, C, H, W, Co, G, cg, cog: Co / G, kh, kw, ay, ax, K: kh * kw * cg, P: ay.out * ax.out };
}

/** Values of `col` per chunk: ~1 MiB, so one chunk's unrolled input stays in cache for its GEMM. */
const CHUNK = 1 << 17;

/** Images per chunk. */
function chunkImages(s: Conv): number {
  return Math.max(1, Math.min(s.N, Math.floor(CHUNK / Math.max(1, s.K * s.P))));
}

function forwardKernel(x: Float64Array, w: Float64Array, bias: Float64Array | null, out: Float64Array, s: Conv): void {
  const { N, Co, G, cog, K, P } = s;
  const nb = chunkImages(s);
  const col = new Float64Array(K * nb * P);
  const y = nb > 1 ? new Float64Array(cog * nb * P) : null;
  for (let g = 0; g < G; g++) {
    for (let n0 = 0; n0 < N; n0 += nb) {
      const m = Math.min(nb, N - n0);
      const cols = m * P;
      im2col(x, s, n0, m, g, col);
      // Wᵀ of group g [cog, K] (read in place: the GEMM's TN form over w [K, Co] from column g·cog) · col [K, cols].
      if (y === null) {
        gemmStrided(true, false, cog, P, K, w, g * cog, Co, col, 0, P, out, (n0 * Co + g * cog) * P, P);
        continue;
      }
      y.fill(0, 0, cog * cols);
      gemmStrided(true, false, cog, cols, K, w, g * cog, Co, col, 0, cols, y, 0, cols);
      for (let c = 0; c < cog; c++) {
        for (let b = 0; b < m; b++) {
          const src = c * cols + b * P;
          const dst = ((n0 + b) * Co + g * cog + c) * P;
          for (let q = 0; q < P; q++) out[dst + q] = y[src + q];
        }
      }
    }
  }
  if (bias !== null) {
    for (let n = 0; n < N; n++) {
      for (let c = 0; c < Co; c++) {
        const bc = bias[c];
        const base = (n * Co + c) * P;
        for (let q = 0; q < P; q++) out[base + q] += bc;
      }
    }
  }
}

function backwardKernel(dy: Float64Array, x: Float64Array, w: Float64Array, dx: Float64Array, dw: Float64Array, db: Float64Array, s: Conv): void {
  const { N, Co, G, cog, K, P } = s;
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < Co; c++) {
      const base = (n * Co + c) * P;
      let acc = 0;
      for (let q = 0; q < P; q++) acc += dy[base + q];
      db[c] += acc;
    }
  }
  const nb = chunkImages(s);
  const col = new Float64Array(K * nb * P);
  // dy of one group and chunk as [cog, cols]: dy itself for one image, gathered for several.
  const dyG = nb > 1 ? new Float64Array(cog * nb * P) : null;
  for (let g = 0; g < G; g++) {
    for (let n0 = 0; n0 < N; n0 += nb) {
      const m = Math.min(nb, N - n0);
      const cols = m * P;
      let dyA: Float64Array = dy;
      let dyOff = (n0 * Co + g * cog) * P;
      if (dyG !== null) {
        for (let c = 0; c < cog; c++) {
          for (let b = 0; b < m; b++) {
            const src = ((n0 + b) * Co + g * cog + c) * P;
            const dst = c * cols + b * P;
            for (let q = 0; q < P; q++) dyG[dst + q] = dy[src + q];
          }
        }
        dyA = dyG;
        dyOff = 0;
      }
      // dweight of group g (columns g·cog… of dw [K, Co]) += col [K, cols] · dyᵀ (the NT form), chunk after chunk.
      im2col(x, s, n0, m, g, col);
      gemmStrided(false, true, K, cog, cols, col, 0, cols, dyA, dyOff, cols, dw, g * cog, Co);
      // dx: col2im(W of group g [K, cog], read in place from w [K, Co], · dy [cog, cols]).
      col.fill(0, 0, K * cols);
      gemmStrided(false, false, K, cols, cog, w, g * cog, Co, dyA, dyOff, cols, col, 0, cols);
      col2im(col, s, n0, m, g, dx);
    }
  }
}

/**
 * Unrolls the windows of images n0..n0+m−1, group g, into col [K, m·P]: row k = (u·kw + v)·cg + c
 * (the weight's HWIO order), column b·P + i·W_out + j holds x[n0 + b, g·cg + c, i·sh − pt + u·dh,
 * j·sw − pl + v·dw], or 0 in the padding. Every element of the used part of col is written.
 */
function im2col(x: Float64Array, s: Conv, n0: number, m: number, g: number, col: Float64Array): void {
  walkWindows(x, s, n0, m, g, col, true);
}

/** The adjoint of {@link im2col}: adds each element of col back onto the input element it was read from. */
function col2im(col: Float64Array, s: Conv, n0: number, m: number, g: number, dx: Float64Array): void {
  walkWindows(dx, s, n0, m, g, col, false);
}

/**
 * The one traversal of every (kernel offset, channel, image, output row) behind im2col (`gather`:
 * col ← img, zeros in the padding) and col2im (img += col). The decision is made per row, the
 * loops over a row's columns are plain.
 */
function walkWindows(img: Float64Array, s: Conv, n0: number, m: number, g: number, col: Float64Array, gather: boolean): void {
  const { C, H, W, cg, kh, kw, ay, ax, P } = s;
  const Ho = ay.out;
  const Wo = ax.out;
  const sh = ay.stride;
  const sw = ax.stride;
  const ld = m * P;
  const HW = H * W;
  for (let u = 0; u < kh; u++) {
    const offY = u * ay.dilation - ay.lo;
    for (let v = 0; v < kw; v++) {
      const offX = v * ax.dilation - ax.lo;
      // Output columns j whose input column j·sw + offX lies in [0, W).
      const lo = Math.min(Wo, offX >= 0 ? 0 : Math.ceil(-offX / sw));
      const hi = Math.max(lo, Math.min(Wo, W - 1 - offX < 0 ? 0 : Math.floor((W - 1 - offX) / sw) + 1));
      for (let c = 0; c < cg; c++) {
        const row = ((u * kw + v) * cg + c) * ld;
        for (let b = 0; b < m; b++) {
          const plane = ((n0 + b) * C + g * cg + c) * HW;
          let at = row + b * P;
          for (let i = 0; i < Ho; i++, at += Wo) {
            const iy = i * sh + offY;
            if (iy < 0 || iy >= H) {
              if (gather) for (let j = 0; j < Wo; j++) col[at + j] = 0;
              continue;
            }
            const px = plane + iy * W + offX;
            if (gather) {
              for (let j = 0; j < lo; j++) col[at + j] = 0;
              if (sw === 1) for (let j = lo; j < hi; j++) col[at + j] = img[px + j];
              else for (let j = lo; j < hi; j++) col[at + j] = img[px + j * sw];
              for (let j = hi; j < Wo; j++) col[at + j] = 0;
            } else if (sw === 1) for (let j = lo; j < hi; j++) img[px + j] += col[at + j];
            else for (let j = lo; j < hi; j++) img[px + j * sw] += col[at + j];
          }
        }
      }
    }
  }
}
