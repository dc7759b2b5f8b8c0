import { ValueError, describe, formatShape } from '../errors.js';
import { Tensor, asTensor, type TensorLike } from '../tensor/tensor.js';
import { checkChoice, checkOptions } from '../validate.js';
import { toBytes, utf8Text, viewOf } from './bytes.js';
import { decodeValues, type Dtype } from './dtype.js';
import { FORBIDDEN, parseStrictJson } from './json.js';
import { MAX_RANK, SizeBudget, readMaxBytes, type ReadOptions } from './limits.js';

/** Largest header accepted (the reference implementation's limit). */
const MAX_HEADER = 100_000_000;

/** The dtypes safetensors names, as the shared decoder describes them (all little-endian). */
const DTYPES: Readonly<Record<string, Dtype>> = {
  F64: { kind: 'f', size: 8, little: true }, F32: { kind: 'f', size: 4, little: true }, F16: { kind: 'f', size: 2, little: true },
  BF16: { kind: 'bf', size: 2, little: true },
  I64: { kind: 'i', size: 8, little: true }, I32: { kind: 'i', size: 4, little: true }, I16: { kind: 'i', size: 2, little: true }, I8: { kind: 'i', size: 1, little: true },
  U64: { kind: 'u', size: 8, little: true }, U32: { kind: 'u', size: 4, little: true }, U16: { kind: 'u', size: 2, little: true }, U8: { kind: 'u', size: 1, little: true },
  BOOL: { kind: 'b', size: 1, little: true },
};

/** A safetensors file's contents: float64 tensors by name and the string metadata. */
export interface SafetensorsContents {
  tensors: Record<string, Tensor>;
  metadata: Record<string, string>;
}

/**
 * Reads a safetensors file (Hugging Face's format: an 8-byte little-endian header length, a JSON
 * header `{ name: { dtype, shape, data_offsets }, __metadata__?: { … } }`, then the raw data) into
 * float64 Tensors by name.
 *
 * Dtypes: F64, F32, F16, BF16, I64, I32, I16, I8, U64, U32, U16, U8, BOOL (64-bit integers beyond
 * ±2⁵³ are an error). The input is treated as untrusted: the header length is capped at 100 MB, the
 * JSON is parsed strictly (duplicate and `__proto__`-style keys rejected), every tensor's byte range
 * must match its shape and dtype, lie inside the data, not overlap another, and together the tensors
 * must cover the data exactly; the tensors must fit `options.maxBytes` (default 1 GiB of float64,
 * `Infinity` for none) — all checked before any tensor is allocated.
 * @example const { tensors, metadata } = readSafetensors(bytes);
 */
export function readSafetensors(bytes: Uint8Array | ArrayBuffer, options?: ReadOptions): SafetensorsContents {
  const fn = 'readSafetensors';
  const b = toBytes(fn, bytes);
  const budget = new SizeBudget(fn, readMaxBytes(fn, options));
  const { header, dataStart } = readHeader(fn, b);
  const dataLen = b.length - dataStart;
  const { metadata, plan } = planTensors(fn, header, dataLen);
  checkCoverage(fn, plan, dataLen);
  for (const p of plan) budget.take(() => tensorLabel(p.name), p.shape);
  const tensors: Record<string, Tensor> = Object.create(null);
  for (const p of plan) {
    const data = decodeValues(fn, () => tensorLabel(p.name), b, dataStart + p.begin, p.count, p.dtype);
    tensors[p.name] = new Tensor(data, p.shape);
  }
  return { tensors, metadata };
}

/** One tensor as the header describes it, checked against the data present. */
interface PlannedTensor {
  name: string;
  dtype: Dtype;
  shape: number[];
  count: number;
  begin: number;
  end: number;
}

/** Step 1: the header length, capped, and the header, parsed strictly; where the data starts. */
function readHeader(fn: string, b: Uint8Array): { header: Record<string, unknown>; dataStart: number } {
  if (b.length < 8) throw new ValueError(fn, `the file has ${b.length} bytes, too short for the 8-byte header length`);
  const n64 = viewOf(b).getBigUint64(0, true);
  if (n64 > BigInt(MAX_HEADER)) throw new ValueError(fn, `the header length ${n64} exceeds the limit of ${MAX_HEADER} bytes`);
  const n = Number(n64);
  if (8 + n > b.length) throw new ValueError(fn, `the header needs ${n} bytes but only ${b.length - 8} follow the length`);
  const text = utf8Text(fn, 'the header', b.subarray(8, 8 + n));
  if (!text.startsWith('{')) throw new ValueError(fn, 'the header does not start with \'{\'');
  const header = parseStrictJson(fn, 'the header', text.trimEnd());
  if (!isObject(header)) throw new ValueError(fn, 'the header is not a JSON object');
  return { header, dataStart: 8 + n };
}

