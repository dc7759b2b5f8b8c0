// Hand-built files for the hardening tests: every field settable, so a test can make a file lie in
// exactly one way. Written from the format specifications (PKWARE APPNOTE for zip, NumPy's
// format.py docs for .npy, the safetensors README), not from nabla's writers.
import { deflateRawSync } from 'node:zlib';

const enc = new TextEncoder();

/** A version 1.0 .npy file with this header text (padded with nothing) and these data bytes. */
export function npyFile(header: string, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const out = new Uint8Array(10 + header.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  out.set(data, 10 + header.length);
  return out;
}

/** A safetensors file with this header text and these data bytes. */
export function safetensorsFile(header: string, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const hb = enc.encode(header);
  const out = new Uint8Array(8 + hb.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(hb.length), true);
  out.set(hb, 8);
  out.set(data, 8 + hb.length);
  return out;
}

/** CRC-32 (IEEE), bit by bit: an independent check of the archive writer's table-driven one. */
export function crc32(b: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of b) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

export interface CraftEntry {
  name: string;
  /** The uncompressed member. */
  content: Uint8Array;
  /** 0 stored (default) or 8 deflate. */
  method?: 0 | 8;
  /** The compressed bytes to store instead of deflating `content`. */
  raw?: Uint8Array;
  /** The uncompressed size the central directory declares (default: content's); above 2³² − 2 it goes in a zip64 field. */
  size?: number;
  /** The name in the local header (default: `name`). */
  localName?: string;
  /** Extra bytes in the local header's extra field. */
  localExtra?: Uint8Array;
  /** Point the central directory at the local header of entry `sharedWith` instead of this one's. */
  sharedWith?: number;
}

/** A zip archive (local headers, central directory, end record) from these entries. */
export function craftZip(entries: CraftEntry[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const offsets: number[] = [];
  const raws: Uint8Array[] = [];
  let p = 0;
  for (const e of entries) {
    const raw = e.raw ?? (e.method === 8 ? new Uint8Array(deflateRawSync(e.content)) : e.content);
    raws.push(raw);
    const name = enc.encode(e.localName ?? e.name);
    const extra = e.localExtra ?? new Uint8Array(0);
    const h = new Uint8Array(30);
    const v = new DataView(h.buffer);
    v.setUint32(0, 0x04034b50, true);
    v.setUint16(4, 20, true);
    v.setUint16(8, e.method ?? 0, true);
    v.setUint32(14, crc32(e.content), true);
    v.setUint32(18, raw.length, true);
    v.setUint32(22, e.content.length, true);
    v.setUint16(26, name.length, true);
    v.setUint16(28, extra.length, true);
    offsets.push(p);
    parts.push(h, name, extra, raw);
    p += 30 + name.length + extra.length + raw.length;
  }
  const cd = p;
  entries.forEach((e, k) => {
    const name = enc.encode(e.name);
    const size = e.size ?? e.content.length;
    const zip64 = size > 0xfffffffe;
    const h = new Uint8Array(46);
    const v = new DataView(h.buffer);
    v.setUint32(0, 0x02014b50, true);
    v.setUint16(4, 20, true);
    v.setUint16(6, 20, true);
    v.setUint16(10, e.method ?? 0, true);
    v.setUint32(16, crc32(e.content), true);
    v.setUint32(20, raws[k].length, true);
    v.setUint32(24, zip64 ? 0xffffffff : size, true);
    v.setUint16(28, name.length, true);
    v.setUint16(30, zip64 ? 12 : 0, true);
    v.setUint32(42, offsets[e.sharedWith ?? k], true);
    const extra = new Uint8Array(zip64 ? 12 : 0);
    if (zip64) {
      const xv = new DataView(extra.buffer);
      xv.setUint16(0, 1, true);
      xv.setUint16(2, 8, true);
      xv.setBigUint64(4, BigInt(size), true);
    }
    parts.push(h, name, extra);
    p += 46 + name.length + extra.length;
  });
  const end = new Uint8Array(22);
  const v = new DataView(end.buffer);
  v.setUint32(0, 0x06054b50, true);
  v.setUint16(8, entries.length, true);
  v.setUint16(10, entries.length, true);
  v.setUint32(12, p - cd, true);
  v.setUint32(16, cd, true);
  parts.push(end);
  const out = new Uint8Array(p + 22);
  let q = 0;
  for (const part of parts) {
    out.set(part, q);
    q += part.length;
  }
  return out;
}

/** The .npy file NumPy writes for a float64 vector (header text as np.save formats it). */
export function f8Vector(values: number[]): Uint8Array {
  let header = `{'descr': '<f8', 'fortran_order': False, 'shape': (${values.length},), }`;
  header += ' '.repeat(117 - header.length) + '\n';
  const data = new Uint8Array(values.length * 8);
  const v = new DataView(data.buffer);
  values.forEach((x, i) => v.setFloat64(i * 8, x, true));
  return npyFile(header, data);
}
