// Optimizer state for graders: getState (copies, as Tensors) and setState (validated, atomic),
// checked against a NumPy course's config-dict optimizers (scripts/fixtures/course.py).
import { describe, expect, it } from 'vitest';
import { Adagrad, Adam, AdamW, RMSprop, SGD, ShapeError, Tensor, ValueError, relError, tensor } from '../../src/index.js';
import { fromFix, loadFixture } from '../helpers/fixtures.js';

const fx = loadFixture('course.json').optim;
const W = () => fromFix(fx.w);
const DW = () => fromFix(fx.dw);

describe('setState starts a step from a course’s config dict', () => {
  it('sgd_momentum: config velocity → momentumBuffer with lrInMomentum (v = μv − lr·dw; w += v)', () => {
    const c = fx.sgdMomentum;
    const w = W();
    const opt = new SGD([w], { lr: c.learningRate, momentum: c.momentum, lrInMomentum: true });
    opt.setState(w, { buffers: { momentumBuffer: fromFix(c.velocity) } });
    opt.step([DW()]);
    expect(relError(w, fromFix(c.nextW))).toBeLessThan(1e-15);
    expect(relError(opt.getState(w).buffers.momentumBuffer, fromFix(c.nextVelocity))).toBeLessThan(1e-15);
  });

  it('sgd_momentum in PyTorch’s form: momentumBuffer = −velocity / lr (constant lr)', () => {
    const c = fx.sgdMomentum;
    const w = W();
    const opt = new SGD([w], { lr: c.learningRate, momentum: c.momentum });
    const v = fromFix(c.velocity);
    opt.setState(w, { step: 1, buffers: { momentumBuffer: new Tensor(v.data.map((x) => -x / c.learningRate), v.shape) } });
    opt.step([DW()]);
    expect(relError(w, fromFix(c.nextW))).toBeLessThan(1e-14);
  });

  it('rmsprop: config cache → squareAvg', () => {
    const c = fx.rmsprop;
    const w = W();
    const opt = new RMSprop([w], { lr: c.learningRate, alpha: c.decayRate, eps: c.epsilon });
    opt.setState(w, { buffers: { squareAvg: fromFix(c.cache) } });
    opt.step([DW()]);
    expect(relError(w, fromFix(c.nextW))).toBeLessThan(1e-14);
    expect(relError(opt.getState(w).buffers.squareAvg, fromFix(c.nextCache))).toBeLessThan(1e-15);
  });

  it('adam: config m, v, t → expAvg, expAvgSq, step', () => {
    const c = fx.adam;
    const w = W();
    const opt = new Adam([w], { lr: c.learningRate });
    opt.setState(w, { step: c.t, buffers: { expAvg: fromFix(c.m), expAvgSq: fromFix(c.v) } });
    opt.step([DW()]);
    expect(relError(w, fromFix(c.nextW))).toBeLessThan(1e-14);
    const st = opt.getState(w);
    expect(st.step).toBe(c.nextT);
    expect(relError(st.buffers.expAvg, fromFix(c.nextM))).toBeLessThan(1e-15);
    expect(relError(st.buffers.expAvgSq, fromFix(c.nextV))).toBeLessThan(1e-15);
  });
});

