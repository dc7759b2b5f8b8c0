import { describe, expect, it } from 'vitest';
import {
  Adam, BatchNorm, Linear, LogSoftmax, ModuleBase, NablaError, ReLU, SGD, Sequential, ShapeError, Sigmoid, Softmax, Tanh, Tensor, ValueError,
  accuracy, add, binaryCrossEntropy, binaryCrossEntropyWithLogits, categoricalCrossEntropy, createRng, crossEntropy, fit, huberLoss, klDiv,
  l1Loss, logLikelihoodLoss, mseLoss, multiMarginLoss, nllLoss, oneHot, smoothL1Loss, softmax, tensor, type FitOptions, type History,
  type LossFunction, type LossName, type Module,
} from '../../src/index.js';
import { expectMatches, fromFix, loadFixture, type FixTensor } from '../helpers/fixtures.js';

const fx = loadFixture('torch/fit.json');

/** Two interleaved spirals, 2 classes (a generated dataset no linear model separates). */
function spirals(n: number, seed: number): { x: Tensor; y: number[] } {
  const rng = createRng(seed);
  const points: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const cls = i % 2;
    const r = (i / n) * 2.5 + 0.3;
    const a = r * 2 + cls * Math.PI;
    points.push([r * Math.cos(a) + rng.normal(0, 0.05), r * Math.sin(a) + rng.normal(0, 0.05)]);
    y.push(cls);
  }
  return { x: tensor(points), y };
}

const mlp = (seed: number) => new Sequential(new Linear(2, 24, { seed }), new Tanh(), new Linear(24, 24, { seed: seed + 1 }), new Tanh(), new Linear(24, 2, { seed: seed + 2 }));

/** The parameters' values, copied. */
const snapshot = (ps: Tensor[]) => ps.map((p) => ({ data: p.data.slice(), grad: p.grad === null ? null : p.grad.data.slice() }));

