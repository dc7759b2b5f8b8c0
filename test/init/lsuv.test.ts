import { describe, expect, it } from 'vitest';
import {
  BatchNorm, Linear, ModuleBase, NablaError, ReLU, Sequential, ShapeError, Sigmoid, Tanh, Tensor, ValueError, createRng, lsuvInit,
  matmul, mul, normal, orthogonal, relu, reshape, tensor, transpose, xavierNormal, zeros, type Module,
} from '../../src/index.js';
import { expectMatches, fromFix, loadFixture, type FixTensor } from '../helpers/fixtures.js';

const fx = loadFixture<{
  cases: {
    name: string;
    x: FixTensor;
    tol: number;
    maxIter: number;
    seed: number;
    weights: Record<string, FixTensor>;
    report: { layer: string; varianceBefore: number; varianceAfter: number; iterations: number }[];
  }[];
}>('lsuv.json');

/** Fields declared out, hidden, inp — but forward runs inp → hidden → out. */
class Reordered extends ModuleBase {
  out = new Linear(3, 2, { seed: 1 });
  hidden = new Linear(7, 3, { seed: 2 });
  inp = new Linear(4, 7, { seed: 3 });
  forward(x: Tensor): Tensor {
    return this.out.forward(relu(this.hidden.forward(relu(this.inp.forward(x)))));
  }
}

/** One square layer used twice in the forward. */
class Shared extends ModuleBase {
  inp = new Linear(3, 5, { seed: 1 });
  shared = new Linear(5, 5, { seed: 2 });
  out = new Linear(5, 2, { seed: 3 });
  forward(x: Tensor): Tensor {
    const h = relu(this.shared.forward(relu(this.inp.forward(x))));
    return this.out.forward(relu(this.shared.forward(h)));
  }
}

function build(name: string): { model: ModuleBase; layers: Record<string, Linear> } {
  if (name === 'mlp') {
    const m = new Sequential(new Linear(6, 8, { seed: 1 }), new BatchNorm(8), new ReLU(), new Linear(8, 5, { seed: 2 }), new Tanh(), new Linear(5, 3, { seed: 3 }));
    return { model: m, layers: { 0: m.modules[0] as Linear, 3: m.modules[3] as Linear, 5: m.modules[5] as Linear } };
  }
  if (name.startsWith('custom')) {
    const m = new Reordered();
    return { model: m, layers: { inp: m.inp, hidden: m.hidden, out: m.out } };
  }
  const m = new Shared();
  return { model: m, layers: { inp: m.inp, shared: m.shared, out: m.out } };
}

