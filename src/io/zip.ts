import { ValueError } from '../errors.js';
import { utf8Text, viewOf } from './bytes.js';
import { inflateRaw } from './inflate.js';

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
  /** Where its local header starts. */
  localOffset: number;
  dataStart: number;
}

const MAX_ENTRIES = 1 << 16;

/**
 * Reads a zip archive's central directory (zip64 sizes and offsets included) and locates each
 * entry's data. Every offset and size is checked against the bytes present; each entry's local
 * header must carry the central directory's name for it; entries (local header and data) may not
 * overlap one another or the central directory, so no two names can share one stream. @internal
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
    const localNameLen = v.getUint16(localOffset + 26, true);
    const dataStart = localOffset + 30 + localNameLen + v.getUint16(localOffset + 28, true);
    if (!sameBytes(b, localOffset + 30, localNameLen, p + 46, nameLen)) {
      throw new ValueError(fn, `entry ${JSON.stringify(name)}'s local header gives a different name (the archive contradicts itself)`);
    }
    if (dataStart + compressedSize > b.length) {
      throw new ValueError(fn, `entry ${JSON.stringify(name)} (${compressedSize} bytes at ${dataStart}) lies beyond the ${b.length}-byte archive`);
    }
    if (method !== 0 && method !== 8) throw new ValueError(fn, `entry ${JSON.stringify(name)} uses compression method ${method} (supported: 0 stored, 8 deflate)`);
    if (method === 0 && compressedSize !== size) throw new ValueError(fn, `stored entry ${JSON.stringify(name)} has compressed size ${compressedSize} ≠ size ${size}`);
    entries.push({ name, method, crc, compressedSize, size, localOffset, dataStart });
    p = end;
  }
  checkDisjoint(fn, entries, cdOffset);
  return entries;
}

/** Whether `n` bytes at `i` equal `m` bytes at `j`, all inside `b` (false when they run past it). */
function sameBytes(b: Uint8Array, i: number, n: number, j: number, m: number): boolean {
  if (n !== m || i + n > b.length || j + m > b.length) return false;
  for (let k = 0; k < n; k++) if (b[i + k] !== b[j + k]) return false;
  return true;
}

/** Entries' byte ranges (local header through data) must not overlap or reach the central directory. */
function checkDisjoint(fn: string, entries: ZipEntry[], cdOffset: number): void {
  const sorted = entries.slice().sort((a, c) => a.localOffset - c.localOffset);
  for (let k = 0; k < sorted.length; k++) {
    const e = sorted[k];
    const end = e.dataStart + e.compressedSize;
    const next = k + 1 < sorted.length ? sorted[k + 1] : null;
    if (next !== null && next.localOffset < end) {
      throw new ValueError(fn, `entries ${JSON.stringify(e.name)} and ${JSON.stringify(next.name)} overlap (bytes ${e.localOffset}–${end} and from ${next.localOffset}); each member needs its own data`);
    }
    if (end > cdOffset) throw new ValueError(fn, `entry ${JSON.stringify(e.name)} (bytes ${e.localOffset}–${end}) runs into the central directory at ${cdOffset}`);
  }
}

function safeU64(fn: string, v: DataView, o: number, what: string): number {
  if (o + 8 > v.byteLength) throw new ValueError(fn, `zip64 ${what} is out of bounds`);
  const x = v.getBigUint64(o, true);
  if (x > BigInt(Number.MAX_SAFE_INTEGER)) throw new ValueError(fn, `zip64 ${what} ${x} is too large`);
  return Number(x);
}

/**
 * The first `n` bytes (fewer when the entry is shorter) an entry holds, uncompressed, and not
 * CRC-checked: enough to check a header before committing to the rest. @internal
 */
export function entryPrefix(fn: string, bytes: Uint8Array, e: ZipEntry, n: number): Uint8Array {
  const raw = rawData(bytes, e);
  if (e.method === 0) return raw.subarray(0, Math.min(n, raw.length));
  const out = new Uint8Array(Math.min(n, e.size));
  return out.subarray(0, inflateRaw(fn, `entry ${JSON.stringify(e.name)}`, raw, out).written);
}

/**
 * All of an entry's bytes, uncompressed and CRC-checked. A compressed entry is inflated into a
 * buffer of its declared size, which the caller has vetted: more output than that, less, or bytes
 * left over after the deflate stream ends are errors. @internal
 */
export function entryData(fn: string, bytes: Uint8Array, e: ZipEntry): Uint8Array {
  const what = `entry ${JSON.stringify(e.name)}`;
  const raw = rawData(bytes, e);
  let out = raw;
  if (e.method !== 0) {
    out = new Uint8Array(e.size);
    const r = inflateRaw(fn, what, raw, out);
    if (r.status === 'full') throw new ValueError(fn, `${what} inflates beyond its declared size ${e.size}`);
    if (r.written !== e.size) throw new ValueError(fn, `${what} inflates to ${r.written} bytes, not its declared ${e.size}`);
    if (r.consumed !== raw.length) throw new ValueError(fn, `${what} has ${raw.length - r.consumed} bytes after the end of its deflate stream`);
  }
  if (crc32(out) !== e.crc) throw new ValueError(fn, `${what} fails its CRC-32 check (corrupt archive)`);
  return out;
}

function rawData(bytes: Uint8Array, e: ZipEntry): Uint8Array {
  return bytes.subarray(e.dataStart, e.dataStart + e.compressedSize);
}

/** The most files a zip archive without zip64 can count. @internal */
export const MAX_ZIP_FILES = 0xffff;

/**
 * A stored (uncompressed) zip archive of the given files (at most {@link MAX_ZIP_FILES}), without
 * zip64: a name longer than 65,535 UTF-8 bytes or an archive past 4 GiB is an error rather than a
 * file {@link readZipDirectory} would misread. @internal
 */
export function writeZip(fn: string, files: { name: string; data: Uint8Array }[]): Uint8Array {
  const enc = new TextEncoder();
  const names = files.map((f) => enc.encode(f.name));
  let size = 22;
  for (let i = 0; i < files.length; i++) {
    if (names[i].length > 0xffff) throw new ValueError(fn, `the member name ${JSON.stringify(files[i].name.slice(0, 40))}… is longer than 65535 bytes`);
    size += 30 + 46 + 2 * names[i].length + files[i].data.length;
  }
  if (size > 0xffffffff) throw new ValueError(fn, `the archive would have ${size} bytes; without zip64 it can have at most 4 GiB`);
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

