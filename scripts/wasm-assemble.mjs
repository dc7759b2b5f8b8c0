// Shared by scripts/build-wasm.mjs and test/kernels/backend.test.ts: .wat text → wasm bytes → TS module.
//
// Two source-to-source steps run before wabt assembles the text, both mechanical and both leaving
// every arithmetic operation as written:
// 1. Functions marked `;;@inline` (expression bodies, no locals) are expanded at each
//    `(call $name …)`: V8 (Node 20) does not inline small WebAssembly functions, and a call per
//    pair of lanes costs more than the helper itself.
// 2. Non-zero `(v128.const …)` operands become loads from a constant pool written by a data
//    segment at CONST_POOL: V8 materializes each 128-bit immediate with several instructions on
//    every use, a load is one.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import wabtInit from 'wabt';

export const WAT_PATH = fileURLToPath(new URL('../src/kernels/kernels.wat', import.meta.url));
/** Byte offset of the constant pool: the top 8 KiB of the module's 40 pages (above every window; see backend.ts). */
export const CONST_POOL = 40 * 65536 - 8192;

/** Index just past the s-expression that opens at text[start] === '('. */
function sexpEnd(text, start) {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === ';' && text[i + 1] === ';') {
      i = text.indexOf('\n', i);
      if (i < 0) break;
      continue;
    }
    if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i + 1;
  }
  throw new Error(`unbalanced parentheses from offset ${start}`);
}

/** Splits "a (b c) (d)" into top-level items. */
function items(text) {
  const out = [];
  let i = 0;
  while (i < text.length) {
    if (/\s/.test(text[i])) {
      i++;
      continue;
    }
    if (text[i] === '(') {
      const e = sexpEnd(text, i);
      out.push(text.slice(i, e));
      i = e;
    } else {
      let e = i;
      while (e < text.length && !/[\s()]/.test(text[e])) e++;
      out.push(text.slice(i, e));
      i = e;
    }
  }
  return out;
}