const bytes = (t: Tensor) => Array.from(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
/** Every parameter and buffer of the model, as raw bytes, and its scalars. */
function fingerprint(m: ModuleBase) {
  const { tensors, scalars } = m.stateEntries();
  return {
    tensors: Object.fromEntries(Object.entries(tensors).map(([k, t]) => [k, bytes(t)])),
    scalars: Object.fromEntries(Object.entries(scalars).map(([k, s]) => [k, s.get()])),
  };
}
const variance = (t: Tensor) => {
  const d = t.data;
  let mean = 0;
  for (const v of d) mean += v;
  mean /= d.length;
  let s = 0;
  for (const v of d) s += (v - mean) ** 2;
  return s / d.length;
};

describe('lsuvInit matches a NumPy transcription of Mishkin & Matas, Algorithm 1', () => {
  for (const c of fx.cases) {
    it(c.name, () => {
      const { model, layers } = build(c.name);
      const report = lsuvInit(model, fromFix(c.x), { seed: c.seed, tol: c.tol, maxIter: c.maxIter });
      expect(report.map((r) => r.layer)).toEqual(c.report.map((r) => r.layer));
      report.forEach((r, i) => {
        const e = c.report[i];
        expect(r.iterations, r.layer).toBe(e.iterations);
        expect(Math.abs(r.varianceBefore - e.varianceBefore)).toBeLessThanOrEqual(1e-11 * e.varianceBefore);
        expect(Math.abs(r.varianceAfter - e.varianceAfter)).toBeLessThanOrEqual(1e-11 * e.varianceAfter);
      });
      for (const [name, w] of Object.entries(c.weights)) {
        expectMatches(layers[name].weight, w, 1e-11, 1e-13, name);
        expect(Array.from(layers[name].bias!.data).every((b) => b === 0), `${name} bias zeroed`).toBe(true);
      }
    });
  }

  it('rng: createRng(s) gives the same result as seed: s', () => {
    const c = fx.cases[0];
    const a = build('mlp');
    const b = build('mlp');
    lsuvInit(a.model, fromFix(c.x), { seed: 7 });
    lsuvInit(b.model, fromFix(c.x), { rng: createRng(7) });
    expect(fingerprint(a.model)).toEqual(fingerprint(b.model));
  });
});

describe('lsuvInit: every weighted layer ends with output variance 1 ± tol', () => {
  for (const tol of [0.1, 0.01]) {
    it(`deep MLP, tol ${tol}, variances recomputed layer by layer`, () => {
      const widths = [20, 32, 32, 24, 10];
      const acts = [() => new ReLU(), () => new Tanh(), () => new Sigmoid()];
      const mods: Module[] = [];
      for (let i = 0; i < widths.length - 1; i++) {
        mods.push(new Linear(widths[i], widths[i + 1], { seed: i }));
        if (i < widths.length - 2) mods.push(acts[i % 3]());
      }
      const model = new Sequential(...mods);
      const x = normal([64, 20], { mean: 0.3, std: 4, seed: 11 });
      const report = lsuvInit(model, x, { tol, seed: 3 });
      expect(report.map((r) => r.layer)).toEqual(['0', '2', '4', '6']);
      let h: Tensor = x;
      for (let i = 0; i < mods.length; i++) {
        h = mods[i].forward(h);
        if (mods[i] instanceof Linear) {
          const v = variance(h);
          expect(Math.abs(v - 1), `layer ${i}`).toBeLessThan(tol);
          const row = report.find((r) => r.layer === String(i))!;
          expect(Math.abs(row.varianceAfter - v)).toBeLessThan(1e-12);
        }
      }
      expect(report.every((r) => r.iterations >= 1 && r.iterations <= 10)).toBe(true);
    });
  }

  it('a model that is itself a Linear is reported as layer ""', () => {
    const fc = new Linear(5, 3, { seed: 0 });
    const report = lsuvInit(fc, normal([10, 5], { seed: 1 }), { seed: 2 });
    expect(report.map((r) => r.layer)).toEqual(['']);
    expect(Math.abs(variance(fc.forward(normal([10, 5], { seed: 1 }))) - 1)).toBeLessThan(0.1);
  });

  it('a class marked `static lsuv = true` is found, its weight orthonormalized as [∏ leading dims, last dim]', () => {
    // A stand-in for Conv2d: weight [kh, kw, c_in, c_out] applied to x flattened to [N, kh·kw·c_in].
    class Patch extends ModuleBase {
      static readonly lsuv = true;
      weight = zeros([2, 2, 3, 4]);
      bias = tensor([1, 2, 3, 4]);
      forward(x: Tensor): Tensor {
        return matmul(x, reshape(this.weight, [12, 4]));
      }
    }
    class Net extends ModuleBase {
      conv = new Patch();
      fc = new Linear(4, 2, { seed: 0 });
      forward(x: Tensor): Tensor {
        return this.fc.forward(relu(this.conv.forward(x)));
      }
    }
    const net = new Net();
    const x = normal([30, 12], { seed: 4 });
    const report = lsuvInit(net, x, { seed: 1 });
    expect(report.map((r) => r.layer)).toEqual(['conv', 'fc']);
    const W = reshape(net.conv.weight, [12, 4]);
    const g = matmul(transpose(W), W); // orthogonal columns, all scaled by the same factor
    const s = g.data[0];
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) expect(Math.abs(g.data[i * 4 + j] - (i === j ? s : 0))).toBeLessThan(1e-12 * s);
    // The start is `orthogonal([12, 4])` from the seed's stream, before any scaling.
    const q = orthogonal([12, 4], { rng: createRng(1) });
    const k = W.data[0] / q.data[0];
    for (let i = 0; i < 48; i++) expect(Math.abs(W.data[i] - k * q.data[i])).toBeLessThan(1e-12);
    expect(Array.from(net.conv.bias.data)).toEqual([0, 0, 0, 0]);
  });

  it('options.init replaces the orthonormal start', () => {
    const model = new Sequential(new Linear(6, 4, { seed: 0 }), new ReLU(), new Linear(4, 2, { seed: 0 }));
    const x = normal([16, 6], { seed: 3 });
    const seen: number[][] = [];
    lsuvInit(model, x, {
      seed: 0,
      init: (shape, o) => {
        seen.push(shape.slice());
        return xavierNormal(shape, o);
      },
    });
    expect(seen).toEqual([[6, 4], [4, 2]]);
  });
});

