import { isTracked, record, recording } from '../autograd/tape.js';
import { logScalar } from '../kernels/elementary.js';
import { NablaError, ShapeError, ValueError, formatShape } from '../errors.js';
import { pairwiseSum } from '../tensor/reduce.js';
import { expandTo, sameShape, unravelIndex } from '../tensor/shape.js';
import { Tensor, asTensor, type TensorLike } from '../tensor/tensor.js';
import { checkChoice, checkNumberWhere, checkOptions } from '../validate.js';

/** How a loss reduces its per-element (or per-sample) values: PyTorch's three modes. */
export type Reduction = 'mean' | 'sum' | 'none';

/** Options every loss takes. */
export interface ReductionOptions {
  /** `'mean'` (default), `'sum'`, or `'none'` (the unreduced values). */
  reduction?: Reduction;
}

/** Options of the log-based losses. */
export interface LogLossOptions extends ReductionOptions {
  /**
   * Logarithm base. Default e (nats, PyTorch). `base: 2` gives the textbook's bits: the loss and
   * its gradient are divided by ln 2.
   */
  base?: number;
}

/** Options every loss backward takes in addition to the forward's. */
export interface UpstreamOptions {
  /**
   * Upstream gradient dL/d(loss): a number (or one-element tensor) for 'mean'/'sum', a tensor of
   * the unreduced loss's shape for 'none'. Default 1 / ones.
   */
  dy?: TensorLike;
}

/** Parsed common options. @internal */
export interface ParsedLoss {
  reduction: Reduction;
  /** ln(base); exactly 1 for the natural logarithm so no division happens. */
  lnBase: number;
  /** The upstream gradient of a backward (`options.dy`), undefined when omitted. */
  dy: TensorLike | undefined;
  /** Every option read, own keys only (the loss's own options, checked by the loss). */
  o: Record<string, any>;
}

/**
 * Reads a loss's options: `reduction` always, `base` when `keys` lists it, `dy` in a backward
 * (`fn` ending in "Backward"), and the loss's other `keys`, which it checks itself. Unknown keys
 * are errors (with a suggestion), so a misspelled option never goes unnoticed.
 * @internal
 */
export function parseLossOptions(fn: string, options: unknown, keys: readonly string[] = []): ParsedLoss {
  const backward = fn.endsWith('Backward');
  const o = checkOptions<Record<string, any>>(fn, options, ['reduction', ...keys, ...(backward ? ['dy'] : [])]);
  const reduction = checkChoice(fn, 'options.reduction', o.reduction ?? 'mean', ['mean', 'sum', 'none'] as const);
  let lnBase = 1;
  if (o.base !== undefined) {
    const b = checkNumberWhere(fn, 'options.base', o.base, 'a positive finite number other than 1', (v) => v > 0 && v !== 1 && Number.isFinite(v));
    lnBase = b === Math.E ? 1 : logScalar(b);
  }
  return { reduction, lnBase, dy: o.dy, o };
}

/** The option keys of the log-based losses besides `reduction`. @internal */
export const LOG_KEYS: readonly string[] = ['base'];

/**
 * Reduces unreduced loss values: 'mean' divides the (pairwise) sum by `denom` (default the count),
 * 'sum' sums, 'none' keeps `shape`. The result is divided by ln(base) when a base is set.
 * @internal
 */
export function reduceLoss(values: Float64Array, shape: readonly number[], p: ParsedLoss, denom = values.length): Tensor {
  if (p.reduction === 'none') {
    if (p.lnBase !== 1) for (let i = 0; i < values.length; i++) values[i] /= p.lnBase;
    return new Tensor(values, shape);
  }
  let v = pairwiseSum(values, 0, values.length);
  if (p.reduction === 'mean') v /= denom;
  if (p.lnBase !== 1) v /= p.lnBase;
  return new Tensor(new Float64Array([v]), []);
}

/**
 * The backward's epilogue, the mirror of {@link reduceLoss}: a gradient term divided by `denom`
 * for 'mean' and by ln(base) when a base is set, in that order. @internal
 */
export function gradScale(p: ParsedLoss, value: number, denom: number): number {
  let r = value;
  if (p.reduction === 'mean') r /= denom;
  if (p.lnBase !== 1) r /= p.lnBase;
  return r;
}

/**
 * The upstream gradient for a backward: a scalar g for 'mean'/'sum', or per-element values for
 * 'none' (checked against the unreduced loss shape).
 * @internal
 */
