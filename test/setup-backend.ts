// Vitest setup: NABLA_BACKEND=js|wasm|auto runs the whole suite on one backend (npm run test:js,
// npm run test:wasm). The library itself never reads the environment.
import { setBackend } from '../src/kernels/index.js';

const b = process.env.NABLA_BACKEND;
if (b !== undefined && b !== '') {
  if (b !== 'js' && b !== 'wasm' && b !== 'auto') throw new Error(`NABLA_BACKEND must be js, wasm or auto, got ${b}`);
  setBackend(b); // 'wasm' throws where WebAssembly SIMD is unavailable: the run fails loudly
}
