import { describe, expect, it } from 'vitest';
import * as nabla from '../../src/index.js';
import {
  Adagrad, Adam, AdamW, CosineAnnealingLR, ExponentialLR, LinearWarmup, RMSprop, SGD, ShapeError, StepLR, Tensor, ValueError,
  clipGradNorm, clipGradValue, tensor,
} from '../../src/index.js';
import { loadFixture } from '../helpers/fixtures.js';

const fx = loadFixture('optim.json');
type AnyOpt = SGD | Adagrad | RMSprop | Adam | AdamW;
const classes = nabla as unknown as Record<string, new (p: Tensor[], o?: object) => AnyOpt>;

function close(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, label: string) {
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (!(Math.abs(a - e) <= rtol * Math.abs(e) + 1e-300)) expect.fail(`${label} [${i}]: ${a} vs ${e} (rel ${Math.abs(a - e) / Math.abs(e)})`);
  }
}

describe('20-step trajectories against the reference implementations (1e-12 relative)', () => {
  for (const c of fx.cases) {
    it(`${c.class}: ${c.name}`, () => {
      const p = tensor(fx.p0);
      const opt = new classes[c.class]([p], c.options);
      const grads: number[][] = c.sparse ? fx.gradsSparse : fx.grads;
      grads.forEach((g, t) => {
        if (c.lrs) opt.lr = c.lrs[t];
        opt.step([tensor(g)]);
        close(p.data, c.trajectory[t], 1e-12, `step ${t + 1}`);
      });
    });
  }

  it('PyTorch and Keras momentum agree with constant lr and differ once lr changes', () => {
    const pt = fx.cases.find((c: { name: string }) => c.name === 'sgd momentum, lr halved every 5 steps (PyTorch)').trajectory;
    const ke = fx.cases.find((c: { name: string }) => c.name === 'sgd momentum, lr halved every 5 steps (Keras)').trajectory;
    close(ke[4], pt[4], 1e-12, 'constant-lr phase');
    expect(Math.abs(ke[10][0] - pt[10][0])).toBeGreaterThan(1e-3);
  });
});

/** Runs `steps` steps from p0 = [1, −2] with the gradient g(t, p) and returns p after each step. */
function run(opt: (p: Tensor) => AnyOpt, grad: (t: number, p: Float64Array) => number[], steps = 3, lrs?: number[]): number[][] {
  const p = tensor([1, -2]);
  const o = opt(p);
  const out: number[][] = [];
  for (let t = 0; t < steps; t++) {
    if (lrs) o.lr = lrs[t];
    o.step([tensor(grad(t, p.data))]);
    out.push(Array.from(p.data));
  }
  return out;
}
const fixedG = () => [0.5, 0.1];
const quad = (_t: number, p: Float64Array) => [p[0], 2 * p[1]];

