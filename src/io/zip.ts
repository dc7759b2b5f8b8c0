import { NablaError, ValueError } from '../errors.js';
import { utf8Text, viewOf } from './bytes.js';

let crcTable: Uint32Array | null = null;

/** CRC-32 (IEEE 802.3), the checksum of zip entries. The table is built on first use. @internal */
export function crc32(b: Uint8Array): number {
  if (crcTable === null) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < b.length; i++) c = crcTable[(c ^ b[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** One entry of a zip archive as the central directory describes it. @internal */
export interface ZipEntry {
  name: string;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  dataStart: number;
}

const MAX_ENTRIES = 1 << 16;

/**
 * Reads a zip archive's central directory (zip64 sizes and offsets included) and locates each
 * entry's data. Every offset and size is checked against the bytes present. @internal
 */
export function readZipDirectory(fn: string, bytes: Uint8Array): ZipEntry[] {
  const b = bytes;
  const v = viewOf(b);
  if (b.length < 22) throw new ValueError(fn, `the archive has ${b.length} bytes, too short for a zip file (at least 22)`);
  // End of central directory: scan back over at most 65535 bytes of comment.
  let eocd = -1;
  for (let i = b.length - 22; i >= Math.max(0, b.length - 22 - 65535); i--) {
    if (v.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ValueError(fn, 'no zip end-of-central-directory record found (not a .npz / zip file, or truncated)');
  let count = v.getUint16(eocd + 10, true);
  let cdSize = v.getUint32(eocd + 12, true);
  let cdOffset = v.getUint32(eocd + 16, true);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    // Zip64 end-of-central-directory locator just before the EOCD.
    const loc = eocd - 20;
    if (loc < 0 || v.getUint32(loc, true) !== 0x07064b50) throw new ValueError(fn, 'zip64 locator missing');
    const z = safeU64(fn, v, loc + 8, 'zip64 record offset');
    if (z + 56 > b.length || v.getUint32(z, true) !== 0x06064b50) throw new ValueError(fn, 'zip64 end-of-central-directory record missing or out of bounds');
    count = safeU64(fn, v, z + 32, 'entry count');
    cdSize = safeU64(fn, v, z + 40, 'central directory size');
    cdOffset = safeU64(fn, v, z + 48, 'central directory offset');
  }
  if (count > MAX_ENTRIES) throw new ValueError(fn, `the archive declares ${count} entries (limit ${MAX_ENTRIES})`);
  if (cdOffset + cdSize > b.length) throw new ValueError(fn, `the central directory (offset ${cdOffset}, ${cdSize} bytes) lies beyond the ${b.length}-byte archive`);
  const entries: ZipEntry[] = [];
  let p = cdOffset;
  for (let k = 0; k < count; k++) {
    if (p + 46 > cdOffset + cdSize || v.getUint32(p, true) !== 0x02014b50) throw new ValueError(fn, `central directory entry ${k} is malformed or truncated`);
    const flags = v.getUint16(p + 8, true);
    const method = v.getUint16(p + 10, true);
    const crc = v.getUint32(p + 16, true);
    let compressedSize = v.getUint32(p + 20, true);
    let size = v.getUint32(p + 24, true);
    const nameLen = v.getUint16(p + 28, true);
    const extraLen = v.getUint16(p + 30, true);
    const commentLen = v.getUint16(p + 32, true);
    let localOffset = v.getUint32(p + 42, true);
    const end = p + 46 + nameLen + extraLen + commentLen;
    if (end > cdOffset + cdSize) throw new ValueError(fn, `central directory entry ${k} runs past the directory`);
    if (flags & 1) throw new ValueError(fn, `entry ${k} is encrypted (not supported)`);
    const name = utf8Text(fn, `entry ${k}'s name`, b.subarray(p + 46, p + 46 + nameLen));
    // Zip64 extra field: replaces the 0xFFFFFFFF fields, in order.
    let e = p + 46 + nameLen;
    const extraEnd = e + extraLen;
    while (e + 4 <= extraEnd) {
      const id = v.getUint16(e, true);
      const len = v.getUint16(e + 2, true);
      if (e + 4 + len > extraEnd) throw new ValueError(fn, `entry ${k} has a malformed extra field`);
      if (id === 0x0001) {
        let q = e + 4;
        const take = (what: string): number => {
          if (q + 8 > e + 4 + len) throw new ValueError(fn, `entry ${k}'s zip64 field is too short for ${what}`);
          const val = safeU64(fn, v, q, what);
          q += 8;
          return val;
        };
        if (size === 0xffffffff) size = take('size');
        if (compressedSize === 0xffffffff) compressedSize = take('compressed size');
        if (localOffset === 0xffffffff) localOffset = take('offset');
      }
      e += 4 + len;
    }
    if (localOffset + 30 > b.length || v.getUint32(localOffset, true) !== 0x04034b50) {
      throw new ValueError(fn, `entry ${JSON.stringify(name)} has no local header at offset ${localOffset}`);
    }
    const dataStart = localOffset + 30 + v.getUint16(localOffset + 26, true) + v.getUint16(localOffset + 28, true);
    if (dataStart + compressedSize > b.length) {
      throw new ValueError(fn, `entry ${JSON.stringify(name)} (${compressedSize} bytes at ${dataStart}) lies beyond the ${b.length}-byte archive`);
    }
    if (method !== 0 && method !== 8) throw new ValueError(fn, `entry ${JSON.stringify(name)} uses compression method ${method} (supported: 0 stored, 8 deflate)`);
    if (method === 0 && compressedSize !== size) throw new ValueError(fn, `stored entry ${JSON.stringify(name)} has compressed size ${compressedSize} ≠ size ${size}`);
    entries.push({ name, method, crc, compressedSize, size, dataStart });
    p = end;
  }
  return entries;
}

function safeU64(fn: string, v: DataView, o: number, what: string): number {
  if (o + 8 > v.byteLength) throw new ValueError(fn, `zip64 ${what} is out of bounds`);
  const x = v.getBigUint64(o, true);
  if (x > BigInt(Number.MAX_SAFE_INTEGER)) throw new ValueError(fn, `zip64 ${what} ${x} is too large`);
  return Number(x);
}

/**
 * The uncompressed bytes of an entry, CRC-checked. Deflate goes through the platform's
 * `DecompressionStream('deflate-raw')`, stopped as soon as the output exceeds the declared size. @internal
 */
export async function entryData(fn: string, bytes: Uint8Array, e: ZipEntry): Promise<Uint8Array> {
  const raw = bytes.subarray(e.dataStart, e.dataStart + e.compressedSize);
  let out: Uint8Array;
  if (e.method === 0) out = raw;
  else {
    const DS = (globalThis as { DecompressionStream?: new (format: string) => TransformStream<Uint8Array, Uint8Array> }).DecompressionStream;
    if (DS === undefined) throw new NablaError(fn, `entry ${JSON.stringify(e.name)} is deflate-compressed and this platform has no DecompressionStream`);
    let ds: TransformStream<Uint8Array, Uint8Array>;
    try {
      ds = new DS('deflate-raw');
    } catch {
      throw new NablaError(fn, `entry ${JSON.stringify(e.name)} is deflate-compressed and this platform's DecompressionStream lacks 'deflate-raw'`);
    }
    out = new Uint8Array(e.size);
    let n = 0;
    const writer = ds.writable.getWriter();
    const reader = ds.readable.getReader();
    const done = writer.write(raw).then(() => writer.close()).catch(() => undefined);
    try {
      for (;;) {
        const r = await reader.read();
        if (r.done) break;
        if (n + r.value.length > e.size) {
          await reader.cancel().catch(() => undefined);
          throw new ValueError(fn, `entry ${JSON.stringify(e.name)} inflates beyond its declared size ${e.size}`);
        }
        out.set(r.value, n);
        n += r.value.length;
      }
    } catch (err) {
      if (err instanceof NablaError) throw err;
      throw new ValueError(fn, `entry ${JSON.stringify(e.name)} is not valid deflate data`);
    }
    await done;
    if (n !== e.size) throw new ValueError(fn, `entry ${JSON.stringify(e.name)} inflates to ${n} bytes, not its declared ${e.size}`);
  }
  if (crc32(out) !== e.crc) throw new ValueError(fn, `entry ${JSON.stringify(e.name)} fails its CRC-32 check (corrupt archive)`);
  return out;
}

/** A stored (uncompressed) zip archive of the given files. @internal */
export function writeZip(files: { name: string; data: Uint8Array }[]): Uint8Array {
  const enc = new TextEncoder();
  const names = files.map((f) => enc.encode(f.name));
  let size = 22;
  for (let i = 0; i < files.length; i++) size += 30 + 46 + 2 * names[i].length + files[i].data.length;
  const out = new Uint8Array(size);
  const v = viewOf(out);
  const offsets: number[] = [];
  const crcs: number[] = [];
  let p = 0;
  files.forEach((f, i) => {
    const crc = crc32(f.data);
    crcs.push(crc);
    offsets.push(p);
    v.setUint32(p, 0x04034b50, true);
    v.setUint16(p + 4, 20, true); // version needed
    v.setUint16(p + 6, 0x0800, true); // UTF-8 names
    v.setUint16(p + 8, 0, true); // stored
    v.setUint16(p + 10, 0, true);
    v.setUint16(p + 12, 0x21, true); // 1980-01-01
    v.setUint32(p + 14, crc, true);
    v.setUint32(p + 18, f.data.length, true);
    v.setUint32(p + 22, f.data.length, true);
    v.setUint16(p + 26, names[i].length, true);
    v.setUint16(p + 28, 0, true);
    out.set(names[i], p + 30);
    out.set(f.data, p + 30 + names[i].length);
    p += 30 + names[i].length + f.data.length;
  });
  const cd = p;
  files.forEach((f, i) => {
    v.setUint32(p, 0x02014b50, true);
    v.setUint16(p + 4, 20, true);
    v.setUint16(p + 6, 20, true);
    v.setUint16(p + 8, 0x0800, true);
    v.setUint16(p + 10, 0, true);
    v.setUint16(p + 12, 0, true);
    v.setUint16(p + 14, 0x21, true);
    v.setUint32(p + 16, crcs[i], true);
    v.setUint32(p + 20, f.data.length, true);
    v.setUint32(p + 24, f.data.length, true);
    v.setUint16(p + 28, names[i].length, true);
    v.setUint32(p + 42, offsets[i], true);
    out.set(names[i], p + 46);
    p += 46 + names[i].length;
  });
  v.setUint32(p, 0x06054b50, true);
  v.setUint16(p + 8, files.length, true);
  v.setUint16(p + 10, files.length, true);
  v.setUint32(p + 12, p - cd, true);
  v.setUint32(p + 16, cd, true);
  return out;
}

