import { ValueError, describe } from '../errors.js';
import { checkShape, shapeSize } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { MT19937, type RngState } from './mt19937.js';
import { checkSize } from '../tensor/limits.js';

export type { RngState } from './mt19937.js';

/**
 * A seeded random stream that reproduces NumPy's legacy `numpy.random.RandomState`.
 *
 * | nabla | NumPy (`rs = np.random.RandomState(seed)`) | agreement |
 * |---|---|---|
 * | `random()` | `rs.random_sample()` | bit-identical |
 * | `uniform(low, high)` | `rs.uniform(low, high)` | bit-identical |
 * | `normal(mean, std)` | `rs.normal(mean, std)` | a few ulp (C `log` vs `Math.log`) |
 * | `integers(low, high)` | `rs.randint(low, high)` | identical |
 * | `integers(low, high, shape)` | `rs.randint(low, high, size=shape)` | identical |
 * | `randn(...shape)` | `rs.randn(*shape)` | a few ulp |
 * | `rand(...shape)` | `rs.rand(*shape)` | bit-identical |
 * | `permutation(n)` | `rs.permutation(n)` | identical |
 * | `shuffle(arr)` | `rs.shuffle(arr)` | identical |
 *
 * Draws consume the stream exactly as NumPy does, so interleaved calls stay in step with NumPy.
 */
export class Rng extends MT19937 {
  private hasGauss = false;
  private gauss = 0;

  /**
   * A normal deviate by NumPy's legacy polar (Marsaglia) method, which makes two deviates per
   * accepted pair and caches the second for the next call.
   */
  normal(mean = 0, std = 1): number {
    checkParams('normal', 'mean', mean, 'std', std, true);
    return mean + std * this.standardNormal();
  }

  /** A uniform double in [low, high): `low + (high − low)·random()`. */
  uniform(low = 0, high = 1): number {
    checkParams('uniform', 'low', low, 'high', high, false);
    return low + (high - low) * this.random();
  }

  /**
   * A uniform integer in [low, high) like `RandomState.randint(low, high)` (masked rejection
   * sampling); `integers(n)` draws from [0, n). With a `shape`, a Tensor of that shape filled in
   * row-major order, one draw per element — `randint(low, high, size=shape)`, the same stream as
   * that many scalar draws (`integers(n, undefined, shape)` draws from [0, n), like
   * `randint(n, size=shape)`). The range must be below 2⁵³.
   * @example createRng(0).integers(0, 10, [2, 3]).toArray(); // ≡ RandomState(0).randint(0, 10, (2, 3))
   */
  integers(low: number, high?: number): number;
  integers(low: number, high: number | undefined, shape: number | readonly number[]): Tensor;
  integers(low: number, high?: number, shape?: number | readonly number[]): number | Tensor {
    let lo = low;
    let hi = high;
    if (hi === undefined) {
      hi = lo;
      lo = 0;
    }
    checkInt('integers', 'low', lo);
    checkInt('integers', 'high', hi);
    if (hi <= lo) throw new ValueError('integers', `low ${lo} must be less than high ${hi}`);
    const range = hi - lo - 1;
    if (range >= 2 ** 53) throw new ValueError('integers', `range high − low = ${hi - lo} is too large (expected at most 2^53)`);
    if (shape === undefined) return lo + this.boundedMasked(range);
    const dims = shapeArg('integers', shape);
    const out = new Float64Array(shapeSize(dims));
    for (let i = 0; i < out.length; i++) out[i] = lo + this.boundedMasked(range);
    return new Tensor(out, dims);
  }

  /**
   * Standard normal draws in a Tensor of the given shape, row-major — `RandomState.randn(*shape)`
   * (the legacy polar method of {@link normal}, its cached second deviate included). `randn()` is a
   * shape-[] tensor holding one draw.
   * @example createRng(231).randn(10, 10); // ≡ np.random.seed(231); np.random.randn(10, 10)
   */
  randn(...shape: number[]): Tensor {
    const dims = shapeArg('randn', shape);
    return new Tensor(this.fillNormal(new Float64Array(shapeSize(dims))), dims);
  }

