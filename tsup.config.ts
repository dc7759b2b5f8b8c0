import { readFileSync, writeFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

/**
 * esbuild names a class that refers to itself inside its body `_Name` in a bundle
 * (`var Tensor = class _Tensor { … new _Tensor(…) … }`), so `Tensor.name`, `console.log(t)` and
 * error messages would say `_Tensor`. esbuild's `keepNames` restores names with top-level
 * `__name(fn, "fn")` calls, which bundlers must keep as side effects: with it, `import { relu }`
 * bundled every loss, matmul and I/O function (measured by scripts/check-package.mjs). Instead, the
 * class's own inner binding is renamed back to its name, padded with a space so every column (and
 * so the source map) stays the same: `class  Tensor { … new  Tensor(…) … }`. The inner binding and
 * the top-level `var Tensor` hold the same class, so the code means the same. scripts/check-dist.mjs
 * checks every exported class and function of the packed build is named as it is exported.
 */
function restoreClassNames(file: string): void {
  let code = readFileSync(file, 'utf8');
  const names = new Set([...code.matchAll(/\bclass _([A-Za-z]\w*)\b/g)].map((m) => m[1]));
  for (const name of names) {
    if (!new RegExp(`^var ${name} = `, 'm').test(code)) {
      throw new Error(`restoreClassNames: ${file} has class _${name} but no top-level var ${name}; the rename would be unsafe`);
    }
    code = code.replace(new RegExp(`(?<![.\\w$'"\`])_${name}(?![\\w$])`, 'g'), ` ${name}`);
  }
  if (/\bclass _[A-Za-z]/.test(code)) throw new Error(`restoreClassNames: ${file} still has a renamed class`);
  writeFileSync(file, code);
}

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  treeshake: true,
  target: 'es2020',
  splitting: false,
  async onSuccess() {
    for (const f of ['dist/index.js', 'dist/index.cjs']) restoreClassNames(f);
  },
});
