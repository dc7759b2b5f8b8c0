// Bit identity: every kernel gives the same float64 bits with setBackend('js') and setBackend('wasm')
// (Object.is per element), on random inputs of many sizes — not multiples of the SIMD width (2), of
// the GEMM tile (4) or block (128/64/512), or of the streaming window (8192) — and on special values.
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/index.js';
import {
  expInto,
  expShiftSumInto,
  expm1Into,
  log1pInto,
  logInto,
  sigmoidInto,
  softplusInto,
  tanhInto,
} from '../../src/kernels/arrays.js';
import { getBackend } from '../../src/kernels/index.js';
import { firstBitDifference, onBothBackends } from '../helpers/backends.js';

const SPECIALS = [
  NaN, Infinity, -Infinity, 0, -0, 5e-324, -5e-324, 2.2250738585072014e-308, -2.2250738585072014e-308, 1, -1, 0.5,
  -0.5, 1e-300, -1e-300, 1e300, -1e300, 1.7976931348623157e308, -1.7976931348623157e308, 709.782712893384,
  709.7827128933841, -745.1332191019411, -745.1332191019412, 38.81622314453125, -38.81622314453125,
  0.3465735912322998, -0.3465735912322998, 1.0397205352783203, -1.0397205352783203, 5.551115123125783e-17,
  3.725290298461914e-9, 19.1, -19.1, 22, -0.9999999999999999, -1.0000000000000002, 9007199254740992, 1e-310,
  // tanh: the series below 1/32, the table path from it, its last entry before 19.1
  0.03125, -0.03125, 0.031249999999999997, -0.031249999999999997, 19.099999999999998, -19.099999999999998,
];

/** A mix of uniform ranges, log-uniform magnitudes of both signs and special values. */
function inputs(n: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const u = rng.random();
    switch (i % 5) {
      case 0: x[i] = -30 + 60 * u; break;
      case 1: x[i] = (rng.random() < 0.5 ? -1 : 1) * (1 + u) * 2 ** Math.floor(rng.random() * 120 - 80); break;
      case 2: x[i] = -800 + 1600 * u; break;
      case 3: x[i] = -1.5 + 3 * u; break;
      default: x[i] = SPECIALS[Math.floor(u * SPECIALS.length)];
    }
  }
  return x;
}

const SIZES = [0, 1, 2, 3, 5, 15, 16, 17, 31, 33, 100, 1001, 8191, 8192, 8193, 20001];

type Kernel = (x: Float64Array, xOff: number, out: Float64Array, outOff: number, n: number) => void;
const KERNELS: [string, Kernel][] = [
  ['exp', expInto],
  ['log', logInto],
  ['log1p', log1pInto],
  ['expm1', expm1Into],
  ['tanh', tanhInto],
  ['sigmoid', sigmoidInto],
  ['expShiftSum(3.25)', (x, xo, o, oo, n) => void expShiftSumInto(x, xo, o, oo, n, 3.25)],
  ['softplus(β=1, threshold=20)', (x, xo, o, oo, n) => softplusInto(x, xo, o, oo, n, 1, 20)],
  ['softplus(β=2.5, threshold=+∞)', (x, xo, o, oo, n) => softplusInto(x, xo, o, oo, n, 2.5, Infinity)],
];

describe('array kernels: js and wasm give identical bits', () => {
  it('NaNs with any payload give NaN and keep the table lookups inside the tables', () => {
    // A NaN's payload bits reach the integer lanes that index exp's and tanh's tables; an index
    // outside the module's memory would trap.
    const bits = new BigUint64Array(64);
    for (let i = 0; i < bits.length; i++) {
      const payload = (BigInt(i) * 0x9e3779b97f4a7n) & 0x7ffffffffffffn;
      bits[i] = (i % 2 === 0 ? 0x7ff8000000000000n : 0xfff0000000000001n) | payload;
    }
    const x = new Float64Array(bits.buffer);
    for (const [name, kernel] of KERNELS) {
      const r = onBothBackends(() => {
        const out = new Float64Array(x.length);
        kernel(x, 0, out, 0, x.length);
        return out;
      });
      expect(r.wasm.every((v) => v !== v), name).toBe(true);
      expect(firstBitDifference(r.js, r.wasm), name).toBe(-1);
    }
  });

  it('the WebAssembly backend is available in Node', () => {
    expect(onBothBackends(() => getBackend())).toEqual({ js: 'js', wasm: 'wasm' });
  });

  for (const [name, kernel] of KERNELS) {
    it(`${name}: every size, with offsets, and in place`, () => {
      for (const n of SIZES) {
        const x = inputs(n + 7, n + 1);
        const r = onBothBackends(() => {
          const out = new Float64Array(n + 5).fill(-7);
          kernel(x, 3, out, 2, n);
          const inPlace = x.slice();
          kernel(inPlace, 0, inPlace, 0, n + 7);
          return [out, inPlace];
        });
        const d = firstBitDifference(r.js[0], r.wasm[0]);
        expect(d, `${name} n=${n}: x=${x[3 + d - 2]} js=${r.js[0][d]} wasm=${r.wasm[0][d]}`).toBe(-1);
        expect(firstBitDifference(r.js[1], r.wasm[1]), `${name} in place n=${n}`).toBe(-1);
        // untouched around the written range
        expect([r.js[0][0], r.js[0][1], r.js[0][n + 2], r.js[0][n + 4]]).toEqual([-7, -7, -7, -7]);
        expect([r.wasm[0][0], r.wasm[0][1], r.wasm[0][n + 2], r.wasm[0][n + 4]]).toEqual([-7, -7, -7, -7]);
      }
    });
  }
});
