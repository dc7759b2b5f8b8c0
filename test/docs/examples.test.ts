// Runs every ```ts run block in README.md and docs/*.md against the source, so no documented
// example goes stale. Each block is written to test/docs/generated/ with `from 'nabla'` pointing at
// src/index.ts, then imported; a block passes when it runs without throwing.
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const outDir = fileURLToPath(new URL('./generated/', import.meta.url));
mkdirSync(outDir, { recursive: true });
const files = ['README.md', ...readdirSync(`${root}docs`).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

const blocks: { file: string; index: number; code: string }[] = [];
for (const file of files) {
  const text = readFileSync(`${root}${file}`, 'utf8');
  const re = /```ts run\n([\s\S]*?)```/g;
  let m: RegExpExecArray | null;
  let index = 0;
  while ((m = re.exec(text)) !== null) blocks.push({ file, index: index++, code: m[1] });
}

describe('documented examples run', () => {
  it('there are runnable examples', () => expect(blocks.length).toBeGreaterThanOrEqual(5));
  for (const b of blocks) {
    it(`${b.file} example ${b.index + 1}`, async () => {
      const src = b.code.replace(/from 'nabla'/g, `from '${root}src/index.js'`);
      const path = `${outDir}${b.file.replace(/[/.]/g, '_')}_${b.index}.ts`;
      writeFileSync(path, `${src}\nexport {};\n`);
      await import(/* @vite-ignore */ path);
    });
  }
});
