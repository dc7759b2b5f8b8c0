import { ValueError, describe, formatShape } from '../errors.js';
import { Tensor, asTensor, type TensorLike } from '../tensor/tensor.js';
import { checkChoice, checkOptions } from '../validate.js';
import { bf16ToFloat, halfToFloat, toBytes, utf8Text, viewOf } from './bytes.js';
import { FORBIDDEN, parseStrictJson } from './json.js';

/** Largest header accepted (the reference implementation's limit). */
const MAX_HEADER = 100_000_000;

const SIZES: Record<string, number> = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U64: 8, U32: 4, U16: 2, U8: 1, BOOL: 1 };

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
 * must cover the data exactly — all checked before any tensor is allocated.
 * @example const { tensors, metadata } = readSafetensors(bytes);
 */
export function readSafetensors(bytes: Uint8Array | ArrayBuffer): SafetensorsContents {
  const fn = 'readSafetensors';
  const b = toBytes(fn, bytes);
  if (b.length < 8) throw new ValueError(fn, `the file has ${b.length} bytes, too short for the 8-byte header length`);
  const v = viewOf(b);
  const n64 = v.getBigUint64(0, true);
  if (n64 > BigInt(MAX_HEADER)) throw new ValueError(fn, `the header length ${n64} exceeds the limit of ${MAX_HEADER} bytes`);
  const n = Number(n64);
  if (8 + n > b.length) throw new ValueError(fn, `the header needs ${n} bytes but only ${b.length - 8} follow the length`);
  const text = utf8Text(fn, 'the header', b.subarray(8, 8 + n));
  if (!text.startsWith('{')) throw new ValueError(fn, 'the header does not start with \'{\'');
  const header = parseStrictJson(fn, 'the header', text.trimEnd());
  if (header === null || typeof header !== 'object' || Array.isArray(header)) throw new ValueError(fn, 'the header is not a JSON object');
  const dataStart = 8 + n;
  const dataLen = b.length - dataStart;
  const metadata: Record<string, string> = {};
  const plan: { name: string; dtype: string; shape: number[]; begin: number; end: number }[] = [];
  for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) throw new ValueError(fn, '__metadata__ must be an object of strings');
      for (const [k, val] of Object.entries(entry as Record<string, unknown>)) {
        if (typeof val !== 'string') throw new ValueError(fn, `__metadata__.${k} is ${describe(val)} (metadata values must be strings)`);
        metadata[k] = val;
      }
      continue;
    }
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) throw new ValueError(fn, `tensor ${JSON.stringify(name)} is not an object`);
    const e = entry as Record<string, unknown>;
    for (const k of Object.keys(e)) if (!['dtype', 'shape', 'data_offsets'].includes(k)) throw new ValueError(fn, `tensor ${JSON.stringify(name)} has an unexpected key ${JSON.stringify(k)}`);
    const dtype = e.dtype;
    if (typeof dtype !== 'string' || !(dtype in SIZES)) throw new ValueError(fn, `tensor ${JSON.stringify(name)} has dtype ${describe(dtype)} (supported: ${Object.keys(SIZES).join(', ')})`);
    const shape = e.shape;
    if (!Array.isArray(shape) || shape.length > 64 || shape.some((d) => typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0)) {
      throw new ValueError(fn, `tensor ${JSON.stringify(name)} has shape ${describe(shape)} (expected an array of non-negative integers)`);
    }
    let count = (shape as number[]).includes(0) ? 0 : 1;
    for (const d of shape as number[]) {
      if (count > dataLen) break; // cannot fit; reported below without overflowing
      count *= d;
    }
    const off = e.data_offsets;
    if (!Array.isArray(off) || off.length !== 2 || off.some((o) => typeof o !== 'number' || !Number.isSafeInteger(o) || o < 0)) {
      throw new ValueError(fn, `tensor ${JSON.stringify(name)} has data_offsets ${describe(off)} (expected [begin, end])`);
    }
    const [begin, end] = off as number[];
    if (begin > end || end > dataLen) throw new ValueError(fn, `tensor ${JSON.stringify(name)} has data_offsets [${begin}, ${end}] outside the ${dataLen} data bytes`);
    if (count * SIZES[dtype] !== end - begin) {
      throw new ValueError(fn, `tensor ${JSON.stringify(name)} of shape ${formatShape(shape as number[])} and dtype ${dtype} needs ${count > dataLen ? 'more than the file holds' : `${count * SIZES[dtype]} bytes`}, but its data_offsets span ${end - begin}`);
    }
    plan.push({ name, dtype, shape: shape as number[], begin, end });
  }
  const sorted = plan.slice().sort((a, c) => a.begin - c.begin || a.end - c.end);
  let cursor = 0;
  for (const p of sorted) {
    if (p.begin < cursor) throw new ValueError(fn, `tensor ${JSON.stringify(p.name)} overlaps another tensor's data`);
    if (p.begin > cursor) throw new ValueError(fn, `the data has a gap of ${p.begin - cursor} bytes before tensor ${JSON.stringify(p.name)}`);
    cursor = p.end;
  }
  if (cursor !== dataLen) throw new ValueError(fn, `the tensors cover ${cursor} of the ${dataLen} data bytes (the file has trailing or missing data)`);
  const tensors: Record<string, Tensor> = Object.create(null);
  const scratch = new DataView(new ArrayBuffer(4));
  for (const p of plan) {
    const size = SIZES[p.dtype];
    const count = (p.end - p.begin) / size;
    const out = new Float64Array(count);
    const o0 = dataStart + p.begin;
    for (let i = 0; i < count; i++) {
      const o = o0 + i * size;
      let x: number;
      switch (p.dtype) {
        case 'F64': x = v.getFloat64(o, true); break;
        case 'F32': x = v.getFloat32(o, true); break;
        case 'F16': x = halfToFloat(v.getUint16(o, true)); break;
        case 'BF16': x = bf16ToFloat(v.getUint16(o, true), scratch); break;
        case 'I32': x = v.getInt32(o, true); break;
        case 'I16': x = v.getInt16(o, true); break;
        case 'I8': x = v.getInt8(o); break;
        case 'U32': x = v.getUint32(o, true); break;
        case 'U16': x = v.getUint16(o, true); break;
        case 'U8': x = v.getUint8(o); break;
        case 'BOOL': x = v.getUint8(o) === 0 ? 0 : 1; break;
        default: {
          const big = p.dtype === 'I64' ? v.getBigInt64(o, true) : v.getBigUint64(o, true);
          if (big > 9007199254740992n || big < -9007199254740992n) {
            throw new ValueError(fn, `tensor ${JSON.stringify(p.name)} element ${i} is ${big}, beyond ±2^53 (not exactly representable as float64)`);
          }
          x = Number(big);
        }
      }
      out[i] = x;
    }
    tensors[p.name] = new Tensor(out, p.shape);
  }
  return { tensors, metadata };
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
  const list: [string, Tensor][] = Object.keys(tensors).map((k) => {
    if (k === '__metadata__' || FORBIDDEN.has(k) || k.length === 0) throw new ValueError(fn, `tensor name ${JSON.stringify(k)} is not allowed`);
    return [k, asTensor(tensors[k], fn, `tensors.${k}`)];
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