describe('worked examples S1–D9 (docs/semantics.md)', () => {
  const cases: [string, (p: Tensor) => AnyOpt, (t: number, p: Float64Array) => number[], number[][], number[]?][] = [
    ['S1 plain', (p) => new SGD([p], { lr: 0.1 }), fixedG, [[0.95, -2.01], [0.9, -2.02], [0.85, -2.03]]],
    ['S2 momentum', (p) => new SGD([p], { lr: 0.1, momentum: 0.9 }), fixedG, [[0.95, -2.01], [0.855, -2.029], [0.7195, -2.0561]]],
    ['S2 Keras form', (p) => new SGD([p], { lr: 0.1, momentum: 0.9, convention: 'keras' }), fixedG, [[0.95, -2.01], [0.855, -2.029], [0.7195, -2.0561]]],
    ['S3 dampening', (p) => new SGD([p], { lr: 0.1, momentum: 0.9, dampening: 0.5 }), fixedG, [[0.95, -2.01], [0.88, -2.024], [0.792, -2.0416]]],
    ['S4 nesterov', (p) => new SGD([p], { lr: 0.1, momentum: 0.9, nesterov: true }), fixedG, [[0.905, -2.019], [0.7695, -2.0461], [0.59755, -2.08049]]],
    ['S4 nesterov Keras', (p) => new SGD([p], { lr: 0.1, momentum: 0.9, nesterov: true, convention: 'keras' }), fixedG, [[0.905, -2.019], [0.7695, -2.0461], [0.59755, -2.08049]]],
    ['S5a nesterov quadratic', (p) => new SGD([p], { lr: 0.1, momentum: 0.9, nesterov: true }), quad, [[0.81, -1.24], [0.5751, -0.4448], [0.327321, 0.216704]]],
    ['S6a schedule PyTorch', (p) => new SGD([p], { lr: 0.1, momentum: 0.9 }), fixedG, [[0.95, -2.01], [0.9025, -2.0195], [0.868625, -2.026275]], [0.1, 0.05, 0.025]],
    ['S6b schedule Keras = textbook', (p) => new SGD([p], { lr: 0.1, momentum: 0.9, convention: 'keras' }), fixedG, [[0.95, -2.01], [0.88, -2.024], [0.8045, -2.0391]], [0.1, 0.05, 0.025]],
    ['S7 L2', (p) => new SGD([p], { lr: 0.1, weightDecay: 0.1 }), fixedG, [[0.94, -1.99], [0.8806, -1.9801], [0.821794, -1.970299]]],
    ['S7 Keras decoupled', (p) => new SGD([p], { lr: 0.1, weightDecay: 0.1, convention: 'keras' }), fixedG, [[0.94, -1.99], [0.8806, -1.9801], [0.821794, -1.970299]]],
    ['S7m maximize', (p) => new SGD([p], { lr: 0.1, maximize: true }), fixedG, [[1.05, -1.99], [1.1, -1.98], [1.15, -1.97]]],
    ['S8a momentum + L2', (p) => new SGD([p], { lr: 0.1, momentum: 0.9, weightDecay: 0.1 }), fixedG, [[0.94, -1.99], [0.8266, -1.9711], [0.666274, -1.944379]]],
    ['S8b Keras decoupled', (p) => new SGD([p], { lr: 0.1, momentum: 0.9, weightDecay: 0.1, convention: 'keras' }), fixedG, [[0.94, -1.99], [0.8356, -1.9891], [0.691744, -1.996309]]],
    ['A1 Adagrad defaults', (p) => new Adagrad([p]), fixedG, [[0.990000000002, -2.00999999999], [0.982928932191134, -2.01707106779687], [0.977155429499905, -2.02284457048543]]],
    ['A3 lr decay', (p) => new Adagrad([p], { lrDecay: 0.5 }), fixedG, [[0.990000000002, -2.00999999999], [0.985285954794756, -2.01471404519458], [0.982399203449142, -2.01760079653886]]],
    ['A4 Keras defaults', (p) => new Adagrad([p], { convention: 'keras' }), fixedG, [[0.999154845866008, -2.00030151120753], [0.998509348695431, -2.00059018622184], [0.997967022582786, -2.00086753621328]]],
    ['A5 Keras form lr 0.01', (p) => new Adagrad([p], { convention: 'keras', lr: 0.01 }), fixedG, [[0.991548458660078, -2.00301511207527], [0.985093486954313, -2.00590186221841], [0.979670225827862, -2.0086753621328]]],
    ['A6 PyTorch acc 0.1', (p) => new Adagrad([p], { initialAccumulatorValue: 0.1 }), fixedG, [[0.991548457454143, -2.00301511344487], [0.985093485211298, -2.00590186478998], [0.97967022376642, -2.00867536577034]]],
    ['R1 RMSprop defaults', (p) => new RMSprop([p]), fixedG, [[0.900000019999996, -2.0999999000001], [0.829111909549412, -2.17088797024971], [0.771087007806714, -2.22891284505731]]],
    ['R2 Keras defaults', (p) => new RMSprop([p], { convention: 'keras' }), fixedG, [[0.996837728664368, -2.00316211955814], [0.994543573740561, -2.00545621652667], [0.992622628282244, -2.00737712796181]]],
    ['R3a eps outside', (p) => new RMSprop([p], { lr: 0.01, alpha: 0.9, eps: 0.01 }), fixedG, [[0.970258256424012, -2.0240253073352], [0.948323135413777, -2.04268585702154], [0.929824369582557, -2.05879990312855]]],
    ['R3b Keras eps inside', (p) => new RMSprop([p], { convention: 'keras', lr: 0.01, alpha: 0.9, eps: 0.01 }), fixedG, [[0.973273875808758, -2.00953462589246], [0.95242243440305, -2.01870161086274], [0.934490802900029, -2.02757168448909]]],
    ['D1 Adam defaults', (p) => new Adam([p]), fixedG, [[0.99900000002, -2.0009999999], [0.99800000004, -2.0019999998], [0.99700000006, -2.0029999997]]],
    ['D2 Keras defaults', (p) => new Adam([p], { convention: 'keras' }), fixedG, [[0.999000006324515, -2.00099996837822], [0.99800001079775, -2.00199994601245], [0.997000014451047, -2.00299992774623]]],
    ['D3 TF.js defaults', (p) => new Adam([p], { convention: 'tfjs' }), fixedG, [[0.9990000002, -2.000999999], [0.9980000004, -2.001999998], [0.9970000006, -2.002999997]]],
    ['D5a lr 0.1 eps 0.1', (p) => new Adam([p], { lr: 0.1, eps: 0.1 }), fixedG, [[0.916666666666667, -2.05], [0.833333333333334, -2.1], [0.750000000000001, -2.15]]],
    ['D5b Keras lr 0.1 eps 0.1', (p) => new Adam([p], { lr: 0.1, eps: 0.1, convention: 'keras' }), fixedG, [[0.986347294050419, -2.00306534300317], [0.968076628640447, -2.00734501585041], [0.946586550549231, -2.01253535840283]]],
    ['D7a Adam L2', (p) => new Adam([p], { lr: 0.1, weightDecay: 0.1 }), fixedG, [[0.900000001666667, -1.90000001], [0.800047340488331, -1.80041224808215], [0.700174574814119, -1.70158630255534]]],
    ['D7b AdamW', (p) => new AdamW([p], { lr: 0.1, weightDecay: 0.1 }), fixedG, [[0.890000002, -2.07999999], [0.781100003980001, -2.1591999801], [0.673289005940201, -2.237607970299]]],
    ['D7d Keras AdamW', (p) => new AdamW([p], { lr: 0.1, weightDecay: 0.1, convention: 'keras' }), fixedG, [[0.890000632451532, -2.07999683782234], [0.781101073450457, -2.15919463286693], [0.67329042804564, -2.23760085991652]]],
    ['D8 AdamW defaults', (p) => new AdamW([p]), fixedG, [[0.99899000002, -2.0009799999], [0.99798001014, -2.00195999], [0.996970030359899, -2.0029399703001]]],
  ];
  for (const [name, make, grad, expected, lrs] of cases) {
    it(name, () => {
      const got = run(make, grad, 3, lrs);
      expected.forEach((e, t) => close(got[t], e, 2e-14, `${name} step ${t + 1}`));
    });
  }
  const amsGrads = [[0.5, 0.1], [0.01, 0.5], [0.01, 0.01]];
  it('D9a AMSGrad (max of the raw v), D9b Keras, D9d plain Adam', () => {
    const g = (t: number) => amsGrads[t];
    const a = run((p) => new Adam([p], { lr: 0.1, amsgrad: true }), g);
    [[0.900000002, -2.09999999], [0.831539416167711, -2.18610461381922], [0.777368024814331, -2.25388328988222]].forEach((e, t) => close(a[t], e, 2e-14, 'D9a'));
    const b = run((p) => new Adam([p], { lr: 0.1, amsgrad: true, eps: 1e-8, convention: 'keras' }), g);
    [[0.900000063245513, -2.09999968377323], [0.831539518775601, -2.18610425657919], [0.777368159807582, -2.25388289290809]].forEach((e, t) => close(b[t], e, 2e-14, 'D9b'));
    const d = run((p) => new Adam([p], { lr: 0.1 }), g);
    [[0.900000002, -2.09999999], [0.83151886874574, -2.18610461381922], [0.777314961557546, -2.25390415398727]].forEach((e, t) => close(d[t], e, 2e-14, 'D9d'));
  });
  it('R4a/R4b/R5 centered + momentum: PyTorch, Keras, TF.js', () => {
    const gs = [[0.5, 0.1], [0.1, 0.5], [0.05, 0.05]];
    const g = (t: number) => gs[t];
    const o = { lr: 0.01, alpha: 0.9, eps: 1e-8, centered: true, momentum: 0.9 };
    const a = run((p) => new RMSprop([p], o), g);
    [[0.966666668888889, -2.03333332222223], [0.929678105799143, -2.09672680581285], [0.892705326667218, -2.15730028861037]].forEach((e, t) => close(a[t], e, 2e-14, 'R4a'));
    const b = run((p) => new RMSprop([p], { ...o, convention: 'keras' }), g);
    [[0.966666674074072, -2.03333314814969], [0.929678116869199, -2.0967264698577], [0.892705343761578, -2.15729980633678]].forEach((e, t) => close(b[t], e, 2e-14, 'R4b'));
    const c = run((p) => new RMSprop([p], { ...o, convention: 'tfjs' }), g);
    [[0.966666659259257, -2.03333351852006], [0.929678085307832, -2.09672718845658], [0.892705295129876, -2.15730084008492]].forEach((e, t) => close(c[t], e, 2e-14, 'R5'));
  });
  it('worked example R6 (docs/semantics.md): centered RMSprop with a constant gradient — TF.js first goes NaN at step 162, PyTorch and Keras stay finite', () => {
    const runR6 = (convention: 'pytorch' | 'keras' | 'tfjs') => {
      const p = tensor([1]);
      const o = new RMSprop([p], { lr: 0.01, alpha: 0.9, eps: 1e-8, centered: true, convention });
      const at: Record<number, number> = {};
      let firstNaN = -1;
      for (let t = 1; t <= 200; t++) {
        o.step([tensor([0.5])]);
        at[t] = p.data[0];
        if (firstNaN < 0 && Number.isNaN(p.data[0])) firstNaN = t;
      }
      return { at, firstNaN };
    };
    const pt = runR6('pytorch');
    const ke = runR6('keras');
    const tf = runR6('tfjs');
    for (const r of [pt, ke, tf]) {
      expect(r.at[1]).toBeCloseTo(0.966667, 6);
      expect(r.at[3]).toBeCloseTo(0.918678, 6);
    }
    expect(pt.at[100]).toBeCloseTo(-36.7647, 4);
    expect(ke.at[100]).toBeCloseTo(-36.7548, 4);
    expect(tf.at[100]).toBeCloseTo(-36.7748, 4);
    expect(pt.at[200]).toBeCloseTo(-7332.64, 2);
    expect(ke.at[200]).toBeCloseTo(-2601.92, 2);
    expect(tf.firstNaN).toBe(162);
  });
});

