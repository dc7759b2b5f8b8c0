// Untrusted files and sizes: each test here makes a file lie in one way that the readers used to
// accept (or answered with a raw RangeError/TypeError, or only after allocating what it declared).
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  Adam, Linear, NablaError, Tensor, ValueError, loadState, readNpy, readNpz, readSafetensors, saveState, tensor, writeNpy, writeNpz,
  writeSafetensors,
} from '../../src/index.js';
import { craftZip, f8Vector, npyFile, safetensorsFile } from './craft.js';

const MAX_SAFE = 9007199254740991;
const f8 = (values: number[]) => {
  const b = new Uint8Array(values.length * 8);
  values.forEach((x, i) => new DataView(b.buffer).setFloat64(i * 8, x, true));
  return b;
};

describe('absurd dimensions are refused', () => {
  it('.npy: a ~100-byte file declaring shape (0, 2^53 − 1)', () => {
    const file = npyFile(`{'descr': '<f8', 'fortran_order': False, 'shape': (0, ${MAX_SAFE}), }\n`);
    expect(file.length).toBeLessThan(128);
    expect(() => readNpy(file)).toThrow(/shape \[0,9007199254740991\]: its non-zero dimensions multiply to 9007199254740991 elements.*beyond options\.maxBytes = 1073741824/);
  });
  it('safetensors: shape [0, 2^53 − 1] over no bytes', () => {
    const file = safetensorsFile(`{"a":{"dtype":"F64","shape":[0,${MAX_SAFE}],"data_offsets":[0,0]}}`);
    expect(() => readSafetensors(file)).toThrow(/tensor "a" declares shape \[0,9007199254740991\].*options\.maxBytes/);
  });
  it('the rule counts the non-zero dimensions of an empty tensor; ordinary empty tensors still read', () => {
    const ok = readNpy(npyFile(`{'descr': '<f8', 'fortran_order': False, 'shape': (0, 3, 5), }\n`));
    expect(ok.shape).toEqual([0, 3, 5]);
    // 2^27 float64 elements are 1 GiB: at the limit, accepted; one more dimension of 2 is not.
    expect(readNpy(npyFile(`{'descr': '<f8', 'fortran_order': False, 'shape': (0, 134217728), }\n`)).size).toBe(0);
    expect(() => readNpy(npyFile(`{'descr': '<f8', 'fortran_order': False, 'shape': (0, 134217728, 2), }\n`))).toThrow(/maxBytes/);
    expect(readSafetensors(safetensorsFile('{"e":{"dtype":"F32","shape":[4,0],"data_offsets":[0,0]}}')).tensors.e.shape).toEqual([4, 0]);
  });
});

