import { NablaError, ValueError, describe, formatShape } from '../errors.js';
import { shapeSize, stridedOffsets } from '../tensor/shape.js';
import { Tensor, asTensor } from '../tensor/tensor.js';
import { asciiText, toBytes, utf8Text, viewOf } from './bytes.js';
import { decodeValues, type Dtype } from './dtype.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
/** Largest header nabla accepts (NumPy itself writes a few hundred bytes). */
const MAX_HEADER = 1 << 20;

/**
 * Reads a NumPy `.npy` file (format versions 1.0, 2.0, 3.0) into a float64 Tensor.
 *
 * Dtypes: float `f8`, `f4`, `f2`; signed and unsigned integers of 1, 2, 4, 8 bytes; `b1` (bool →
 * 0/1); little- or big-endian. C and Fortran order (Fortran data is reordered to row-major).
 * 64-bit integers beyond ±2⁵³ cannot be represented exactly and are an error. Every size in the
 * header is checked against the bytes present before anything is allocated.
 * @example readNpy(bytesOfFile).shape; // e.g. [3, 4]
 */
export function readNpy(bytes: Uint8Array | ArrayBuffer): Tensor {
  const fn = 'readNpy';
  const b = toBytes(fn, bytes);
  return parseNpy(fn, b);
}

/** @internal parse with a caller's name (readNpz reports its own). */
export function parseNpy(fn: string, b: Uint8Array, what = 'the file'): Tensor {
  if (b.length < 10) throw new ValueError(fn, `${what} has ${b.length} bytes, too short for a .npy header (at least 10)`);
  for (let i = 0; i < 6; i++) if (b[i] !== MAGIC[i]) throw new ValueError(fn, `${what} does not start with the .npy magic string \\x93NUMPY`);
  const major = b[6];
  const minor = b[7];
  if (!((major === 1 || major === 2 || major === 3) && minor === 0)) {
    throw new ValueError(fn, `${what} has .npy format version ${major}.${minor} (supported: 1.0, 2.0, 3.0)`);
  }
  const v = viewOf(b);
  const lenBytes = major === 1 ? 2 : 4;
  if (b.length < 8 + lenBytes) throw new ValueError(fn, `${what} is truncated in the header length`);
  const hlen = major === 1 ? v.getUint16(8, true) : v.getUint32(8, true);
  const start = 8 + lenBytes;
  if (hlen > MAX_HEADER) throw new ValueError(fn, `${what} declares a header of ${hlen} bytes (limit ${MAX_HEADER})`);
  if (start + hlen > b.length) throw new ValueError(fn, `${what} is truncated: the header needs ${hlen} bytes, ${b.length - start} are present`);
  const text = major === 3 ? utf8Text(fn, `the header of ${what}`, b.subarray(start, start + hlen)) : asciiText(b, start, start + hlen);
  const header = parseHeader(fn, what, text);
  const dtype = parseDescr(fn, what, header.descr);
  const count = checkedSize(fn, what, header.shape);
  const dataStart = start + hlen;
  const available = b.length - dataStart;
  const needed = count * dtype.size;
  if (needed !== available) {
    throw new ValueError(fn, `${what} declares shape ${formatShape(header.shape)} of ${header.descr} (${needed} bytes) but holds ${available} data bytes`);
  }
  const data = decodeValues(fn, what, b, dataStart, count, dtype);
  if (!header.fortran || header.shape.length < 2) return new Tensor(data, header.shape);
  // Fortran order: element (i0, i1, …) is at Σ i_k·∏_{j<k} n_j; gather it in C order.
  const shape = header.shape;
  const fStrides: number[] = [];
  let s = 1;
  for (const d of shape) {
    fStrides.push(s);
    s *= d;
  }
  const offsets = stridedOffsets(shape, fStrides);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = data[offsets[i]];
  return new Tensor(out, shape);
}

/**
 * Writes a tensor as a version 1.0 `.npy` file with dtype `<f8` (little-endian float64), C order,
 * byte for byte as `np.save` writes it (header padded with spaces to a multiple of 64 bytes,
 * ending in '\n', with NumPy's spare room for the first dimension).
 * @example writeNpy(tensor([[1, 2], [3, 4]])); // a Uint8Array that np.load reads back
 */
