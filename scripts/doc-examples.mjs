// The TypeScript examples of README.md and docs/*.md, as files the compiler and the test suite read.
//
// Every fenced block whose language is TypeScript must be one of:
//   ```ts run     typechecked, then run by test/docs/examples.test.ts (it passes when it does not throw);
//   ```ts throws  typechecked, then run: it must throw, and a `// <Name>: <message>` comment line in
//                 the block, when there is one, is the exact error it must throw;
//   ```ts         typechecked only (a fragment that needs your data: it declares its inputs with
//                 `declare const x: Tensor;`, so it compiles as written).
// JavaScript fences (js, mjs, javascript) and other spellings of TypeScript are rejected, so no
// example escapes the checks; signatures and output go in ```text.
//
// `node scripts/doc-examples.mjs` writes one module per block to test/docs/generated/ (git-ignored),
// with `from 'nabla'` pointing at src/index.ts and each line at its line number in the markdown
// (so a compiler error's line is the markdown's). `npm run typecheck` runs it before `tsc --noEmit`,
// which checks them under the project's strict settings.
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
export const generatedDir = `${root}test/docs/generated/`;

const KINDS = { ts: 'check', 'ts run': 'run', 'ts throws': 'throws' };
const SCRIPT_LANGS = /^(ts|tsx|typescript|js|jsx|mjs|cjs|javascript)\b/i;

/** The markdown files whose examples are checked. */
export function exampleFiles() {
  return ['README.md', ...readdirSync(`${root}docs`).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];
}

/**
 * The TypeScript blocks of one markdown text: `{ file, index, line (of the first code line, from 1),
 * kind, code, path }`. Throws on a fence that looks like script but is not one of the three kinds,
 * or that is not closed.
 */
export function parseExamples(file, text) {
  const blocks = [];
  const lines = text.split('\n');
  let index = 0;
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(.*)$/.exec(lines[i]);
    if (open === null) continue;
    const info = open[1].trim().replace(/\s+/g, ' ');
    let end = i + 1;
    while (end < lines.length && !/^```\s*$/.test(lines[end])) end++;
    if (end === lines.length) throw new Error(`${file}:${i + 1}: code fence is not closed`);
    if (Object.hasOwn(KINDS, info)) {
      const name = `${file.replace(/[/.]/g, '_')}_${index}`;
      blocks.push({ file, index: index++, line: i + 2, kind: KINDS[info], code: lines.slice(i + 1, end).join('\n'), path: `${generatedDir}${name}.ts` });
    } else if (SCRIPT_LANGS.test(info)) {
      throw new Error(`${file}:${i + 1}: fence \`\`\`${info} is not checked (use \`\`\`ts run, \`\`\`ts throws or \`\`\`ts; signatures go in \`\`\`text)`);
    }
    i = end;
  }
  return blocks;
}

/** Every TypeScript block of README.md and docs/*.md. */
export function collectExamples() {
  return exampleFiles().flatMap((file) => parseExamples(file, readFileSync(`${root}${file}`, 'utf8')));
}

/** The module written for a block: imports of 'nabla' point at the source; lines keep their markdown numbers. */
export function moduleSource(block) {
  const header = `// Generated from ${block.file} by scripts/doc-examples.mjs: edit the markdown, not this file.`;
  const code = block.code.replace(/from 'nabla'/g, "from '../../../src/index.js'");
  return `${header}${'\n'.repeat(block.line - 1)}${code}\nexport {};\n`;
}

/** Writes every block's module to test/docs/generated/ (replacing what was there); returns the blocks. */
export function writeExamples() {
  const blocks = collectExamples();
  rmSync(generatedDir, { recursive: true, force: true });
  mkdirSync(generatedDir, { recursive: true });
  for (const b of blocks) writeFileSync(b.path, moduleSource(b));
  return blocks;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const blocks = writeExamples();
  const count = (k) => blocks.filter((b) => b.kind === k).length;
  console.log(`doc examples: ${blocks.length} TypeScript blocks (${count('run')} run, ${count('throws')} throw, ${count('check')} typecheck only) → test/docs/generated/`);
}
