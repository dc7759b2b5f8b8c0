import { describe, expect, it } from 'vitest';
import {
  Adagrad, Adam, AdamW, BatchNorm, Embedding, Linear, ModuleBase, RMSprop, NablaError, ReLU, Sequential, ShapeError, Tensor, accumulateGrads, add, concat, createRng, crossEntropy,
  gradCheck, loadState, mseLoss, readSafetensors, relu, saveState, writeSafetensors, sum, tensor, valueAndGrad, type ModuleStateDict, type TensorLike,
} from '../../src/index.js';

const rng = () => createRng(3);
const batch = (rows: number, cols: number, seed = 0) => new Tensor(createRng(seed).fillUniform(new Float64Array(rows * cols), -1, 1), [rows, cols]);

/** A residual block in a few lines: children are found from the fields. */
class Residual extends ModuleBase {
  fc1 = new Linear(4, 4, { rng: rng() });
  fc2 = new Linear(4, 4, { rng: rng() });
  forward(x: TensorLike): Tensor {
    return add(x, this.fc2.forward(relu(this.fc1.forward(x))));
  }
}

/** Two inputs, a BatchNorm child, an array of blocks, a raw parameter tensor. */
class TwoTower extends ModuleBase {
  left = new Linear(3, 4, { rng: rng() });
  right = new Linear(2, 4, { rng: rng() });
  bn = new BatchNorm(8);
  blocks = [new Residual(), new Residual()];
  scale = tensor([1.5]);
  forward(a: TensorLike, b: TensorLike): Tensor {
    const h = this.bn.forward(concat([this.left.forward(a), this.right.forward(b)], 1));
    return this.blocks[1].forward(this.blocks[0].forward(h.reshape([-1, 4]))).reshape([-1, 8]);
  }
}