describe('lsuvInit changes nothing but the weights it scales', () => {
  it('BatchNorm running statistics and counter are unchanged (training and eval mode), and so is the mode', () => {
    for (const mode of ['train', 'eval'] as const) {
      const bn = new BatchNorm(8);
      bn.runningMean!.data.set([0.1, -0.2, 0.3, 0, 1, 2, 3, -0]);
      bn.runningVar!.data.set([1, 2, 3, 4, 5, 6, 7, 8]);
      bn.numBatchesTracked = 5;
      const model = new Sequential(new Linear(6, 8, { seed: 1 }), bn, new ReLU(), new Linear(8, 3, { seed: 2 }));
      model[mode]();
      const before = { mean: bytes(bn.runningMean!), var: bytes(bn.runningVar!), gamma: bytes(bn.gamma!), beta: bytes(bn.beta!) };
      lsuvInit(model, normal([20, 6], { seed: 0 }), { seed: 0 });
      expect({ mean: bytes(bn.runningMean!), var: bytes(bn.runningVar!), gamma: bytes(bn.gamma!), beta: bytes(bn.beta!) }).toEqual(before);
      expect(bn.numBatchesTracked).toBe(5);
      expect(model.training).toBe(mode === 'train');
    }
  });

  it('the layers get their own forward back (no wrapper left behind), also after an error', () => {
    const model = new Sequential(new Linear(6, 4, { seed: 0 }), new ReLU(), new Linear(4, 2, { seed: 0 }));
    lsuvInit(model, normal([8, 6], { seed: 0 }));
    expect(() => lsuvInit(model, normal([8, 5], { seed: 0 }))).toThrow(ShapeError);
    for (const m of model.modules) expect(Object.prototype.hasOwnProperty.call(m, 'forward')).toBe(false);
  });

  it('a layer that does not run in the forward is left as it is', () => {
    class WithSpare extends ModuleBase {
      fc = new Linear(4, 3, { seed: 0 });
      spare = new Linear(4, 3, { seed: 1 });
      forward(x: Tensor): Tensor {
        return this.fc.forward(x);
      }
    }
    const m = new WithSpare();
    const spare = { w: bytes(m.spare.weight), b: bytes(m.spare.bias!) };
    const report = lsuvInit(m, normal([10, 4], { seed: 0 }), { seed: 0 });
    expect(report.map((r) => r.layer)).toEqual(['fc']);
    expect({ w: bytes(m.spare.weight), b: bytes(m.spare.bias!) }).toEqual(spare);
  });
});

