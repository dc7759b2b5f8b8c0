import { ValueError } from '../errors.js';
import { softmaxRows } from '../activations/softmax.js';
import { expShiftSumInto, lineMax, rowLogSumExp } from '../kernels/arrays.js';
import type { Labels } from '../labels.js';
import { Tensor, asTensor, type TensorLike } from '../tensor/tensor.js';
import { CLASS_KEYS, classLayout, classOptions, classTarget, weightedCount, type ClassLayout, type ClassTarget } from './classes.js';
import { LOG_KEYS, gradScale, parseLossOptions, reduceLoss, upstream, type LogLossOptions, type ParsedLoss, type UpstreamOptions, recordLoss } from './reduction.js';
import { checkNumber } from '../validate.js';

/** Options of {@link crossEntropy}. */
export interface CrossEntropyOptions extends LogLossOptions {
  /** Per-class weight `[C]`. */
  weight?: TensorLike;
  /** Class index whose samples are skipped (contribute 0, not counted in the mean). Default −100. */
  ignoreIndex?: number;
  /** ε in [0, 1]: targets become (1 − ε)·target + ε/C. Default 0. */
  labelSmoothing?: number;
}

/**
 * Cross-entropy from logits, PyTorch's `F.cross_entropy`: log-softmax over the class axis (axis 1;
 * axis 0 for a 1-D input) and the negative log-likelihood, fused.
 *
 * Target: class indices of shape [N] (or [N, d1, …]), or class probabilities of the input's shape.
 *
 * ```math
 * \log p_{ic} = x_{ic} - m_i - \log\sum_k e^{x_{ik} - m_i}, \qquad
 * \ell_i = -(1-\varepsilon)\, w_{y_i} \log p_{i y_i} - \frac{\varepsilon}{C}\sum_c w_c \log p_{ic}
 * ```
 *
 * Reductions exactly as PyTorch: with indices, 'mean' divides by Σ w[y_i] over non-ignored samples
 * (NaN when every sample is ignored); with probabilities, by the number of samples N, even when
 * weighted. `base: 2` divides by ln 2 (the textbook's bits).
 *
 * Method: one pass per row for the maximum and log-sum-exp; softmax is never formed then logged.
 * @example crossEntropy([[2, 1, 0.1], [0.5, 2.5, 0.3], [1, 1, 1]], [0, 1, 2]).item(); // ≈ 0.5785639427
 */
export function crossEntropy(input: TensorLike, target: Labels | TensorLike, options?: CrossEntropyOptions): Tensor {
  const s = setup('crossEntropy', input, target, options);
  const { L, t, w, eps, p, ignore } = s;
  const x = s.I.data;
  const { outer, C, inner } = L;
  const { mx, lse } = rowLogSumExp(x, outer, C, inner);
  const count = outer * inner;
  const v = new Float64Array(count);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const pos = o * inner + j;
      const base = o * C * inner + j;
      if (t.labels !== null) {
        const y = t.labels[pos];
        if (y === ignore) continue;
        const wy = w === null ? 1 : w[y];
        let l = -wy * (x[base + y * inner] - mx[pos] - lse[pos]);
        if (eps > 0) {
          let smooth = 0;
          for (let c = 0, q = base; c < C; c++, q += inner) {
            const lp = x[q] - mx[pos] - lse[pos];
            smooth -= w === null ? lp : lp * w[c];
          }
          l = (1 - eps) * l + smooth * (eps / C);
        }
        v[pos] = l;
      } else {
        let l = 0;
        for (let c = 0, q = base; c < C; c++, q += inner) {
          const qc = eps > 0 ? t.probs[q] * (1 - eps) + eps / C : t.probs[q];
          const lp = x[q] - mx[pos] - lse[pos];
          l -= w === null ? lp * qc : lp * qc * w[c];
        }
        v[pos] = l;
      }
    }
  }
  return recordLoss('crossEntropy', reduceLoss(v, L.lossShape, p, t.labels !== null ? weightedCount(t.labels, w, ignore) : count), s.I, target, crossEntropyBackward, p.o);
}

/**
 * dL/dlogits of {@link crossEntropy}. Writing the loss of one sample as −Σ_c a_c·log p_c with
 * p = softmax(x) and target weights a_c — (1 − ε)·w_y·[c = y] + (ε/C)·w_c for class indices,
 * w_c·q_c for probabilities q (smoothed as in the forward) — its gradient is
 *
 * ```math
 * \frac{\partial \ell}{\partial x_c} = r\,\Big(p_c \sum_k a_k - a_c\Big)
 * ```
 *
 * with r the reduction factor (dy/Σw[y], dy/N, dy or dy_i). Ignored samples get 0.
 * @example crossEntropyBackward([[0, 0]], [0]).toArray(); // => [[-0.5, 0.5]]
 */
