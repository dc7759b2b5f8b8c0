// Checks of the shipped bundle, run by .ci/run on the packed and installed package:
//  1. no dynamic code (global eval or new Function), which a strict Content-Security-Policy forbids;
//  2. names survive bundling, in the ESM and the CJS build: every exported class and function is
//     named as it is exported (`Tensor.name === 'Tensor'`, not esbuild's `_Tensor`), so messages,
//     stack traces and console.log show the right names — see restoreClassNames in tsup.config.ts;
//     error messages name the layer and the class of a wrong argument.
// Usage: node scripts/check-dist.mjs <dist folder>
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { inspect } from 'node:util';

const dir = resolve(process.argv[2] ?? 'dist');
// A global eval call with an argument (`eval()` with none evaluates nothing: a method definition, or
// "call eval()" in a message), an indirect (0, eval), or new Function.
const bad = /(?<![.\w])eval\s*\(\s*[^\s)]|\(\s*0\s*,\s*eval\s*\)|new\s+Function\s*\(/;
const problems = [];
for (const f of readdirSync(dir).filter((n) => /\.(c?js)$/.test(n))) {
  readFileSync(join(dir, f), 'utf8').split('\n').forEach((line, i) => {
    if (bad.test(line)) problems.push(`${f}:${i + 1}: dynamic code: ${line.trim()}`);
    if (/\bclass _[A-Za-z]/.test(line)) problems.push(`${f}:${i + 1}: a class renamed by the bundler: ${line.trim()}`);
  });
}

const messageOf = (f) => {
  try {
    f();
  } catch (e) {
    return String(e.message);
  }
  return '(no error)';
};

function checkNames(label, n) {
  let exported = 0;
  for (const [key, v] of Object.entries(n)) {
    if (typeof v !== 'function') continue;
    exported++;
    if (v.name !== key) problems.push(`${label}: export ${key} is named ${JSON.stringify(v.name)}`);
  }
  const t = new n.Tensor(new Float64Array([1, 2]), [2]);
  if (t.constructor.name !== 'Tensor') problems.push(`${label}: new Tensor(…).constructor.name is ${t.constructor.name}`);
  if (!inspect(t).startsWith('Tensor ')) problems.push(`${label}: console.log shows ${inspect(t).slice(0, 30)}…`);
  if (!inspect(n.reshape(t, [2, 1])).startsWith('Tensor ')) problems.push(`${label}: a reshaped tensor shows as ${inspect(n.reshape(t, [2, 1])).slice(0, 30)}…`);
  // A wrong argument is described by its class.
  const m1 = messageOf(() => new n.SGD([t], { lr: t }));
  if (!m1.includes('got a Tensor')) problems.push(`${label}: a Tensor given as lr is described as: ${m1}`);
  // A ModuleBase subclass's own errors name it, and Sequential names the layer.
  class Doubler extends n.ModuleBase {
    forward(x) {
      return n.mul(x, 2);
    }
  }
  const m2 = messageOf(() => new Doubler().backward([1]));
  if (!m2.startsWith('Doubler.backward: ')) problems.push(`${label}: a ModuleBase subclass's error reads: ${m2}`);
  const m3 = messageOf(() => new n.Sequential(new n.ReLU(), new n.Linear(3, 2)).forward([[1, 2]]));
  if (!/^Sequential\[1\] Linear\.forward: /.test(m3)) problems.push(`${label}: an error inside a Sequential reads: ${m3}`);
  return exported;
}

const esm = await import(pathToFileURL(join(dir, 'index.js')).href);
const cjs = createRequire(import.meta.url)(join(dir, 'index.cjs'));
const counts = [checkNames('ESM', esm), checkNames('CJS', cjs)];
if (problems.length > 0) {
  console.error(`check-dist failed:\n- ${problems.join('\n- ')}`);
  process.exit(1);
}
console.log(`${dir}: no eval / new Function; ${counts[0]} exported classes and functions named as exported in ESM and CJS; error messages name classes and layers`);
