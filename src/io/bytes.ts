import { ValueError, describe } from '../errors.js';

/** Accepts a Uint8Array (any view) or an ArrayBuffer; anything else is a ValueError. @internal */
export function toBytes(fn: string, bytes: unknown): Uint8Array {
  if (bytes instanceof Uint8Array) return bytes;
  if (bytes instanceof ArrayBuffer) return new Uint8Array(bytes);
  if (ArrayBuffer.isView(bytes)) return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  throw new ValueError(fn, `bytes must be a Uint8Array or an ArrayBuffer, got ${describe(bytes)}`);
}

/** A DataView over exactly these bytes. @internal */
export function viewOf(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

/** Latin-1/ASCII text of a byte range, for headers. @internal */
export function asciiText(b: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(b[i]);
  return s;
}

/** UTF-8 text (fatal on invalid bytes → ValueError). @internal */
export function utf8Text(fn: string, what: string, b: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(b);
  } catch {
    throw new ValueError(fn, `${what} is not valid UTF-8`);
  }
}

/**
 * What an error message calls the thing being read: a string, or a function making one, for
 * callers that read many things and should not build every name before one is needed. @internal
 */
export type Label = string | (() => string);

/** The text of a {@link Label}. @internal */
export function labelText(l: Label): string {
  return typeof l === 'string' ? l : l();
}
