// The links of the shipped markdown resolve inside the package. CI checks the packed tarball
// (scripts/check-package.mjs); this test checks the same rule against the package.json `files`
// selection, so a link to something that is not shipped (examples/, src/) fails `npm test` at once.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkLinks } from '../../scripts/markdown-links.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** What `npm pack` ships, from package.json `files` (folders listed recursively) and npm's always-included files; dist/ as the build makes it. */
function shippedFiles(): string[] {
  const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { files: string[] };
  const out = ['package.json', 'README.md', 'LICENSE', 'dist/index.js', 'dist/index.cjs', 'dist/index.d.ts', 'dist/index.d.cts'];
  const walk = (rel: string) => {
    for (const e of readdirSync(`${root}${rel}`, { withFileTypes: true })) {
      const p = `${rel}/${e.name}`;
      if (e.isDirectory()) walk(p);
      else out.push(p);
    }
  };
  for (const f of pkg.files) {
    if (f === 'dist') continue;
    expect(existsSync(`${root}${f}`), `package.json files lists ${f}`).toBe(true);
    if (f.includes('.')) out.push(f);
    else walk(f);
  }
  return out;
}

describe('links in the shipped markdown', () => {
  it('every relative link of README.md and docs/ resolves inside the package', () => {
    const files = shippedFiles();
    expect(files).toContain('docs/index.md');
    const r = checkLinks(files, (p) => readFileSync(`${root}${p}`, 'utf8'));
    expect(r.problems).toEqual([]);
    expect(r.count).toBeGreaterThan(40);
  });

  it('finds missing files, links out of the package, and missing anchors; skips code and absolute links', () => {
    const pages: Record<string, string> = {
      'README.md': [
        '[a](docs/a.md) [b](docs/missing.md) ![img](docs/pic.svg) [ex](examples/run.mjs) [web](https://example.com/x.md)',
        '`[not a link](nowhere.md)`',
        '```ts',
        '// [in code](nowhere.md)',
        '```',
        '[anchor](docs/a.md#coming-from-keras--tfjs) [bad anchor](docs/a.md#nope) [dir](docs/)',
      ].join('\n'),
      'docs/a.md': '# A\n## Coming from Keras / TF.js\n[up](../README.md) [out](../../x.md) [self](#a)',
    };
    const r = checkLinks(['README.md', 'docs/a.md', 'docs/pic.svg'], (p) => pages[p]);
    expect(r.problems).toEqual([
      'README.md: link docs/missing.md points to docs/missing.md, which the tarball does not contain',
      'README.md: link examples/run.mjs points to examples/run.mjs, which the tarball does not contain',
      'README.md: link docs/a.md#nope: docs/a.md has no heading #nope',
      'docs/a.md: link ../../x.md points to ../x.md, which the tarball does not contain',
    ]);
    expect(r.count).toBe(10);
  });
});
