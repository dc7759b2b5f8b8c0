import { backendChoice } from '../../src/kernels/backend.js';
import { setBackend } from '../../src/kernels/index.js';

/** Runs fn once with the JavaScript kernels and once with WebAssembly; restores the previous choice. */
export function onBothBackends<T>(fn: () => T): { js: T; wasm: T } {
  const before = backendChoice();
  try {
    setBackend('js');
    const js = fn();
    setBackend('wasm');
    const wasm = fn();
    return { js, wasm };
  } finally {
    setBackend(before);
  }
}

/** Index of the first element where a and b differ as Object.is sees them (NaN = NaN, −0 ≠ +0), or −1. */
export function firstBitDifference(a: Float64Array, b: Float64Array): number {
  if (a.length !== b.length) return 0;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}
