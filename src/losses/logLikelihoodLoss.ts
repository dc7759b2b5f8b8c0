import { ShapeError, formatShape } from '../errors.js';
import { logScalar } from '../kernels/elementary.js';
import type { Labels } from '../labels.js';
import { Tensor, asTensor, type TensorLike } from '../tensor/tensor.js';
import { classLayout, classTarget } from './classes.js';
import { LOG_KEYS, checkUnitInterval, gradScale, parseLossOptions, reduceLoss, upstream, type LogLossOptions, type UpstreamOptions, recordLoss } from './reduction.js';

/**
 * The textbook's log-likelihood objective e = −log o_y on probabilities (with `base: 2`,
 * −log₂ o_y), one value per sample; reductions as {@link categoricalCrossEntropy}.
 *
 * ```math
 * \ell_i = -\log p_{i, y_i}, \qquad \frac{\partial \ell_i}{\partial p_{i, y_i}} = -\frac{1}{p_{i, y_i}}
 * ```
 *
 * Only the output of the true class is used (unlike MSE or cross-entropy over all outputs).
 * Same value as `nllLoss(log(prob), labels)`.
 * @example logLikelihoodLoss([0.98, 0.02], 0, { base: 2 }).item(); // ≈ 0.0291 (the textbook's example)
 */
export function logLikelihoodLoss(input: TensorLike, target: Labels | number, options?: LogLossOptions): Tensor {
  const fn = 'logLikelihoodLoss';
  const { P, y, C, p, shape } = prepareLabels(fn, input, target, options);
  const v = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) v[i] = -logScalar(P.data[i * C + y[i]]);
  return recordLoss(fn, reduceLoss(v, shape, p), P, target, logLikelihoodLossBackward, p.o);
}

/**
 * dL/dprob of {@link logLikelihoodLoss}: −r/p at the true class, 0 elsewhere (r = dy/N for 'mean').
 * @example logLikelihoodLossBackward([[0.5, 0.5]], [1]).toArray(); // => [[0, -2]]
 */
export function logLikelihoodLossBackward(input: TensorLike, target: Labels | number, options?: LogLossOptions & UpstreamOptions): Tensor {
  const fn = 'logLikelihoodLossBackward';
  const { P, y, C, p, shape } = prepareLabels(fn, input, target, options);
  const { g, each } = upstream(fn, p, shape);
  const out = new Float64Array(P.size);
  for (let i = 0; i < y.length; i++) {
    const r = gradScale(p, each === null ? g : each[i], y.length);
    out[i * C + y[i]] = -r / P.data[i * C + y[i]];
  }
  return new Tensor(out, P.shape);
}

function prepareLabels(fn: string, input: TensorLike, target: Labels | number, options: LogLossOptions | undefined) {
  const P = asTensor(input, fn, 'input');
  const p = parseLossOptions(fn, options, LOG_KEYS);
  if (P.rank !== 1 && P.rank !== 2) throw new ShapeError(fn, `input must be [C] or [N, C], got shape ${formatShape(P.shape)}`);
  const L = classLayout(fn, P);
  const y = classTarget(fn, P, L, target, false).labels as Int32Array;
  checkUnitInterval(fn, 'input', P);
  return { P, y, C: L.C, p, shape: L.lossShape };
}

