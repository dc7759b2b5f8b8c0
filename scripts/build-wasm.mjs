// Assembles src/kernels/kernels.wat (hand-written WebAssembly text) with wabt into the base64 string
// that src/kernels/wasmBinary.ts embeds in the bundle. Run by `npm run build:wasm` and `npm run build`;
// the output is committed (vitest runs on src/), and test/kernels/wasmBinary.test.ts checks that it
// is up to date with the .wat source.
//   node scripts/build-wasm.mjs          write src/kernels/wasmBinary.ts
//   node scripts/build-wasm.mjs --check  exit 1 if the committed file differs
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { assembleKernels, renderBinaryModule } from './wasm-assemble.mjs';

const out = fileURLToPath(new URL('../src/kernels/wasmBinary.ts', import.meta.url));
const text = renderBinaryModule(await assembleKernels());
if (process.argv.includes('--check')) {
  if (readFileSync(out, 'utf8') !== text) {
    console.error('src/kernels/wasmBinary.ts is stale: run npm run build:wasm');
    process.exit(1);
  }
  console.log('src/kernels/wasmBinary.ts is up to date');
} else {
  writeFileSync(out, text);
  console.log(`wrote src/kernels/wasmBinary.ts`);
}