  /**
   * Uniform draws in [0, 1) in a Tensor of the given shape, row-major — `RandomState.rand(*shape)`,
   * bit-identical. `rand()` is a shape-[] tensor holding one draw.
   * @example createRng(0).rand(2, 2); // ≡ RandomState(0).rand(2, 2)
   */
  rand(...shape: number[]): Tensor {
    const dims = shapeArg('rand', shape);
    return new Tensor(this.fillUniform(new Float64Array(shapeSize(dims))), dims);
  }

  /** A random permutation of 0..n−1, like `RandomState.permutation(n)`. */
  permutation(n: number): number[] {
    checkInt('permutation', 'n', n);
    if (n < 0) throw new ValueError('permutation', `n must be non-negative, got ${n}`);
    checkSize('permutation', [n]);
    const out = new Array<number>(n);
    for (let i = 0; i < n; i++) out[i] = i;
    return this.shuffle(out);
  }

  /**
   * Shuffles an array (or typed array) in place and returns it, with NumPy's legacy algorithm:
   * for i from n−1 down to 1, swap item i with item j drawn uniformly from [0, i]. For an array of
   * rows this shuffles the rows, as NumPy does for the first axis.
   */
  shuffle<T extends { length: number; [i: number]: any }>(array: T): T {
    if (!Array.isArray(array) && !(ArrayBuffer.isView(array) && !(array instanceof DataView))) {
      throw new ValueError('shuffle', `array must be an array or a typed array, got ${describe(array)}`);
    }
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.interval(i);
      const t = array[i];
      array[i] = array[j];
      array[j] = t;
    }
    return array;
  }

  /** Fills `out` with `uniform(low, high)` draws in index order and returns it. */
  fillUniform(out: Float64Array, low = 0, high = 1): Float64Array {
    checkOut('fillUniform', out);
    checkParams('fillUniform', 'low', low, 'high', high, false);
    const range = high - low;
    for (let i = 0; i < out.length; i++) out[i] = low + range * this.random();
    return out;
  }

  /** Fills `out` with `normal(mean, std)` draws in index order and returns it. */
  fillNormal(out: Float64Array, mean = 0, std = 1): Float64Array {
    checkOut('fillNormal', out);
    checkParams('fillNormal', 'mean', mean, 'std', std, true);
    for (let i = 0; i < out.length; i++) out[i] = mean + std * this.standardNormal();
    return out;
  }

  /** A JSON-safe copy of the full state (like `get_state()`), for checkpoints. */
  getState(): RngState {
    return this.snapshot(this.hasGauss, this.gauss);
  }

  /** Restores a state from {@link getState}; validated before anything is changed. */
  setState(state: RngState): void {
    this.restore('setState', state);
    this.hasGauss = state.hasGauss;
    this.gauss = state.gauss;
  }

  private standardNormal(): number {
    if (this.hasGauss) {
      this.hasGauss = false;
      const g = this.gauss;
      this.gauss = 0;
      return g;
    }
    let x1: number;
    let x2: number;
    let r2: number;
    do {
      x1 = 2 * this.random() - 1;
      x2 = 2 * this.random() - 1;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1 || r2 === 0);
    const f = Math.sqrt((-2 * Math.log(r2)) / r2);
    this.gauss = f * x1;
    this.hasGauss = true;
    return f * x2;
  }

  /** Uniform integer in [0, range] by masked rejection (NumPy's `random_bounded_uint64` with use_masked). */
  private boundedMasked(range: number): number {
    if (range === 0) return 0;
    if (range <= 0xffffffff) {
      if (range === 0xffffffff) return this.nextUint32();
      const mask = maskFor(range);
      let v: number;
      do v = (this.nextUint32() & mask) >>> 0;
      while (v > range);
      return v;
    }
    // 64-bit draw: high word first, as NumPy's next_uint64 for MT19937. Mask < 2^53.
    const maskHi = maskFor(Math.floor(range / 4294967296));
    let v: number;
    do {
      const hi = (this.nextUint32() & maskHi) >>> 0;
      const lo = this.nextUint32();
      v = hi * 4294967296 + lo;
    } while (v > range);
    return v;
  }

  /** Uniform integer in [0, max] (NumPy's `random_interval`). */
  private interval(max: number): number {
    if (max === 0) return 0;
    if (max <= 0xffffffff) {
      const mask = maskFor(max);
      let v: number;
      do v = (this.nextUint32() & mask) >>> 0;
      while (v > max);
      return v;
    }
    return this.boundedMasked(max);
  }
}

