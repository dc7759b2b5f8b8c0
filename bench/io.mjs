// Interchange, each against a baseline in the same run: the strict safetensors header parser
// against JSON.parse of the same text; readSafetensors on header-heavy files against JSON.parse of
// the header from the file's bytes (the least any reader must do: decode the UTF-8, parse it); and
// readNpz (pure-JS inflate, CRC, decode) against Node's native zlib inflating the same stream.
// Run alone: npm run build && node --expose-gc bench/run.mjs io.mjs
import { build } from 'esbuild';
import { crc32, deflateRawSync, inflateRawSync } from 'node:zlib';
import { readNpz, readSafetensors, tensor, writeSafetensors } from '../dist/index.js';
import { measurePair } from './harness.mjs';

/** The internal parser, bundled from source (it is not exported; readSafetensors is measured below too). */
async function loadParser() {
  const out = await build({ entryPoints: [new URL('../src/io/json.ts', import.meta.url).pathname], bundle: true, write: false, format: 'esm', logLevel: 'error' });
  const url = `data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString('base64')}`;
  return (await import(url)).parseStrictJson;
}
const parseStrictJson = await loadParser();

const enc = new TextEncoder();

/** JSON.parse of a safetensors file's header, from its bytes: the baseline. */
function parseHeaderOnly(file) {
  const n = Number(new DataView(file.buffer, file.byteOffset).getBigUint64(0, true));
  return JSON.parse(new TextDecoder().decode(file.subarray(8, 8 + n)));
}

/** ~10 MB of header: n tensor entries as a model's would read (one element each, to keep the data small). */
function entriesFile(n) {
  const tensors = {};
  const one = tensor([[0.5]]);
  for (let i = 0; i < n; i++) tensors[`model.layers.${i}.self_attn.q_proj.weight`] = one;
  return writeSafetensors(tensors);
}

/** A zip of one deflated member, by the zip format (local header, central directory, end record). */
function deflatedZip(name, content) {
  const raw = deflateRawSync(content);
  const nm = enc.encode(name);
  const out = new Uint8Array(30 + nm.length + raw.length + 46 + nm.length + 22);
  const v = new DataView(out.buffer);
  const crc = crc32(content);
  v.setUint32(0, 0x04034b50, true);
  v.setUint16(8, 8, true);
  v.setUint32(14, crc, true);
  v.setUint32(18, raw.length, true);
  v.setUint32(22, content.length, true);
  v.setUint16(26, nm.length, true);
  out.set(nm, 30);
  out.set(raw, 30 + nm.length);
  const cd = 30 + nm.length + raw.length;
  v.setUint32(cd, 0x02014b50, true);
  v.setUint16(cd + 10, 8, true);
  v.setUint32(cd + 16, crc, true);
  v.setUint32(cd + 20, raw.length, true);
  v.setUint32(cd + 24, content.length, true);
  v.setUint16(cd + 28, nm.length, true);
  out.set(nm, cd + 46);
  const end = cd + 46 + nm.length;
  v.setUint32(end, 0x06054b50, true);
  v.setUint16(end + 8, 1, true);
  v.setUint16(end + 10, 1, true);
  v.setUint32(end + 12, 46 + nm.length, true);
  v.setUint32(end + 16, cd, true);
  return { zip: out, raw };
}

/** A .npy file of n float64 values rounded to 2 decimals (compressible, as real data often is). */
function npyVector(n) {
  let header = `{'descr': '<f8', 'fortran_order': False, 'shape': (${n},), }`;
  header += ' '.repeat(117 - header.length) + '\n';
  const out = new Uint8Array(10 + header.length + n * 8);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  const v = new DataView(out.buffer);
  v.setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  let s = 1;
  for (let i = 0; i < n; i++) {
    s = (s * 16807) % 2147483647;
    v.setFloat64(10 + header.length + i * 8, Math.round((s / 2147483647 - 0.5) * 400) / 100, true);
  }
  return out;
}

export default function run() {
  const rows = [];
  const mb = (f) => `${(f.length / 1e6).toFixed(1)} MB`;
  const entries = entriesFile(110_000);
  const meta = {};
  for (let i = 0; i < 300_000; i++) meta[`key.${i}`] = `value number ${i}, a short description`;
  const metadata = writeSafetensors({}, { metadata: meta });
  const escaped = writeSafetensors({}, { metadata: { note: 'é\n"\\\u0001ü'.repeat(1_500_000) } });
  const opts = { runs: 9, warmup: 2 };
  for (const [label, file] of [['metadata strings', metadata], ['tensor entries', entries], ['escape-heavy string', escaped]]) {
    const n = Number(new DataView(file.buffer, file.byteOffset).getBigUint64(0, true));
    const text = new TextDecoder().decode(file.subarray(8, 8 + n));
    const [ours, base] = measurePair(() => parseStrictJson('bench', 'the header', text), () => JSON.parse(text), opts);
    rows.push({ workload: `strict header parser, ${mb(file)} of ${label}`, ours, baselineName: 'JSON.parse', base });
  }
  for (const [label, file] of [['metadata strings', metadata], ['tensor entries', entries], ['escape-heavy string', escaped]]) {
    const [ours, base] = measurePair(() => readSafetensors(file, { maxBytes: Infinity }), () => parseHeaderOnly(file), opts);
    const note = label === 'tensor entries' ? 'validates and creates 110,000 tensors; the parser alone is the row above' : '';
    rows.push({ workload: `readSafetensors, ${mb(file)} header of ${label}`, ours, baselineName: 'JSON.parse of the header', base, note });
  }
  const { zip, raw } = deflatedZip('v.npy', npyVector(4_000_000));
  const [ours, base] = measurePair(() => (readNpz(zip), 0), () => inflateRawSync(raw), opts);
  rows.push({ workload: `readNpz, 32 MB f8 member (${mb(zip)} deflated)`, ours, baselineName: 'zlib.inflateRawSync (native)', base, note: 'readNpz also CRC-checks and decodes to float64; async, but its work is synchronous and timed whole' });
  return { title: 'interchange (strict header parsing, pure-JS inflate)', rows };
}