describe('getState', () => {
  it('before any step: step 0 and no buffers (Adagrad’s sum exists from construction, as in PyTorch)', () => {
    const p = tensor([1, 2]);
    expect(new SGD([p], { lr: 0.1, momentum: 0.9 }).getState(p)).toEqual({ step: 0, buffers: {}, scalars: {} });
    const a = new Adagrad([p], { initialAccumulatorValue: 0.5 });
    const st = a.getState(p);
    expect(st.step).toBe(0);
    expect(Object.keys(st.buffers)).toEqual(['sum']);
    expect(Array.from(st.buffers.sum.data)).toEqual([0.5, 0.5]);
  });

  it('names every buffer each optimizer keeps, shaped like the parameter, equal to the state dict’s', () => {
    const cases: [string, (p: Tensor) => SGD | Adagrad | RMSprop | Adam | AdamW, string[], string[]][] = [
      ['SGD momentum', (p) => new SGD([p], { lr: 0.1, momentum: 0.9 }), ['momentumBuffer'], []],
      ['Adagrad', (p) => new Adagrad([p]), ['sum'], []],
      ['RMSprop', (p) => new RMSprop([p]), ['squareAvg'], []],
      ['RMSprop centered + momentum', (p) => new RMSprop([p], { centered: true, momentum: 0.5 }), ['squareAvg', 'gradAvg', 'momentumBuffer'], []],
      ['Adam', (p) => new Adam([p]), ['expAvg', 'expAvgSq'], []],
      ['Adam amsgrad', (p) => new Adam([p], { amsgrad: true }), ['expAvg', 'expAvgSq', 'maxExpAvgSq'], []],
      ['AdamW', (p) => new AdamW([p]), ['expAvg', 'expAvgSq'], []],
      ['Adam tfjs', (p) => new Adam([p], { convention: 'tfjs' }), ['expAvg', 'expAvgSq'], ['accBeta1', 'accBeta2']],
    ];
    for (const [name, make, buffers, scalars] of cases) {
      const p = tensor([[0.5, -1], [2, 0.25]]);
      const opt = make(p);
      opt.step([tensor([[0.1, -0.2], [0.3, 0.4]])]);
      opt.step([tensor([[-0.3, 0.1], [0.2, -0.5]])]);
      const st = opt.getState(p);
      expect(st.step, name).toBe(2);
      expect(Object.keys(st.buffers).sort(), name).toEqual([...buffers].sort());
      expect(Object.keys(st.scalars).sort(), name).toEqual([...scalars].sort());
      const dict = opt.stateDict().state[0] as { buffers: Record<string, Float64Array>; scalars: Record<string, number> };
      for (const b of buffers) {
        expect(st.buffers[b].shape, `${name} ${b}`).toEqual([2, 2]);
        expect(Array.from(st.buffers[b].data), `${name} ${b}`).toEqual(Array.from(dict.buffers[b]));
      }
      for (const s of scalars) expect(st.scalars[s], `${name} ${s}`).toBe(dict.scalars[s]);
    }
  });

  it('returns copies: writing into them changes nothing', () => {
    const p = tensor([1, 2]);
    const opt = new Adam([p], { lr: 0.1 });
    opt.step([tensor([0.5, -0.5])]);
    const st = opt.getState(p);
    st.buffers.expAvg.data.fill(100);
    st.step = 99;
    expect(opt.getState(p).step).toBe(1);
    expect(Array.from(opt.getState(p).buffers.expAvg.data)).not.toContain(100);
  });
});

