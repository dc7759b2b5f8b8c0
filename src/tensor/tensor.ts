import { ShapeError, ValueError, describe, formatList, formatShape } from '../errors.js';
import { record, recording } from '../autograd/tape.js';
import { MAX_RANK, checkSize, getMaxElements } from './limits.js';
import { checkShape, shapeSize, stridesOf } from './shape.js';

/** A nested array of numbers of any depth: `number[]`, `number[][]`, … */
export interface NestedArray extends ReadonlyArray<number | NestedArray | Float64Array> {}

/** Anything a nabla function accepts as a tensor. Arrays are copied; a `Float64Array` is copied too. */
export type TensorLike = Tensor | number | NestedArray | Float64Array;

/**
 * What `toArray()` returns: a number for rank 0, nested arrays otherwise. When the rank is known,
 * `toArray1d()` … `toArray4d()` return `number[]` … `number[][][][]` without a cast.
 */
export type NestedNumbers = number | NestedNumbers[];

/**
 * A dense, contiguous, row-major tensor of float64 values.
 *
 * `data` holds the values in C order; `shape` the dimensions. Tensors are treated as values: nabla's
 * functions return new tensors and never write into their inputs (the exceptions, documented where
 * they occur, are optimizers updating parameters and BatchNorm updating running statistics).
 * `grad` is where layers put a parameter's gradient and where optimizers look for it.
 *
 * @example
 * const t = new Tensor(new Float64Array([1, 2, 3, 4]), [2, 2]);
 * t.toArray(); // => [[1, 2], [3, 4]]
 */
export class Tensor {
  /** The values, row-major. Shared by `reshape`. */
  readonly data: Float64Array;
  /** The dimensions; `[]` for a scalar. */
  readonly shape: readonly number[];
  /** Number of elements, the product of `shape`. */
  readonly size: number;
  /** Number of dimensions, `shape.length`. */
  readonly rank: number;
  /** Gradient of a loss with respect to this tensor, set by layers' `backward`; `null` until then. */
  grad: Tensor | null = null;

  /**
   * Wraps `data` (not copied) with `shape`. Throws a ShapeError when `data.length` is not the
   * product of `shape`. Use {@link tensor} to build from numbers or nested arrays.
   */
  constructor(data: Float64Array, shape: readonly number[]) {
    if (!(data instanceof Float64Array)) {
      throw new ValueError('Tensor', `data must be a Float64Array, got ${describe(data)}`);
    }
    const dims = checkShape('Tensor', 'shape', shape);
    const size = shapeSize(dims);
    if (size !== data.length) {
      throw new ShapeError('Tensor', `shape ${formatShape(dims)} holds ${size} elements but data has ${data.length}`);
    }
    this.data = data;
    this.shape = Object.freeze(dims.slice());
    this.size = size;
    this.rank = dims.length;
  }

  /**
   * The values as nested arrays (a plain number for rank 0). A shape that would need more nested
   * arrays than the element limit allows — `[2^40, 0]` is 2^40 empty arrays — is a ShapeError.
   */
  toArray(): NestedNumbers {
    if (this.rank === 0) return this.data[0];
    const arrays = nestedArrayCount(this.shape);
    if (arrays > getMaxElements()) {
      throw new ShapeError('toArray', `a tensor of shape ${formatShape(this.shape)} would need ${arrays} nested arrays, over the limit of ${getMaxElements()} (see setMaxElements)`);
    }
    const strides = stridesOf(this.shape);
    const build = (dim: number, offset: number): NestedNumbers[] => {
      const n = this.shape[dim];
      const out = new Array<NestedNumbers>(n);
      if (dim === this.rank - 1) {
        for (let i = 0; i < n; i++) out[i] = this.data[offset + i];
      } else {
        for (let i = 0; i < n; i++) out[i] = build(dim + 1, offset + i * strides[dim]);
      }
      return out;
    };
    return build(0, 0);
  }

  /**
   * The values of a 1-D tensor as a `number[]`: `toArray()` with the rank checked at run time, so
   * no cast is needed. Any other rank is a ShapeError naming the accessor that fits.
   * @example tensor([1, 2]).toArray1d(); // => [1, 2]
   */
  toArray1d(): number[] {
    return this.ranked('toArray1d', 1) as number[];
  }

  /**
   * The values of a 2-D tensor as a `number[][]` (rows), rank checked at run time.
   * @example tensor([[1, 2], [3, 4]]).toArray2d()[1]; // => [3, 4]
   */
  toArray2d(): number[][] {
    return this.ranked('toArray2d', 2) as number[][];
  }

