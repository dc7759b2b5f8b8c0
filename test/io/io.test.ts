import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  Adam, BatchNorm, Linear, NablaError, ReLU, Sequential, ValueError, createRng, loadState, normal, readNpy, readNpz, readSafetensors,
  saveState, tensor, transpose, writeNpy, writeNpz, writeSafetensors,
} from '../../src/index.js';
import { expectMatches, loadFixture } from '../helpers/fixtures.js';

const fx = loadFixture('io.json');
const file = (name: string) => new Uint8Array(readFileSync(fileURLToPath(new URL(`../fixtures/io/${name}`, import.meta.url))));

describe('reading files written by NumPy and by the safetensors spec', () => {
  for (const c of fx.npy) {
    it(`.npy ${c.file} (${c.descr})`, () => expectMatches(readNpy(file(c.file)), c.value, 0, 0, c.file));
  }
  it('.npy int64 beyond 2^53 is refused', () => {
    expect(() => readNpy(file('i8_too_big.npy'))).toThrow(/element 0 is 9007199254740993, beyond ±2\^53/);
  });
  for (const c of fx.npz) {
    it(`.npz ${c.file}`, async () => {
      const got = await readNpz(file(c.file));
      expect(Object.keys(got).sort()).toEqual(Object.keys(c.arrays).sort());
      for (const [k, v] of Object.entries(c.arrays)) expectMatches(got[k], v as never, 0, 0, k);
    });
  }
  for (const c of fx.safetensors) {
    it(`safetensors ${c.file}`, () => {
      const { tensors, metadata } = readSafetensors(file(c.file).buffer.slice(0) as ArrayBuffer);
      expect({ ...metadata }).toEqual(c.metadata);
      expect(Object.keys(tensors)).toEqual(Object.keys(c.tensors));
      for (const [k, v] of Object.entries(c.tensors)) expectMatches(tensors[k], v as never, 0, 0, k);
    });
  }
  it('PyTorch-style weights into a Linear (transpose (out, in) → [in, out])', () => {
    const { tensors } = readSafetensors(file('linear_pt.safetensors'));
    const layer = new Linear(3, 2);
    layer.weight.data.set(transpose(tensors.weight).data);
    layer.bias!.data.set(tensors.bias.data);
    const y = layer.forward([[1, 0, 0]]);
    expect(y.data[0]).toBe(tensors.weight.data[0] + tensors.bias.data[0]);
    expect(y.data[1]).toBe(tensors.weight.data[3] + tensors.bias.data[1]);
  });
});

describe('round trips are exact', () => {
  const special = tensor([[NaN, -0, Infinity], [-Infinity, 5e-324, 1.7976931348623157e308]]);
  it('.npy', () => {
    for (const t of [special, tensor(3), tensor([], [0, 2]), normal([2, 3, 4], { seed: 1 })]) {
      expectMatches(readNpy(writeNpy(t)), t, 0, 0);
    }
    // Byte for byte what np.save wrote (header padding included).
    for (const f of ['f8.npy', 'scalar.npy', 'empty.npy', 'special.npy']) expect(Array.from(writeNpy(readNpy(file(f))))).toEqual(Array.from(file(f)));
  });
  it('.npz', async () => {
    const got = await readNpz(writeNpz({ a: special, b: tensor([1, 2, 3]) }));
    expectMatches(got.a, special, 0, 0);
    expectMatches(got.b, tensor([1, 2, 3]), 0, 0);
  });
  it('safetensors F64 exact, F32 rounded, metadata kept', () => {
    const bytes = writeSafetensors({ a: special, w: tensor([[0.1, 0.2]]) }, { metadata: { who: 'nabla' } });
    const back = readSafetensors(bytes);
    expectMatches(back.tensors.a, special, 0, 0);
    expect(back.metadata.who).toBe('nabla');
    expect(new DataView(bytes.buffer).getBigUint64(0, true) % 8n).toBe(0n);
    const f32 = readSafetensors(writeSafetensors({ w: tensor([0.1]) }, { dtype: 'F32' })).tensors.w;
    expect(f32.data[0]).toBe(Math.fround(0.1));
  });
  it('saveState / loadState: model and optimizer together, training continues bit-identically', () => {
    const make = () => {
      const rng = createRng(3);
      const m = new Sequential(new Linear(3, 4, { rng }), new BatchNorm(4), new ReLU(), new Linear(4, 2, { rng }));
      return { m, opt: new Adam(m.parameters(), { lr: 0.01 }) };
    };
    const x = normal([5, 3], { seed: 4 });
    const step = (m: Sequential, opt: Adam) => {
      m.zeroGrad();
      m.forward(x);
      m.backward(tensor(new Float64Array(10).fill(0.1), [5, 2]));
      opt.step();
    };
    const a = make();
    for (let i = 0; i < 3; i++) step(a.m, a.opt);
    const bytes = saveState(a.m, a.opt);
    const b = make();
    loadState(bytes, b.m, b.opt);
    for (let i = 0; i < 3; i++) {
      step(a.m, a.opt);
      step(b.m, b.opt);
    }
    a.m.parameters().forEach((p, i) => expect(Array.from(b.m.parameters()[i].data)).toEqual(Array.from(p.data)));
    // A mismatched optimizer is rejected and the model is left as it was.
    const c = make();
    const before = JSON.stringify(c.m.stateDict());
    const wrong = new Adam([c.m.parameters()[0]], { lr: 0.01 });
    expect(() => loadState(bytes, c.m, wrong)).toThrow(NablaError);
    expect(JSON.stringify(c.m.stateDict())).toBe(before);
  });
});

