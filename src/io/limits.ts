import { ValueError, formatShape } from '../errors.js';
import { MAX_RANK, checkSize } from '../tensor/limits.js';
import { checkNumberWhere, checkOptions } from '../validate.js';
import { labelText, type Label } from './bytes.js';

/**
 * The readers' size limits, in one place.
 *
 * Every reader takes `{ maxBytes }`: the most memory, in bytes, the call may allocate for tensor data.
 * - The tensors it returns count at 8 bytes an element (float64), summed over the file.
 * - A tensor's shape may not describe more than that either, zero-size tensors included: the
 *   product of its non-zero dimensions, at 8 bytes each, must fit. So a 100-byte file cannot
 *   declare shape (0, 2⁵³ − 1) — an empty tensor whose other dimensions could never hold data.
 * - `readNpz` also counts what its compressed members declare they inflate to.
 *
 * `maxBytes: Infinity` turns the limit off. The default, {@link DEFAULT_MAX_BYTES}, is 1 GiB.
 * @internal
 */
export const DEFAULT_MAX_BYTES = 2 ** 30;

/** The most dimensions a tensor may have in any file nabla reads or writes: the tensor core's (NumPy 2's). @internal */
export { MAX_RANK } from '../tensor/limits.js';

/** Options every reader takes. */
export interface ReadOptions {
  /**
   * The most bytes the call may allocate for tensor data (8 per float64 element, and for `readNpz`
   * the inflated size of compressed members); default 2³⁰ (1 GiB); `Infinity` for no limit.
   */
  maxBytes?: number;
}

/** Reads a reader's options and returns `maxBytes`. @internal */
export function readMaxBytes(fn: string, options: unknown): number {
  const o = checkOptions<ReadOptions>(fn, options, ['maxBytes']);
  if (o.maxBytes === undefined) return DEFAULT_MAX_BYTES;
  return checkNumberWhere(fn, 'options.maxBytes', o.maxBytes, 'a positive integer or Infinity', (v) => v === Infinity || (Number.isSafeInteger(v) && v > 0));
}

/**
 * What one call may still allocate: each tensor it is about to create is charged with
 * {@link SizeBudget.take} before any of its memory is. @internal
 */
export class SizeBudget {
  private spent = 0;

  constructor(
    private readonly fn: string,
    readonly maxBytes: number,
  ) {}

  /**
   * Checks a declared shape against the limit and charges its float64 size; returns its element
   * count. Errors name `what` (`member "w.npy"`, `tensor "bias"`).
   */
  take(what: Label, shape: readonly number[]): number {
    const count = this.check(what, shape);
    // The one limit on any tensor nabla creates (setMaxElements), as well as the reader's own budget.
    checkSize(this.fn, shape, labelText(what));
    this.charge(what, count * 8, shape);
    return count;
  }

  /**
   * Checks a declared shape alone — rank, every dimension a non-negative integer, the product of
   * the non-zero dimensions a safe integer whose float64 size fits `maxBytes` — and returns the
   * element count without charging it.
   */
  check(what: Label, shape: readonly number[]): number {
    if (shape.length > MAX_RANK) throw new ValueError(this.fn, `${labelText(what)} has ${shape.length} dimensions (at most ${MAX_RANK})`);
    let nonzero = 1;
    let count = 1;
    for (const d of shape) {
      if (!Number.isSafeInteger(d) || d < 0) throw new ValueError(this.fn, `${labelText(what)} has a dimension ${d} (dimensions must be non-negative integers)`);
      count *= d;
      if (d !== 0) nonzero *= d;
      if (!Number.isSafeInteger(nonzero)) throw new ValueError(this.fn, `${labelText(what)} declares shape ${formatShape(shape)}, too many elements`);
    }
    if (nonzero * 8 > this.maxBytes) {
      const which = count === 0 ? `its non-zero dimensions multiply to ${nonzero} elements` : `${count} elements`;
      throw new ValueError(this.fn, `${labelText(what)} declares shape ${formatShape(shape)}: ${which}, ${nonzero * 8} bytes as float64, beyond options.maxBytes = ${this.maxBytes}${RAISE}`);
    }
    return count;
  }

  /** Charges `bytes` more, for `what` (of `shape`, if given), or throws when the total would pass the limit. */
  charge(what: Label, bytes: number, shape?: readonly number[]): void {
    if (this.spent + bytes > this.maxBytes) {
      const of = shape === undefined ? '' : ` (shape ${formatShape(shape)})`;
      throw new ValueError(this.fn, `${labelText(what)}${of} needs ${bytes} bytes, and with the ${this.spent} before it that passes options.maxBytes = ${this.maxBytes}${RAISE}`);
    }
    this.spent += bytes;
  }
}

const RAISE = ' (raise options.maxBytes to read larger files)';