  /** The values of a 3-D tensor as a `number[][][]`, rank checked at run time. */
  toArray3d(): number[][][] {
    return this.ranked('toArray3d', 3) as number[][][];
  }

  /** The values of a 4-D tensor (e.g. `[N, C, H, W]`) as a `number[][][][]`, rank checked at run time. */
  toArray4d(): number[][][][] {
    return this.ranked('toArray4d', 4) as number[][][][];
  }

  private ranked(fn: string, rank: number): NestedNumbers {
    if (this.rank !== rank) {
      const fits = this.rank === 0 ? 'item()' : this.rank <= 4 ? `toArray${this.rank}d()` : 'toArray()';
      throw new ShapeError(fn, `tensor has shape ${formatShape(this.shape)} (rank ${this.rank}) but ${fn} needs rank ${rank} (use ${fits})`);
    }
    return this.toArray();
  }

  /** The single value of a one-element tensor (any shape of size 1). */
  item(): number {
    if (this.size !== 1) {
      throw new ShapeError('item', `tensor of shape ${formatShape(this.shape)} has ${this.size} elements (expected exactly 1)`);
    }
    return this.data[0];
  }

  /**
   * The same data viewed with another shape (no copy: writes through one are seen by the other).
   * One dimension may be `-1`, inferred from the size.
   */
  reshape(shape: readonly number[]): Tensor {
    const Y = new Tensor(this.data, resolveReshape('reshape', this.shape, this.size, shape));
    if (recording.tape !== null) record('reshape', Y, [this], (dy) => [new Tensor(dy.data, this.shape)]);
    return Y;
  }

  /** A deep copy with its own data (the gradient is not copied). */
  clone(): Tensor {
    return new Tensor(this.data.slice(), this.shape);
  }

  toString(): string {
    if (this.rank > 0 && nestedArrayCount(this.shape) > getMaxElements()) return `Tensor(${formatShape(this.shape)}) (too large to print)`;
    return `Tensor(${formatShape(this.shape)}) ${JSON.stringify(this.toArray())}`;
  }
}

/** The arrays `toArray` builds for `shape` (rank ≥ 1): 1 + d0 + d0·d1 + … (the last level holds numbers). */
function nestedArrayCount(shape: readonly number[]): number {
  let arrays = 1;
  for (let k = 0, level = 1; k < shape.length - 1 && level !== 0; k++) {
    level *= shape[k];
    arrays += level;
  }
  return arrays;
}

/** The shape `shape` (one −1 inferred) for a tensor of `size` elements, validated. @internal */
export function resolveReshape(fn: string, from: readonly number[], size: number, shape: unknown): number[] {
  if (!Array.isArray(shape)) throw new ValueError(fn, `shape must be an array of dimensions, got ${describe(shape)}`);
  if (shape.length > MAX_RANK) throw new ShapeError(fn, `shape has ${shape.length} dimensions (at most ${MAX_RANK} are supported)`);
  let infer = -1;
  let known = 1;
  const out = shape.slice() as number[];
  for (let i = 0; i < out.length; i++) {
    const d = out[i];
    if (d === -1) {
      if (infer >= 0) throw new ValueError(fn, `shape ${formatList(shape)} has more than one -1 (at most one dimension can be inferred)`);
      infer = i;
    } else if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
      throw new ValueError(fn, `shape[${i}] is ${describe(d)} (dimensions must be non-negative integers or one -1)`);
    } else known *= d;
  }
  // A zero dimension makes the product 0 however huge the others (∞·0 would be NaN).
  if (out.includes(0)) known = 0;
  if (infer >= 0) {
    if (known === 0 || size % known !== 0) {
      throw new ShapeError(fn, `cannot reshape ${formatShape(from)} (${size} elements) to ${JSON.stringify(shape)}`);
    }
    out[infer] = size / known;
  } else if (known !== size) {
    throw new ShapeError(fn, `cannot reshape ${formatShape(from)} (${size} elements) to ${formatShape(out)} (${known} elements)`);
  }
  return out;
}

function isNumericView(x: unknown): x is ArrayLike<number> {
  return ArrayBuffer.isView(x) && !(x instanceof DataView) && !(x instanceof BigInt64Array) && !(x instanceof BigUint64Array);
}

/**
 * Creates a tensor from a number, a (nested) array of numbers, or a typed array, copying the values.
 * With `shape`, the flat values are laid out in that shape (its product must equal their count).
 *
 * Ragged nested arrays are an error naming the first offending index.
 *
 * @example
 * tensor([[1, 2, 3], [4, 5, 6]]).shape; // => [2, 3]
 * tensor([1, 2, 3, 4], [2, 2]).toArray(); // => [[1, 2], [3, 4]]
 * tensor(5).shape; // => []
 */
