import { ShapeError, formatShape } from '../errors.js';
import { checkShape } from '../tensor/shape.js';
import { checkInteger, checkOptions } from '../validate.js';

/**
 * Fan-in and fan-out of a weight of the given shape, in nabla's layout (`matmul(x, W)`, so a dense
 * weight is `[n_in, n_out]` — Keras' layout, the transpose of PyTorch's `(out, in)`):
 *
 * | rank | fanIn | fanOut |
 * |---|---|---|
 * | 1 `[n]` | n | n |
 * | 2 `[n_in, n_out]` | n_in | n_out |
 * | N `[...kernel, c_in, c_out]` | c_in·∏kernel | c_out·∏kernel |
 *
 * `options.fanIn` / `options.fanOut` override the computed values (positive integers). A scalar
 * shape has no fans and is an error.
 * @example computeFans([784, 256]); // => { fanIn: 784, fanOut: 256 }
 * @example computeFans([3, 3, 16, 32]); // => { fanIn: 144, fanOut: 288 }
 */
export function computeFans(shape: readonly number[], options?: { fanIn?: number; fanOut?: number }): { fanIn: number; fanOut: number } {
  return fansOf('computeFans', shape, checkOptions('computeFans', options, ['fanIn', 'fanOut']));
}

/** computeFans with the caller's name in errors, on options the caller has already read. @internal */
export function fansOf(fn: string, shape: readonly number[], o: { fanIn?: number; fanOut?: number }): { fanIn: number; fanOut: number } {
  checkShape(fn, 'shape', shape);
  let fanIn: number;
  let fanOut: number;
  if (shape.length === 0) {
    if (o.fanIn === undefined || o.fanOut === undefined) {
      throw new ShapeError(fn, `cannot compute fans of a scalar shape [] (pass options.fanIn and options.fanOut)`);
    }
    fanIn = 0;
    fanOut = 0;
  } else if (shape.length === 1) {
    fanIn = fanOut = shape[0];
  } else {
    let rf = 1;
    for (let i = 0; i < shape.length - 2; i++) rf *= shape[i];
    fanIn = shape[shape.length - 2] * rf;
    fanOut = shape[shape.length - 1] * rf;
  }
  if (o.fanIn !== undefined) fanIn = checkInteger(fn, 'options.fanIn', o.fanIn);
  if (o.fanOut !== undefined) fanOut = checkInteger(fn, 'options.fanOut', o.fanOut);
  if (!(fanIn > 0) || !(fanOut > 0)) {
    throw new ShapeError(fn, `shape ${formatShape(shape)} gives fanIn ${fanIn} and fanOut ${fanOut} (both must be positive)`);
  }
  return { fanIn, fanOut };
}