/**
 * Step 2: each entry checked on its own — keys, dtype, shape, data_offsets inside the data and
 * spanning exactly shape × dtype size — and `__metadata__` taken out.
 */
function planTensors(fn: string, header: Record<string, unknown>, dataLen: number): { metadata: Record<string, string>; plan: PlannedTensor[] } {
  let metadata: Record<string, string> = {};
  const plan: PlannedTensor[] = [];
  for (const name of Object.keys(header)) {
    const entry = header[name];
    if (name === '__metadata__') {
      if (!isObject(entry)) throw new ValueError(fn, '__metadata__ must be an object of strings');
      for (const k of Object.keys(entry)) {
        if (typeof entry[k] !== 'string') throw new ValueError(fn, `__metadata__.${k} is ${describe(entry[k])} (metadata values must be strings)`);
      }
      // The parser made this object and nothing else holds it: handed out as a plain object, not copied.
      metadata = Object.setPrototypeOf(entry, Object.prototype) as Record<string, string>;
      continue;
    }
    if (!isObject(entry)) throw new ValueError(fn, `${tensorLabel(name)} is not an object`);
    for (const k in entry) if (k !== 'dtype' && k !== 'shape' && k !== 'data_offsets') throw new ValueError(fn, `${tensorLabel(name)} has an unexpected key ${JSON.stringify(k)}`);
    const dtypeName = entry.dtype;
    if (typeof dtypeName !== 'string' || !(dtypeName in DTYPES)) throw new ValueError(fn, `${tensorLabel(name)} has dtype ${describe(dtypeName)} (supported: ${Object.keys(DTYPES).join(', ')})`);
    const dtype = DTYPES[dtypeName];
    const shape = entry.shape;
    if (!Array.isArray(shape) || shape.length > MAX_RANK || !allCounts(shape)) {
      throw new ValueError(fn, `${tensorLabel(name)} has shape ${describe(shape)} (expected an array of at most ${MAX_RANK} non-negative integers)`);
    }
    const off = entry.data_offsets;
    if (!Array.isArray(off) || off.length !== 2 || !allCounts(off)) {
      throw new ValueError(fn, `${tensorLabel(name)} has data_offsets ${describe(off)} (expected [begin, end])`);
    }
    const [begin, end] = off as number[];
    if (begin > end || end > dataLen) throw new ValueError(fn, `${tensorLabel(name)} has data_offsets [${begin}, ${end}] outside the ${dataLen} data bytes`);
    // The element count, stopped once it passes what the data could hold (so it cannot overflow).
    let count = (shape as number[]).includes(0) ? 0 : 1;
    for (const d of shape as number[]) if (count <= dataLen) count *= d;
    if (count * dtype.size !== end - begin) {
      throw new ValueError(fn, `${tensorLabel(name)} of shape ${formatShape(shape as number[])} and dtype ${dtypeName} needs ${count > dataLen ? 'more than the file holds' : `${count * dtype.size} bytes`}, but its data_offsets span ${end - begin}`);
    }
    plan.push({ name, dtype, shape: shape as number[], count, begin, end });
  }
  return { metadata, plan };
}

/** Step 3: the tensors' byte ranges tile the data exactly — no overlap, no gap, nothing after. */
function checkCoverage(fn: string, plan: PlannedTensor[], dataLen: number): void {
  const sorted = plan.slice().sort((a, c) => a.begin - c.begin || a.end - c.end);
  let cursor = 0;
  for (const p of sorted) {
    if (p.begin < cursor) throw new ValueError(fn, `${tensorLabel(p.name)} overlaps another tensor's data`);
    if (p.begin > cursor) throw new ValueError(fn, `the data has a gap of ${p.begin - cursor} bytes before ${tensorLabel(p.name)}`);
    cursor = p.end;
  }
  if (cursor !== dataLen) throw new ValueError(fn, `the tensors cover ${cursor} of the ${dataLen} data bytes (the file has trailing or missing data)`);
}