function inlineHelpers(text) {
  // Collect and remove the helpers.
  const helpers = new Map();
  for (;;) {
    const mark = text.indexOf(';;@inline');
    if (mark < 0) break;
    const start = text.indexOf('(func', mark);
    const end = sexpEnd(text, start);
    const parts = items(text.slice(start + 1, end - 1));
    const name = parts[1];
    const params = parts.filter((p) => p.startsWith('(param')).map((p) => p.match(/\(param (\$\w+)/)[1]);
    const locals = parts.filter((p) => p.startsWith('(local ')).map((p) => p.match(/\(local (\$\w+)/)[1]);
    const body = parts.filter((p, i) => i > 1 && !/^\((param|result|local) /.test(p));
    helpers.set(name, { params, locals, body });
    text = text.slice(0, mark) + text.slice(end);
  }
  // Expand calls, innermost helpers included, one function at a time: each expansion binds the
  // arguments to fresh locals of the caller and evaluates the helper's body in a block.
  let counter = 0;
  const expandFunc = (func) => {
    const declared = [];
    for (let guard = 0; guard < 1000; guard++) {
      let found = null;
      for (const name of helpers.keys()) {
        const at = func.indexOf(`(call ${name} `);
        if (at >= 0 && (found === null || at < found.at)) found = { at, name };
      }
      if (found === null) break;
      const { params, locals, body } = helpers.get(found.name);
      const end = sexpEnd(func, found.at);
      const args = items(func.slice(found.at + `(call ${found.name} `.length, end - 1));
      const tag = `$__${found.name.slice(1)}${counter++}_`;
      const rename = (t) => [...params, ...locals].reduce((acc, v) => acc.replace(new RegExp(`\\${v}(?![\\w])`, 'g'), tag + v.slice(1)), t);
      for (const v of [...params, ...locals]) declared.push(`(local ${tag}${v.slice(1)} v128)`);
      const binds = params.map((p, i) => `(local.set ${tag}${p.slice(1)} ${args[i]})`);
      const expanded = `(block (result v128) ${binds.join(' ')} ${body.map(rename).join(' ')})`;
      func = func.slice(0, found.at) + expanded + func.slice(end);
    }
    if (declared.length === 0) return func;
    // Declare the new locals after the function's header (export, params, result, locals).
    const parts = items(func.slice(1, -1));
    let insertAfter = 1;
    parts.forEach((p, i) => {
      if (i > 1 && /^\((export|param|result|local) /.test(p)) insertAfter = i;
    });
    const header = parts.slice(0, insertAfter + 1);
    return `(${[...header, ...declared, ...parts.slice(insertAfter + 1)].join('\n    ')})`;
  };
  let out = '';
  let i = 0;
  for (;;) {
    const at = text.indexOf('(func', i);
    if (at < 0) break;
    const end = sexpEnd(text, at);
    out += text.slice(i, at) + expandFunc(text.slice(at, end));
    i = end;
  }
  return out + text.slice(i);
}

function hexFloat(s) {
  const m = /^(-?)0x([0-9a-f]+)(?:\.([0-9a-f]*))?p([+-]?\d+)$/i.exec(s);
  if (!m) throw new Error(`bad float literal ${s}`);
  const frac = m[3] ?? '';
  const mant = BigInt(`0x${m[2]}${frac}`);
  if (mant >= 1n << 53n) throw new Error(`hex float ${s} has more than 53 bits`);
  const v = Number(mant) * 2 ** (Number(m[4]) - 4 * frac.length);
  return m[1] ? -v : v;
}

function lanes(kind, a, b) {
  const buf = new DataView(new ArrayBuffer(16));
  [a, b].forEach((lit, i) => {
    if (kind === 'i64x2') buf.setBigInt64(i * 8, BigInt.asIntN(64, BigInt(lit)), true);
    else if (lit === 'nan') buf.setBigUint64(i * 8, 0x7ff8000000000000n, true);
    else if (lit === 'inf' || lit === '-inf') buf.setFloat64(i * 8, lit === 'inf' ? Infinity : -Infinity, true);
    else buf.setFloat64(i * 8, /0x/i.test(lit) ? hexFloat(lit) : Number(lit), true);
  });
  return new Uint8Array(buf.buffer);
}

function poolConstants(text) {
  const pool = [];
  const index = new Map();
  text = text.replace(/\(v128\.const (f64x2|i64x2) ([^\s()]+) ([^\s()]+)\)/g, (whole, kind, a, b) => {
    const bytes = lanes(kind, a, b);
    if (bytes.every((x) => x === 0)) return whole; // zero is a cheap register clear
    const key = Array.from(bytes).join(',');
    if (!index.has(key)) {
      index.set(key, pool.length);
      pool.push(bytes);
    }
    return `(v128.load offset=${CONST_POOL + 16 * index.get(key)} (i32.const 0))`;
  });
  if (pool.length * 16 > 8192) throw new Error(`constant pool of ${pool.length * 16} bytes exceeds 8 KiB`);
  const data = pool.map((b) => Array.from(b, (x) => `\\${x.toString(16).padStart(2, '0')}`).join('')).join('');
  const close = text.lastIndexOf(')');
  return `${text.slice(0, close)}  (data (i32.const ${CONST_POOL}) "${data}")\n)\n`;
}

/** The .wat text after the two transformations above (what wabt assembles). */
export function preprocessKernels(text = readFileSync(WAT_PATH, 'utf8')) {
  const code = text.replace(/;;(?!@inline).*$/gm, ''); // comments out (they may hold parentheses)
  return poolConstants(inlineHelpers(code));
}

/** Assembles kernels.wat with SIMD enabled (and nothing else: no relaxed SIMD, no threads). */
export async function assembleKernels() {
  const wabt = await wabtInit();
  const mod = wabt.parseWat('kernels.wat', preprocessKernels(), { simd: true, relaxed_simd: false });
  try {
    mod.validate();
    return mod.toBinary({ log: false, write_debug_names: false }).buffer;
  } finally {
    mod.destroy();
  }
}

/** The generated TypeScript module for the given bytes. */
export function renderBinaryModule(bytes) {
  const b64 = Buffer.from(bytes).toString('base64');
  // One literal (not a concatenation), so that bundlers see a plain constant.
  return (
    '// Generated by scripts/build-wasm.mjs from src/kernels/kernels.wat — do not edit.\n' +
    `// ${bytes.length} bytes of WebAssembly (SIMD128), base64.\n` +
    '/** @internal */\n' +
    `export const WASM_BASE64 =\n  '${b64}';\n`
  );
}
