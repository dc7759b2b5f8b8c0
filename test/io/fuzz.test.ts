// Seeded mutation fuzz of every reader: valid small files, mutated 10,000+ times each (truncations,
// bit flips, random and structural bytes, extreme integers written into binary fields and into
// header text, chunks deleted, duplicated and moved). Every call must return or throw a NablaError,
// none may take over a second (a hang or a bomb, not a speed target: the calls take microseconds),
// and a loadState that throws must leave the model and the optimizer as they were.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  Adam, BatchNorm, Linear, NablaError, ReLU, Sequential, createRng, loadState, normal, readNpy, readNpz, readSafetensors, saveState, tensor,
  writeNpy, writeNpz, writeSafetensors,
} from '../../src/index.js';

const CASES = 10_000;
const file = (name: string) => new Uint8Array(readFileSync(fileURLToPath(new URL(`../fixtures/io/${name}`, import.meta.url))));

/** A deterministic mutator over a seeded generator. */
function mutator(seed: number) {
  const rng = createRng(seed);
  const int = (n: number) => Math.floor(rng.random() * n);
  const TEXT = [0x00, 0xff, 0x7b, 0x7d, 0x5b, 0x5d, 0x22, 0x2c, 0x3a, 0x28, 0x29, 0x27, 0x30, 0x39, 0x2d, 0x5c, 0x20];
  const WIDE = [0, 1, 0x7f, 0x80, 0xff, 0xffff, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff];
  const enc = new TextEncoder();
  const DECIMAL = ['0', '1', '8', '65535', '2147483648', '4294967295', '4294967296', '9007199254740991', '9007199254740993', '18446744073709551616', '-1', '1e400', '1.5', ''];
  return (src: Uint8Array): Uint8Array => {
    let b: Uint8Array = src.slice();
    const rounds = 1 + int(3);
    for (let r = 0; r < rounds; r++) {
      const n = b.length;
      const at = int(n + 1);
      switch (int(8)) {
        case 0: // truncate
          b = b.subarray(0, at);
          break;
        case 1: // bit flips
          for (let k = 1 + int(4); k > 0 && n > 0; k--) b[int(n)] ^= 1 << int(8);
          break;
        case 2: // random bytes
          for (let k = 1 + int(4); k > 0 && n > 0; k--) b[int(n)] = int(256);
          break;
        case 3: // structural characters
          for (let k = 1 + int(3); k > 0 && n > 0; k--) b[int(n)] = TEXT[int(TEXT.length)];
          break;
        case 4: { // an extreme little-endian integer in a 2-, 4- or 8-byte field
          const width = [2, 4, 8][int(3)];
          if (at + width > n) break;
          const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
          const x = WIDE[int(WIDE.length)];
          if (width === 2) v.setUint16(at, x & 0xffff, true);
          else if (width === 4) v.setUint32(at, x >>> 0, true);
          else v.setBigUint64(at, int(2) ? BigInt(x) : 2n ** 63n - BigInt(int(1000)), true);
          break;
        }
        case 5: { // replace a run of digits (a dimension, an offset, a length) with an extreme number
          let i = at;
          while (i < n && !(b[i] >= 0x30 && b[i] <= 0x39)) i++;
          let j = i;
          while (j < n && b[j] >= 0x30 && b[j] <= 0x39) j++;
          if (i >= n) break;
          const d = enc.encode(DECIMAL[int(DECIMAL.length)]);
          b = concat(b.subarray(0, i), d, b.subarray(j));
          break;
        }
        case 6: { // delete a chunk
          const len = 1 + int(16);
          b = concat(b.subarray(0, at), b.subarray(Math.min(n, at + len)));
          break;
        }
        default: { // duplicate a chunk elsewhere (a repeated key, a second record)
          const from = int(n + 1);
          const len = 1 + int(48);
          b = concat(b.subarray(0, at), b.subarray(from, Math.min(n, from + len)), b.subarray(at));
        }
      }
    }
    return b;
  };
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Runs `call` on `CASES` inputs (mutations of the seeds, or what `input(n)` makes); tallies outcomes and the slowest call. */
async function fuzz(name: string, seed: number, seeds: Uint8Array[] | ((n: number) => Uint8Array), call: (b: Uint8Array) => unknown) {
  const mutate = mutator(seed);
  const next = typeof seeds === 'function' ? seeds : (n: number) => mutate(seeds[n % seeds.length]);
  const tally = { ok: 0, nablaErrors: 0, slowest: 0, over1s: 0, others: [] as string[], byFn: {} as Record<string, number> };
  // Capturing stack traces is most of the cost of 10,000 throws; the errors' classes and messages
  // are what is checked, so the fuzz runs without them.
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  const t0 = performance.now();
  try {
    for (let n = 0; n < CASES; n++) {
      const input = next(n);
      const t = performance.now();
      try {
        await call(input);
        tally.ok++;
      } catch (e) {
        if (e instanceof NablaError) {
          tally.nablaErrors++;
          tally.byFn[e.fn] = (tally.byFn[e.fn] ?? 0) + 1;
        } else if (tally.others.length < 5) tally.others.push(`${(e as Error)?.constructor?.name}: ${(e as Error)?.message} (case ${n})`);
      }
      const dt = performance.now() - t;
      tally.slowest = Math.max(tally.slowest, dt);
      if (dt > 1000) tally.over1s++;
    }
  } finally {
    Error.stackTraceLimit = limit;
  }
  // FUZZ_REPORT=1 npx vitest run test/io/fuzz.test.ts prints the tallies.
  if (process.env.FUZZ_REPORT) console.info(`${name}: ${CASES} cases, ${tally.ok} read, ${tally.nablaErrors} NablaErrors, ${tally.others.length} others, slowest ${tally.slowest.toFixed(2)} ms, total ${(performance.now() - t0).toFixed(0)} ms; errors by function ${JSON.stringify(tally.byFn)}`);
  return tally;
}

function expectClean(t: Awaited<ReturnType<typeof fuzz>>) {
  expect(t.others).toEqual([]);
  expect(t.over1s).toBe(0);
  expect(t.ok + t.nablaErrors).toBe(CASES);
  // The mutations must reach past the first checks: some files still read, most are refused.
  expect(t.ok).toBeGreaterThan(CASES / 200);
  expect(t.nablaErrors).toBeGreaterThan(CASES / 2);
}

describe(`fuzz: ${CASES} mutations per format give only NablaErrors, none over 1 s`, () => {
  it('readNpy', async () => {
    const seeds = [writeNpy(normal([2, 3], { seed: 1 })), file('fortran.npy'), file('i8.npy'), file('f2.npy'), file('v3.npy'), file('bool.npy'), file('empty.npy')];
    expectClean(await fuzz('readNpy', 1, seeds, (b) => readNpy(b)));
  });
  it('readSafetensors', async () => {
    const seeds = [file('mixed.safetensors'), writeSafetensors({ a: tensor([1, 2]), b: tensor([[3]]), e: tensor([], [0, 4]) }, { metadata: { x: 'y' } })];
    expectClean(await fuzz('readSafetensors', 2, seeds, (b) => readSafetensors(b)));
  });
  it('readNpz (stored and deflate)', async () => {
    const seeds = [file('stored.npz'), file('compressed.npz'), writeNpz({ a: tensor([1, 2]), b: tensor(3) })];
    expectClean(await fuzz('readNpz', 3, seeds, (b) => readNpz(b)));
  });
  it('loadState (saveState files); a failed load changes nothing', async () => {
    const make = () => {
      const rng = createRng(5);
      const model = new Sequential(new Linear(2, 2, { rng }), new BatchNorm(2), new ReLU());
      const opt = new Adam(model.parameters(), { lr: 0.01 });
      model.forward(normal([3, 2], { seed: 6 }));
      model.backward(tensor([[1, 0], [0, 1], [1, 1]]));
      opt.step();
      return { model, opt };
    };
    const a = make();
    const files = [saveState(a.model, a.opt), saveState(a.model)];
    // Half the cases mutate a file's bytes; the other half mutate only the state JSON in its
    // metadata (or drop a tensor) and write a well-formed file around it, so that they reach
    // loadState's own checks and the modules' and optimizer's loadStateDict, not just the reader.
    const parts = files.map((f) => readSafetensors(f));
    const mutate = mutator(40);
    const dec = new TextDecoder();
    const enc = new TextEncoder();
    const input = (n: number): Uint8Array => {
      if (n % 2 === 0) return mutate(files[(n >> 1) % files.length]);
      const { tensors, metadata } = parts[(n >> 1) % parts.length];
      const meta = { ...metadata };
      const key = (n >> 2) % 2 === 0 || meta['nabla.optimizer'] === undefined ? 'nabla.model' : 'nabla.optimizer';
      meta[key] = dec.decode(mutate(enc.encode(meta[key])));
      const ts = { ...tensors };
      if (n % 7 === 1) delete ts[Object.keys(ts)[n % Object.keys(ts).length]];
      return writeSafetensors(ts, { metadata: meta });
    };
    const b = make();
    let unchanged = true;
    const snapshot = () => JSON.stringify([b.model.stateDict(), b.opt.stateDict()]);
    let before = snapshot();
    expectClean(
      await fuzz('loadState', 4, input, (bytes) => {
        try {
          loadState(bytes, b.model, b.opt);
        } catch (e) {
          // readSafetensors only reads: what it refuses cannot have changed anything.
          if ((e as NablaError).fn !== 'readSafetensors' && snapshot() !== before) unchanged = false;
          throw e;
        }
        before = snapshot();
      }),
    );
    expect(unchanged).toBe(true);
  });
});
