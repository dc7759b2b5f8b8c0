import { ValueError } from '../errors.js';

/** How an {@link inflateRaw} call ended. @internal */
export interface InflateResult {
  /** Bytes written to `out`. */
  written: number;
  /** Whole input bytes the stream took, through the byte holding its last bit. */
  consumed: number;
  /** `'end'`: the final block ended; `'full'`: `out` was full and the stream had more to give. */
  status: 'end' | 'full';
}

/**
 * Decodes a raw DEFLATE stream (RFC 1951, as zip stores it) into `out`, stopping when the stream
 * ends or when `out` is full — so the caller decides beforehand how much may be produced, and a
 * bomb never gets more than that. Malformed data (bad block types, oversubscribed or incomplete
 * Huffman codes, a missing end-of-block code, back-references before the start, a stream that runs
 * past its input) is a ValueError naming `what`.
 *
 * Method: the decoder of zlib's `puff.c` (canonical Huffman codes decoded from their counts per
 * length), with a 9-bit lookup table in front of it for the short codes that make up almost all of
 * a stream. Stricter than zlib nowhere, laxer nowhere: the same codes are accepted.
 * @see RFC 1951, DEFLATE Compressed Data Format Specification version 1.3.
 * @internal
 */
export function inflateRaw(fn: string, what: string, input: Uint8Array, out: Uint8Array): InflateResult {
  return new Inflater(fn, what, input, out).run();
}

const FAST_BITS = 9;
const FAST_MASK = (1 << FAST_BITS) - 1;
const MAX_BITS = 15;

// RFC 1951 §3.2.5: base values and extra bits of the length codes 257–285 and the distance codes 0–29.
const LENGTH_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DIST_BASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577];
const DIST_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
// RFC 1951 §3.2.7: the order in which the code-length code's lengths are sent.
const CLEN_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

/** A canonical Huffman code: symbols by code length, and a table for codes up to FAST_BITS long. */
interface Huffman {
  counts: Uint16Array;
  symbols: Uint16Array;
  /** Indexed by the next FAST_BITS input bits: `symbol << 4 | length`, or 0 to decode slowly. */
  fast: Uint16Array;
}

let fixedCodes: { lit: Huffman; dist: Huffman } | null = null;

class Inflater {
  private pos = 0;
  private bitBuf = 0;
  private bitCount = 0;
  private outPos = 0;

  constructor(
    private readonly fn: string,
    private readonly what: string,
    private readonly input: Uint8Array,
    private readonly out: Uint8Array,
  ) {}

  fail(msg: string): never {
    throw new ValueError(this.fn, `${this.what} is not valid deflate data: ${msg}`);
  }

  run(): InflateResult {
    for (;;) {
      const final = this.bits(1);
      const type = this.bits(2);
      let full: boolean;
      if (type === 0) full = this.stored();
      else if (type === 1) full = this.codes(fixed().lit, fixed().dist);
      else if (type === 2) {
        const { lit, dist } = this.dynamicCodes();
        full = this.codes(lit, dist);
      } else return this.fail('block type 3 is reserved');
      if (full) return { written: this.outPos, consumed: this.consumed(), status: 'full' };
      if (final) return { written: this.outPos, consumed: this.consumed(), status: 'end' };
    }
  }

  /** Input bytes used so far: those read, less whole bytes still unread in the bit buffer. */
  private consumed(): number {
    const n = this.pos - (this.bitCount >> 3);
    if (n > this.input.length) this.fail('the stream runs past the end of its data');
    return n;
  }

  /** Tops the bit buffer up to at least 25 bits; past the input it feeds zeros, a few bytes at most. */
  private refill(): void {
    while (this.bitCount <= 24) {
      if (this.pos >= this.input.length && this.pos - this.input.length >= 4) this.fail('the stream runs past the end of its data');
      const byte = this.pos < this.input.length ? this.input[this.pos] : 0;
      this.pos++;
      this.bitBuf |= byte << this.bitCount;
      this.bitCount += 8;
    }
  }