describe('convergence on a quadratic bowl and on Rosenbrock', () => {
  const makers: [string, (p: Tensor) => AnyOpt, number][] = [
    ['SGD', (p) => new SGD([p], { lr: 0.05 }), 2000],
    ['momentum', (p) => new SGD([p], { lr: 0.01, momentum: 0.9 }), 2000],
    ['Nesterov', (p) => new SGD([p], { lr: 0.01, momentum: 0.9, nesterov: true }), 2000],
    ['Adagrad', (p) => new Adagrad([p], { lr: 0.5 }), 2000],
    ['RMSprop', (p) => new RMSprop([p], { lr: 0.01 }), 2000],
    ['Adam', (p) => new Adam([p], { lr: 0.05 }), 2000],
    ['AdamW', (p) => new AdamW([p], { lr: 0.05, weightDecay: 0 }), 2000],
    ['Adam amsgrad', (p) => new Adam([p], { lr: 0.05, amsgrad: true }), 2000],
  ];
  for (const [name, make, steps] of makers) {
    it(`${name}: ½x² + 5y² → 0`, () => {
      const p = tensor([3, -2]);
      const o = make(p);
      for (let t = 0; t < steps; t++) o.step([tensor([p.data[0], 10 * p.data[1]])]);
      expect(Math.hypot(p.data[0], p.data[1])).toBeLessThan(2e-2);
    });
  }
  const rosenbrock: [string, (p: Tensor) => AnyOpt, number][] = [
    ['SGD', (p) => new SGD([p], { lr: 1e-3 }), 60000],
    ['momentum', (p) => new SGD([p], { lr: 1e-3, momentum: 0.9 }), 20000],
    ['Nesterov', (p) => new SGD([p], { lr: 1e-3, momentum: 0.9, nesterov: true }), 20000],
    ['Adagrad', (p) => new Adagrad([p], { lr: 0.5 }), 20000],
    ['RMSprop', (p) => new RMSprop([p], { lr: 1e-3 }), 20000],
    ['Adam', (p) => new Adam([p], { lr: 0.02 }), 20000],
  ];
  for (const [name, make, steps] of rosenbrock) {
    it(`${name}: Rosenbrock (1 − x)² + 100(y − x²)² reaches (1, 1)`, () => {
      const p = tensor([-1.2, 1]);
      const o = make(p);
      for (let t = 0; t < steps; t++) {
        const [x, y] = p.data;
        o.step([tensor([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)])]);
      }
      expect(Math.abs(p.data[0] - 1)).toBeLessThan(0.05);
      expect(Math.abs(p.data[1] - 1)).toBeLessThan(0.1);
    });
  }
});