export function crossEntropyBackward(input: TensorLike, target: Labels | TensorLike, options?: CrossEntropyOptions & UpstreamOptions): Tensor {
  const fn = 'crossEntropyBackward';
  const s = setup(fn, input, target, options);
  const { L, t, w, eps, p, ignore } = s;
  const { outer, C, inner } = L;
  const { g, each } = upstream(fn, p, L.lossShape);
  const denom = t.labels !== null ? weightedCount(t.labels, w, ignore) : outer * inner;
  const out = new Float64Array(s.I.size);
  const x = s.I.data;
  const a = new Float64Array(outer * inner === 0 ? 0 : C); // nothing for an empty batch, whatever C
  // With class indices and neither weights nor smoothing, a = one-hot(y) and Σa = 1: the general
  // r·(p_c·A − a_c) is r·p_c, and r·(p_y − 1) at y — the same operations, without building a.
  const oneHot = t.labels !== null && w === null && eps === 0;
  if (inner === 1) {
    // Rows along the last axis: max, then e^(x − max) and its sum in one kernel pass, then one
    // pass for the gradient (p_c = e_c/Σe).
    for (let o = 0; o < outer; o++) {
      const base = o * C;
      if (t.labels !== null && t.labels[o] === ignore) continue; // stays 0
      const m = lineMax(x, base, C, 1);
      const tot = expShiftSumInto(x, base, out, base, C, m);
      const r = gradScale(p, each === null ? g : each[o], denom);
      if (oneHot) {
        const y = t.labels![o];
        const ey = out[base + y];
        for (let q = base; q < base + C; q++) out[q] = r * (out[q] / tot);
        out[base + y] = r * (ey / tot - 1);
        continue;
      }
      const A = targetWeights(t, w, eps, C, o, base, 1, a);
      for (let c = 0, q = base; c < C; c++, q++) out[q] = r * ((out[q] / tot) * A - a[c]);
    }
    return new Tensor(out, s.I.shape);
  }
  softmaxRows(x, out, outer, C, inner, false);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const pos = o * inner + j;
      const base = o * C * inner + j;
      if (t.labels !== null && t.labels[pos] === ignore) {
        for (let c = 0, q = base; c < C; c++, q += inner) out[q] = 0;
        continue;
      }
      const r = gradScale(p, each === null ? g : each[pos], denom);
      const A = targetWeights(t, w, eps, C, pos, base, inner, a);
      for (let c = 0, q = base; c < C; c++, q += inner) out[q] = r * (out[q] * A - a[c]);
    }
  }
  return new Tensor(out, s.I.shape);
}

/**
 * The target weights a_c of one sample (at label/position `pos`, its classes `inner` apart from
 * `base` in the probabilities) into `a`, and their sum A in increasing c: (1 − ε)·w_y·[c = y] +
 * (ε/C)·w_c for class indices, w_c·q_c for probabilities q (smoothed as in the forward).
 */
function targetWeights(t: ClassTarget, w: Float64Array | null, eps: number, C: number, pos: number, base: number, inner: number, a: Float64Array): number {
  if (t.labels !== null) {
    const y = t.labels[pos];
    const share = eps / C;
    for (let c = 0; c < C; c++) a[c] = w === null ? share : share * w[c];
    a[y] += (1 - eps) * (w === null ? 1 : w[y]);
  } else {
    for (let c = 0, q = base; c < C; c++, q += inner) {
      const qc = eps > 0 ? t.probs[q] * (1 - eps) + eps / C : t.probs[q];
      a[c] = w === null ? qc : qc * w[c];
    }
  }
  let A = 0;
  for (let c = 0; c < C; c++) A += a[c];
  return A;
}

interface Setup {
  I: Tensor;
  L: ClassLayout;
  t: ClassTarget;
  w: Float64Array | null;
  eps: number;
  p: ParsedLoss;
  ignore: number;
}

function setup(fn: string, input: TensorLike, target: Labels | TensorLike, options: CrossEntropyOptions | undefined): Setup {
  const I = asTensor(input, fn, 'input');
  const p = parseLossOptions(fn, options, [...LOG_KEYS, ...CLASS_KEYS, 'labelSmoothing']);
  const L = classLayout(fn, I);
  const { w, ignore } = classOptions(fn, p.o, L.C);
  const eps = checkNumber(fn, 'options.labelSmoothing', p.o.labelSmoothing ?? 0, 'prob');
  const t = classTarget(fn, I, L, target, true, ignore);
  if (t.probs !== null && p.o.ignoreIndex !== undefined && ignore >= 0) {
    throw new ValueError(fn, `options.ignoreIndex ${ignore} cannot be used with probability targets (PyTorch: ignore_index is not supported for floating point target)`);
  }
  return { I, L, t, w, eps, p, ignore };
}