  /** The next `n` (≤ 16) bits, least significant first. */
  private bits(n: number): number {
    if (this.bitCount < n) this.refill();
    const v = this.bitBuf & ((1 << n) - 1);
    this.bitBuf >>>= n;
    this.bitCount -= n;
    return v;
  }

  /** A stored block; true when `out` filled up before its end. */
  private stored(): boolean {
    // Drop the rest of the current byte, and hand back whole bytes the bit buffer read ahead.
    this.pos -= this.bitCount >> 3;
    this.bitBuf = 0;
    this.bitCount = 0;
    const p = this.pos;
    if (p + 4 > this.input.length) this.fail('a stored block is truncated');
    const len = this.input[p] | (this.input[p + 1] << 8);
    const nlen = this.input[p + 2] | (this.input[p + 3] << 8);
    if (len !== (~nlen & 0xffff)) this.fail('a stored block length does not match its complement');
    if (p + 4 + len > this.input.length) this.fail('a stored block is truncated');
    const room = this.out.length - this.outPos;
    const n = Math.min(len, room);
    this.out.set(this.input.subarray(p + 4, p + 4 + n), this.outPos);
    this.outPos += n;
    this.pos = p + 4 + n;
    return n < len;
  }

  /** Literals and back-references until end-of-block; true when `out` filled up first. */
  private codes(lit: Huffman, dist: Huffman): boolean {
    const out = this.out;
    for (;;) {
      let sym = this.decode(lit);
      if (sym < 256) {
        if (this.outPos === out.length) return true;
        out[this.outPos++] = sym;
        continue;
      }
      if (sym === 256) return false;
      sym -= 257;
      if (sym >= 29) this.fail(`invalid length code ${sym + 257}`);
      const len = LENGTH_BASE[sym] + this.bits(LENGTH_EXTRA[sym]);
      const dsym = this.decode(dist);
      if (dsym >= 30) this.fail(`invalid distance code ${dsym}`);
      const d = DIST_BASE[dsym] + this.bits(DIST_EXTRA[dsym]);
      if (d > this.outPos) this.fail(`a back-reference reaches ${d} bytes back, before the start`);
      const n = Math.min(len, out.length - this.outPos);
      for (let k = 0, from = this.outPos - d; k < n; k++) out[this.outPos++] = out[from + k];
      if (n < len) return true;
    }
  }

  /** The next symbol of code `h`. */
  private decode(h: Huffman): number {
    if (this.bitCount < MAX_BITS) this.refill();
    const e = h.fast[this.bitBuf & FAST_MASK];
    if (e !== 0) {
      const len = e & 15;
      this.bitBuf >>>= len;
      this.bitCount -= len;
      return e >> 4;
    }
    // A code longer than FAST_BITS (or not a code at all): walk the lengths one bit at a time.
    let code = 0;
    let first = 0;
    let index = 0;
    for (let len = 1; len <= MAX_BITS; len++) {
      code |= this.bits(1);
      const count = h.counts[len];
      if (code - first < count) return h.symbols[index + code - first];
      index += count;
      first = (first + count) << 1;
      code <<= 1;
    }
    return this.fail('a code is not in the Huffman table');
  }

