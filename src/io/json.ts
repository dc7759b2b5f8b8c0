import { ValueError } from '../errors.js';

/** Keys that would reach an object's prototype machinery; rejected wherever untrusted keys land. @internal */
export const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

const MAX_DEPTH = 32;

/**
 * A strict JSON parser for untrusted headers: standard JSON, but duplicate keys, `__proto__`-style
 * keys, nesting deeper than 32 and numbers that are not finite are errors. Objects come back with
 * a null prototype. @internal
 */
export function parseStrictJson(fn: string, what: string, text: string): unknown {
  let i = 0;
  const fail = (msg: string): never => {
    throw new ValueError(fn, `${what} is not valid JSON: ${msg} at character ${i}`);
  };
  const ws = () => {
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) i++;
      else break;
    }
  };
  const str = (): string => {
    if (text[i] !== '"') fail('expected a string');
    i++;
    let s = '';
    for (;;) {
      if (i >= text.length) fail('unterminated string');
      const c = text[i++];
      if (c === '"') return s;
      if (c === '\\') {
        const e = text[i++];
        if (e === 'u') {
          const hex = text.slice(i, i + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('bad \\u escape');
          s += String.fromCharCode(parseInt(hex, 16));
          i += 4;
        } else {
          const map: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
          if (!(e in map)) fail('bad escape');
          s += map[e];
        }
      } else if (c.charCodeAt(0) < 0x20) fail('control character in string');
      else s += c;
    }
  };
  const value = (depth: number): unknown => {
    if (depth > MAX_DEPTH) fail('nested too deeply');
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const obj: Record<string, unknown> = Object.create(null);
      ws();
      if (text[i] === '}') {
        i++;
        return obj;
      }
      for (;;) {
        ws();
        const k = str();
        if (FORBIDDEN.has(k)) fail(`forbidden key ${JSON.stringify(k)}`);
        if (Object.prototype.hasOwnProperty.call(obj, k)) fail(`duplicate key ${JSON.stringify(k)}`);
        ws();
        if (text[i] !== ':') fail("expected ':'");
        i++;
        obj[k] = value(depth + 1);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return obj;
        }
        fail("expected ',' or '}'");
      }
    }
    if (c === '[') {
      i++;
      const arr: unknown[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return arr;
      }
      for (;;) {
        arr.push(value(depth + 1));
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return arr;
        }
        fail("expected ',' or ']'");
      }
    }
    if (c === '"') return str();
    if (text.startsWith('true', i)) {
      i += 4;
      return true;
    }
    if (text.startsWith('false', i)) {
      i += 5;
      return false;
    }
    if (text.startsWith('null', i)) {
      i += 4;
      return null;
    }
    const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(i, i + 400));
    if (m === null) return fail('unexpected character');
    i += (m as RegExpExecArray)[0].length;
    const num = Number((m as RegExpExecArray)[0]);
    if (!Number.isFinite(num)) fail('number out of range');
    return num;
  };
  const v = value(0);
  ws();
  if (i !== text.length) fail('trailing characters');
  return v;
}
