import { ValueError, describe } from '../errors.js';
import { Tensor, asTensor, type TensorLike } from '../tensor/tensor.js';
import { toBytes } from './bytes.js';
import { parseNpy, writeNpy } from './npy.js';
import { entryData, readZipDirectory, writeZip } from './zip.js';
import { FORBIDDEN } from './json.js';

/**
 * Reads a NumPy `.npz` archive (`np.savez`, stored, or `np.savez_compressed`, deflate) into
 * float64 Tensors by name (the member name without `.npy`). Deflate needs the platform's
 * `DecompressionStream` (Node ≥ 18, current browsers); each member is CRC-checked and parsed by
 * {@link readNpy}'s rules. Duplicate names and `__proto__`-style names are errors. The result is a
 * prototype-free object.
 * @example const { weights, bias } = await readNpz(bytes);
 */
export async function readNpz(bytes: Uint8Array | ArrayBuffer): Promise<Record<string, Tensor>> {
  const fn = 'readNpz';
  const b = toBytes(fn, bytes);
  const entries = readZipDirectory(fn, b);
  const out: Record<string, Tensor> = Object.create(null);
  const seen = new Set<string>();
  for (const e of entries) {
    const name = e.name.endsWith('.npy') ? e.name.slice(0, -4) : e.name;
    if (seen.has(name)) throw new ValueError(fn, `the archive holds ${JSON.stringify(name)} twice`);
    if (FORBIDDEN.has(name)) throw new ValueError(fn, `the archive has a member named ${JSON.stringify(name)}, which is not allowed as a key`);
    seen.add(name);
  }
  for (const e of entries) {
    const name = e.name.endsWith('.npy') ? e.name.slice(0, -4) : e.name;
    const data = await entryData(fn, b, e);
    out[name] = parseNpy(fn, data, `member ${JSON.stringify(e.name)}`);
  }
  return out;
}

/**
 * Writes tensors as an uncompressed `.npz` archive (`<f8` members named `<key>.npy`), which
 * `np.load` reads back.
 * @example writeNpz({ w: tensor([[1, 2]]), b: tensor([0]) });
 */
export function writeNpz(tensors: Record<string, Tensor | TensorLike>): Uint8Array {
  const fn = 'writeNpz';
  if (tensors === null || typeof tensors !== 'object' || Array.isArray(tensors)) {
    throw new ValueError(fn, `tensors must be an object of named tensors, got ${describe(tensors)}`);
  }
  const files = Object.keys(tensors).map((k) => {
    if (k.length === 0) throw new ValueError(fn, 'a tensor name is empty');
    return { name: `${k}.npy`, data: writeNpy(asTensor(tensors[k], fn, `tensors.${k}`)) };
  });
  return writeZip(files);
}
