// The strict header parser: what JSON.parse accepts it parses to the same values, except the
// documented refusals (duplicate and prototype keys, deep nesting, numbers out of range).
import { describe, expect, it } from 'vitest';
import { ValueError, createRng } from '../../src/index.js';
import { parseStrictJson } from '../../src/io/json.js';

const parse = (text: string) => parseStrictJson('f', 'the header', text);

describe('parseStrictJson agrees with JSON.parse on valid JSON', () => {
  it('hand-picked texts', () => {
    const texts = [
      '{}', '[]', '0', '-0', '1.5e3', '-12.25E-2', '123456789012345', '1234567890123456789', '9007199254740993', '0.1', '1e-400', '5e-324',
      '"plain"', '""', '"\\u00e9\\u0000\\ud83d\\ude00 \\ud800 \\"\\\\\\/\\b\\f\\n\\r\\t"', '"é ü 😀"', 'true', 'false', 'null',
      ' \t\n\r{ "a" : [ 1 , { "b" : null } , "c" ] , "d" : { } } \n',
      '{"a":{"dtype":"F64","shape":[2,3],"data_offsets":[0,48]},"__metadata__":{"format":"pt"}}',
      '{"toString":1,"hasOwnProperty":2,"valueOf":{"__defineGetter__":3}}',
    ];
    for (const t of texts) expect(parse(t), t).toEqual(JSON.parse(t));
    expect(Object.is(parse('-0'), -0)).toBe(true);
  });
  it('seeded random documents', () => {
    const rng = createRng(11);
    const strings = ['a', 'b', 'key', 'é', '😀', '\n', '"', '\\', '\u0001', '\ud800', 'toString', ''];
    const gen = (depth: number): unknown => {
      const k = rng.integers(0, depth > 4 ? 4 : 6);
      if (k === 0) return rng.integers(-1e6, 1e6) * (rng.random() < 0.5 ? 1 : 1e-3);
      if (k === 1) return strings[rng.integers(0, strings.length)] + strings[rng.integers(0, strings.length)];
      if (k === 2) return [true, false, null][rng.integers(0, 3)];
      if (k === 3) return rng.normal() * 10 ** rng.integers(-300, 300);
      if (k === 4) return Array.from({ length: rng.integers(0, 5) }, () => gen(depth + 1));
      const o: Record<string, unknown> = {};
      for (let i = rng.integers(0, 5); i > 0; i--) o[`${strings[rng.integers(0, strings.length)]}${i}`] = gen(depth + 1);
      return o;
    };
    for (let n = 0; n < 300; n++) {
      const text = JSON.stringify(gen(0), null, n % 3 === 0 ? 1 : undefined);
      expect(parse(text)).toEqual(JSON.parse(text));
    }
  });
  it('objects have no prototype', () => {
    const o = parse('{"a":{"b":1}}') as Record<string, Record<string, unknown>>;
    expect(Object.getPrototypeOf(o)).toBe(null);
    expect(Object.getPrototypeOf(o.a)).toBe(null);
  });
});

describe('parseStrictJson refuses what it must', () => {
  const refuses = (text: string, re: RegExp) => {
    expect(() => parse(text), text).toThrow(ValueError);
    expect(() => parse(text), text).toThrow(re);
  };
  it('what JSON.parse would accept', () => {
    refuses('{"a":1,"a":2}', /duplicate key "a" at character 7/);
    refuses('{"a":1,"\\u0061":2}', /duplicate key "a"/);
    refuses('{"__proto__":{}}', /forbidden key "__proto__"/);
    refuses('{"__proto\\u005f_":{}}', /forbidden key "__proto__"/);
    refuses('{"x":{"constructor":1}}', /forbidden key "constructor"/);
    refuses('{"prototype":1}', /forbidden key "prototype"/);
    refuses('1e400', /number out of range at character 0/);
    refuses('[-1e309]', /number out of range/);
    refuses(`${'['.repeat(34)}${']'.repeat(34)}`, /nested too deeply/); // the top level is depth 0
    expect(parse(`${'['.repeat(33)}${']'.repeat(33)}`)).toBeInstanceOf(Array);
  });
  it('what JSON.parse refuses too', () => {
    for (const t of ['', ' ', '{', '{"a"}', '{"a":}', '{"a":1,}', '[1,]', '[1 2]', '{a:1}', "{'a':1}", '01', '1.', '.5', '-', '+1', '1e', '1e+',
      '"\\x"', '"\\u12"', '"\\u12G4"', '"a', '"\u0001"', 'tru', 'nul', 'NaN', 'Infinity', '{} x', '[]]', '"a"b']) {
      expect(() => JSON.parse(t), t).toThrow();
      expect(() => parse(t), t).toThrow(/the header is not valid JSON: .* at character \d+/);
    }
  });
});
