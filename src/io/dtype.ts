import { ValueError } from '../errors.js';
import { labelText, viewOf, type Label } from './bytes.js';

/**
 * A stored element type, as both `.npy` and safetensors describe theirs: floats (`f`), bfloat16
 * (`bf`, safetensors only), signed and unsigned integers (`i`, `u`) and booleans (`b`, one byte,
 * any non-zero byte is true). @internal
 */
export interface Dtype {
  kind: 'f' | 'bf' | 'i' | 'u' | 'b';
  size: 1 | 2 | 4 | 8;
  little: boolean;
}

/**
 * Decodes `count` elements of `dt` starting at byte `start` of `b` into float64. Every dtype
 * converts exactly, except 64-bit integers beyond ±2⁵³, which are an error naming `what` and the
 * element. The caller has checked that the bytes are present. @internal
 */
export function decodeValues(fn: string, what: Label, b: Uint8Array, start: number, count: number, dt: Dtype): Float64Array {
  const out = new Float64Array(count);
  if (count === 0) return out;
  const le = dt.little;
  const end = start + count * dt.size;
  if (dt.kind === 'f' && dt.size === 8 && le && hostIsLittleEndian()) {
    new Uint8Array(out.buffer).set(b.subarray(start, end));
    return out;
  }
  const v = viewOf(b);
  let i = 0;
  switch (dt.kind) {
    case 'f':
      if (dt.size === 8) for (let o = start; o < end; o += 8) out[i++] = v.getFloat64(o, le);
      else if (dt.size === 4) for (let o = start; o < end; o += 4) out[i++] = v.getFloat32(o, le);
      else for (let o = start; o < end; o += 2) out[i++] = halfToFloat(v.getUint16(o, le));
      break;
    case 'bf':
      for (let o = start; o < end; o += 2) out[i++] = bf16ToFloat(v.getUint16(o, le));
      break;
    case 'b':
      for (let o = start; o < end; o++) out[i++] = b[o] === 0 ? 0 : 1;
      break;
    default:
      if (dt.size === 8) decodeInt64(fn, what, v, start, count, dt, out);
      else if (dt.kind === 'i') {
        if (dt.size === 4) for (let o = start; o < end; o += 4) out[i++] = v.getInt32(o, le);
        else if (dt.size === 2) for (let o = start; o < end; o += 2) out[i++] = v.getInt16(o, le);
        else for (let o = start; o < end; o++) out[i++] = v.getInt8(o);
      } else if (dt.size === 4) for (let o = start; o < end; o += 4) out[i++] = v.getUint32(o, le);
      else if (dt.size === 2) for (let o = start; o < end; o += 2) out[i++] = v.getUint16(o, le);
      else for (let o = start; o < end; o++) out[i++] = b[o];
  }
  return out;
}

/** 64-bit integers, each checked to be exactly representable (|x| ≤ 2⁵³). */
function decodeInt64(fn: string, what: Label, v: DataView, start: number, count: number, dt: Dtype, out: Float64Array): void {
  for (let i = 0, o = start; i < count; i++, o += 8) {
    const big = dt.kind === 'i' ? v.getBigInt64(o, dt.little) : v.getBigUint64(o, dt.little);
    if (big > 9007199254740992n || big < -9007199254740992n) {
      throw new ValueError(fn, `${labelText(what)} element ${i} is ${big}, beyond ±2^53 (not exactly representable as float64)`);
    }
    out[i] = Number(big);
  }
}

/** Decodes an IEEE 754 half-precision value (5 exponent bits, 10 fraction bits). @internal */
export function halfToFloat(h: number): number {
  return float16(h, 5, 10);
}

/** Decodes a bfloat16 value (the top 16 bits of a float32: 8 exponent bits, 7 fraction bits). @internal */
export function bf16ToFloat(h: number): number {
  return float16(h, 8, 7);
}

/**
 * A 16-bit binary float with `eBits` exponent and `fBits` fraction bits, widened exactly:
 * (−1)^s · 2^(e − bias) · (1 + f / 2^fBits), subnormal when e = 0, ±∞ or NaN when e is all ones.
 */
function float16(h: number, eBits: number, fBits: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const eMax = (1 << eBits) - 1;
  const bias = eMax >> 1;
  const e = (h >> fBits) & eMax;
  const f = h & ((1 << fBits) - 1);
  if (e === 0) return s * f * 2 ** (1 - bias - fBits);
  if (e === eMax) return f === 0 ? s * Infinity : NaN;
  return s * (1 + f / (1 << fBits)) * 2 ** (e - bias);
}

let littleEndianHost: boolean | null = null;

function hostIsLittleEndian(): boolean {
  if (littleEndianHost === null) littleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  return littleEndianHost;
}