describe('options.maxBytes', () => {
  const ten = writeNpy(tensor([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));
  it('bounds what readNpy creates, at 8 bytes an element; Infinity lifts it', () => {
    expect(() => readNpy(ten, { maxBytes: 79 })).toThrow(/declares shape \[10\]: 10 elements, 80 bytes as float64, beyond options\.maxBytes = 79 \(raise options\.maxBytes/);
    expect(readNpy(ten, { maxBytes: 80 }).size).toBe(10);
    expect(readNpy(npyFile(`{'descr': '<f8', 'fortran_order': False, 'shape': (0, ${MAX_SAFE}), }\n`), { maxBytes: Infinity }).size).toBe(0);
  });
  it('a uint8 file counts at its float64 size, not its file size', () => {
    const u1 = npyFile(`{'descr': '|u1', 'fortran_order': False, 'shape': (16,), }\n`, new Uint8Array(16));
    expect(() => readNpy(u1, { maxBytes: 127 })).toThrow(/maxBytes/);
    expect(readNpy(u1, { maxBytes: 128 }).size).toBe(16);
  });
  it('readSafetensors sums over the tensors', () => {
    const two = writeSafetensors({ a: tensor([1]), b: tensor([2]) });
    expect(() => readSafetensors(two, { maxBytes: 15 })).toThrow(/tensor "b" \(shape \[1\]\) needs 8 bytes, and with the 8 before it that passes options\.maxBytes = 15/);
    expect(readSafetensors(two, { maxBytes: 16 }).tensors.b.data[0]).toBe(2);
  });
  it('readNpz sums over the members', async () => {
    const z = writeNpz({ a: tensor([1, 2]), b: tensor([3]) });
    await expect(readNpz(z, { maxBytes: 23 })).rejects.toThrow(/member "b\.npy".*passes options\.maxBytes = 23/);
    expect((await readNpz(z, { maxBytes: 24 })).b.data[0]).toBe(3);
  });
  it('is checked like any option: misspellings suggested, bad values named, null is omitted', async () => {
    expect(() => readNpy(ten, { maxByte: 10 } as never)).toThrow(/unknown key "maxByte" \(did you mean "maxBytes"\?\)/);
    expect(() => readSafetensors(writeSafetensors({}), { limit: 1 } as never)).toThrow(/unknown key "limit"/);
    await expect(readNpz(writeNpz({}), { max_bytes: 1 } as never)).rejects.toThrow(/did you mean "maxBytes"/);
    for (const bad of [0, -1, 1.5, NaN, '1', 2 ** 60]) expect(() => readNpy(ten, { maxBytes: bad as never })).toThrow(/options\.maxBytes must be a positive integer or Infinity/);
    expect(readNpy(ten, { maxBytes: null as never }).size).toBe(10);
    expect(readNpy(ten, null as never).size).toBe(10);
  });
});

describe('readNpz: bombs, shared streams and lies between headers', () => {
  const member = f8Vector([1, 2, 3]);
  it('a 1 KB archive declaring a 4 GiB member is refused before anything is inflated', async () => {
    const bomb = craftZip([{ name: 'a.npy', content: member, method: 8, size: 0xfffffffe }]);
    expect(bomb.length).toBeLessThan(1100);
    await expect(readNpz(bomb)).rejects.toThrow(/compressed member "a\.npy", inflated, needs 4294967294 bytes.*options\.maxBytes = 1073741824/);
  });
  it('a zip64 size of 2^40 is a ValueError, not a RangeError; with no limit, the header gives it away', async () => {
    const bomb = craftZip([{ name: 'a.npy', content: member, method: 8, size: 2 ** 40 }]);
    await expect(readNpz(bomb)).rejects.toThrow(ValueError);
    await expect(readNpz(bomb, { maxBytes: Infinity })).rejects.toThrow(/declares shape \[3\] of <f8 \(a 152-byte \.npy file\) but the archive lists 1099511627776 bytes/);
  });
  it('a member is checked by its header before it is inflated', async () => {
    // A header declaring a 1 GiB − 1 byte member in a small stream: refused from its header alone.
    const big = craftZip([{ name: 'a.npy', content: member, method: 8, size: 2 ** 30 - 1 }]);
    await expect(readNpz(big)).rejects.toThrow(/a 152-byte \.npy file\) but the archive lists 1073741823 bytes/);
    // A bad header followed by a stream that breaks later: the header is what is reported.
    const junk = new Uint8Array(200_000).map((_, i) => (i * 7919) % 251);
    junk.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x58]); // \x93NUMPX
    const raw = new Uint8Array(deflateRawSync(junk));
    raw.fill(0xff, raw.length - 200);
    const broken = craftZip([{ name: 'a.npy', content: junk, method: 8, raw }]);
    await expect(readNpz(broken)).rejects.toThrow(/member "a\.npy" does not start with the \.npy magic string/);
  });
  it('central-directory entries sharing one local header are refused', async () => {
    const z = craftZip([{ name: 'a.npy', content: member, method: 8 }, { name: 'b.npy', content: member, method: 8, sharedWith: 0 }]);
    await expect(readNpz(z)).rejects.toThrow(/entry "b\.npy"'s local header gives a different name/);
  });
  it('entries whose data overlap are refused, even when every name agrees', async () => {
    // b's local header sits inside a's extra field and ends where a's data starts: both are "valid".
    const bLocal = craftZip([{ name: 'b.npy', content: new Uint8Array(0) }]).subarray(0, 35);
    const z = craftZip([{ name: 'a.npy', content: member, localExtra: bLocal }, { name: 'b.npy', content: member }]);
    const v = new DataView(z.buffer);
    const cdB = v.getUint32(z.length - 6, true) + 46 + 5; // second central-directory record
    v.setUint32(cdB + 42, 35, true); // b's local header: inside a's extra field
    await expect(readNpz(z)).rejects.toThrow(/entries "a\.npy" and "b\.npy" overlap/);
  });
  it('a local header naming a different file is refused', async () => {
    const z = craftZip([{ name: 'a.npy', content: member, localName: 'x.npy' }]);
    await expect(readNpz(z)).rejects.toThrow(/local header gives a different name/);
  });
  it('bytes after the end of a deflate stream are refused', async () => {
    const raw = new Uint8Array([...deflateRawSync(member), 0, 0, 0]);
    const z = craftZip([{ name: 'a.npy', content: member, method: 8, raw }]);
    await expect(readNpz(z)).rejects.toThrow(/entry "a\.npy" has 3 bytes after the end of its deflate stream/);
  });
  it('a deflate stream longer than the declared size is refused', async () => {
    const z = craftZip([{ name: 'a.npy', content: new Uint8Array([...member, 0]), method: 8, size: member.length }]);
    await expect(readNpz(z)).rejects.toThrow(/inflates beyond its declared size 152/);
  });
  it('member names are keys, never paths: "../x" reads as the key "../x"', async () => {
    const got = await readNpz(craftZip([{ name: '../x.npy', content: member }, { name: 'dir/y.npy', content: member }]));
    expect(Object.keys(got).sort()).toEqual(['../x', 'dir/y']);
  });
});

