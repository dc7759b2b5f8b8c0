import { ValueError, describe } from '../errors.js';
import { toLabels, type Labels } from '../labels.js';
import { checkSize } from '../tensor/limits.js';
import { Tensor } from '../tensor/tensor.js';

/**
 * One-hot encoding: row i has a 1 in column `labels[i]` and 0 elsewhere, shape `[N, numClasses]`.
 * A label that is not an integer in [0, numClasses) is a ValueError naming its index.
 * @example oneHot([2, 0], 3).toArray(); // => [[0, 0, 1], [1, 0, 0]]
 */
export function oneHot(labels: Labels, numClasses: number): Tensor {
  if (typeof numClasses !== 'number' || !Number.isSafeInteger(numClasses) || numClasses < 1) {
    throw new ValueError('oneHot', `numClasses must be a positive integer, got ${describe(numClasses)}`);
  }
  const y = toLabels('oneHot', 'labels', labels, numClasses);
  const out = new Float64Array(checkSize('oneHot', [y.length, numClasses]));
  for (let i = 0; i < y.length; i++) out[i * numClasses + y[i]] = 1;
  return new Tensor(out, [y.length, numClasses]);
}
