// Runs the examples of README.md and docs/*.md against the source, so no documented example goes
// stale: ```ts run blocks must run without throwing, ```ts throws blocks must throw (the error their
// `// Name: message` comment shows, when they have one). Every block, ```ts fragments included, is
// also typechecked under strict by `npm run typecheck` (see scripts/doc-examples.mjs, which writes
// the modules both read).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { moduleSource, parseExamples, writeExamples } from '../../scripts/doc-examples.mjs';

const blocks = writeExamples();

describe('documented examples', () => {
  it('are found in README.md and docs/, and the typecheck covers them', () => {
    expect(blocks.filter((b) => b.kind === 'run').length).toBeGreaterThanOrEqual(20);
    expect(blocks.some((b) => b.file === 'README.md' && b.kind === 'run')).toBe(true);
    // `npm run typecheck` writes the modules, then tsc checks them: nothing may exclude them.
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    expect(pkg.scripts.typecheck).toMatch(/^node scripts\/doc-examples\.mjs && tsc --noEmit$/);
    const tsconfig = JSON.parse(readFileSync(new URL('../../tsconfig.json', import.meta.url), 'utf8'));
    expect(tsconfig.include).toContain('test');
    expect(JSON.stringify(tsconfig.exclude ?? [])).not.toMatch(/test\/docs|generated/);
  });

  it('are parsed strictly: every script fence is checked, line numbers are kept', () => {
    const md = ['# t', '', '```ts run', "import { relu } from 'nabla';", 'relu(1);', '```', '```text', 'x', '```', '```ts', 'declare const a: number;', '```'].join('\n');
    const found = parseExamples('docs/t.md', md);
    expect(found.map((b) => [b.kind, b.line, b.index])).toEqual([['run', 4, 0], ['check', 11, 1]]);
    const src = moduleSource(found[0]).split('\n');
    expect(src[3]).toBe("import { relu } from '../../../src/index.js';");   // line 4, as in the markdown
    expect(() => parseExamples('docs/t.md', '```js\nlet a = 1;\n```')).toThrow('docs/t.md:1: fence ```js is not checked');
    expect(() => parseExamples('docs/t.md', '```typescript\nlet a = 1;\n```')).toThrow('is not checked');
    expect(() => parseExamples('docs/t.md', '```ts  run\nlet a = 1;\n```')).not.toThrow(); // spacing is trimmed…
    expect(() => parseExamples('docs/t.md', '```ts runs\nlet a = 1;\n```')).toThrow('is not checked'); // …a misspelling is not
    expect(() => parseExamples('docs/t.md', '```ts\nlet a = 1;\n')).toThrow('docs/t.md:1: code fence is not closed');
  });

  for (const b of blocks.filter((x) => x.kind !== 'check')) {
    it(`${b.file}:${b.line} (example ${b.index + 1}) ${b.kind === 'run' ? 'runs' : 'throws'}`, async () => {
      const run = import(/* @vite-ignore */ b.path);
      if (b.kind === 'run') {
        await run;
        return;
      }
      let error: unknown = null;
      await run.catch((e: unknown) => {
        error = e;
      });
      expect(error, 'the example should throw').toBeInstanceOf(Error);
      const shown = /^\s*\/\/\s*(\w*Error): (.*)$/m.exec(b.code);
      if (shown !== null) expect(`${(error as Error).name}: ${(error as Error).message}`).toBe(`${shown[1]}: ${shown[2]}`);
    });
  }
});