/** How messages name a tensor: `tensor "bias"` (built only when a message needs it). */
function tensorLabel(name: string): string {
  return `tensor ${JSON.stringify(name)}`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Whether every item is a non-negative safe integer (a dimension, an offset). */
function allCounts(a: unknown[]): boolean {
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) return false;
  }
  return true;
}

/** Options of {@link writeSafetensors}. */
export interface WriteSafetensorsOptions {
  /** String metadata, stored under `__metadata__`. */
  metadata?: Record<string, string>;
  /** Storage dtype: `'F64'` (default, exact) or `'F32'` (rounded, half the size). */
  dtype?: 'F64' | 'F32';
}

/**
 * Writes tensors as a safetensors file, in the given key order, header padded with spaces to a
 * multiple of 8 bytes (as the reference implementation does), data little-endian.
 * @example writeSafetensors({ weight: W, bias: b }, { metadata: { format: 'pt' } });
 */
export function writeSafetensors(tensors: Record<string, Tensor | TensorLike>, options?: WriteSafetensorsOptions): Uint8Array {
  const fn = 'writeSafetensors';
  const o = checkOptions<WriteSafetensorsOptions>(fn, options, ['metadata', 'dtype']);
  const dtype = checkChoice(fn, 'options.dtype', o.dtype ?? 'F64', ['F64', 'F32'] as const);
  if (tensors === null || typeof tensors !== 'object' || Array.isArray(tensors)) throw new ValueError(fn, `tensors must be an object of named tensors, got ${describe(tensors)}`);
  const size = dtype === 'F64' ? 8 : 4;
  const header: Record<string, unknown> = {};
  if (o.metadata !== undefined) {
    if (o.metadata === null || typeof o.metadata !== 'object') throw new ValueError(fn, `options.metadata must be an object of strings, got ${describe(o.metadata)}`);
    for (const [k, val] of Object.entries(o.metadata)) {
      if (typeof val !== 'string') throw new ValueError(fn, `options.metadata.${k} is ${describe(val)} (metadata values must be strings)`);
      if (FORBIDDEN.has(k)) throw new ValueError(fn, `options.metadata has the forbidden key ${JSON.stringify(k)}`);
    }
    header.__metadata__ = { ...o.metadata };
  }
  // The header holds every name and metadata string, at least a byte per UTF-16 unit: a header
  // that cannot fit is refused before it is built.
  let least = 0;
  for (const [k, val] of Object.entries(o.metadata ?? {})) least += k.length + String(val).length;
  for (const k of Object.keys(tensors)) least += k.length;
  if (least > MAX_HEADER) throw new ValueError(fn, `the header would have at least ${least} bytes; readers accept at most ${MAX_HEADER}`);
  const list: [string, Tensor][] = Object.keys(tensors).map((k) => {
    if (k === '__metadata__' || FORBIDDEN.has(k) || k.length === 0) throw new ValueError(fn, `tensor name ${JSON.stringify(k)} is not allowed`);
    const t = asTensor(tensors[k], fn, `tensors.${k}`);
    if (t.rank > MAX_RANK) throw new ValueError(fn, `tensors.${k} has ${t.rank} dimensions; safetensors readers accept at most ${MAX_RANK}`);
    return [k, t];
  });
  let offset = 0;
  for (const [k, t] of list) {
    header[k] = { dtype, shape: t.shape.slice(), data_offsets: [offset, offset + t.size * size] };
    offset += t.size * size;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const hb = new TextEncoder().encode(json);
  const pad = (8 - (hb.length % 8)) % 8;
  if (hb.length + pad > MAX_HEADER) throw new ValueError(fn, `the header would have ${hb.length + pad} bytes; readers accept at most ${MAX_HEADER}`);
  const out = new Uint8Array(8 + hb.length + pad + offset);
  const v = viewOf(out);
  v.setBigUint64(0, BigInt(hb.length + pad), true);
  out.set(hb, 8);
  out.fill(0x20, 8 + hb.length, 8 + hb.length + pad);
  let p = 8 + hb.length + pad;
  for (const [, t] of list) {
    for (let i = 0; i < t.size; i++, p += size) {
      if (size === 8) v.setFloat64(p, t.data[i], true);
      else v.setFloat32(p, t.data[i], true);
    }
  }
  return out;
}