export function upstream(fn: string, p: ParsedLoss, lossShape: readonly number[]): { g: number; each: Float64Array | null } {
  if (p.dy === undefined) return { g: 1, each: null };
  const D = asTensor(p.dy, fn, 'options.dy');
  if (p.reduction === 'none') {
    if (!sameShape(D.shape, lossShape)) {
      throw new ShapeError(fn, `options.dy has shape ${formatShape(D.shape)} but the unreduced loss has shape ${formatShape(lossShape)}`);
    }
    return { g: 1, each: D.data };
  }
  if (D.size !== 1) throw new ShapeError(fn, `options.dy must be a single number for reduction '${p.reduction}', got shape ${formatShape(D.shape)}`);
  return { g: D.data[0], each: null };
}

/**
 * The common start of an elementwise (input, target) loss — mseLoss, l1Loss, smoothL1Loss,
 * huberLoss, the binary cross-entropies: the same-shape pair, its data and the parsed options
 * (`keys`: the loss's own option names). @internal
 */
export function pairLoss(fn: string, input: TensorLike, target: TensorLike, options: unknown, keys: readonly string[] = []) {
  const [I, T] = samePair(fn, input, target);
  return { I, T, a: I.data, b: T.data, p: parseLossOptions(fn, options, keys) };
}

/** {@link pairLoss} for a backward: also the upstream gradient and the output buffer. @internal */
export function pairLossBackward(fn: string, input: TensorLike, target: TensorLike, options: unknown, keys: readonly string[] = []) {
  const s = pairLoss(fn, input, target, options, keys);
  const { g, each } = upstream(fn, s.p, s.I.shape);
  return { ...s, g, each, n: s.a.length, out: new Float64Array(s.a.length) };
}

/** Requires two tensors of identical shape (losses never broadcast silently). @internal */
export function samePair(fn: string, input: TensorLike, target: TensorLike, names: [string, string] = ['input', 'target']): [Tensor, Tensor] {
  const I = asTensor(input, fn, names[0]);
  const T = asTensor(target, fn, names[1]);
  if (!sameShape(I.shape, T.shape)) {
    throw new ShapeError(fn, `${names[0]} has shape ${formatShape(I.shape)} but ${names[1]} has shape ${formatShape(T.shape)} (they must match; losses do not broadcast)`);
  }
  return [I, T];
}

/**
 * A tensor option broadcast to `shape` as a full Float64Array (one allocation, done before any
 * computation); ShapeError when it cannot be broadcast.
 * @internal
 */
export function broadcastOption(fn: string, arg: string, value: TensorLike, shape: readonly number[]): Float64Array {
  const W = asTensor(value, fn, arg);
  if (sameShape(W.shape, shape)) return W.data;
  const ok = W.rank <= shape.length && W.shape.every((d, i) => d === 1 || d === shape[shape.length - W.rank + i]);
  if (!ok) throw new ShapeError(fn, `${arg} has shape ${formatShape(W.shape)}, which cannot be broadcast to the input's shape ${formatShape(shape)}`);
  return expandTo(W.data, W.shape, shape);
}

/** Requires every element in [0, 1] (NaN fails), naming the first offender. @internal */
export function checkUnitInterval(fn: string, arg: string, t: Tensor): void {
  const d = t.data;
  for (let i = 0; i < d.length; i++) {
    const v = d[i];
    if (!(v >= 0 && v <= 1)) {
      throw new ValueError(fn, `${arg}[${unravelIndex(i, t.shape).join(',')}] is ${v} (every ${arg === 'input' ? 'probability' : 'target'} must be in [0, 1])`);
    }
  }
}

/**
 * Returns a loss value, recorded (inside a transform) with the loss's own backward: the gradient
 * with respect to the input, `lossBackward(input, target, { ...options, dy })`. With respect to the
 * target: `negate` for losses of (input − target) alone (mseLoss: d/dtarget = −d/dinput); for every
 * other loss a tracked target is an error rather than a silently missing gradient. @internal
 */
export function recordLoss(
  fn: string,
  value: Tensor,
  input: Tensor,
  target: unknown,
  lossBackward: (input: Tensor, target: any, options: Record<string, unknown>) => Tensor,
  options: Record<string, unknown>,
  targetGrad: 'negate' | 'none' = 'none',
): Tensor {
  if (recording.tape === null) return value;
  const T = target instanceof Tensor ? target : null;
  if (T !== null && targetGrad === 'none' && isTracked(T)) {
    throw new NablaError(fn, 'target depends on a differentiated tensor, but this loss is differentiated with respect to its input only (wrap the target in stopGradient to use it as a constant)');
  }
  record(fn, value, [input, T], (dy) => {
    const g = lossBackward(input, target, { ...options, dy });
    if (targetGrad === 'none') return [g, null];
    const gt = new Float64Array(g.size);
    for (let i = 0; i < gt.length; i++) gt[i] = -g.data[i];
    return [g, new Tensor(gt, g.shape)];
  });
  return value;
}
