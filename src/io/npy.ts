import { ValueError, describe, formatShape } from '../errors.js';
import { stridedOffsets } from '../tensor/shape.js';
import { Tensor, asTensor, type TensorLike } from '../tensor/tensor.js';
import { asciiText, toBytes, utf8Text, viewOf } from './bytes.js';
import { decodeValues, type Dtype } from './dtype.js';
import { MAX_RANK, SizeBudget, readMaxBytes, type ReadOptions } from './limits.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
/** Largest header nabla accepts (NumPy itself writes a few hundred bytes). */
const MAX_HEADER = 1 << 20;

/**
 * Reads a NumPy `.npy` file (format versions 1.0, 2.0, 3.0) into a float64 Tensor.
 *
 * Dtypes: float `f8`, `f4`, `f2`; signed and unsigned integers of 1, 2, 4, 8 bytes; `b1` (bool →
 * 0/1); little- or big-endian. C and Fortran order (Fortran data is reordered to row-major).
 * 64-bit integers beyond ±2⁵³ cannot be represented exactly and are an error. Every size in the
 * header is checked against the bytes present and against `options.maxBytes` (default 1 GiB of
 * float64, `Infinity` for none) before anything is allocated.
 * @example readNpy(bytesOfFile).shape; // e.g. [3, 4]
 */
export function readNpy(bytes: Uint8Array | ArrayBuffer, options?: ReadOptions): Tensor {
  const fn = 'readNpy';
  const b = toBytes(fn, bytes);
  const budget = new SizeBudget(fn, readMaxBytes(fn, options));
  return parseNpy(fn, b, parseNpyHeader(fn, b, budget, 'the file'));
}

/** What a `.npy` header says, checked: where the data starts, its dtype, shape and element count. @internal */
export interface NpyHeader {
  what: string;
  descr: string;
  dtype: Dtype;
  fortran: boolean;
  shape: number[];
  count: number;
  dataStart: number;
  /** The file's size the header implies: `dataStart + count × dtype.size`. */
  fileSize: number;
}

/**
 * The number of bytes a `.npy` file's preamble and header take (magic, version, header length,
 * header), read from its first 12 bytes (fewer if the file is shorter). Lets readNpz inflate just
 * enough of a member to check its header. @internal
 */
export function npyHeaderEnd(fn: string, b: Uint8Array, what: string): number {
  if (b.length < 10) throw new ValueError(fn, `${what} has ${b.length} bytes, too short for a .npy header (at least 10)`);
  for (let i = 0; i < 6; i++) if (b[i] !== MAGIC[i]) throw new ValueError(fn, `${what} does not start with the .npy magic string \\x93NUMPY`);
  const major = b[6];
  const minor = b[7];
  if (!((major === 1 || major === 2 || major === 3) && minor === 0)) {
    throw new ValueError(fn, `${what} has .npy format version ${major}.${minor} (supported: 1.0, 2.0, 3.0)`);
  }
  const lenBytes = major === 1 ? 2 : 4;
  if (b.length < 8 + lenBytes) throw new ValueError(fn, `${what} is truncated in the header length`);
  const v = viewOf(b);
  const hlen = major === 1 ? v.getUint16(8, true) : v.getUint32(8, true);
  if (hlen > MAX_HEADER) throw new ValueError(fn, `${what} declares a header of ${hlen} bytes (limit ${MAX_HEADER})`);
  return 8 + lenBytes + hlen;
}

/**
 * Parses and checks a `.npy` header from the start of `b` (which needs to hold the header, not the
 * data): its dtype and shape, and the shape against `budget` (charged with its float64 size). @internal
 */
export function parseNpyHeader(fn: string, b: Uint8Array, budget: SizeBudget, what: string): NpyHeader {
  const end = npyHeaderEnd(fn, b, what);
  const start = b[6] === 1 ? 10 : 12;
  if (end > b.length) throw new ValueError(fn, `${what} is truncated: the header needs ${end - start} bytes, ${b.length - start} are present`);
  const text = b[6] === 3 ? utf8Text(fn, `the header of ${what}`, b.subarray(start, end)) : asciiText(b, start, end);
  const header = parseHeaderDict(fn, what, text);
  const dtype = parseDescr(fn, what, header.descr);
  const count = budget.take(what, header.shape);
  return { what, descr: header.descr, dtype, fortran: header.fortran, shape: header.shape, count, dataStart: end, fileSize: end + count * dtype.size };
}

/** Decodes a `.npy` file whose header `h` was parsed from it; its size must be what `h` implies. @internal */
export function parseNpy(fn: string, b: Uint8Array, h: NpyHeader): Tensor {
  const available = b.length - h.dataStart;
  const needed = h.count * h.dtype.size;
  if (needed !== available) {
    throw new ValueError(fn, `${h.what} declares shape ${formatShape(h.shape)} of ${h.descr} (${needed} bytes) but holds ${available} data bytes`);
  }
  const data = decodeValues(fn, h.what, b, h.dataStart, h.count, h.dtype);
  if (!h.fortran || h.shape.length < 2) return new Tensor(data, h.shape);
  // Fortran order: element (i0, i1, …) is at Σ i_k·∏_{j<k} n_j; gather it in C order.
  const fStrides: number[] = [];
  let s = 1;
  for (const d of h.shape) {
    fStrides.push(s);
    s *= d;
  }
  const offsets = stridedOffsets(h.shape, fStrides);
  const out = new Float64Array(h.count);
  for (let i = 0; i < h.count; i++) out[i] = data[offsets[i]];
  return new Tensor(out, h.shape);
}

/**
 * Writes a tensor as a version 1.0 `.npy` file with dtype `<f8` (little-endian float64), C order,
 * byte for byte as `np.save` writes it (header padded with spaces to a multiple of 64 bytes,
 * ending in '\n', with NumPy's spare room for the first dimension).
 * @example writeNpy(tensor([[1, 2], [3, 4]])); // a Uint8Array that np.load reads back
 */
export function writeNpy(t: Tensor | TensorLike): Uint8Array {
  return encodeNpy('writeNpy', 'the tensor', asTensor(t, 'writeNpy', 'tensor'));
}

/** The `.npy` bytes of `T`, for {@link writeNpy} and writeNpz (errors name `fn` and `what`). @internal */
export function encodeNpy(fn: string, what: string, T: Tensor): Uint8Array {
  if (T.rank > MAX_RANK) throw new ValueError(fn, `${what} has ${T.rank} dimensions; .npy readers accept at most ${MAX_RANK}`);
  const shapeText = T.rank === 0 ? '()' : T.rank === 1 ? `(${T.shape[0]},)` : `(${T.shape.join(', ')})`;
  // NumPy leaves room for the first dimension to grow to 21 digits, then pads to a multiple of 64.
  let header = `{'descr': '<f8', 'fortran_order': False, 'shape': ${shapeText}, }`;
  if (T.rank > 0) header += ' '.repeat(21 - String(T.shape[0]).length);
  const total = 10 + header.length + 1;
  const pad = (64 - (total % 64)) % 64;
  header = header + ' '.repeat(pad) + '\n'; // at most 64 dimensions of 16 digits: well under format 1.0's 65535
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
function parseHeaderDict(fn: string, what: string, text: string): Header {
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
        if (items.length > MAX_RANK) fail(`more than ${MAX_RANK} dimensions`);
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