describe('lsuvInit: bad input is an error naming the problem, and no weight changes', () => {
  const make = () => {
    const bn = new BatchNorm(4);
    const model = new Sequential(new Linear(6, 4, { seed: 1 }), bn, new ReLU(), new Linear(4, 2, { seed: 2 }));
    // −0 and a NaN with a payload in the weights: the restore must be byte-identical.
    (model.modules[0] as Linear).weight.data[0] = -0;
    const w = (model.modules[3] as Linear).weight.data;
    new Uint8Array(w.buffer, w.byteOffset + 8, 8).set([1, 0, 0, 0, 0, 0, 0xf8, 0x7f]);
    return model;
  };
  const x = normal([10, 6], { seed: 0 });

  const cases: [string, (m: Sequential) => unknown, typeof NablaError, RegExp][] = [
    ['tol 0', (m) => lsuvInit(m, x, { tol: 0 }), ValueError, /options\.tol must be a positive finite number, got 0/],
    ['tol < 0', (m) => lsuvInit(m, x, { tol: -0.1 }), ValueError, /options\.tol/],
    ['tol NaN', (m) => lsuvInit(m, x, { tol: NaN }), ValueError, /options\.tol/],
    ['maxIter 0', (m) => lsuvInit(m, x, { maxIter: 0 }), ValueError, /options\.maxIter must be a positive integer, got 0/],
    ['maxIter 1.5', (m) => lsuvInit(m, x, { maxIter: 1.5 }), ValueError, /options\.maxIter/],
    ['misspelled option', (m) => lsuvInit(m, x, { tolerance: 0.1 } as never), ValueError, /tolerance.*tol/],
    ['init not a function', (m) => lsuvInit(m, x, { init: 3 as never }), ValueError, /options\.init must be an initializer function/],
    ['init of the wrong shape', (m) => lsuvInit(m, x, { init: () => zeros([2, 2]) }), ValueError, /options\.init returned shape \[2,2\]/],
    ['x of the wrong shape', (m) => lsuvInit(m, normal([10, 5], { seed: 0 }), {}), ShapeError, /^lsuvInit: model\.forward\(x\) rejected x.*Sequential\[0\] Linear\.forward/],
    ['dead input (x all zeros)', (m) => lsuvInit(m, zeros([10, 6])), ValueError, /layer "0" has output variance 0/],
    ['NaN in x', (m) => lsuvInit(m, tensor([[NaN, 0, 0, 0, 0, 0], [1, 2, 3, 4, 5, 6]])), ValueError, /layer "0" has output variance NaN/],
  ];
  for (const [what, call, Err, message] of cases) {
    it(what, () => {
      const m = make();
      const before = fingerprint(m);
      let err: unknown;
      try {
        call(m);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(Err);
      expect((err as Error).message).toMatch(message);
      expect(fingerprint(m)).toEqual(before);
    });
  }

  it('a later layer failing restores the earlier layers byte for byte', () => {
    // fc1 runs and is scaled; fc2 then sees an all-zero input (variance 0).
    class DeadAfter extends ModuleBase {
      fc1 = new Linear(5, 4, { seed: 0 });
      fc2 = new Linear(4, 3, { seed: 1 });
      forward(x: Tensor): Tensor {
        return this.fc2.forward(mul(this.fc1.forward(x), 0));
      }
    }
    const m = new DeadAfter();
    m.fc1.weight.data[2] = -0;
    const before = fingerprint(m);
    expect(() => lsuvInit(m, normal([8, 5], { seed: 0 }))).toThrow(/lsuvInit: layer "fc2" has output variance 0/);
    expect(fingerprint(m)).toEqual(before);
  });

  it('a model with no weighted layer', () => {
    expect(() => lsuvInit(new Sequential(new ReLU(), new Tanh()), x)).toThrow(/lsuvInit: the model \(a Sequential\) has no weighted layer/);
    class Idle extends ModuleBase {
      fc = new Linear(6, 2);
      forward(x: Tensor): Tensor {
        return relu(x);
      }
    }
    const idle = new Idle();
    const w = bytes(idle.fc.weight);
    expect(() => lsuvInit(idle, x)).toThrow(/no weighted layer ran in model\.forward\(x\) \(found layer "fc", none called\)/);
    expect(bytes(idle.fc.weight)).toEqual(w);
  });

  it('not a model; two layers sharing one weight tensor', () => {
    expect(() => lsuvInit({} as never, x)).toThrow(/model must be a Module/);
    const a = new Linear(4, 4, { seed: 0 });
    const b = new Linear(4, 4, { seed: 1 });
    (b as unknown as { weight: Tensor }).weight = a.weight;
    const m = new Sequential(a, new ReLU(), b);
    const w = bytes(a.weight);
    expect(() => lsuvInit(m, normal([6, 4], { seed: 0 }))).toThrow(/layer "0" and layer "2" share one weight tensor/);
    expect(bytes(a.weight)).toEqual(w);
  });
});

describe('lsuvInit on a CNN: Conv2d layers are weighted layers', () => {
  it('brings every Conv2d and Linear output to unit variance', async () => {
    const { Conv2d, Flatten, Linear, ReLU, Sequential, Tensor, createRng, lsuvInit, noGrad, variance } = await import('../../src/index.js');
    const conv1 = new Conv2d(1, 4, 3, { padding: 1, seed: 1 });
    const conv2 = new Conv2d(4, 4, 3, { seed: 2 });
    const fc = new Linear(4 * 4 * 4, 3, { seed: 3 });
    const model = new Sequential(conv1, new ReLU(), conv2, new ReLU(), new Flatten(), fc);
    const x = new Tensor(createRng(0).fillNormal(new Float64Array(16 * 36)), [16, 1, 6, 6]);
    const report = lsuvInit(model, x, { seed: 4 });
    expect(report.map((r) => r.layer)).toEqual(['0', '2', '5']);
    noGrad(() => {
      let h = x;
      for (const m of model.modules) {
        h = m.forward(h);
        if (m === conv1 || m === conv2 || m === fc) expect(Math.abs(variance(h, undefined, { unbiased: false }).item() - 1)).toBeLessThan(0.1);
      }
    });
  });
});
