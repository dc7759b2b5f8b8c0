import { ValueError, describe } from '../errors.js';
import { lineMax, rowLogSumExp } from '../activations/softmax.js';
import type { Labels } from '../labels.js';
import { Tensor, asTensor, type TensorLike } from '../tensor/tensor.js';
import { classLayout, classTarget, classWeight, ignoreIndexOf, type ClassLayout, type ClassTarget } from './classes.js';
import { parseLossOptions, reduceLoss, upstream, type LogLossOptions, type ParsedLoss, type UpstreamOptions } from './reduction.js';

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
 * weighted. `base: 2` divides by ln 2 (the course notes' bits).
 *
 * Method: one pass per row for the maximum and log-sum-exp; softmax is never formed then logged.
 * @example crossEntropy([[2, 1, 0.1], [0.5, 2.5, 0.3], [1, 1, 1]], [0, 1, 2]).item(); // ≈ 0.5785639427
 */
export function crossEntropy(input: TensorLike, target: Labels | TensorLike, options?: CrossEntropyOptions): Tensor {
  const s = setup('crossEntropy', input, target, options);
  const { L, t, w, eps, p, ignore, mx, lse } = s;
  const x = s.I.data;
  const { outer, C, inner } = L;
  const count = outer * inner;
  const v = new Float64Array(count);
  let denom = 0;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const pos = o * inner + j;
      const base = o * C * inner + j;
      if (t.labels !== null) {
        const y = t.labels[pos];
        if (y === ignore) continue;
        const wy = w === null ? 1 : w[y];
        denom += wy;
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
  return reduceLoss(v, L.lossShape, p, t.labels !== null ? denom : count);
}

/**
 * dL/dlogits of {@link crossEntropy}, fused: for each sample with target weights a_c,
 * dx_c = r·(p_c·Σ_k a_k − a_c), where p = softmax(x), a_c = (1 − ε)·w_y·[c = y] + (ε/C)·w_c for
 * indices or w_c·q_c for probabilities, and r the reduction factor (dy/Σw[y], dy/N, dy or dy_i).
 * Ignored samples get 0.
 * @example crossEntropyBackward([[0, 0]], [0]).toArray(); // => [[-0.5, 0.5]]
 */
export function crossEntropyBackward(input: TensorLike, target: Labels | TensorLike, options?: CrossEntropyOptions & UpstreamOptions): Tensor {
  const fn = 'crossEntropyBackward';
  const s = setup(fn, input, target, options, false);
  const { L, t, w, eps, p, ignore } = s;
  const { outer, C, inner } = L;
  const { g, each } = upstream(fn, options, p, L.lossShape);
  const x = s.I.data;
  let denom = outer * inner;
  if (t.labels !== null) {
    denom = 0;
    for (let i = 0; i < t.labels.length; i++) if (t.labels[i] !== ignore) denom += w === null ? 1 : w[t.labels[i]];
  }
  let wSum = C;
  if (w !== null) {
    wSum = 0;
    for (let c = 0; c < C; c++) wSum += w[c];
  }
  const out = new Float64Array(s.I.size);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const pos = o * inner + j;
      const base = o * C * inner + j;
      if (t.labels !== null && t.labels[pos] === ignore) continue;
      let r = each === null ? g : each[pos];
      if (p.reduction === 'mean') r /= denom;
      if (p.lnBase !== 1) r /= p.lnBase;
      // softmax of the line, one exp per element: out ← e^(x − max), then p = out / Σ.
      const m = lineMax(x, base, C, inner);
      let total = 0;
      for (let c = 0, q = base; c < C; c++, q += inner) {
        const e = Math.exp(x[q] - m);
        out[q] = e;
        total += e;
      }
      if (t.labels !== null) {
        const y = t.labels[pos];
        const wy = w === null ? 1 : w[y];
        if (eps === 0 && w === null) {
          const k = r / total;
          for (let c = 0, q = base; c < C; c++, q += inner) out[q] *= k;
          out[base + y * inner] -= r;
        } else {
          const A = (1 - eps) * wy + (eps / C) * wSum;
          for (let c = 0, q = base; c < C; c++, q += inner) {
            const ac = (c === y ? (1 - eps) * wy : 0) + (eps > 0 ? (eps / C) * (w === null ? 1 : w[c]) : 0);
            out[q] = r * ((out[q] / total) * A - ac);
          }
        }
      } else {
        let A = 0;
        for (let c = 0, q = base; c < C; c++, q += inner) {
          const qc = eps > 0 ? t.probs[q] * (1 - eps) + eps / C : t.probs[q];
          A += w === null ? qc : qc * w[c];
        }
        for (let c = 0, q = base; c < C; c++, q += inner) {
          const qc = eps > 0 ? t.probs[q] * (1 - eps) + eps / C : t.probs[q];
          out[q] = r * ((out[q] / total) * A - (w === null ? qc : qc * w[c]));
        }
      }
    }
  }
  return new Tensor(out, s.I.shape);
}

interface Setup {
  I: Tensor;
  L: ClassLayout;
  t: ClassTarget;
  w: Float64Array | null;
  eps: number;
  p: ParsedLoss;
  /** Per position: the maximum logit and log Σ e^(x − max); log p_c = x_c − max − lse. */
  mx: Float64Array;
  lse: Float64Array;
  ignore: number;
}

function setup(fn: string, input: TensorLike, target: Labels | TensorLike, options: CrossEntropyOptions | undefined, needLse = true): Setup {
  const I = asTensor(input, fn, 'input');
  const p = parseLossOptions(fn, options, true);
  const L = classLayout(fn, I);
  const ignore = ignoreIndexOf(fn, options?.ignoreIndex);
  const eps = options?.labelSmoothing ?? 0;
  if (typeof eps !== 'number' || !(eps >= 0 && eps <= 1)) {
    throw new ValueError(fn, `options.labelSmoothing must be a number in [0, 1], got ${describe(eps)}`);
  }
  const w = classWeight(fn, options?.weight, L.C);
  const t = classTarget(fn, I, L, target, true, ignore);
  if (t.probs !== null && options?.ignoreIndex !== undefined && ignore >= 0) {
    throw new ValueError(fn, `options.ignoreIndex ${ignore} cannot be used with probability targets (PyTorch: ignore_index is not supported for floating point target)`);
  }
  const { mx, lse } = needLse ? rowLogSumExp(I.data, L.outer, L.C, L.inner) : { mx: new Float64Array(0), lse: new Float64Array(0) };
  return { I, L, t, w, eps, p, mx, lse, ignore };
}