export function writeNpy(t: Tensor | import('../tensor/tensor.js').TensorLike): Uint8Array {
  const T = asTensor(t, 'writeNpy', 'tensor');
  const shapeText = T.rank === 0 ? '()' : T.rank === 1 ? `(${T.shape[0]},)` : `(${T.shape.join(', ')})`;
  // NumPy leaves room for the first dimension to grow to 21 digits, then pads to a multiple of 64.
  let header = `{'descr': '<f8', 'fortran_order': False, 'shape': ${shapeText}, }`;
  if (T.rank > 0) header += ' '.repeat(21 - String(T.shape[0]).length);
  const total = 10 + header.length + 1;
  const pad = (64 - (total % 64)) % 64;
  header = header + ' '.repeat(pad) + '\n';
  if (header.length > 0xffff) throw new NablaError('writeNpy', `the header of ${header.length} bytes does not fit format 1.0`);
  const out = new Uint8Array(10 + header.length + T.size * 8);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  const v = viewOf(out);
  v.setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  const base = 10 + header.length;
  for (let i = 0; i < T.size; i++) v.setFloat64(base + i * 8, T.data[i], true);
  return out;
}

interface Header {
  descr: string;
  fortran: boolean;
  shape: number[];
}

/** Parses the header: a Python dict literal with exactly 'descr', 'fortran_order' and 'shape'. */
function parseHeader(fn: string, what: string, text: string): Header {
  let i = 0;
  const fail = (msg: string): never => {
    throw new ValueError(fn, `the .npy header of ${what} is malformed: ${msg} at character ${i}`);
  };
  const ws = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\t' || text[i] === '\r')) i++;
  };
  const expect = (ch: string) => {
    ws();
    if (text[i] !== ch) fail(`expected '${ch}'`);
    i++;
  };
  const str = (): string => {
    ws();
    const q = text[i];
    if (q !== "'" && q !== '"') fail('expected a string');
    const end = text.indexOf(q, i + 1);
    if (end < 0) fail('unterminated string');
    const s = text.slice(i + 1, end);
    i = end + 1;
    return s;
  };
  const value = (): unknown => {
    ws();
    const c = text[i];
    if (c === "'" || c === '"') return str();
    if (text.startsWith('True', i)) {
      i += 4;
      return true;
    }
    if (text.startsWith('False', i)) {
      i += 5;
      return false;
    }
    if (c === '(') {
      i++;
      const items: number[] = [];
      ws();
      while (text[i] !== ')') {
        ws();
        const m = /^[0-9]+/.exec(text.slice(i, i + 20));
        if (m === null) fail('expected a dimension');
        const digits = (m as RegExpExecArray)[0];
        if (digits.length > 16) fail('dimension too large');
        items.push(Number(digits));
        i += digits.length;
        ws();
        if (text[i] === 'L') i++; // Python 2 long suffix
        ws();
        if (text[i] === ',') i++;
        else if (text[i] !== ')') fail("expected ',' or ')'");
        ws();
        if (items.length > 64) fail('more than 64 dimensions');
      }
      i++;
      return items;
    }
    return fail('unexpected value');
  };
  expect('{');
  const entries: Record<string, unknown> = Object.create(null);
  ws();
  while (text[i] !== '}') {
    const key = str();
    expect(':');
    if (key in entries) fail(`duplicate key '${key}'`);
    entries[key] = value();
    ws();
    if (text[i] === ',') i++;
    else if (text[i] !== '}') fail("expected ',' or '}'");
    ws();
    if (i >= text.length) fail('unterminated dictionary');
  }
  i++;
  ws();
  if (i !== text.length) fail('trailing characters after the dictionary');
  const keys = Object.keys(entries).sort().join(',');
  if (keys !== 'descr,fortran_order,shape') fail(`keys must be descr, fortran_order, shape (got ${keys || 'none'})`);
  if (typeof entries.descr !== 'string') fail("'descr' must be a string");
  if (typeof entries.fortran_order !== 'boolean') fail("'fortran_order' must be True or False");
  if (!Array.isArray(entries.shape)) fail("'shape' must be a tuple");
  return { descr: entries.descr as string, fortran: entries.fortran_order as boolean, shape: entries.shape as number[] };
}

function parseDescr(fn: string, what: string, descr: string): Dtype {
  const m = /^([<>|=])([fiub])([1248])$/.exec(descr);
  if (m === null) throw new ValueError(fn, `${what} has dtype ${describe(descr)} (supported: f8, f4, f2, i1–i8, u1–u8, b1, either byte order)`);
  const kind = m[2] as Dtype['kind'];
  const size = Number(m[3]);
  if ((kind === 'f' && size === 1) || (kind === 'b' && size !== 1)) {
    throw new ValueError(fn, `${what} has dtype ${describe(descr)}, which is not a valid NumPy type`);
  }
  return { kind, size: size as Dtype['size'], little: m[1] !== '>' };
}

function checkedSize(fn: string, what: string, shape: number[]): number {
  let n = 1;
  for (const d of shape) {
    n *= d;
    if (!Number.isSafeInteger(n)) throw new ValueError(fn, `${what} declares shape ${formatShape(shape)}, too many elements`);
  }
  return shapeSize(shape);
}
