import { ShapeError, ValueError, describe, formatShape } from './errors.js';
import { Tensor } from './tensor/tensor.js';

/** Class labels: integers as a `number[]`, an `Int32Array`, or a Tensor of integer values. */
export type Labels = readonly number[] | Int32Array | Tensor;

/**
 * Converts labels to an Int32Array, checking that each is an integer (and, with `numClasses`, in
 * [0, numClasses) unless it equals `ignoreIndex`). Errors name the offending index.
 * @internal
 */
export function toLabels(fn: string, arg: string, labels: unknown, numClasses?: number, ignoreIndex?: number): Int32Array {
  let src: ArrayLike<number>;
  if (labels instanceof Tensor) {
    if (labels.rank !== 1) throw new ShapeError(fn, `${arg} must be 1-D, got a tensor of shape ${formatShape(labels.shape)}`);
    src = labels.data;
  } else if (Array.isArray(labels) || labels instanceof Int32Array || labels instanceof Float64Array || labels instanceof Uint8Array || labels instanceof Uint16Array || labels instanceof Uint32Array || labels instanceof Int16Array || labels instanceof Int8Array) {
    src = labels as ArrayLike<number>;
  } else {
    throw new ValueError(fn, `${arg} must be a number[], an Int32Array or a 1-D Tensor of integers, got ${describe(labels)}`);
  }
  const out = new Int32Array(src.length);
  for (let i = 0; i < src.length; i++) {
    const v = src[i];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < -2147483648 || v > 2147483647) {
      throw new ValueError(fn, `${arg}[${i}] is ${describe(v)} (expected an integer class index)`);
    }
    if (numClasses !== undefined && v !== ignoreIndex && (v < 0 || v >= numClasses)) {
      throw new ValueError(fn, `${arg}[${i}] is ${v}, out of range for ${numClasses} classes (expected 0 ≤ label < ${numClasses}${ignoreIndex !== undefined ? ` or ${ignoreIndex} to ignore` : ''})`);
    }
    out[i] = v;
  }
  return out;
}