describe('fit', () => {
  it('learns two spirals: loss falls, accuracy rises, history has one entry per epoch', async () => {
    const { x, y } = spirals(200, 0);
    const model = mlp(1);
    const history = await fit(model, x, y, { loss: 'crossEntropy', optimizer: new Adam(model.parameters(), { lr: 0.02 }), epochs: 60, seed: 0 });
    expect(history.epoch).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    expect(history.loss).toHaveLength(60);
    expect(history.accuracy).toHaveLength(60);
    expect(history.valLoss).toEqual([]);
    expect(history.stopped).toBeNull();
    expect(history.loss[59]).toBeLessThan(history.loss[0] / 3);
    expect(accuracy(model.forward(x), y)).toBeGreaterThan(0.95);
    expect(history.accuracy[59]).toBeGreaterThan(0.9);
  });

  // Independent numbers: the same loops run by PyTorch (scripts/fixtures/torch_fit.py).
  for (const c of fx.cases) {
    it(`matches PyTorch's loop: ${c.name}`, async () => {
      const [d, h, k] = c.sizes as number[];
      const model =
        c.model === 'mlp-tanh'
          ? new Sequential(new Linear(d, h), new Tanh(), new Linear(h, k))
          : new Sequential(new Linear(d, h, { bias: false }), new BatchNorm(h), new ReLU(), new Linear(h, k));
      const params = model.parameters();
      (c.initial as FixTensor[]).forEach((p, i) => params[i].data.set(fromFix(p).data));
      const optimizer = c.optimizer.type === 'SGD' ? new SGD(params, { lr: c.optimizer.lr, momentum: c.optimizer.momentum }) : new Adam(params, { lr: c.optimizer.lr });
      const options: FitOptions = { loss: c.loss, optimizer, epochs: c.epochs, batchSize: c.batchSize, shuffle: c.shuffle, seed: c.seed, dropLast: c.dropLast };
      if (c.validation !== null) options.validation = { x: fromFix(c.validation.x), y: fromFix(c.validation.y) };
      const history = await fit(model, fromFix(c.x), fromFix(c.y), options);
      // Rounding differs (BLAS summation order; eval-mode BatchNorm's folded scale and shift in PyTorch).
      const close = (a: number[], e: number[], what: string) => {
        expect(a, what).toHaveLength(e.length);
        a.forEach((v, i) => expect(Math.abs(v - e[i]), `${what}[${i}]: ${v} vs ${e[i]}`).toBeLessThanOrEqual(1e-10 * Math.abs(e[i])));
      };
      close(history.loss, c.history.loss, 'loss');
      expect(history.accuracy).toEqual(c.history.accuracy);
      close(history.valLoss, c.history.valLoss, 'valLoss');
      expect(history.valAccuracy).toEqual(c.history.valAccuracy);
      (c.final as FixTensor[]).forEach((p, i) => expectMatches(params[i], p, 1e-11, 1e-13, `final parameter ${i}`));
      if (c.finalBuffers !== null) {
        const bn = (model as Sequential).modules[1] as BatchNorm;
        expectMatches(bn.runningMean!, c.finalBuffers[0], 1e-11, 1e-13, 'runningMean');
        expectMatches(bn.runningVar!, c.finalBuffers[1], 1e-11, 1e-13, 'runningVar');
      }
    });
  }

  it('a loss function gives the same steps as its name, and composite models train through autograd', async () => {
    const { x, y } = spirals(40, 1);
    const run = async (loss: FitOptions['loss']) => {
      const model = mlp(3);
      await fit(model, x, y, { loss, optimizer: new SGD(model.parameters(), { lr: 0.1 }), epochs: 3, batchSize: 8, seed: 2 });
      return model.parameters().map((p) => Array.from(p.data));
    };
    expect(await run((o, t) => crossEntropy(o, t))).toEqual(await run('crossEntropy'));

    // A module with no explicit backward (a residual block) is trained the same way.
    class Residual extends ModuleBase {
      inner = new Linear(2, 2, { seed: 5 });
      head = new Linear(2, 2, { seed: 6 });
      forward(v: Tensor): Tensor {
        return this.head.forward(add(v, this.inner.forward(v)));
      }
    }
    const res = new Residual();
    const before = res.parameters().map((p) => p.data.slice());
    const h = await fit(res, x, y, { loss: (o, t) => crossEntropy(o, t), optimizer: new SGD(res.parameters(), { lr: 0.1 }), epochs: 2, seed: 0 });
    expect(h.accuracy).toHaveLength(2);
    res.parameters().forEach((p, i) => expect(p.data).not.toEqual(before[i]));
  });

  it('every loss name is that loss with its defaults', async () => {
    const { x, y } = spirals(24, 10);
    const probs = softmax(tensor(y.map((c) => [c + 0.5, 1 - c, 0.2])));
    const logits = (seed: number) => new Sequential(new Linear(2, 6, { seed }), new Tanh(), new Linear(6, 3, { seed: seed + 1 }));
    const cases: [LossName, LossFunction, (seed: number) => Module, Tensor | number[]][] = [
      ['crossEntropy', (o, t) => crossEntropy(o, t), logits, y],
      ['nllLoss', (o, t) => nllLoss(o, t), (seed) => new Sequential(logits(seed), new LogSoftmax()), y],
      ['multiMarginLoss', (o, t) => multiMarginLoss(o, t), logits, y],
      ['logLikelihoodLoss', (o, t) => logLikelihoodLoss(o, t), (seed) => new Sequential(logits(seed), new Softmax()), y],
      ['categoricalCrossEntropy', (o, t) => categoricalCrossEntropy(o, t), (seed) => new Sequential(logits(seed), new Softmax()), oneHot(y, 3)],
      ['binaryCrossEntropy', (o, t) => binaryCrossEntropy(o, t), (seed) => new Sequential(logits(seed), new Sigmoid()), probs],
      ['binaryCrossEntropyWithLogits', (o, t) => binaryCrossEntropyWithLogits(o, t), logits, probs],
      ['mseLoss', (o, t) => mseLoss(o, t), logits, probs],
      ['l1Loss', (o, t) => l1Loss(o, t), logits, probs],
      ['smoothL1Loss', (o, t) => smoothL1Loss(o, t), logits, probs],
      ['huberLoss', (o, t) => huberLoss(o, t), logits, probs],
      ['klDiv', (o, t) => klDiv(o, t), (seed) => new Sequential(logits(seed), new LogSoftmax()), probs],
    ];
    for (const [name, f, make, targets] of cases) {
      const run = async (loss: FitOptions['loss']) => {
        const model = make(3);
        const h = await fit(model, x, targets, { loss, optimizer: new SGD(model.parameters(), { lr: 0.5 }), epochs: 2, batchSize: 8, seed: 1 });
        return { h, params: model.parameters().map((p) => Array.from(p.data)) };
      };
      const [named, fn] = [await run(name), await run(f)];
      expect(named, name).toEqual(fn);
      expect(named.h.loss[1], name).not.toBe(named.h.loss[0]);
      expect(named.h.accuracy.length, `${name}: accuracy for class-index targets only`).toBe(Array.isArray(targets) ? 2 : 0);
    }
  });

  it('reports accuracy only for class-index targets', async () => {
    const { x, y } = spirals(20, 2);
    const targets = tensor(y.map((c) => [c, 1 - c]));
    const model = mlp(4);
    const h = await fit(model, x, targets, { loss: 'mseLoss', optimizer: new SGD(model.parameters()), epochs: 2, validation: { x, y: targets } });
    expect(h.loss).toHaveLength(2);
    expect(h.valLoss).toHaveLength(2);
    expect(h.accuracy).toEqual([]);
    expect(h.valAccuracy).toEqual([]);
    // Int32Array labels and a Tensor of labels both count as class indices.
    const h2 = await fit(model, x, Int32Array.from(y), { loss: 'crossEntropy', optimizer: new SGD(model.parameters()), epochs: 1, validation: { x, y: tensor(y) } });
    expect(h2.accuracy).toHaveLength(1);
    expect(h2.valAccuracy).toHaveLength(1);
  });

  it('validation metrics are the eval-mode loss and accuracy after each epoch', async () => {
    const { x, y } = spirals(60, 3);
    const val = spirals(30, 4);
    const model = new Sequential(new Linear(2, 8, { seed: 1 }), new BatchNorm(8), new Tanh(), new Linear(8, 2, { seed: 2 }));
    const seen: number[] = [];
    const h = await fit(model, x, y, {
      loss: 'crossEntropy', optimizer: new Adam(model.parameters(), { lr: 0.01 }), epochs: 3, batchSize: 16, seed: 1, validation: val,
      onEpochEnd: (info) => {
        seen.push(info.epoch);
        expect(model.training).toBe(true);
        const out = model.eval().forward(val.x);
        model.train();
        expect(info.valLoss).toBe(crossEntropy(out, val.y).item());
        expect(info.valAccuracy).toBe(accuracy(out, val.y));
        expect(info.epochs).toBe(3);
        expect(info.seconds).toBeGreaterThanOrEqual(0);
      },
    });
    expect(seen).toEqual([1, 2, 3]);
    expect(h.valLoss).toHaveLength(3);
    expect(h.valAccuracy).toHaveLength(3);
  });

  it('stops when onEpochEnd or onBatchEnd returns "stop", keeping the steps taken', async () => {
    const { x, y } = spirals(40, 5);
    const model = mlp(6);
    const h = await fit(model, x, y, { loss: 'crossEntropy', optimizer: new SGD(model.parameters()), epochs: 10, onEpochEnd: (i) => (i.epoch === 3 ? 'stop' : undefined) });
    expect(h.epoch).toEqual([1, 2, 3]);
    expect(h.stopped).toBe('callback');

    let steps = 0;
    const opt = new SGD(model.parameters());
    const counting = { step: () => (steps++, opt.step()) };
    const batches: number[] = [];
    const h2 = await fit(model, x, y, {
      loss: 'crossEntropy', optimizer: counting, epochs: 10, batchSize: 8,
      onBatchEnd: async (i) => {
        batches.push(i.batch);
        expect(i.batches).toBe(5);
        expect(i.size).toBe(8);
        expect(Number.isFinite(i.loss)).toBe(true);
        return i.epoch === 2 && i.batch === 2 ? 'stop' : undefined;
      },
    });
    expect(steps).toBe(7);
    expect(batches).toEqual([1, 2, 3, 4, 5, 1, 2]);
    expect(h2.epoch).toEqual([1]); // the interrupted epoch is not recorded
    expect(h2.stopped).toBe('callback');
  });

  it('stops when the signal is aborted — from a callback or a timer, which runs because fit yields between batches', async () => {
    const { x, y } = spirals(40, 6);
    const model = mlp(7);
    const ctrl = new AbortController();
    let steps = 0;
    const opt = new SGD(model.parameters());
    const h = await fit(model, x, y, {
      loss: 'crossEntropy', optimizer: { step: () => (steps++, opt.step()) }, epochs: 5, batchSize: 10, signal: ctrl.signal,
      onBatchEnd: (i) => {
        if (i.epoch === 2 && i.batch === 1) ctrl.abort();
      },
    });
    expect(steps).toBe(5);
    expect(h.epoch).toEqual([1]);
    expect(h.stopped).toBe('signal');

    // A timer set before fit fires during it: the training loop gives the event loop its turn.
    const ctrl2 = new AbortController();
    setTimeout(() => ctrl2.abort(), 1);
    const h2 = await fit(model, x, y, { loss: 'crossEntropy', optimizer: opt, epochs: 100000, batchSize: 4, signal: ctrl2.signal });
    expect(h2.stopped).toBe('signal');
    expect(h2.epoch.length).toBeLessThan(100000);

    // Already aborted: nothing runs, nothing changes.
    const before = snapshot(model.parameters());
    const h3 = await fit(model, x, y, { loss: 'crossEntropy', optimizer: opt, epochs: 3, signal: ctrl.signal });
    expect(h3).toEqual({ epoch: [], loss: [], accuracy: [], valLoss: [], valAccuracy: [], stopped: 'signal' } satisfies History);
    expect(snapshot(model.parameters())).toEqual(before);
  });

  it('leaves the model in the mode it found it', async () => {
    const { x, y } = spirals(20, 7);
    const model = mlp(8).eval();
    const modes: boolean[] = [];
    await fit(model, x, y, { loss: 'crossEntropy', optimizer: new SGD(model.parameters()), epochs: 1, batchSize: 8, onBatchEnd: () => void modes.push(model.training) });
    expect(modes).toEqual([true, true, true]); // 20 rows in batches of 8: trained in training mode
    expect(model.training).toBe(false);
    model.train();
    await fit(model, x, y, { loss: 'crossEntropy', optimizer: new SGD(model.parameters()), epochs: 1 });
    expect(model.training).toBe(true);
  });

  it('rejects bad input before anything changes', async () => {
    const { x, y } = spirals(20, 8);
    const model = new Sequential(new Linear(2, 4, { seed: 1 }), new BatchNorm(4), new Linear(4, 3, { seed: 2 }));
    const opt = new Adam(model.parameters());
    const ok: FitOptions = { loss: 'crossEntropy', optimizer: opt, epochs: 2 };
    const before = snapshot(model.parameters());
    const bn = model.modules[1] as BatchNorm;
    const stats = [bn.runningMean!.data.slice(), bn.runningVar!.data.slice()];
    const optState = JSON.stringify(opt.stateDict());
    const rejects = async (args: [unknown, unknown, unknown, unknown], Err: typeof NablaError, message: string | RegExp) => {
      const p = (fit as (...a: unknown[]) => Promise<History>)(...args);
      await expect(p).rejects.toThrow(Err);
      await expect(p).rejects.toThrow(message);
    };
    await rejects([model, x, y, { ...ok, epoch: 3 }], ValueError, 'fit: options has an unknown key "epoch" (did you mean "epochs"?)');
    await rejects([model, x, y, { ...ok, loss: 'crossentropy' }], ValueError, `did you mean 'crossEntropy'?`);
    await rejects([model, x, y, { ...ok, loss: undefined }], ValueError, 'fit: options.loss is required');
    await rejects([model, x, y, { ...ok, optimizer: undefined }], ValueError, 'fit: options.optimizer is required');
    await rejects([model, x, y, { ...ok, optimizer: {} }], ValueError, 'options.optimizer is an object (expected an optimizer with step())');
    await rejects([model, x, y, { ...ok, epochs: 0 }], ValueError, 'options.epochs must be a positive integer, got 0');
    await rejects([model, x, y, { ...ok, batchSize: 2.5 }], ValueError, 'options.batchSize must be a positive integer, got 2.5');
    await rejects([model, x, y, { ...ok, shuffle: 'yes' }], ValueError, 'options.shuffle must be a boolean');
    await rejects([model, x, y, { ...ok, seed: -1 }], ValueError, 'options.seed must be an integer');
    await rejects([model, x, y, { ...ok, signal: true }], ValueError, 'options.signal is true (expected an AbortSignal)');
    await rejects([model, x, y, { ...ok, onEpochEnd: 'log' }], ValueError, 'options.onEpochEnd must be a function');
    await rejects([{}, x, y, ok], ValueError, 'fit: model is an object (expected a Module');
    await rejects([model, x, y.slice(1), ok], ShapeError, 'fit: x has shape [20,2] and y has shape [19]');
    await rejects([model, new Tensor(new Float64Array(0), [0, 2]), [], ok], ValueError, 'x has no rows');
    await rejects([model, x, y, { ...ok, dropLast: true, batchSize: 64 }], ValueError, 'options.dropLast with batchSize 64 leaves no batch of the 20 rows');
    await rejects([model, x, y, { ...ok, validation: { x } }], ValueError, 'options.validation needs both x and y');
    await rejects([model, x, y, { ...ok, validation: { x, y, z: 1 } }], ValueError, 'options.validation has an unexpected key "z"');
    await rejects([model, x, y, { ...ok, validation: { x, y: y.slice(2) } }], ShapeError, 'options.validation.x has shape [20,2] and options.validation.y has shape [18]');
    // Found on one batch, before any step: the model's and the loss's errors, located.
    await rejects([model, tensor([[1, 2, 3]]), [0], ok], ShapeError, /^fit \[first batch\] Sequential\[0\] Linear\.forward: /);
    await rejects([model, x, y.map((c) => c + 2), ok], ValueError, /^fit \[first batch\] crossEntropy: .*out of range for 3 classes/);
    await rejects([model, x, y, { ...ok, validation: { x, y: y.map(() => 7) } }], ValueError, /^fit \[validation\] crossEntropy: /);
    await rejects([model, x, y, { ...ok, loss: (o: Tensor, t: Tensor) => crossEntropy(o, t, { reduction: 'none' }) }], ValueError, 'fit [first batch]: options.loss returned shape [20] (expected one element');
    await rejects([model, x, y, { ...ok, loss: () => 1 }], ValueError, 'fit [first batch]: options.loss returned 1 (expected a Tensor)');
    expect(snapshot(model.parameters())).toEqual(before);
    expect([bn.runningMean!.data, bn.runningVar!.data]).toEqual(stats);
    expect(JSON.stringify(opt.stateDict())).toBe(optState);
    expect(model.training).toBe(true);
  });

  it('errors during training say where they happened; a callback must return nothing or "stop"', async () => {
    const { x, y } = spirals(20, 9);
    const model = mlp(9);
    let calls = 0;
    const flaky = (o: Tensor, t: Tensor) => {
      calls++;
      if (calls === 4) return mseLoss(o, tensor([1]));
      return crossEntropy(o, t);
    };
    // call 1 is the check of the first batch; then epoch 1 has batches 1 and 2, and epoch 2 batch 1 is call 4.
    await expect(fit(model, x, y, { loss: flaky, optimizer: new SGD(model.parameters()), epochs: 3, batchSize: 10 })).rejects.toThrow(
      /^fit \[epoch 2, batch 1\] mseLoss: /,
    );
    await expect(fit(model, x, y, { loss: 'crossEntropy', optimizer: new SGD(model.parameters()), epochs: 3, onEpochEnd: () => 'Stop' as 'stop' })).rejects.toThrow(
      `fit: options.onEpochEnd returned "Stop" (expected nothing, or 'stop' to end training)`,
    );
    const boom = new Error('from the callback');
    await expect(fit(model, x, y, { loss: 'crossEntropy', optimizer: new SGD(model.parameters()), epochs: 3, onBatchEnd: () => { throw boom; } })).rejects.toBe(boom);
  });
});