describe('untrusted input: clear errors', () => {
  const good = writeSafetensors({ a: tensor([1, 2]), b: tensor([3]) });
  const withHeader = (h: string, data = new Uint8Array(24)) => {
    const hb = new TextEncoder().encode(h);
    const out = new Uint8Array(8 + hb.length + data.length);
    new DataView(out.buffer).setBigUint64(0, BigInt(hb.length), true);
    out.set(hb, 8);
    out.set(data, 8 + hb.length);
    return out;
  };
  it('safetensors headers that lie', () => {
    expect(() => readSafetensors(good.subarray(0, 5))).toThrow(/too short for the 8-byte header length/);
    const huge = new Uint8Array(16);
    new DataView(huge.buffer).setBigUint64(0, 2n ** 62n, true);
    expect(() => readSafetensors(huge)).toThrow(/exceeds the limit of 100000000 bytes/);
    expect(() => readSafetensors(good.subarray(0, 20))).toThrow(/the header needs/);
    expect(() => readSafetensors(withHeader('{"a":{"dtype":"F64","shape":[2],"data_offsets":[0,16]},"a":{"dtype":"F64","shape":[1],"data_offsets":[16,24]}}'))).toThrow(/duplicate key "a"/);
    expect(() => readSafetensors(withHeader('{"__proto__":{"dtype":"F64","shape":[3],"data_offsets":[0,24]}}'))).toThrow(/forbidden key "__proto__"/);
    expect(() => readSafetensors(withHeader('{"a":{"dtype":"F64","shape":[4],"data_offsets":[0,24]}}'))).toThrow(/needs 32 bytes, but its data_offsets span 24/);
    expect(() => readSafetensors(withHeader('{"a":{"dtype":"F64","shape":[2],"data_offsets":[0,16]},"b":{"dtype":"F64","shape":[2],"data_offsets":[8,24]}}'))).toThrow(/overlaps/);
    expect(() => readSafetensors(withHeader('{"a":{"dtype":"F64","shape":[2],"data_offsets":[0,16]}}'))).toThrow(/cover 16 of the 24 data bytes/);
    expect(() => readSafetensors(withHeader('{"a":{"dtype":"F64","shape":[1000000000000,1000000000000],"data_offsets":[0,24]}}'))).toThrow(/needs more than the file holds/);
    expect(() => readSafetensors(withHeader('{"a":{"dtype":"F64","shape":[3],"data_offsets":[0,32]}}'))).toThrow(/outside the 24 data bytes/);
    expect(() => readSafetensors(withHeader('{"a":{"dtype":"C64","shape":[3],"data_offsets":[0,24]}}'))).toThrow(/dtype "C64"/);
    expect(() => readSafetensors(withHeader('{"a": [1, 2'))).toThrow(/not valid JSON/);
    expect(() => readSafetensors(withHeader('{"__metadata__":{"k":1}}', new Uint8Array(0)))).toThrow(/metadata values must be strings/);
    expect(() => readSafetensors('abc' as never)).toThrow(/bytes must be a Uint8Array or an ArrayBuffer/);
  });
  it('.npy headers that lie', () => {
    const ok = writeNpy(tensor([1, 2, 3]));
    expect(() => readNpy(ok.subarray(0, ok.length - 1))).toThrow(/declares shape \[3\] of <f8 \(24 bytes\) but holds 23 data bytes/);
    const bad = ok.slice();
    bad[0] = 0;
    expect(() => readNpy(bad)).toThrow(/magic string/);
    const v9 = ok.slice();
    v9[6] = 9;
    expect(() => readNpy(v9)).toThrow(/format version 9.0/);
    const hdr = (h: string) => {
      const out = new Uint8Array(10 + h.length);
      out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
      new DataView(out.buffer).setUint16(8, h.length, true);
      for (let i = 0; i < h.length; i++) out[10 + i] = h.charCodeAt(i);
      return out;
    };
    expect(() => readNpy(hdr("{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999, 99999999999), }"))).toThrow(/too many elements/);
    expect(() => readNpy(hdr("{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }"))).toThrow(/dtype "<c16"/);
    expect(() => readNpy(hdr("{'descr': '<f8', 'shape': (1,), }"))).toThrow(/keys must be descr, fortran_order, shape/);
    expect(() => readNpy(hdr("{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (), }"))).toThrow(/duplicate key 'descr'/);
    expect(() => readNpy(hdr("{'descr': '<f8', 'fortran_order': Maybe, 'shape': (), }"))).toThrow(/unexpected value/);
    const longHeader = new Uint8Array(16);
    longHeader.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 2, 0]);
    new DataView(longHeader.buffer).setUint32(8, 2 ** 31, true);
    expect(() => readNpy(longHeader)).toThrow(/declares a header of 2147483648 bytes/);
  });
  it('.npz archives that lie', async () => {
    const ok = writeNpz({ a: tensor([1, 2]) });
    await expect(readNpz(ok.subarray(0, 40))).rejects.toThrow(/end-of-central-directory/);
    const crc = ok.slice();
    crc[40 + 64] ^= 1; // flip a data byte inside the member
    await expect(readNpz(crc)).rejects.toThrow(/CRC-32/);
    await expect(readNpz(new Uint8Array(10))).rejects.toThrow(ValueError);
  });
});
