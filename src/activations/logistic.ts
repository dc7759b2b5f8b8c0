import { expNegAbsInto } from '../kernels/arrays.js';

/**
 * out = g · k·e/(1 + e)² with e = e^(−c·|x|), elementwise: σ'(x) = σ(x)σ(−x) (c = 1, k = 1) and
 * tanh'(x) = sech²(x) (c = 2, k = 4), formed from the one exponential that cannot overflow, so
 * neither 1 − σ nor 1 − tanh² ever cancels. k is a power of two: k·e is exact. @internal
 */
export function logisticDerivativeInto(g: Float64Array, a: Float64Array, out: Float64Array, c: number, k: number): void {
  expNegAbsInto(a, 0, out, 0, a.length, c);
  for (let i = 0; i < a.length; i++) {
    const e = out[i];
    const d = 1 + e;
    out[i] = g[i] * ((k * e) / (d * d));
  }
}