describe('modules compose: children found from fields', () => {
  it('parameters() reach every descendant in field order; a raw Tensor field is a parameter', () => {
    const m = new TwoTower();
    const names = m.namedParameters().map(([k]) => k);
    // PyTorch's order: the module's own parameters, then each child's, depth first in field order.
    expect(names).toEqual([
      'scale',
      'left.weight', 'left.bias', 'right.weight', 'right.bias', 'bn.gamma', 'bn.beta',
      'blocks.0.fc1.weight', 'blocks.0.fc1.bias', 'blocks.0.fc2.weight', 'blocks.0.fc2.bias',
      'blocks.1.fc1.weight', 'blocks.1.fc1.bias', 'blocks.1.fc2.weight', 'blocks.1.fc2.bias',
    ]);
    expect(m.parameters()[1]).toBe(m.left.weight);
  });
  it('eval() and train() reach a BatchNorm child of a custom module (it stayed in training mode before)', () => {
    const m = new TwoTower();
    m.eval();
    expect(m.bn.training).toBe(false);
    expect(m.blocks[1].fc2.training).toBe(false);
    m.train();
    expect(m.bn.training).toBe(true);
  });
  it('zeroGrad reaches every parameter', () => {
    const m = new Residual();
    accumulateGrads(() => sum(m.forward(batch(2, 4))), m.parameters());
    m.zeroGrad();
    for (const p of m.parameters()) expect(Array.from(p.grad?.data ?? [1])).toEqual(new Array(p.size).fill(0));
  });
  it('state dicts name entries by path and round-trip through JSON and safetensors', () => {
    const m = new TwoTower();
    m.forward(batch(5, 3), batch(5, 2, 1));
    const dict = m.stateDict();
    expect(Object.keys(dict.tensors)).toContain('blocks.1.fc2.bias');
    expect(Object.keys(dict.tensors)).toContain('bn.runningVar');
    expect(dict.scalars).toEqual({ 'bn.numBatchesTracked': 1 });
    expect(dict.tensors['left.weight'].data).toBeInstanceOf(Float64Array);
    const text = JSON.stringify(dict);
    expect(typeof JSON.parse(text).tensors['left.weight'].data).toBe('string');
    const fresh = new TwoTower();
    fresh.left.weight.data.fill(0);
    fresh.loadStateDict(JSON.parse(text));
    expect(Array.from(fresh.left.weight.data)).toEqual(Array.from(m.left.weight.data));
    expect(fresh.bn.numBatchesTracked).toBe(1);
    const again = new TwoTower();
    loadState(saveState(m), again);
    expect(Array.from(again.bn.runningMean?.data ?? [])).toEqual(Array.from(m.bn.runningMean?.data ?? []));
  });
  it('a layer held twice counts once', () => {
    class Shared extends ModuleBase {
      a = new Linear(2, 2, { rng: rng() });
      b = this.a;
      forward(x: TensorLike): Tensor {
        return this.b.forward(this.a.forward(x));
      }
    }
    expect(new Shared().parameters().length).toBe(2);
  });
  it('a module with forward only is trained through autograd; its explicit backward says so', () => {
    const m = new Residual();
    const opt = new Adam(m.parameters(), { lr: 0.05 });
    const x = batch(8, 4);
    const target = batch(8, 4, 2);
    const losses: number[] = [];
    for (let i = 0; i < 30; i++) {
      opt.zeroGrad();
      losses.push(accumulateGrads(() => mseLoss(m.forward(x), target), m.parameters()).item());
      opt.step();
    }
    expect(losses[29]).toBeLessThan(losses[0] * 0.5);
    expect(() => m.backward([[1, 1, 1, 1]])).toThrow(NablaError);
    expect(() => m.backward([[1, 1, 1, 1]])).toThrow(/Residual.backward: this module has no explicit backward \(differentiate it with accumulateGrads/);
  });
  it('two inputs: gradients with respect to both', () => {
    const m = new TwoTower();
    const { grads } = valueAndGrad((a, b) => sum(m.forward(a, b)))(batch(4, 3), batch(4, 2, 5));
    expect(grads.map((g) => g.shape)).toEqual([[4, 3], [4, 2]]);
    // and their values, against central differences
    const check = gradCheck((a, b) => sum(m.forward(a, b)), [batch(4, 3), batch(4, 2, 5)]);
    expect(check.perInput.length).toBe(2);
    expect(check.ok, `max relative error ${check.maxRelError}`).toBe(true);
  });
  it('a class version past 1 migrates older state dicts through its hook', () => {
    class Renamed extends ModuleBase {
      static override get stateVersion() {
        return 2;
      }
      kernel = tensor([1, 2]);
      forward(x: TensorLike): Tensor {
        return add(x, this.kernel);
      }
      protected override migrateState(prefix: string, e: { tensors: Record<string, unknown>; scalars: Record<string, unknown> }, from: number) {
        // Version 1 called the parameter "w".
        if (from === 1 && `${prefix}w` in e.tensors) {
          const { [`${prefix}w`]: w, ...rest } = e.tensors;
          return { tensors: { ...rest, [`${prefix}kernel`]: w }, scalars: e.scalars };
        }
        return e;
      }
    }
    const old: ModuleStateDict = { format: 'nabla.module', version: 1, tensors: { w: { shape: [2], data: new Float64Array([7, 8]) } }, scalars: {} };
    const m = new Renamed();
    m.loadStateDict(old);
    expect(m.kernel.toArray()).toEqual([7, 8]);
    expect(m.stateDict().versions).toEqual({ '': 2 });
    expect(() => m.loadStateDict({ ...old, versions: { '': 3 } })).toThrow(/versions."" is 3 \(expected an integer from 1 to 2\)/);
  });
  it('a negative running variance is refused on load, and nothing changes', () => {
    const bn = new BatchNorm(2);
    const d = bn.stateDict();
    (d.tensors.runningVar.data as Float64Array)[1] = -0.5;
    (d.tensors.gamma.data as Float64Array)[0] = 9;
    expect(() => bn.loadStateDict(d)).toThrow(/BatchNorm.loadStateDict: runningVar\[1\] is -0.5 \(a variance must be ≥ 0\)/);
    expect(bn.gamma?.toArray()).toEqual([1, 1]);
  });
});

describe('the explicit path refuses what it cannot differentiate', () => {
  it('a second backward throws instead of returning a wrong gradient', () => {
    const fc = new Linear(2, 2, { rng: rng() });
    fc.forward([[1, 2]]);
    fc.backward([[1, 1]]);
    const g = Array.from(fc.weight.grad?.data ?? []);
    expect(() => fc.backward([[1, 1]])).toThrow(/Linear.backward: no forward to differentiate/);
    expect(Array.from(fc.weight.grad?.data ?? [])).toEqual(g);
  });
  it('a layer reused in a Sequential: the explicit backward refuses, autograd gets it right', () => {
    const fc = new Linear(2, 2, { rng: rng() });
    const model = new Sequential(fc, new ReLU(), fc);
    const x = tensor([[0.5, -0.25]]);
    model.forward(x);
    expect(() => model.backward([[1, 1]])).toThrow(/^Sequential.backward: modules\[0\] and modules\[2\] are the same Linear/);
    expect(fc.weight.grad).toBeNull();
    accumulateGrads(() => sum(model.forward(x)), model.parameters());
    expect(fc.weight.grad).not.toBeNull();
  });
});

describe('Sequential: errors name the layer, and a failure changes nothing', () => {
  it('the path of the failing layer prefixes the message; the class is kept', () => {
    const model = new Sequential(new Linear(3, 4, { rng: rng() }), new ReLU(), new Linear(5, 2, { rng: rng() }));
    const call = () => model.forward([[1, 2, 3]]);
    expect(call).toThrow(ShapeError);
    expect(call).toThrow(/^Sequential\[2\] Linear.forward: x has shape \[1,4\] but the layer expects \[..., 5\]/);
  });
  it('a forward that fails in a later layer leaves BatchNorm statistics as they were', () => {
    const bn = new BatchNorm(3);
    const model = new Sequential(bn, new Linear(4, 1, { rng: rng() }));
    expect(() => model.forward(batch(6, 3))).toThrow(/Sequential\[1\]/);
    expect(bn.runningMean?.toArray()).toEqual([0, 0, 0]);
    expect(bn.runningVar?.toArray()).toEqual([1, 1, 1]);
    expect(bn.numBatchesTracked).toBe(0);
    expect(() => model.backward([[1]])).toThrow(/Sequential.backward: the last forward failed/);
  });
  it('a backward that cannot complete writes no gradient', () => {
    const a = new Linear(2, 2, { rng: rng() });
    const b = new Linear(2, 2, { rng: rng() });
    const model = new Sequential(a, b);
    model.forward([[1, 2]]);
    a.backward; // eslint-disable-line @typescript-eslint/no-unused-expressions
    b.forward([[1, 1]]);
    b.backward([[1, 1]]); // consumes b's cache behind the Sequential's back
    const bGrad = Array.from(b.weight.grad?.data ?? []);
    expect(() => model.backward([[1, 1]])).toThrow(/Sequential\[1\] Linear.backward: no forward/);
    expect(a.weight.grad).toBeNull();
    expect(Array.from(b.weight.grad?.data ?? [])).toEqual(bGrad);
  });
  it('an empty Sequential returns a Tensor', () => {
    const y = new Sequential().forward([1, 2]);
    expect(y).toBeInstanceOf(Tensor);
    expect(y.toArray()).toEqual([1, 2]);
    // …from backward too (the identity's gradient), and bad input is still a NablaError.
    const g = new Sequential().backward([[3, 4]]);
    expect(g).toBeInstanceOf(Tensor);
    expect(g.toArray()).toEqual([[3, 4]]);
    expect(() => new Sequential().forward('x' as never)).toThrow(NablaError);
  });
});

describe('Embedding.backward checks dy against the last forward (issue 17, item 12)', () => {
  it('dy whose leading dims do not match the ids is a ShapeError, and weight.grad is untouched', () => {
    const emb = new Embedding(5, 3, { rng: rng() });
    emb.forward([[0, 4], [2, 2]]); // output [2, 2, 3]
    expect(() => emb.backward(new Tensor(new Float64Array(12), [4, 1, 3]))).toThrow(ShapeError);
    expect(() => emb.backward(new Tensor(new Float64Array(12), [4, 1, 3]))).toThrow(
      'Embedding.backward: dy has shape [4,1,3] but the last forward\'s output has shape [2,2,3]',
    );
    expect(() => emb.backward(new Tensor(new Float64Array(8), [2, 2, 2]))).toThrow(ShapeError);
    expect(emb.weight.grad).toBeNull();
    // The matching dy still works after the refusals (the cache was not consumed).
    const dx = emb.backward(new Tensor(new Float64Array(12).fill(1), [2, 2, 3]));
    expect(dx.shape).toEqual([2, 2]);
    expect(Array.from(emb.weight.grad!.data)).toEqual([1, 1, 1, 0, 0, 0, 2, 2, 2, 0, 0, 0, 1, 1, 1]);
  });
});

describe('optimizer subclasses save and load under their algorithm (issue 17, item 11)', () => {
  it('class X extends AdamW {} saves "AdamW" and loads back into AdamW and into X', () => {
    class MyAdamW extends AdamW {}
    const p = tensor([1, 2]);
    const opt = new MyAdamW([p], { lr: 0.1 });
    opt.step([tensor([0.5, -0.5])]);
    const d = opt.stateDict();
    expect(d.type).toBe('AdamW');
    const plain = new AdamW([tensor([1, 2])], { lr: 0.1 });
    plain.loadStateDict(JSON.parse(JSON.stringify(d)));
    expect(Array.from(plain.stateDict().state[0]?.buffers.expAvg as Float64Array)).toEqual(Array.from(d.state[0]?.buffers.expAvg as Float64Array));
    const again = new MyAdamW([tensor([1, 2])], { lr: 0.1 });
    again.loadStateDict(d);
    expect(again.stateDict().state[0]?.step).toBe(1);
    expect(() => new Adam([tensor([1, 2])], { lr: 0.1 }).loadStateDict(d)).toThrow(/the state dict is for "AdamW", not Adam/);
  });
});

describe('optimizer state dicts in memory and through JSON', () => {
  it('buffers are Float64Arrays in memory, base64 in JSON; both load', () => {
    const p = tensor([1, 2]);
    const opt = new Adam([p], { lr: 0.1 });
    opt.step([tensor([0.5, -0.5])]);
    const d = opt.stateDict();
    expect(d.state[0]?.buffers.expAvg).toBeInstanceOf(Float64Array);
    const viaJson = JSON.parse(JSON.stringify(d));
    expect(typeof viaJson.state[0].buffers.expAvg).toBe('string');
    const o2 = new Adam([tensor([1, 2])], { lr: 0.1 });
    o2.loadStateDict(viaJson);
    const o3 = new Adam([tensor([1, 2])], { lr: 0.1 });
    o3.loadStateDict(d);
    expect(Array.from(o2.stateDict().state[0]?.buffers.expAvgSq as Float64Array)).toEqual(Array.from(d.state[0]?.buffers.expAvgSq as Float64Array));
    expect(Array.from(o3.stateDict().state[0]?.buffers.expAvg as Float64Array)).toEqual(Array.from(d.state[0]?.buffers.expAvg as Float64Array));
  });
  it('a negative second moment is refused (Adam, Adagrad, RMSprop) and nothing changes', () => {
    const p = tensor([1, 2]);
    const opt = new Adam([p], { lr: 0.1 });
    opt.step([tensor([0.5, -0.5])]);
    const d = opt.stateDict();
    (d.state[0]?.buffers.expAvgSq as Float64Array)[1] = -1e-3;
    const fresh = new Adam([tensor([1, 2])], { lr: 0.1 });
    expect(() => fresh.loadStateDict(d)).toThrow(/Adam.loadStateDict: state\[0\].buffers.expAvgSq\[1\] is -0.001/);
    expect(fresh.stateDict().state[0]).toBeNull();
    // Adagrad's sum, RMSprop's squareAvg and AMSGrad's maxExpAvgSq likewise.
    const cases: [() => Adagrad | RMSprop | Adam, string][] = [
      [() => new Adagrad([tensor([1, 2])], { lr: 0.1 }), 'sum'],
      [() => new RMSprop([tensor([1, 2])], { lr: 0.1 }), 'squareAvg'],
      [() => new Adam([tensor([1, 2])], { lr: 0.1, amsgrad: true }), 'maxExpAvgSq'],
    ];
    for (const [make, buffer] of cases) {
      const o = make();
      o.step([tensor([0.5, -0.5])]);
      const sd = o.stateDict();
      (sd.state[0]?.buffers[buffer] as Float64Array)[0] = -2;
      const target = make();
      const before = JSON.stringify(target.stateDict());
      expect(() => target.loadStateDict(sd)).toThrow(new RegExp(`${o.name}.loadStateDict: state\\[0\\].buffers.${buffer}\\[0\\] is -2`));
      expect(JSON.stringify(target.stateDict())).toBe(before);
    }
  });
  it('a saveState file whose optimizer buffer list holds a non-name is a NablaError', () => {
    const m = new Linear(2, 2, { rng: rng() });
    const opt = new Adam(m.parameters(), { lr: 0.1 });
    accumulateGrads(() => crossEntropy(m.forward([[1, 2]]), [1]), m.parameters());
    opt.step();
    const { tensors, metadata } = readSafetensors(saveState(m, opt));
    const meta = JSON.parse(metadata['nabla.optimizer']);
    meta.state[0].buffers = [{}];
    const b = writeSafetensors(tensors, { metadata: { ...metadata, 'nabla.optimizer': JSON.stringify(meta) } });
    expect(() => loadState(b, new Linear(2, 2), new Adam(new Linear(2, 2).parameters(), { lr: 0.1 }))).toThrow(/optimizer state 0 names a buffer an object/);
  });
});