describe('writers write only what their readers read', () => {
  it('writeNpz refuses names readNpz refuses', () => {
    for (const name of ['__proto__', 'constructor', 'prototype', '', 'a\uD800b']) {
      const tensors = JSON.parse(`{${JSON.stringify(name)}: [1]}`);
      expect(() => writeNpz(tensors), name).toThrow(/writeNpz: the tensor name .* is not allowed/);
    }
  });
  it('writeNpz refuses more members than a zip without zip64 can count', () => {
    const many: Record<string, Tensor> = {};
    const empty = tensor([]);
    for (let i = 0; i < 65536; i++) many[`t${i}`] = empty;
    expect(() => writeNpz(many)).toThrow(/65536 members do not fit a zip archive without zip64/);
  });
  it('no tensor has more than 64 dimensions, so writers never write what readers refuse; 64 round-trip', () => {
    // A 65-dimensional tensor cannot be made (the tensor core's limit, NumPy 2's), let alone written.
    expect(() => new Tensor(new Float64Array(1), new Array(65).fill(1))).toThrow(/at most 64 dimensions|65 dimensions/);
    const ok = new Tensor(new Float64Array(1), new Array(64).fill(1));
    expect(readNpy(writeNpy(ok)).rank).toBe(64);
    expect(readSafetensors(writeSafetensors({ ok })).tensors.ok.rank).toBe(64);
  });
  it('writeSafetensors refuses a header its reader would refuse as too long', () => {
    expect(() => writeSafetensors({}, { metadata: { big: 'x'.repeat(100_000_000) } })).toThrow(/the header would have at least 100000\d+ bytes; readers accept at most 100000000/);
  });
});

describe('loadState: a crafted file is a NablaError, not a TypeError', () => {
  it('"buffers": [{}]', () => {
    const model = new Linear(2, 1);
    const opt = new Adam(model.parameters());
    const { tensors, metadata } = readSafetensors(saveState(model, opt));
    const meta = JSON.parse(metadata['nabla.optimizer']);
    meta.state = [{ step: 1, buffers: [{}], scalars: {} }, null];
    const bytes = writeSafetensors(tensors, { metadata: { ...metadata, 'nabla.optimizer': JSON.stringify(meta) } });
    expect(() => loadState(bytes, model, opt)).toThrow(NablaError);
    expect(() => loadState(bytes, model, opt)).toThrow(/optimizer state 0 names a buffer an object \(expected a buffer name\)/);
  });
  it('errors name loadState; its files load under a limit that grows with the file', () => {
    expect(() => loadState(saveState(new Linear(2, 1)), new Linear(2, 1))).not.toThrow();
    expect(() => loadState('nope' as never, new Linear(2, 1))).toThrow(/loadState: bytes must be a Uint8Array or an ArrayBuffer/);
  });
});

describe('f64 fast path and the shared decoder', () => {
  it('f8 from an unaligned view decodes the same', () => {
    const file = writeNpy(tensor([1.5, -0, NaN, Infinity]));
    const shifted = new Uint8Array(file.length + 1);
    shifted.set(file, 1);
    const t = readNpy(shifted.subarray(1));
    expect(Array.from(t.data)).toEqual([1.5, -0, NaN, Infinity]);
    expect(Object.is(t.data[1], -0)).toBe(true);
  });
  it('big-endian f8 goes through the byte-order path', () => {
    const be = new Uint8Array(16);
    new DataView(be.buffer).setFloat64(0, 0.1, false);
    new DataView(be.buffer).setFloat64(8, -2, false);
    expect(Array.from(readNpy(npyFile(`{'descr': '>f8', 'fortran_order': False, 'shape': (2,), }\n`, be)).data)).toEqual([0.1, -2]);
    expect(Array.from(readNpy(npyFile(`{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }\n`, f8([0.1, -2]))).data)).toEqual([0.1, -2]);
  });
});

describe('readers obey the one tensor size limit (setMaxElements) too', () => {
  it('a file whose tensor is within maxBytes but over the element limit is refused before decoding', async () => {
    const { setMaxElements, writeNpy, readNpy, writeSafetensors, readSafetensors, tensor: t } = await import('../../src/index.js');
    const bytesNpy = writeNpy(t([1, 2, 3, 4]));
    const bytesSt = writeSafetensors({ w: t([1, 2, 3, 4]) });
    const previous = setMaxElements(3);
    try {
      expect(() => readNpy(bytesNpy)).toThrow(/readNpy: .*4 elements.*limit|readNpy:.*more than 3/);
      expect(() => readSafetensors(bytesSt)).toThrow(/readSafetensors:/);
    } finally {
      setMaxElements(previous);
    }
    expect(readNpy(bytesNpy).size).toBe(4);
  });
});