describe('setState', () => {
  it('copies its input, and keeps what it is not given', () => {
    const p = tensor([1, 2]);
    const opt = new Adam([p], { lr: 0.1 });
    opt.step([tensor([0.5, -0.5])]);
    const before = opt.getState(p);
    const m = tensor([0.25, 0.5]);
    opt.setState(p, { buffers: { expAvg: m } });
    m.data.fill(7);
    const after = opt.getState(p);
    expect(Array.from(after.buffers.expAvg.data)).toEqual([0.25, 0.5]);
    expect(Array.from(after.buffers.expAvgSq.data)).toEqual(Array.from(before.buffers.expAvgSq.data));
    expect(after.step).toBe(1);
    opt.setState(p, { step: 10 });
    expect(opt.getState(p).step).toBe(10);
    expect(Array.from(opt.getState(p).buffers.expAvg.data)).toEqual([0.25, 0.5]);
  });

  it('accepts nested arrays; finds the parameter in any group; the state dict carries what was set', () => {
    const a = tensor([1, 2]);
    const b = tensor([[3], [4]]);
    const opt = new SGD([{ params: [a] }, { params: [b], weightDecay: 0 }], { lr: 0.1, momentum: 0.9 });
    opt.setState(b, { step: 3, buffers: { momentumBuffer: [[0.5], [-0.5]] } });
    const d = opt.stateDict().state[1] as { step: number; buffers: Record<string, Float64Array> };
    expect(d.step).toBe(3);
    expect(Array.from(d.buffers.momentumBuffer)).toEqual([0.5, -0.5]);
    expect(opt.getState(a)).toEqual({ step: 0, buffers: {}, scalars: {} });
  });

  it('TF.js Adam keeps β^t as scalars: set accBeta1 = β1^(t+1) and accBeta2 = β2^(t+1) to start after t steps', () => {
    const run = (setup: (o: Adam, p: Tensor) => void, grads: number[][]) => {
      const p = tensor([0.5, -1]);
      const o = new Adam([p], { convention: 'tfjs', lr: 0.01 });
      setup(o, p);
      for (const g of grads) o.step([tensor(g)]);
      return p;
    };
    const g = [[0.1, -0.2], [0.3, 0.1], [-0.2, 0.4]];
    const full = run(() => {}, g);
    const resumed = run((o, p) => {
      const ref = new Adam([tensor([0.5, -1])], { convention: 'tfjs', lr: 0.01 });
      const q = ref.params[0];
      ref.step([tensor(g[0])]);
      ref.step([tensor(g[1])]);
      const st = ref.getState(q);
      p.data.set(q.data);
      o.setState(p, { step: 2, buffers: st.buffers, scalars: { accBeta1: 0.9 ** 3, accBeta2: 0.999 ** 3 } });
    }, [g[2]]);
    expect(relError(resumed, full)).toBeLessThan(1e-15);
  });

  describe('bad input: a clear error and nothing changed', () => {
    function fresh() {
      const p = tensor([[1, 2], [3, 4]]);
      const opt = new Adam([p], { lr: 0.1, amsgrad: true });
      opt.step([tensor([[0.1, 0.2], [0.3, 0.4]])]);
      return { p, opt };
    }
    const cases: [string, (opt: Adam, p: Tensor) => void, RegExp | string, typeof ValueError | typeof ShapeError][] = [
      ['an unknown buffer, with its name', (o, p) => o.setState(p, { buffers: { expAvgSQ: [[0, 0], [0, 0]] } as never }), 'Adam.setState: state.buffers has an unknown key "expAvgSQ" (did you mean "expAvgSq"?)', ValueError],
      ['PyTorch’s snake_case name', (o, p) => o.setState(p, { buffers: { exp_avg_sq: [[0, 0], [0, 0]] } as never }), /did you mean "expAvgSq"\?/, ValueError],
      ['the course’s name', (o, p) => o.setState(p, { buffers: { v: [[0, 0], [0, 0]] } as never }), 'Adam.setState: state.buffers has an unknown key "v" (Adam calls it "expAvgSq")', ValueError],
      ['a buffer of the wrong shape', (o, p) => o.setState(p, { buffers: { expAvg: [1, 2, 3, 4] } }), 'Adam.setState: state.buffers.expAvg has shape [4] but the parameter has shape [2,2]', ShapeError],
      ['a negative second moment', (o, p) => o.setState(p, { buffers: { expAvg: [[9, 9], [9, 9]], expAvgSq: [[1, -1], [1, 1]] } }), 'Adam.setState: state.buffers.expAvgSq[1] is -1 (this buffer accumulates squares: it must be ≥ 0)', ValueError],
      ['a NaN max second moment', (o, p) => o.setState(p, { buffers: { maxExpAvgSq: [[1, NaN], [1, 1]] } }), /state.buffers.maxExpAvgSq\[1\] is NaN/, ValueError],
      ['a negative step', (o, p) => o.setState(p, { step: -1 }), 'Adam.setState: state.step must be a non-negative integer, got -1', ValueError],
      ['a fractional step', (o, p) => o.setState(p, { step: 2.5, buffers: { expAvg: [[0, 0], [0, 0]] } }), 'Adam.setState: state.step must be a non-negative integer, got 2.5', ValueError],
      ['an unknown scalar', (o, p) => o.setState(p, { scalars: { accBeta3: 1 } }), /state.scalars has an unknown key "accBeta3" \(did you mean "accBeta1"\?\)/, ValueError],
      ['a non-number scalar', (o, p) => o.setState(p, { scalars: { accBeta1: '0.9' as never } }), 'Adam.setState: state.scalars.accBeta1 must be a number, got "0.9"', ValueError],
      ['an unknown key', (o, p) => o.setState(p, { t: 5 } as never), /Adam.setState: state has an unknown key "t"/, ValueError],
      ['no state', (o, p) => o.setState(p, undefined as never), 'Adam.setState: state must be an object { step?, buffers?, scalars? }, got undefined', ValueError],
      ['a tensor that is not a parameter', (o) => o.setState(tensor([[1, 2], [3, 4]]), { step: 1 }), "Adam.setState: param (shape [2,2]) is not one of this optimizer's parameters (pass the same Tensor object that was given to the constructor)", ValueError],
      ['not a tensor', (o) => o.setState([[1, 2], [3, 4]] as never, { step: 1 }), 'Adam.setState: param must be a Tensor, got an array of length 2', ValueError],
    ];
    for (const [name, call, message, type] of cases) {
      it(name, () => {
        const { p, opt } = fresh();
        const twin = fresh();
        const before = opt.stateDict();
        expect(() => call(opt, p)).toThrow(type);
        expect(() => call(opt, p)).toThrow(message);
        expect(JSON.stringify(opt.stateDict())).toBe(JSON.stringify(before));
        // The next step is the one an untouched optimizer takes.
        opt.step([tensor([[0.5, -0.5], [0.25, 1]])]);
        twin.opt.step([tensor([[0.5, -0.5], [0.25, 1]])]);
        expect(Array.from(p.data)).toEqual(Array.from(twin.p.data));
      });
    }

    it('getState rejects what is not a parameter', () => {
      const { opt } = fresh();
      expect(() => opt.getState(tensor([1]))).toThrow(/Adam.getState: param \(shape \[1\]\) is not one of this optimizer's parameters/);
      expect(() => opt.getState(null as never)).toThrow('Adam.getState: param must be a Tensor, got null');
    });

    it('SGD: the course’s velocity is named; Adagrad and RMSprop check their accumulators', () => {
      const p = tensor([1, 2]);
      const sgd = new SGD([p], { lr: 0.1, momentum: 0.9 });
      expect(() => sgd.setState(p, { buffers: { velocity: [0, 0] } as never })).toThrow('SGD.setState: state.buffers has an unknown key "velocity" (SGD calls it "momentumBuffer")');
      expect(sgd.getState(p)).toEqual({ step: 0, buffers: {}, scalars: {} });
      const ada = new Adagrad([p]);
      expect(() => ada.setState(p, { buffers: { cache: [0, 0] } as never })).toThrow('Adagrad.setState: state.buffers has an unknown key "cache" (Adagrad calls it "sum")');
      expect(() => ada.setState(p, { buffers: { sum: [1, -0.5] } })).toThrow('Adagrad.setState: state.buffers.sum[1] is -0.5 (this buffer accumulates squares: it must be ≥ 0)');
      expect(Array.from(ada.getState(p).buffers.sum.data)).toEqual([0, 0]);
      const rms = new RMSprop([p]);
      expect(() => rms.setState(p, { buffers: { cache: [0, 0] } as never })).toThrow('RMSprop.setState: state.buffers has an unknown key "cache" (RMSprop calls it "squareAvg")');
      expect(() => rms.setState(p, { buffers: { squareAvg: [-1, 0] } })).toThrow(/RMSprop.setState: state.buffers.squareAvg\[0\] is -1/);
      expect(rms.getState(p)).toEqual({ step: 0, buffers: {}, scalars: {} });
    });
  });
});
