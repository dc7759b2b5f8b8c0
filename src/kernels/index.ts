/**
 * Kernels and backends: the public switch between the embedded WebAssembly SIMD module and plain
 * JavaScript. Kernel entry points for ops (gemmStrided/gemm in gemm.ts, the array kernels in
 * arrays.ts, the scalar elementary functions in elementary.ts) are internal and imported from
 * their modules; see docs/kernels.md.
 */
export { getBackend, setBackend, ready } from './backend.js';
export type { Backend, BackendChoice } from './backend.js';
