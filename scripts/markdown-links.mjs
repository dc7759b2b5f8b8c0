// Relative links in markdown, checked against a list of files (the packed tarball's, in
// scripts/check-package.mjs; the package.json `files` selection, in test/docs/links.test.ts).
import { posix } from 'node:path';

/**
 * Every relative link `[text](target)` and image `![alt](target)` in the listed markdown must name a
 * listed file (or folder), and a `#fragment` a heading of the target page (GitHub's anchors).
 * Links with a scheme (https:, mailto:) and anything inside code are not checked.
 * @param {string[]} shipped paths relative to the package root, with `/`
 * @param {(path: string) => string} read the text of a listed markdown file
 * @returns {{ problems: string[], count: number, pages: number }}
 */
export function checkLinks(shipped, read) {
  const set = new Set(shipped);
  const pages = shipped.filter((p) => p.endsWith('.md'));
  const problems = [];
  let count = 0;
  const anchorsOf = new Map();
  const anchors = (page) => {
    if (!anchorsOf.has(page)) {
      const seen = new Map();
      const out = new Set();
      for (const line of stripCode(read(page)).split('\n')) {
        const h = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
        if (h === null) continue;
        const base = h[1].replace(/`/g, '').toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
        const n = seen.get(base) ?? 0;
        seen.set(base, n + 1);
        out.add(n === 0 ? base : `${base}-${n}`);
      }
      anchorsOf.set(page, out);
    }
    return anchorsOf.get(page);
  };
  for (const page of pages) {
    const text = stripCode(read(page));
    for (const m of text.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      const target = m[1];
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
      count++;
      const [pathPart, fragment] = target.split('#');
      const resolved = pathPart === '' ? page : posix.normalize(posix.join(posix.dirname(page), decodeURIComponent(pathPart)));
      const isFile = set.has(resolved);
      const isDir = !isFile && shipped.some((f) => f.startsWith(`${resolved.replace(/\/$/, '')}/`));
      if (resolved.startsWith('..') || (!isFile && !isDir)) {
        problems.push(`${page}: link ${target} points to ${resolved}, which the tarball does not contain`);
      } else if (fragment !== undefined && isFile && resolved.endsWith('.md') && !anchors(resolved).has(fragment)) {
        problems.push(`${page}: link ${target}: ${resolved} has no heading #${fragment}`);
      }
    }
  }
  return { problems, count, pages: pages.length };
}

/** Markdown without fenced blocks and inline code, where link syntax is not a link. */
function stripCode(text) {
  return text.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
}
