// The raw-DEFLATE decoder against zlib's encoder (node:zlib, an independent implementation) over
// every block type and strategy, and its refusals of malformed streams.
import { constants, deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/index.js';
import { inflateRaw } from '../../src/io/inflate.js';

const inflate = (raw: Uint8Array, size: number) => {
  const out = new Uint8Array(size);
  return { out, ...inflateRaw('t', 'x', raw, out) };
};

describe('inflateRaw decodes what zlib encodes', () => {
  const rng = createRng(7);
  const kinds: Record<string, (n: number) => Uint8Array> = {
    random: (n) => Uint8Array.from({ length: n }, () => rng.integers(0, 256)),
    skewed: (n) => Uint8Array.from({ length: n }, () => (rng.random() < 0.9 ? 65 : rng.integers(0, 256))),
    periodic: (n) => Uint8Array.from({ length: n }, (_, i) => (i % 7) * 3),
    twoBits: (n) => Uint8Array.from({ length: n }, () => rng.integers(0, 4)),
    float64: (n) => new Uint8Array(Float64Array.from({ length: Math.ceil(n / 8) }, () => rng.random()).buffer).subarray(0, n),
  };
  const settings = [
    { level: 0 }, { level: 1 }, { level: 6 }, { level: 9 }, { strategy: constants.Z_FIXED }, { strategy: constants.Z_HUFFMAN_ONLY },
    { strategy: constants.Z_RLE }, { windowBits: 9, memLevel: 1 },
  ];
  for (const [kind, make] of Object.entries(kinds)) {
    it(kind, () => {
      for (const n of [0, 1, 2, 258, 1000, 40_000]) {
        const src = make(n);
        for (const s of settings) {
          const raw = new Uint8Array(deflateRawSync(src, s));
          const r = inflate(raw, n);
          expect(r.status, `${n} ${JSON.stringify(s)}`).toBe('end');
          expect(r.written).toBe(n);
          expect(r.consumed).toBe(raw.length);
          expect(Buffer.from(r.out).equals(Buffer.from(src)), `${kind} ${n} ${JSON.stringify(s)}`).toBe(true);
        }
      }
    });
  }
  it('stops when the output is full and says so; a prefix is the start of the data', () => {
    const src = kinds.skewed(5000);
    for (const s of settings) {
      const r = inflate(new Uint8Array(deflateRawSync(src, s)), 100);
      expect(r.status).toBe('full');
      expect(r.written).toBe(100);
      expect(Array.from(r.out)).toEqual(Array.from(src.subarray(0, 100)));
    }
  });
  it('reports the bytes it consumed, so trailing bytes can be seen', () => {
    const raw = new Uint8Array([...deflateRawSync(new Uint8Array(10)), 1, 2, 3]);
    const r = inflate(raw, 10);
    expect(r.status).toBe('end');
    expect(raw.length - r.consumed).toBe(3);
  });
});

describe('inflateRaw refuses malformed streams', () => {
  const bad = (bytes: number[], re: RegExp, size = 100) => expect(() => inflate(new Uint8Array(bytes), size)).toThrow(re);
  it('each defect by name', () => {
    bad([0x07], /block type 3 is reserved/); // final, type 3
    bad([0x01, 0x05, 0x00, 0xfa, 0xfe], /length does not match its complement/); // stored, LEN 5, NLEN wrong
    bad([0x01, 0x05, 0x00, 0xfa, 0xff, 1, 2], /stored block is truncated/);
    bad([0x01, 0x05], /stored block is truncated/);
    bad([], /not valid deflate data/);
    // Fixed codes: literal 'a' (0x61 → code 0x91, 8 bits), then a back-reference of distance 2 with
    // only one byte written: length code 257 (7 bits 0000001), distance code 1 (5 bits 00001).
    bad(bitsToBytes('1', '10', '10010001', '0000001', '00001', '0000000'), /reaches 2 bytes back, before the start/);
    // Fixed codes: distance code 30 is reserved.
    bad(bitsToBytes('1', '10', '10010001', '0000001', '11110'), /invalid distance code 30/);
    // Dynamic: a code-length code of 19 one-bit codes is oversubscribed.
    bad(bitsToBytes('1', '01', '00000', '00000', '1111', ...new Array(19).fill('100')), /code-length code is oversubscribed/);
    // Dynamic: a code-length code with one length-1 code is incomplete.
    bad(bitsToBytes('1', '01', '00000', '00000', '0000', '000', '000', '000', '100'), /code-length code is incomplete/);
  });
  it('a stream that ends early', () => {
    const raw = new Uint8Array(deflateRawSync(new Uint8Array(1000).map((_, i) => i % 13)));
    expect(() => inflate(raw.subarray(0, raw.length - 3), 1000)).toThrow(/not valid deflate data/);
  });
});

/**
 * Packs bit fields into bytes, each byte filled from its least significant bit (RFC 1951 §3.1.1).
 * Every field is written as its bits in stream order: numbers (BFINAL, BTYPE, HLIT, extra bits)
 * go least significant bit first, so '10' as BTYPE is 1 (fixed codes); Huffman codes go most
 * significant bit first, so the fixed code of 'a', 10010001, is written as it reads.
 */
function bitsToBytes(...fields: string[]): number[] {
  const bits = fields.join('');
  const out: number[] = [];
  for (let i = 0; i < bits.length; i += 8) {
    let byte = 0;
    for (let k = 0; k < 8 && i + k < bits.length; k++) if (bits[i + k] === '1') byte |= 1 << k;
    out.push(byte);
  }
  return out;
}