describe('state dicts', () => {
  const configs: [string, (ps: Tensor[]) => AnyOpt][] = [
    ['SGD nesterov', (ps) => new SGD(ps, { lr: 0.1, momentum: 0.9, nesterov: true })],
    ['Adagrad', (ps) => new Adagrad(ps, { lr: 0.1 })],
    ['RMSprop centered', (ps) => new RMSprop(ps, { centered: true, momentum: 0.5 })],
    ['Adam amsgrad', (ps) => new Adam(ps, { lr: 0.01, amsgrad: true })],
    ['Adam tfjs', (ps) => new Adam(ps, { convention: 'tfjs' })],
    ['AdamW', (ps) => new AdamW(ps, { lr: 0.01 })],
  ];
  const grads = (t: number) => [tensor([Math.sin(t), Math.cos(t), -0]), tensor([[t * 0.1, -t * 0.2]])];
  for (const [name, make] of configs) {
    it(`${name}: save, load into a fresh optimizer through JSON, continue — bit-identical`, () => {
      const a = [tensor([1, 2, 3]), tensor([[4, 5]])];
      const oa = make(a);
      for (let t = 0; t < 5; t++) oa.step(grads(t));
      const saved = JSON.parse(JSON.stringify(oa.stateDict()));
      const b = a.map((p) => p.clone());
      const ob = make(b);
      ob.loadStateDict(saved);
      for (let t = 5; t < 10; t++) {
        oa.step(grads(t));
        ob.step(grads(t));
      }
      a.forEach((p, i) => expect(Array.from(b[i].data)).toEqual(Array.from(p.data)));
    });
  }

  it('a corrupted state dict is rejected with a clear error and changes nothing', () => {
    const p = [tensor([1, 2])];
    const o = new Adam(p, { lr: 0.1 });
    o.step([tensor([1, 1])]);
    const good = o.stateDict();
    const before = JSON.stringify(good);
    const bad = (f: (d: any) => void) => {
      const d = JSON.parse(before);
      f(d);
      return d;
    };
    expect(() => o.loadStateDict(bad((d) => (d.version = 2)))).toThrow('Adam.loadStateDict: version is 2 (expected 1)');
    expect(() => o.loadStateDict(bad((d) => (d.type = 'SGD')))).toThrow(/the state dict is for "SGD", not Adam/);
    expect(() => o.loadStateDict(bad((d) => (d.state[0].buffers.expAvg = 'AAAA')))).toThrow(/state\[0\].buffers.expAvg has 4 base64 characters \(expected 24/);
    expect(() => o.loadStateDict(bad((d) => (d.state[0].buffers.evil = d.state[0].buffers.expAvg)))).toThrow(/unexpected key "evil"/);
    expect(() => o.loadStateDict(bad((d) => (d.groups[0].lr = -1)))).toThrow(/lr must be a non-negative finite number, got -1/);
    expect(() => o.loadStateDict(bad((d) => (d.state[0].step = 1.5)))).toThrow(/state\[0\].step is 1.5/);
    expect(() => o.loadStateDict(bad((d) => (d.state = [])))).toThrow(/state must be an array of 1 entries/);
    const proto = JSON.parse(before.replace('"step":1', '"__proto__":{"x":1},"step":1'));
    expect(() => o.loadStateDict(proto)).toThrow(/unexpected key "__proto__"/);
    expect(JSON.stringify(o.stateDict())).toBe(before);
  });
});

describe('atomicity and bad input', () => {
  it('a bad gradient for the last parameter leaves every parameter and buffer unchanged', () => {
    const ps = [tensor([1, 2]), tensor([3])];
    const o = new Adam(ps, { lr: 0.1 });
    o.step([tensor([1, 1]), tensor([1])]);
    const before = JSON.stringify([ps.map((p) => Array.from(p.data)), o.stateDict()]);
    expect(() => o.step([tensor([1, 1]), tensor([1, 2])])).toThrow(ShapeError);
    expect(() => o.step([tensor([1, 1]), tensor([1, 2])])).toThrow('Adam.step: gradient 1 has shape [2] but parameter 1 has shape [1]');
    expect(() => o.step([tensor([1, 1])])).toThrow(/grads must be an array of 2 gradients/);
    expect(() => o.step([tensor([1, 1]), [1] as never])).toThrow(/gradient 1 is an array of length 1 \(expected a Tensor or null\)/);
    expect(JSON.stringify([ps.map((p) => Array.from(p.data)), o.stateDict()])).toBe(before);
  });

  it('uses .grad when grads are omitted, skips null grads, zeroGrad clears', () => {
    const a = tensor([1]);
    const b = tensor([1]);
    const o = new SGD([a, b], { lr: 0.5 });
    a.grad = tensor([1]);
    o.step();
    expect(a.data[0]).toBe(0.5);
    expect(b.data[0]).toBe(1);
    o.zeroGrad();
    expect(a.grad).toBeNull();
  });

  it('skipNonFinite skips the whole step and counts it; by default NaN propagates', () => {
    const a = tensor([1, 1]);
    const o = new SGD([a], { lr: 0.1, skipNonFinite: true });
    expect(o.step([tensor([NaN, 1])])).toBe(false);
    expect(Array.from(a.data)).toEqual([1, 1]);
    expect(o.skippedSteps).toBe(1);
    expect(o.step([tensor([1, 1])])).toBe(true);
    const b = tensor([1]);
    new SGD([b], { lr: 0.1 }).step([tensor([Infinity])]);
    expect(b.data[0]).toBe(-Infinity);
  });

  it('hyperparameters out of range are ValueErrors at construction (PyTorch’s rules)', () => {
    const p = [tensor([1])];
    expect(() => new SGD(p, { lr: -1 })).toThrow('SGD: group 0: lr must be a non-negative finite number, got -1');
    expect(() => new SGD(p, { lr: 0.1, nesterov: true })).toThrow(/nesterov requires momentum > 0 and dampening 0/);
    expect(() => new SGD(p, { lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true })).toThrow(ValueError);
    expect(() => new SGD(p, { momentum: -0.1 })).toThrow(/momentum must be a non-negative finite number/);
    expect(() => new Adam(p, { betas: [0.9, 1] })).toThrow(/betas\[1\] must be a number in \[0, 1\), got 1/);
    expect(() => new Adam(p, { eps: -1 })).toThrow(/eps must be a non-negative finite number/);
    expect(() => new RMSprop(p, { alpha: 1.5 })).toThrow(/alpha must be a number in \[0, 1\)/);
    expect(() => new Adam(p, { convention: 'jax' as never })).toThrow(/convention must be 'pytorch', 'keras' or 'tfjs'/);
    expect(() => new SGD(p, { convention: 'tfjs' })).toThrow(/lr is required with convention 'tfjs'/);
    expect(() => new AdamW(p, { convention: 'tfjs' })).toThrow(/TF.js has no AdamW/);
    expect(() => new SGD([], {})).toThrow(/params must be a non-empty array/);
    expect(() => new SGD([p[0], p[0]], {})).toThrow(/appears more than once/);
    expect(() => { new SGD(p, { lr: 0.1 }).lr = NaN; }).toThrow(/lr must be a non-negative finite number, got NaN/);
  });
});

describe('parameter groups', () => {
  it('each group uses its own options; lr sets all groups', () => {
    const a = tensor([1]);
    const b = tensor([1]);
    const o = new SGD([{ params: [a], lr: 0.1 }, { params: [b], lr: 0.01, momentum: 0.9 }], { lr: 0.5 });
    o.step([tensor([1]), tensor([1])]);
    expect(a.data[0]).toBe(0.9);
    expect(b.data[0]).toBe(0.99);
    expect(o.paramGroups[1].momentum).toBe(0.9);
    o.lr = 0.2;
    expect(o.paramGroups.map((g) => g.lr)).toEqual([0.2, 0.2]);
  });
});

describe('schedulers (PyTorch recursive forms)', () => {
  const sfx = loadFixture('schedulers.json');
  const make: Record<string, (o: SGD, opts: any) => { step(): void }> = {
    StepLR: (o, x) => new StepLR(o, x),
    ExponentialLR: (o, x) => new ExponentialLR(o, x),
    CosineAnnealingLR: (o, x) => new CosineAnnealingLR(o, x),
    LinearWarmup: (o, x) => new LinearWarmup(o, x),
  };
  for (const [name, s] of Object.entries(sfx.schedules) as [string, { options: object; lrs: number[] }][]) {
    it(name, () => {
      const o = new SGD([tensor([1])], { lr: sfx.base });
      const sch = make[name](o, s.options);
      const got = [o.lr];
      for (let e = 1; e < s.lrs.length; e++) {
        sch.step();
        got.push(o.lr);
      }
      close(got, s.lrs, 1e-15, name);
    });
  }
  it('validate their options', () => {
    const o = new SGD([tensor([1])], { lr: 0.1 });
    expect(() => new StepLR(o, { stepSize: 0 })).toThrow('StepLR: options.stepSize must be a positive integer, got 0');
    expect(() => new CosineAnnealingLR(o, { tMax: 10, etaMin: -1 })).toThrow(/etaMin must be a non-negative finite number/);
    expect(() => new LinearWarmup(o, { startFactor: 0 })).toThrow(/startFactor must be a number in \(0, 1\]/);
  });
});

describe('gradient clipping', () => {
  it('clipGradNorm: global L2 norm, PyTorch’s coefficient max/(norm + 1e-6)', () => {
    const g = [tensor([3, 4]), tensor([12])]; // norm 13
    expect(clipGradNorm(g, 1)).toBe(13);
    const coef = 1 / (13 + 1e-6);
    expect(Array.from(g[0].data)).toEqual([3 * coef, 4 * coef]);
    const h = [tensor([0.3, 0.4])];
    expect(clipGradNorm(h, 1)).toBeCloseTo(0.5, 15);
    expect(Array.from(h[0].data)).toEqual([0.3, 0.4]);
    expect(clipGradNorm([tensor([-7, 2])], 1, Infinity)).toBe(7);
  });
  it('clipGradNorm: any norm type, as torch.norm defines it (issue 17, item 18)', () => {
    const g = () => [tensor([3, -4]), null, tensor([12])];
    // Hand values: ‖(‖(3, −4)‖_p, ‖12‖_p)‖_p.
    expect(clipGradNorm(g(), 100, 1)).toBe(19);
    expect(clipGradNorm(g(), 100, 3)).toBeCloseTo(Math.cbrt(27 + 64 + 1728), 13);
    expect(clipGradNorm(g(), 100, 0.5)).toBeCloseTo((Math.sqrt(3) + 2 + Math.sqrt(12)) ** 2, 12);
    expect(clipGradNorm(g(), 100, 0)).toBe(2); // nonzero per-tensor norms (torch: count of nonzeros, nested)
    expect(clipGradNorm(g(), 100, -Infinity)).toBe(3); // smallest |g|
    expect(clipGradNorm(g(), 100, -1)).toBeCloseTo(1 / (1 / (1 / (1 / 3 + 1 / 4)) + 1 / 12), 14);
    const h = g();
    expect(clipGradNorm(h, 1, 1)).toBe(19);
    const coef = 1 / (19 + 1e-6);
    expect(Array.from(h[0]!.data)).toEqual([3 * coef, -4 * coef]);
    expect(Array.from(h[2]!.data)).toEqual([12 * coef]);
    // A NaN norm type is refused before anything is scaled.
    const k = g();
    expect(() => clipGradNorm(k, 1, NaN)).toThrow('clipGradNorm: normType must be a number (2, 1, Infinity, any p; not NaN), got NaN');
    expect(() => clipGradNorm(k, 1, '2' as never)).toThrow(ValueError);
    expect(Array.from(k[0]!.data)).toEqual([3, -4]);
  });
  it('clipGradValue clamps in place; NaN stays', () => {
    const g = tensor([-3, 0.5, 2, NaN]);
    clipGradValue([g, null], 1);
    expect(Array.from(g.data)).toEqual([-1, 0.5, 1, NaN]);
    expect(() => clipGradValue([g], -1)).toThrow(/clip must be a non-negative number/);
  });
});