export function tensor(data: TensorLike | ArrayLike<number>, shape?: readonly number[]): Tensor {
  return toTensorImpl('tensor', 'data', data, shape, true);
}

/**
 * Converts a TensorLike argument of `fn` to a Tensor. A Tensor is returned as it is (no copy), so
 * callers must not write into the result.
 * @internal
 */
export function asTensor(x: unknown, fn: string, arg: string): Tensor {
  if (x instanceof Tensor) return x;
  return toTensorImpl(fn, arg, x, undefined, false);
}

function toTensorImpl(fn: string, arg: string, data: unknown, shape: readonly number[] | undefined, copy: boolean): Tensor {
  let flat: Float64Array;
  let inferred: number[];
  if (data instanceof Tensor) {
    flat = copy ? data.data.slice(0, checkSize(fn, data.size, arg)) : data.data;
    inferred = data.shape.slice();
  } else if (typeof data === 'number') {
    flat = new Float64Array([data]);
    inferred = [];
  } else if (data instanceof Float64Array) {
    flat = copy ? data.slice(0, checkSize(fn, data.length, arg)) : data;
    inferred = [data.length];
  } else if (isNumericView(data)) {
    checkSize(fn, data.length, arg);
    flat = Float64Array.from(data);
    inferred = [data.length];
  } else if (Array.isArray(data)) {
    inferred = inferShape(fn, arg, data);
    flat = new Float64Array(checkSize(fn, inferred, arg));
    fillNested(fn, arg, data, inferred, 0, flat, 0, []);
  } else {
    throw new ValueError(fn, `${arg} must be a Tensor, a number, a (nested) array of numbers or a Float64Array, got ${describe(data)}`);
  }
  if (shape === undefined) return new Tensor(flat, inferred);
  const dims = checkShape(fn, 'shape', shape);
  if (shapeSize(dims) !== flat.length) {
    throw new ShapeError(fn, `shape ${formatShape(dims)} holds ${shapeSize(dims)} elements but ${arg} has ${flat.length}`);
  }
  return new Tensor(flat, dims);
}

function inferShape(fn: string, arg: string, data: readonly unknown[]): number[] {
  const shape: number[] = [];
  let level: unknown = data;
  while (Array.isArray(level) || isNumericView(level)) {
    const arr = level as ArrayLike<unknown>;
    if (shape.length === MAX_RANK) {
      throw new ShapeError(fn, `${arg} is nested more than ${MAX_RANK} arrays deep (a tensor has at most ${MAX_RANK} dimensions)`);
    }
    shape.push(arr.length);
    if (arr.length === 0) break;
    level = arr[0];
  }
  if (typeof level !== 'number' && shape[shape.length - 1] !== 0) {
    throw new ValueError(fn, `${arg}${'[0]'.repeat(shape.length)} is ${describe(level)} (expected a number)`);
  }
  return shape;
}

function fillNested(
  fn: string,
  arg: string,
  arr: ArrayLike<unknown>,
  shape: readonly number[],
  dim: number,
  out: Float64Array,
  offset: number,
  path: number[],
): number {
  const where = (): string => `${arg}${path.map((i) => `[${i}]`).join('')}`;
  if (arr.length !== shape[dim]) {
    throw new ShapeError(fn, `ragged nested array: ${where()} has length ${arr.length} (expected ${shape[dim]}, like ${arg}${'[0]'.repeat(dim)})`);
  }
  if (dim === shape.length - 1) {
    for (let i = 0; i < arr.length; i++) {
      const v = arr[i];
      if (typeof v !== 'number') {
        path.push(i);
        const msg = Array.isArray(v) || isNumericView(v)
          ? `ragged nested array: ${where()} is an array (expected a number, like ${arg}${'[0]'.repeat(dim + 1)})`
          : `${where()} is ${describe(v)} (expected a number)`;
        throw (Array.isArray(v) || isNumericView(v) ? new ShapeError(fn, msg) : new ValueError(fn, msg));
      }
      out[offset++] = v;
    }
    return offset;
  }
  for (let i = 0; i < arr.length; i++) {
    const v = arr[i];
    path.push(i);
    if (!Array.isArray(v) && !isNumericView(v)) {
      throw new ShapeError(fn, `ragged nested array: ${where()} is ${describe(v)} (expected an array of length ${shape[dim + 1]})`);
    }
    offset = fillNested(fn, arg, v as ArrayLike<unknown>, shape, dim + 1, out, offset, path);
    path.pop();
  }
  return offset;
}
