import { ValueError, describe, formatShape } from '../errors.js';
import { Tensor, asTensor, type TensorLike } from '../tensor/tensor.js';
import { toBytes } from './bytes.js';
import { FORBIDDEN } from './json.js';
import { SizeBudget, readMaxBytes, type ReadOptions } from './limits.js';
import { encodeNpy, npyHeaderEnd, parseNpy, parseNpyHeader } from './npy.js';
import { MAX_ZIP_FILES, entryData, entryPrefix, readZipDirectory, writeZip, type ZipEntry } from './zip.js';

/** The bytes readNpz inflates of a member before it knows its header's length (`.npy` 2.0 and 3.0 need 12). */
const PREAMBLE = 12;

/**
 * Reads a NumPy `.npz` archive (`np.savez`, stored, or `np.savez_compressed`, deflate) into
 * float64 Tensors by name: the member name without `.npy`, used only as a key of the result (never
 * as a path, so `../x` is just the key `"../x"`, as `np.load` gives it). Each member is parsed by
 * {@link readNpy}'s rules, its header first — a compressed member is inflated only as far as its
 * header until that header has been checked — and CRC-checked. Duplicate names and
 * `__proto__`-style names are errors; so are entries whose local header disagrees with the central
 * directory, entries sharing bytes, and bytes after a member's deflate stream. The result is a
 * prototype-free object.
 *
 * `options.maxBytes` (default 1 GiB, `Infinity` for none) bounds both the float64 tensors returned
 * (8 bytes an element, in all) and what the compressed members declare they inflate to (in all);
 * an archive past either is refused before the member that passes it is inflated.
 * @example const { weights, bias } = await readNpz(bytes);
 */
export async function readNpz(bytes: Uint8Array | ArrayBuffer, options?: ReadOptions): Promise<Record<string, Tensor>> {
  const fn = 'readNpz';
  const b = toBytes(fn, bytes);
  const maxBytes = readMaxBytes(fn, options);
  const entries = readZipDirectory(fn, b);
  const names = memberNames(fn, entries);
  const inflated = new SizeBudget(fn, maxBytes);
  for (const e of entries) if (e.method !== 0) inflated.charge(`compressed member ${JSON.stringify(e.name)}, inflated,`, e.size);
  const budget = new SizeBudget(fn, maxBytes);
  const out: Record<string, Tensor> = Object.create(null);
  entries.forEach((e, k) => {
    out[names[k]] = readMember(fn, b, e, budget);
  });
  return out;
}

/** The key of each member (its name less `.npy`), checked: unique, and not a prototype key. */
function memberNames(fn: string, entries: ZipEntry[]): string[] {
  const seen = new Set<string>();
  return entries.map((e) => {
    const name = e.name.endsWith('.npy') ? e.name.slice(0, -4) : e.name;
    if (seen.has(name)) throw new ValueError(fn, `the archive holds ${JSON.stringify(name)} twice`);
    if (FORBIDDEN.has(name)) throw new ValueError(fn, `the archive has a member named ${JSON.stringify(name)}, which is not allowed as a key`);
    seen.add(name);
    return name;
  });
}

/**
 * One member: its header checked and charged, then all of it decoded. A stored member's bytes are
 * all present, so its CRC is checked first; a compressed member is inflated only as far as its
 * header until that header, and the size it implies, have been checked.
 */
function readMember(fn: string, b: Uint8Array, e: ZipEntry, budget: SizeBudget): Tensor {
  const what = `member ${JSON.stringify(e.name)}`;
  const stored = e.method === 0;
  const head = stored ? entryData(fn, b, e) : entryPrefix(fn, b, e, npyHeaderEnd(fn, entryPrefix(fn, b, e, PREAMBLE), what));
  const h = parseNpyHeader(fn, head, budget, what);
  if (h.fileSize !== e.size) {
    throw new ValueError(fn, `${what} declares shape ${formatShape(h.shape)} of ${h.descr} (a ${h.fileSize}-byte .npy file) but the archive lists ${e.size} bytes`);
  }
  return parseNpy(fn, stored ? head : entryData(fn, b, e), h);
}

/**
 * Writes tensors as an uncompressed `.npz` archive (`<f8` members named `<key>.npy`), which
 * `np.load` reads back. Names are checked by {@link readNpz}'s rules (not empty, not `__proto__`,
 * `constructor` or `prototype`, well-formed Unicode), so what it writes reads back.
 * @example writeNpz({ w: tensor([[1, 2]]), b: tensor([0]) });
 */
export function writeNpz(tensors: Record<string, Tensor | TensorLike>): Uint8Array {
  const fn = 'writeNpz';
  if (tensors === null || typeof tensors !== 'object' || Array.isArray(tensors)) {
    throw new ValueError(fn, `tensors must be an object of named tensors, got ${describe(tensors)}`);
  }
  const keys = Object.keys(tensors);
  if (keys.length > MAX_ZIP_FILES) throw new ValueError(fn, `${keys.length} members do not fit a zip archive without zip64 (at most ${MAX_ZIP_FILES})`);
  const files = keys.map((k) => {
    if (k.length === 0 || FORBIDDEN.has(k) || LONE_SURROGATE.test(k)) throw new ValueError(fn, `the tensor name ${JSON.stringify(k)} is not allowed (names must be non-empty, well-formed text, and not __proto__, constructor or prototype)`);
    return { name: `${k}.npy`, data: encodeNpy(fn, `tensors.${k}`, asTensor(tensors[k], fn, `tensors.${k}`)) };
  });
  return writeZip(fn, files);
}

/** A UTF-16 surrogate without its partner: not encodable as UTF-8, so not a name a zip can hold. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
