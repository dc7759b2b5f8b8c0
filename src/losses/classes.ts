import { ShapeError, formatShape } from '../errors.js';
import { checkNumberWhere } from '../validate.js';
import { toLabels } from '../labels.js';
import { checkSize } from '../tensor/limits.js';
import { axisLayout, sameShape } from '../tensor/shape.js';
import { Tensor, asTensor, type TensorLike } from '../tensor/tensor.js';
import type { Labels } from '../labels.js';

/**
 * How a classification input is laid out: classes on axis 1 (axis 0 for a 1-D input, one sample),
 * viewed as [outer, C, inner]; the unreduced loss has shape [N, d1, …] (or [] for one sample).
 * @internal
 */
export interface ClassLayout {
  outer: number;
  C: number;
  inner: number;
  lossShape: number[];
}

/** @internal */
export function classLayout(fn: string, I: Tensor, arg = 'input'): ClassLayout {
  if (I.rank === 0) throw new ShapeError(fn, `${arg} is a scalar (expected [C], [N, C] or [N, C, d1, …])`);
  if (I.rank === 1) return { outer: 1, C: I.shape[0], inner: 1, lossShape: [] };
  const lossShape = [I.shape[0], ...I.shape.slice(2)];
  // With no classes the input is empty but the per-sample losses are not: [2^40, 0] has 2^40 samples.
  const count = checkSize(fn, lossShape, 'the unreduced loss');
  // No sample at all: walk none, however large the other dimensions ([2^40, 3, 0]).
  return { outer: count === 0 ? 0 : I.shape[0], C: I.shape[1], inner: axisLayout(I.shape, 1).inner, lossShape };
}

/** A class-index target (one label per position) or a probability target (the input's shape). @internal */
export type ClassTarget = { labels: Int32Array; probs: null } | { labels: null; probs: Float64Array };

/**
 * Reads a target as class indices (shape of the unreduced loss) or, when `allowProbs` and it has
 * the input's shape, as class probabilities (PyTorch's dispatch rule). Labels are checked against
 * C and `ignoreIndex` here, before anything is computed.
 * @internal
 */
export function classTarget(
  fn: string,
  I: Tensor,
  L: ClassLayout,
  target: Labels | TensorLike,
  allowProbs: boolean,
  ignoreIndex?: number,
): ClassTarget {
  const count = L.outer * L.inner;
  if (typeof target === 'number') {
    if (L.lossShape.length !== 0) {
      throw new ShapeError(fn, `target is a single number but input has shape ${formatShape(I.shape)} (expected ${count} labels)`);
    }
    return { labels: toLabels(fn, 'target', [target], L.C, ignoreIndex), probs: null };
  }
  if (target instanceof Int32Array) {
    if (target.length !== count) throw new ShapeError(fn, `target has ${target.length} labels but input has shape ${formatShape(I.shape)} (expected ${count})`);
    return { labels: toLabels(fn, 'target', target, L.C, ignoreIndex), probs: null };
  }
  const T = asTensor(target, fn, 'target');
  if (allowProbs && sameShape(T.shape, I.shape)) return { labels: null, probs: T.data };
  const labelShapeOk = sameShape(T.shape, L.lossShape) || (L.lossShape.length === 0 && T.size === 1 && T.rank === 1);
  if (!labelShapeOk) {
    throw new ShapeError(
      fn,
      `target has shape ${formatShape(T.shape)} but input has shape ${formatShape(I.shape)} ` +
        `(expected class indices of shape ${formatShape(L.lossShape)}${allowProbs ? ` or probabilities of shape ${formatShape(I.shape)}` : ''})`,
    );
  }
  return { labels: toLabels(fn, 'target', T.reshape([T.size]), L.C, ignoreIndex), probs: null };
}

/** The option keys of the class-index losses (crossEntropy, nllLoss). @internal */
export const CLASS_KEYS: readonly string[] = ['weight', 'ignoreIndex'];

/**
 * Reads the per-class `weight` (length C, or null) and `ignoreIndex` (an integer, default −100) of
 * crossEntropy and nllLoss. @internal
 */
export function classOptions(fn: string, o: { weight?: TensorLike; ignoreIndex?: number }, C: number): { w: Float64Array | null; ignore: number } {
  let w: Float64Array | null = null;
  if (o.weight !== undefined) {
    const W = asTensor(o.weight, fn, 'options.weight');
    if (W.rank !== 1 || W.size !== C) {
      throw new ShapeError(fn, `options.weight has shape ${formatShape(W.shape)} but there are ${C} classes (expected [${C}])`);
    }
    w = W.data;
  }
  const ignore = checkNumberWhere(fn, 'options.ignoreIndex', o.ignoreIndex ?? -100, 'an integer', Number.isInteger);
  return { w, ignore };
}

/**
 * Σ w[y] over the labels that are not `ignore` (their count when unweighted): the 'mean'
 * denominator of crossEntropy and nllLoss with class indices, PyTorch's. @internal
 */
export function weightedCount(labels: Int32Array, w: Float64Array | null, ignore: number): number {
  let denom = 0;
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    if (y !== ignore) denom += w === null ? 1 : w[y];
  }
  return denom;
}