/** Smallest 2^k − 1 ≥ v, for v < 2^32. */
function maskFor(v: number): number {
  let m = v >>> 0;
  m |= m >>> 1;
  m |= m >>> 2;
  m |= m >>> 4;
  m |= m >>> 8;
  m |= m >>> 16;
  return m >>> 0;
}

/**
 * A shape argument: dimensions (or one number, NumPy's `size=n`) that are non-negative integers,
 * within the element limit of every new tensor (`setMaxElements`).
 */
function shapeArg(fn: string, shape: unknown): number[] {
  if (fn !== 'integers' && Array.isArray(shape) && shape.length === 1 && Array.isArray(shape[0])) {
    throw new ValueError(fn, `dimensions are separate arguments, as in NumPy (${fn}(2, 3)), got an array (spread it: ${fn}(...shape))`);
  }
  const dims = checkShape(fn, 'shape', typeof shape === 'number' ? [shape] : shape).slice();
  checkSize(fn, dims);
  return dims;
}

function checkInt(fn: string, name: string, v: unknown): void {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new ValueError(fn, `${name} must be an integer, got ${describe(v)}`);
}

/** A draw's two parameters must be numbers; a negative std is an error, as in NumPy (`scale < 0`). */
function checkParams(fn: string, a: string, av: unknown, b: string, bv: unknown, scale: boolean): void {
  if (typeof av !== 'number') throw new ValueError(fn, `${a} must be a number, got ${describe(av)}`);
  if (typeof bv !== 'number' || (scale && bv < 0)) throw new ValueError(fn, `${b} must be a ${scale ? 'non-negative ' : ''}number, got ${describe(bv)}`);
}

function checkOut(fn: string, out: unknown): void {
  if (!(out instanceof Float64Array)) throw new ValueError(fn, `out must be a Float64Array, got ${describe(out)}`);
}

/**
 * A generator seeded exactly like `numpy.random.RandomState(seed)`, for integer seeds
 * 0 ≤ seed < 2³².
 * @example createRng(0).random(); // => 0.5488135039273248  (np.random.RandomState(0).random_sample())
 */
export function createRng(seed: number): Rng {
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new ValueError('createRng', `seed must be an integer in [0, 2^32), got ${describe(seed)}`);
  }
  return new Rng(seed);
}

let defaultGenerator: Rng | null = null;

/**
 * Reseeds the module-level default generator used when no `rng`/`seed` option is given
 * (like `torch.manual_seed` / `np.random.seed`).
 */
export function setSeed(seed: number): void {
  const rng = createRng(seed);
  defaultGenerator = rng;
}

/**
 * The module-level default generator, created on first use from a non-deterministic seed unless
 * {@link setSeed} was called.
 */
export function getDefaultRng(): Rng {
  if (defaultGenerator === null) defaultGenerator = new Rng(Math.floor(Math.random() * 4294967296));
  return defaultGenerator;
}

/** Options accepted by every function that draws random numbers. */
export interface RandomOptions {
  /** Generator to draw from (advanced by the call). */
  rng?: Rng;
  /** Seed for a fresh generator, `createRng(seed)`. Mutually exclusive with `rng`. */
  seed?: number;
}

/** Resolves `{ rng, seed }` to a generator: the given one, a fresh seeded one, or the default. @internal */
export function resolveRng(fn: string, options: RandomOptions): Rng {
  const { rng, seed } = options;
  if (rng !== undefined && seed !== undefined) throw new ValueError(fn, 'options.rng and options.seed were both given (expected at most one)');
  if (rng !== undefined) {
    if (!(rng instanceof Rng)) throw new ValueError(fn, `options.rng must be an Rng from createRng, got ${describe(rng)}`);
    return rng;
  }
  if (seed !== undefined) {
    if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new ValueError(fn, `options.seed must be an integer in [0, 2^32), got ${describe(seed)}`);
    }
    return new Rng(seed);
  }
  return getDefaultRng();
}
