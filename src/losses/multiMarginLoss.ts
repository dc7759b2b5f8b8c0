import { ShapeError, formatShape } from '../errors.js';
import type { Labels } from '../labels.js';
import { Tensor, asTensor, type TensorLike } from '../tensor/tensor.js';
import { checkChoice, checkNumber } from '../validate.js';
import { classLayout, classOptions, classTarget } from './classes.js';
import { gradScale, parseLossOptions, reduceLoss, upstream, type ParsedLoss, type ReductionOptions, type UpstreamOptions, recordLoss } from './reduction.js';

/** Options of {@link multiMarginLoss}. */
export interface MultiMarginLossOptions extends ReductionOptions {
  /** 1 (the hinge, default) or 2 (the squared hinge). */
  p?: 1 | 2;
  /** The margin Δ the true class's score must beat every other score by. Default 1. */
  margin?: number;
  /** Per-class weight `[C]`, applied by the sample's true class. */
  weight?: TensorLike;
}

/**
 * Multi-class margin loss — the multiclass SVM (Weston–Watkins) hinge loss, as in CS231n — with
 * PyTorch's `F.multi_margin_loss` semantics: for each sample with scores x `[C]` and true class y,
 *
 * ```math
 * \ell = \frac{1}{C}\sum_{c \ne y} w_y \max(0,\ \Delta - x_y + x_c)^p
 * ```
 *
 * (note the 1/C: PyTorch divides by the number of classes, CS231n's SVM loss does not — multiply
 * by C to get it). Input `[N, C]` (or `[C]`, one sample), target class indices `[N]` (or one). 'mean'
 * averages over the N samples (not over Σw, unlike crossEntropy), 'none' gives `[N]` (`[]` for one
 * sample).
 *
 * | case | loss |
 * |---|---|
 * | margin met exactly (Δ − x_y + x_c = 0) | 0, gradient 0 (PyTorch: the hinge is active only when > 0) |
 * | NaN score | that sample's loss and gradient are NaN where the NaN takes part, as PyTorch |
 * | C = 1 | 0 (no other class) |
 *
 * @example multiMarginLoss([[0.1, 0.2, 0.4, 0.8]], [3]).item(); // ≈ 0.325 ((0.3 + 0.4 + 0.6) / 4)
 * @see https://pytorch.org/docs/stable/generated/torch.nn.MultiMarginLoss.html
 */
export function multiMarginLoss(input: TensorLike, target: Labels | TensorLike, options?: MultiMarginLossOptions): Tensor {
  const fn = 'multiMarginLoss';
  const s = setup(fn, input, target, options);
  const { x, y, C, N, w, power, margin } = s;
  const v = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    const base = i * C;
    const t = y[i];
    const xt = x[base + t];
    let sum = 0;
    for (let c = 0; c < C; c++) {
      if (c === t) continue;
      const z = margin - xt + x[base + c];
      if (z > 0) {
        let h = power === 1 ? z : z * z;
        if (w !== null) h *= w[t];
        sum += h;
      }
    }
    v[i] = sum / C;
  }
  return recordLoss('multiMarginLoss', reduceLoss(v, s.lossShape, s.p), s.I, target, multiMarginLossBackward, s.p.o, 'none');
}

/**
 * dL/dinput of {@link multiMarginLoss}. With r = dy/(N·C) for 'mean' (dy/C for 'sum', dy_i/C for
 * 'none') and active hinges z_c = Δ − x_y + x_c > 0:
 *
 * ```math
 * \frac{\partial \ell}{\partial x_c} = r\,w_y\,h_c \ (c \ne y), \qquad \frac{\partial \ell}{\partial x_y} = -\sum_{c \ne y} r\,w_y\,h_c,
 * \qquad h_c = 1\ (p = 1),\ 2 z_c\ (p = 2)
 * ```
 * @example multiMarginLossBackward([[0.1, 0.2, 0.4, 0.8]], [3]).toArray(); // => [[0.25, 0.25, 0.25, -0.75]]
 */
export function multiMarginLossBackward(input: TensorLike, target: Labels | TensorLike, options?: MultiMarginLossOptions & UpstreamOptions): Tensor {
  const fn = 'multiMarginLossBackward';
  const s = setup(fn, input, target, options);
  const { x, y, C, N, w, power, margin, p } = s;
  const { g, each } = upstream(fn, p, s.lossShape);
  const out = new Float64Array(x.length);
  for (let i = 0; i < N; i++) {
    const base = i * C;
    const t = y[i];
    const xt = x[base + t];
    const r = gradScale(p, each === null ? g : each[i], N) / C;
    let gt = 0;
    for (let c = 0; c < C; c++) {
      if (c === t) continue;
      const z = margin - xt + x[base + c];
      if (z > 0) {
        let h = power === 1 ? r : 2 * r * z;
        if (w !== null) h *= w[t];
        gt -= h;
        out[base + c] = h;
      }
    }
    out[base + t] = gt;
  }
  return new Tensor(out, s.I.shape);
}

interface Setup {
  I: Tensor;
  x: Float64Array;
  y: Int32Array;
  N: number;
  C: number;
  w: Float64Array | null;
  power: 1 | 2;
  margin: number;
  p: ParsedLoss;
  lossShape: number[];
}

function setup(fn: string, input: TensorLike, target: Labels | TensorLike, options: MultiMarginLossOptions | undefined): Setup {
  const I = asTensor(input, fn, 'input');
  const p = parseLossOptions(fn, options, ['p', 'margin', 'weight']);
  if (I.rank > 2) throw new ShapeError(fn, `input has shape ${formatShape(I.shape)} (expected [N, C] or [C])`);
  const L = classLayout(fn, I);
  const power = checkChoice(fn, 'options.p', p.o.p ?? 1, [1, 2] as const);
  const margin = checkNumber(fn, 'options.margin', p.o.margin ?? 1);
  const { w } = classOptions(fn, { weight: p.o.weight }, L.C);
  const y = classTarget(fn, I, L, target, false).labels as Int32Array;
  return { I, x: I.data, y, N: L.outer, C: L.C, w, power, margin, p, lossShape: L.lossShape };
}
