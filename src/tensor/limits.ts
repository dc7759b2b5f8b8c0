import { ShapeError, ValueError, describe, formatShape } from '../errors.js';

/**
 * Limits on the tensors nabla creates, so that no call — however its input was built or read — can
 * exhaust memory, hang on an absurd shape, or die with an engine's RangeError or stack overflow.
 *
 * - **Elements per tensor**: at most {@link getMaxElements} (default 2^28 = 268,435,456 float64
 *   values, 2 GiB). Every call that would create a larger tensor — `zeros`, `full`, `eye`, `arange`,
 *   `linspace`, `tensor`, broadcasting, reductions of empty axes, `matmul`, `linear`, `pad`,
 *   `concat`/`stack`, `take`, `oneHot`, the losses' unreduced values, initializers, layers'
 *   constructors, copies made by `tensor`, the file readers — throws a ShapeError naming the
 *   function before it allocates. A result the size of one of the call's inputs (elementwise ops,
 *   activations, broadcasting a scalar) is not checked: that much memory already exists.
 *   PyTorch and NumPy have no such limit (they ask the allocator and fail with an out-of-memory
 *   error); nabla's tensors live on the JavaScript heap, where an 8 GB request either takes the
 *   machine's memory or dies with a bare RangeError, so it refuses with a clear message instead.
 *   Raise it with {@link setMaxElements} (`Infinity` removes it; the engine's own maximum — V8's
 *   typed arrays stop near 2^32 elements — then applies).
 * - **Rank**: at most {@link MAX_RANK} = 64 dimensions (NumPy 2's `NPY_MAXDIMS`; safetensors and
 *   PyTorch allow no more in practice). Deeper nested arrays given to `tensor` and deeper shapes are
 *   a ShapeError, never a stack overflow.
 */

/** The most dimensions a tensor may have: 64, as NumPy 2 (`NPY_MAXDIMS`). */
export const MAX_RANK = 64;

/** The default limit on the elements of one tensor: 2^28 float64 values (2 GiB). */
export const DEFAULT_MAX_ELEMENTS = 268435456;

let maxElements = DEFAULT_MAX_ELEMENTS;

/** The current limit on the number of elements of a tensor nabla creates (default 2^28). */
export function getMaxElements(): number {
  return maxElements;
}

/**
 * Sets the limit on the number of elements of any tensor nabla creates, and returns the previous
 * one (so a caller can restore it). `n` is a positive integer, or `Infinity` for no limit of
 * nabla's own. The limit is global to the module instance, like the default random generator.
 * @example
 * const previous = setMaxElements(2 ** 30); // allow tensors of up to 8 GiB
 * zeros([30000, 30000]);
 * setMaxElements(previous);
 */
export function setMaxElements(n: number): number {
  if (typeof n !== 'number' || !(n === Infinity || (Number.isSafeInteger(n) && n >= 1))) {
    throw new ValueError('setMaxElements', `n must be a positive integer or Infinity, got ${describe(n)}`);
  }
  const previous = maxElements;
  maxElements = n;
  return previous;
}

/**
 * The number of elements of `shape` (a shape or an element count), checked against the limit
 * before anything is allocated: a ShapeError naming `fn` and `what` ("the result", "options.weight",
 * …) when it is over. Any zero dimension gives 0, however large the others. @internal
 */
export function checkSize(fn: string, shape: readonly number[] | number, what = 'the result'): number {
  let n: number;
  if (typeof shape === 'number') n = shape;
  else {
    n = 1;
    for (let i = 0; i < shape.length; i++) if (shape[i] === 0) return 0;
    for (let i = 0; i < shape.length; i++) n *= shape[i];
  }
  if (n > maxElements) {
    const where = typeof shape === 'number' ? `${n} elements` : `shape ${formatShape(shape)}, ${n} elements`;
    throw new ShapeError(
      fn,
      `${what} would have ${where} (${bytes(n)} of float64), over the limit of ${maxElements} elements per tensor ` +
        '(raise it with setMaxElements(n) if this is intended)',
    );
  }
  return n;
}

/** Throws a ShapeError when `rank` exceeds {@link MAX_RANK}. @internal */
export function checkRank(fn: string, what: string, rank: number): void {
  if (rank > MAX_RANK) throw new ShapeError(fn, `${what} has ${rank} dimensions (at most ${MAX_RANK} are supported)`);
}

function bytes(n: number): string {
  const b = n * 8;
  if (b >= 2 ** 30) return `${(b / 2 ** 30).toPrecision(3)} GiB`;
  return `${(b / 2 ** 20).toPrecision(3)} MiB`;
}
