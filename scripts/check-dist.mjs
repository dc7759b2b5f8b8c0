// Fails when the shipped bundle contains dynamic code (global eval or new Function), which a strict
// Content-Security-Policy forbids. Method definitions such as Module.eval() are not global eval calls.
// Usage: node scripts/check-dist.mjs <dist folder>
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2] ?? 'dist';
const bad = /(?<![.\w])eval\s*\((?!\)\s*\{)|new\s+Function\s*\(/;
let found = 0;
for (const f of readdirSync(dir).filter((n) => /\.(c?js)$/.test(n))) {
  readFileSync(join(dir, f), 'utf8').split('\n').forEach((line, i) => {
    if (bad.test(line)) {
      console.error(`${f}:${i + 1}: dynamic code: ${line.trim()}`);
      found++;
    }
  });
}
if (found > 0) process.exit(1);
console.log(`no eval / new Function in ${dir}`);
