import { shapeSize } from '../tensor/shape.js';
import { Tensor, type TensorLike } from '../tensor/tensor.js';
import { expInto, logInto } from '../kernels/arrays.js';
import { checkBoolean, checkChoice, checkOptions } from '../validate.js';
import { LOG_KEYS, gradScale, parseLossOptions, reduceLoss, samePair, upstream, type LogLossOptions, type ParsedLoss, type UpstreamOptions, recordLoss } from './reduction.js';

/** Options of {@link klDiv}. */
export interface KlDivOptions extends Omit<LogLossOptions, 'reduction'> {
  /**
   * `'mean'` (default; the mean over **all** elements, as PyTorch — which warns that it is not the
   * KL divergence), `'batchmean'` (the sum divided by the batch size, input.shape[0]: the true KL
   * divergence per sample), `'sum'`, or `'none'`.
   */
  reduction?: 'mean' | 'batchmean' | 'sum' | 'none';
  /** The target is given as log-probabilities too. Default false (probabilities). */
  logTarget?: boolean;
}

/**
 * Kullback–Leibler divergence loss, PyTorch's `F.kl_div(input, target)`: the input is
 * **log-probabilities** log q (e.g. from logSoftmax), the target probabilities p (or log p with
 * `logTarget`), and the pointwise loss is p·(log p − log q):
 *
 * ```math
 * \ell_i = \operatorname{xlogy}(p_i, p_i) - p_i \log q_i, \qquad \text{logTarget: } \ell_i = e^{\log p_i}\,(\log p_i - \log q_i)
 * ```
 *
 * in PyTorch's order (xlogy(p, p) − p·input; xlogy(0, ·) = 0, so a zero target contributes 0).
 * `reduction: 'batchmean'` gives KL(p‖q) per sample, the mathematical definition; the default
 * 'mean' is PyTorch's (over all elements). `base: 2` measures in bits: the loss (with natural-log
 * inputs) is divided by ln 2, as for nllLoss. Shapes must match.
 *
 * | case | ℓ_i |
 * |---|---|
 * | p_i = 0, log q_i finite | 0 |
 * | p_i = 0, log q_i = −∞ | NaN (0·−∞, as PyTorch) |
 * | p_i > 0, log q_i = −∞ | +∞ |
 * | p_i < 0 | NaN (log of a negative number, as PyTorch's xlogy) |
 *
 * @example klDiv([Math.log(0.5), Math.log(0.5)], [0.25, 0.75], { reduction: 'sum' }).item(); // ≈ 0.1308120359
 * @see https://pytorch.org/docs/stable/generated/torch.nn.KLDivLoss.html
 */
export function klDiv(input: TensorLike, target: TensorLike, options?: KlDivOptions): Tensor {
  const fn = 'klDiv';
  const [I, T] = samePair(fn, input, target);
  const { p, logTarget, denom, o } = parse(fn, options, I.shape);
  const a = I.data;
  const b = T.data;
  const v = new Float64Array(a.length);
  if (logTarget) {
    expInto(b, 0, v, 0, b.length);
    for (let i = 0; i < a.length; i++) v[i] = v[i] * (b[i] - a[i]);
  } else {
    logInto(b, 0, v, 0, b.length);
    for (let i = 0; i < a.length; i++) {
      const t = b[i];
      // xlogy(t, t): 0 at t = 0 (NaN stays NaN).
      const tlogt = t === 0 ? 0 : t * v[i];
      v[i] = tlogt - t * a[i];
    }
  }
  return recordLoss('klDiv', reduceLoss(v, I.shape, p, denom), I, T, klDivBackward, o, 'none');
}

/**
 * dL/dinput of {@link klDiv}: −p·dy (−e^{log p}·dy with `logTarget`), divided by the element count
 * for 'mean', by the batch size for 'batchmean', and by ln(base) when a base is set.
 * @example klDivBackward([Math.log(0.5), Math.log(0.5)], [0.25, 0.75], { reduction: 'sum' }).toArray(); // => [-0.25, -0.75]
 */
export function klDivBackward(input: TensorLike, target: TensorLike, options?: KlDivOptions & UpstreamOptions): Tensor {
  const fn = 'klDivBackward';
  const [I, T] = samePair(fn, input, target);
  const { p, logTarget, denom } = parse(fn, options, I.shape);
  const { g, each } = upstream(fn, p, I.shape);
  const b = T.data;
  const n = b.length;
  const out = new Float64Array(n);
  const r = gradScale(p, g, denom);
  if (logTarget) expInto(b, 0, out, 0, n);
  for (let i = 0; i < n; i++) {
    const t = logTarget ? out[i] : b[i];
    out[i] = -t * (each === null ? r : gradScale(p, each[i], denom));
  }
  return new Tensor(out, I.shape);
}

/**
 * Reads the options, with 'batchmean' (klDiv's alone) handled here: it is 'mean' with the batch
 * size as the divisor (the first dimension; 1 for a scalar input, where PyTorch returns the sum).
 */
function parse(fn: string, options: KlDivOptions | undefined, shape: readonly number[]): { p: ParsedLoss; logTarget: boolean; denom: number; o: Partial<KlDivOptions> } {
  const keys = ['reduction', ...LOG_KEYS, 'logTarget', ...(fn.endsWith('Backward') ? ['dy'] : [])];
  const o = checkOptions<KlDivOptions & UpstreamOptions>(fn, options, keys);
  const reduction = checkChoice(fn, 'options.reduction', o.reduction ?? 'mean', ['mean', 'batchmean', 'sum', 'none'] as const);
  const p = parseLossOptions(fn, { ...o, reduction: reduction === 'batchmean' ? 'mean' : reduction }, [...LOG_KEYS, 'logTarget']);
  const logTarget = checkBoolean(fn, 'options.logTarget', p.o.logTarget ?? false);
  const denom = reduction === 'batchmean' ? (shape.length === 0 ? 1 : shape[0]) : shapeSize(shape);
  // `o` keeps 'batchmean' (p.o says 'mean'): what a recorded backward must be called with.
  return { p, logTarget, denom, o };
}
