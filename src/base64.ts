import { ValueError } from './errors.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * Float64Array → base64 of its little-endian bytes. Exact for every value (NaN payloads, −0, ±∞).
 * @internal
 */
export function encodeFloat64(values: Float64Array): string {
  const bytes = new Uint8Array(values.length * 8);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat64(i * 8, values[i], true);
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += ALPHABET[n >> 18] + ALPHABET[(n >> 12) & 63] + ALPHABET[(n >> 6) & 63] + ALPHABET[n & 63];
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i] << 16;
    out += ALPHABET[n >> 18] + ALPHABET[(n >> 12) & 63] + '==';
  } else if (rest === 2) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8);
    out += ALPHABET[n >> 18] + ALPHABET[(n >> 12) & 63] + ALPHABET[(n >> 6) & 63] + '=';
  }
  return out;
}

/**
 * base64 → Float64Array of exactly `length` values; anything malformed is a ValueError naming `what`.
 * @internal
 */
export function decodeFloat64(fn: string, what: string, text: unknown, length: number): Float64Array {
  if (typeof text !== 'string') throw new ValueError(fn, `${what} must be a base64 string, got ${typeof text}`);
  const expectedChars = Math.ceil((length * 8) / 3) * 4;
  if (text.length !== expectedChars) {
    throw new ValueError(fn, `${what} has ${text.length} base64 characters (expected ${expectedChars} for ${length} float64 values)`);
  }
  const bytes = new Uint8Array(length * 8);
  let b = 0;
  for (let i = 0; i < text.length; i += 4) {
    let n = 0;
    let pad = 0;
    for (let k = 0; k < 4; k++) {
      const ch = text[i + k];
      let v: number;
      if (ch === '=' && i + 4 === text.length && k >= 2) {
        v = 0;
        pad++;
      } else {
        v = ALPHABET.indexOf(ch);
        if (v < 0 || pad > 0) throw new ValueError(fn, `${what} is not valid base64 (bad character at ${i + k})`);
      }
      n = (n << 6) | v;
    }
    const got = 3 - pad;
    for (let k = 0; k < got && b < bytes.length; k++) bytes[b++] = (n >> (16 - 8 * k)) & 255;
  }
  const view = new DataView(bytes.buffer);
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) out[i] = view.getFloat64(i * 8, true);
  return out;
}

/**
 * Gives a state dict (Float64Arrays in memory) a non-enumerable `toJSON`, so that `JSON.stringify`
 * writes the JSON-safe form (base64 text) without the in-memory dict ever being encoded. @internal
 */
export function withJson<T extends object>(dict: T, toJson: (d: T) => unknown): T {
  Object.defineProperty(dict, 'toJSON', { value: () => toJson(dict), enumerable: false });
  return dict;
}
