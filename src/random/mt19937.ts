import { ValueError, describe } from '../errors.js';

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;

/** JSON-safe snapshot of a generator, like NumPy's `RandomState.get_state()`. */
export interface RngState {
  algorithm: 'MT19937';
  /** The 624 words of the Mersenne Twister state. */
  key: number[];
  /** Position in the state, 0..624. */
  pos: number;
  /** Whether a second normal deviate is cached (the polar method makes two at a time). */
  hasGauss: boolean;
  /** The cached normal deviate (0 when none). */
  gauss: number;
}

/**
 * The MT19937 Mersenne Twister, seeded as NumPy's `RandomState(seed)` is: `key[0] = seed`,
 * `key[i] = 1812433253·(key[i−1] ⊕ (key[i−1] >> 30)) + i (mod 2³²)`.
 * @internal Use {@link createRng}.
 */
export class MT19937 {
  protected readonly mt: Uint32Array = new Uint32Array(N);
  protected mti = N;

  constructor(seed: number) {
    if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new ValueError('Rng', `seed must be an integer in [0, 2^32), got ${describe(seed)}`);
    }
    let s = seed >>> 0;
    this.mt[0] = s;
    for (let i = 1; i < N; i++) {
      s = (Math.imul(1812433253, s ^ (s >>> 30)) + i) >>> 0;
      this.mt[i] = s;
    }
  }

  /** The next 32-bit unsigned integer of the stream (NumPy's `next_uint32`). */
  nextUint32(): number {
    const mt = this.mt;
    if (this.mti >= N) {
      let kk = 0;
      let y: number;
      for (; kk < N - M; kk++) {
        y = (mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK);
        mt[kk] = mt[kk + M] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
      }
      for (; kk < N - 1; kk++) {
        y = (mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK);
        mt[kk] = mt[kk + (M - N)] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
      }
      y = (mt[N - 1] & UPPER_MASK) | (mt[0] & LOWER_MASK);
      mt[N - 1] = mt[M - 1] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
      this.mti = 0;
    }
    let y = mt[this.mti++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** A double in [0, 1) with 53 random bits: `(a·2²⁶ + b) / 2⁵³` with a = next >> 5, b = next >> 6. */
  random(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  protected snapshot(hasGauss: boolean, gauss: number): RngState {
    return { algorithm: 'MT19937', key: Array.from(this.mt), pos: this.mti, hasGauss, gauss };
  }

  protected restore(fn: string, state: RngState): void {
    if (state === null || typeof state !== 'object') throw new ValueError(fn, `state must be an object, got ${describe(state)}`);
    if (state.algorithm !== 'MT19937') throw new ValueError(fn, `state.algorithm is ${describe(state.algorithm)} (expected "MT19937")`);
    const key = state.key;
    if (!Array.isArray(key) || key.length !== N) {
      throw new ValueError(fn, `state.key must be an array of ${N} integers, got ${describe(key)}`);
    }
    for (let i = 0; i < N; i++) {
      const v = key[i];
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0xffffffff) {
        throw new ValueError(fn, `state.key[${i}] is ${describe(v)} (expected an integer in [0, 2^32))`);
      }
    }
    if (typeof state.pos !== 'number' || !Number.isInteger(state.pos) || state.pos < 0 || state.pos > N) {
      throw new ValueError(fn, `state.pos is ${describe(state.pos)} (expected an integer in [0, ${N}])`);
    }
    if (typeof state.hasGauss !== 'boolean') throw new ValueError(fn, `state.hasGauss must be a boolean, got ${describe(state.hasGauss)}`);
    if (typeof state.gauss !== 'number') throw new ValueError(fn, `state.gauss must be a number, got ${describe(state.gauss)}`);
    this.mt.set(key);
    this.mti = state.pos;
  }
}