  /** The header of a dynamic block: the code-length code, then the literal/length and distance codes. */
  private dynamicCodes(): { lit: Huffman; dist: Huffman } {
    const nlen = this.bits(5) + 257;
    const ndist = this.bits(5) + 1;
    const ncode = this.bits(4) + 4;
    if (nlen > 286 || ndist > 30) this.fail('a dynamic block declares too many codes');
    const lengths = new Uint8Array(320);
    for (let k = 0; k < ncode; k++) lengths[CLEN_ORDER[k]] = this.bits(3);
    const clen = this.huffman(lengths.subarray(0, 19), false, 'the code-length code');
    lengths.fill(0);
    for (let k = 0; k < nlen + ndist; ) {
      const sym = this.decode(clen);
      if (sym < 16) {
        lengths[k++] = sym;
        continue;
      }
      let repeat: number;
      let value = 0;
      if (sym === 16) {
        if (k === 0) this.fail('a length repeat has nothing to repeat');
        value = lengths[k - 1];
        repeat = 3 + this.bits(2);
      } else repeat = sym === 17 ? 3 + this.bits(3) : 11 + this.bits(7);
      if (k + repeat > nlen + ndist) this.fail('code lengths run past their count');
      lengths.fill(value, k, k + repeat);
      k += repeat;
    }
    if (lengths[256] === 0) this.fail('the end-of-block code is missing');
    return {
      lit: this.huffman(lengths.subarray(0, nlen), true, 'the literal/length code'),
      dist: this.huffman(lengths.subarray(nlen, nlen + ndist), true, 'the distance code'),
    };
  }

  private huffman(lengths: Uint8Array, allowSingle: boolean, which: string): Huffman {
    const h = buildHuffman(lengths, allowSingle);
    if (typeof h === 'string') this.fail(`${which} is ${h}`);
    return h;
  }
}

/**
 * The canonical code with these code lengths, or why there is none: an oversubscribed set, or an
 * incomplete one (allowed, as in zlib, only for a literal or distance code of a single 1-bit code).
 */
function buildHuffman(lengths: Uint8Array, allowSingle: boolean): Huffman | string {
  const counts = new Uint16Array(MAX_BITS + 1);
  for (let s = 0; s < lengths.length; s++) counts[lengths[s]]++;
  counts[0] = 0;
  let left = 1;
  let maxLen = 0;
  for (let len = 1; len <= MAX_BITS; len++) {
    left = (left << 1) - counts[len];
    if (left < 0) return 'oversubscribed';
    if (counts[len] > 0) maxLen = len;
  }
  if (left > 0 && !(allowSingle && maxLen <= 1)) return 'incomplete';
  const offsets = new Uint16Array(MAX_BITS + 2);
  for (let len = 1; len <= MAX_BITS; len++) offsets[len + 1] = offsets[len] + counts[len];
  const symbols = new Uint16Array(lengths.length);
  for (let s = 0; s < lengths.length; s++) if (lengths[s] !== 0) symbols[offsets[lengths[s]]++] = s;
  // Codes of each length are consecutive integers (RFC 1951 §3.2.2), sent most significant bit
  // first; the table is indexed by input bits, least significant first, so each code is reversed.
  const fast = new Uint16Array(1 << FAST_BITS);
  let code = 0;
  let index = 0;
  for (let len = 1; len <= FAST_BITS; len++) {
    for (let k = 0; k < counts[len]; k++, code++) {
      let rev = 0;
      for (let b = 0; b < len; b++) rev |= ((code >> b) & 1) << (len - 1 - b);
      const entry = (symbols[index++] << 4) | len;
      for (let i = rev; i < fast.length; i += 1 << len) fast[i] = entry;
    }
    code <<= 1;
  }
  return { counts, symbols, fast };
}

/** The fixed codes of RFC 1951 §3.2.6, built on first use. */
function fixed(): { lit: Huffman; dist: Huffman } {
  if (fixedCodes === null) {
    const lit = new Uint8Array(288);
    lit.fill(8, 0, 144);
    lit.fill(9, 144, 256);
    lit.fill(7, 256, 280);
    lit.fill(8, 280, 288);
    // All 32 five-bit distance codes, so the table is complete; 30 and 31 are refused when decoded.
    const dist = new Uint8Array(32).fill(5);
    fixedCodes = { lit: buildHuffman(lit, false) as Huffman, dist: buildHuffman(dist, false) as Huffman };
  }
  return fixedCodes;
}
