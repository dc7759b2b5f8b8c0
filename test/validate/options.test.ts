import { describe, expect, it } from 'vitest';
import * as nabla from '../../src/index.js';
import { closestName } from '../../src/validate.js';

const p = () => [nabla.tensor([1, 2])];

describe('unknown option names are errors that suggest the right one', () => {
  const cases: [string, () => unknown, RegExp][] = [
    ['Adam learningRate', () => new nabla.Adam(p(), { learningRate: 0.5 } as never), /^Adam: options has an unknown key "learningRate" \(did you mean "lr"\?\)$/],
    ['SGD weight_decay', () => new nabla.SGD(p(), { lr: 0.1, weight_decay: 0.1 } as never), /SGD: options has an unknown key "weight_decay" \(did you mean "weightDecay"\?\)/],
    ['SGD momentom', () => new nabla.SGD(p(), { lr: 0.1, momentom: 0.9 } as never), /did you mean "momentum"\?/],
    ['RMSprop epsilon', () => new nabla.RMSprop(p(), { epsilon: 1e-7 } as never), /did you mean "eps"\?/],
    ['Adam beta1', () => new nabla.Adam(p(), { beta1: 0.8 } as never), /did you mean "betas"\?/],
    ['a parameter group', () => new nabla.SGD([{ params: p(), lrr: 0.1 }] as never, { lr: 0.1 }), /SGD: params\[0\] has an unknown key "lrr" \(did you mean "lr"\?\)/],
    ['assertClose tol', () => nabla.assertClose([1], [1.1], { tol: 0.1 } as never), /assertClose: options has an unknown key "tol" \(did you mean "rtol"\?\)/],
    ['allClose rTol', () => nabla.allClose([1], [1], { rTol: 0.1 } as never), /did you mean "rtol"\?/],
    ['crossEntropy label_smoothing', () => nabla.crossEntropy([[1, 2]], [0], { label_smoothing: 0.1 } as never), /did you mean "labelSmoothing"\?/],
    ['crossEntropy ignore_index', () => nabla.crossEntropy([[1, 2]], [0], { ignore_index: 0 } as never), /did you mean "ignoreIndex"\?/],
    ['mseLoss reduce', () => nabla.mseLoss([1], [2], { reduce: 'sum' } as never), /did you mean "reduction"\?/],
    ['a backward without dy in its forward', () => nabla.mseLoss([1], [2], { dy: 2 } as never), /mseLoss: options has an unknown key "dy"/],
    ['softplus Beta', () => nabla.softplus([1], { Beta: 2 } as never), /did you mean "beta"\?/],
    ['variance keepdim', () => nabla.variance([1, 2], 0, { keepdim: true } as never), /did you mean "keepDims"\?/],
    ['batchNorm epsilon', () => nabla.batchNorm([[1], [2]], { epsilon: 1e-3 } as never), /did you mean "eps"\?/],
    ['BatchNorm layer momemtum', () => new nabla.BatchNorm(2, { momemtum: 0.2 } as never), /BatchNorm: options has an unknown key "momemtum" \(did you mean "momentum"\?\)/],
    ['Linear bais', () => new nabla.Linear(2, 3, { bais: false } as never), /did you mean "bias"\?/],
    ['Embedding random_state', () => new nabla.Embedding(2, 3, { random_state: 1 } as never), /did you mean "seed"\?/],
    ['xavierUniform gian', () => nabla.xavierUniform([2, 3], { gian: 2 } as never), /did you mean "gain"\?/],
    ['uniform min', () => nabla.uniform([2], { min: -1 } as never), /options has an unknown key "min" \(known keys: rng, seed, low, high\)/],
    ['heNormal fan_in', () => nabla.heNormal([2, 3], { fan_in: 3 } as never), /did you mean "fanIn"\?/],
    ['computeFans mode', () => nabla.computeFans([2, 3], { mode: 'fanIn' } as never), /computeFans: options has an unknown key "mode"/],
    ['batches batch_size', () => nabla.batches([[1]], [0], { batch_size: 1 } as never), /did you mean "batchSize"\?/],
    ['StepLR step_size', () => new nabla.StepLR(new nabla.SGD(p(), { lr: 0.1 }), { step_size: 2 } as never), /did you mean "stepSize"\?/],
    ['gradCheck epsilon', () => nabla.gradCheck({ forward: (x) => x, backward: (dy) => dy }, [[1]], { epsilon: 1e-6 } as never), /did you mean "eps"\?/],
    ['numericalGradient rtol', () => nabla.numericalGradient((x) => x, [[1]], { rtol: 1 } as never), /numericalGradient: options has an unknown key "rtol"/],
    ['writeSafetensors meta', () => nabla.writeSafetensors({ a: [1] }, { meta: {} } as never), /did you mean "metadata"\?/],
    ['PReLU num_parameters', () => new nabla.PReLU({ num_parameters: 3 } as never), /did you mean "numParameters"\?/],
  ];
  for (const [name, call, message] of cases) {
    it(name, () => {
      expect(call).toThrow(nabla.ValueError);
      expect(call).toThrow(message);
    });
  }

  it('a misspelled option changes nothing it was meant to change', () => {
    const params = p();
    const opt = new nabla.Adam(params, { lr: 0.5 });
    opt.step(params.map((q) => nabla.ones(q.shape)));
    const before = JSON.stringify(opt.stateDict());
    const values = Array.from(params[0].data);
    const sq = opt.getState(params[0]).buffers.expAvgSq;
    expect(() => opt.setState(params[0], { step: 7, buffers: { expAvgSqq: sq } } as never)).toThrow(/did you mean "expAvgSq"/);
    expect(JSON.stringify(opt.stateDict())).toBe(before);
    expect(Array.from(params[0].data)).toEqual(values);
  });
});

// Issue 17, item 8 (audit): every public function and constructor that takes an options object —
// listed here one by one — rejects a key it does not know, before doing anything.
describe('every options-taking public function and constructor rejects an unknown key', () => {
  const bad = { bogusOption: 1 } as never;
  const x2 = [[0.2, 0.8], [0.6, 0.4]];
  const sgd = () => new nabla.SGD(p(), { lr: 0.1 });
  const all: [string, () => unknown][] = [
    ['SGD', () => new nabla.SGD(p(), bad)],
    ['Adagrad', () => new nabla.Adagrad(p(), bad)],
    ['RMSprop', () => new nabla.RMSprop(p(), bad)],
    ['Adam', () => new nabla.Adam(p(), bad)],
    ['AdamW', () => new nabla.AdamW(p(), bad)],
    ['StepLR', () => new nabla.StepLR(sgd(), { stepSize: 1, ...(bad as object) })],
    ['ExponentialLR', () => new nabla.ExponentialLR(sgd(), { gamma: 0.5, ...(bad as object) })],
    ['CosineAnnealingLR', () => new nabla.CosineAnnealingLR(sgd(), { tMax: 5, ...(bad as object) })],
    ['LinearWarmup', () => new nabla.LinearWarmup(sgd(), bad)],
    ['Linear', () => new nabla.Linear(2, 2, bad)],
    ['Embedding', () => new nabla.Embedding(2, 2, bad)],
    ['BatchNorm', () => new nabla.BatchNorm(2, bad)],
    ['PReLU', () => new nabla.PReLU(bad)],
    ['Softplus', () => new nabla.Softplus(bad)],
    ['softplus', () => nabla.softplus([1], bad)],
    ['softplusBackward', () => nabla.softplusBackward([1], [1], bad)],
    ['mseLoss', () => nabla.mseLoss([1], [1], bad)],
    ['mseLossBackward', () => nabla.mseLossBackward([1], [1], bad)],
    ['binaryCrossEntropy', () => nabla.binaryCrossEntropy([0.5], [1], bad)],
    ['binaryCrossEntropyBackward', () => nabla.binaryCrossEntropyBackward([0.5], [1], bad)],
    ['binaryCrossEntropyWithLogits', () => nabla.binaryCrossEntropyWithLogits([0.5], [1], bad)],
    ['binaryCrossEntropyWithLogitsBackward', () => nabla.binaryCrossEntropyWithLogitsBackward([0.5], [1], bad)],
    ['crossEntropy', () => nabla.crossEntropy(x2, [0, 1], bad)],
    ['crossEntropyBackward', () => nabla.crossEntropyBackward(x2, [0, 1], bad)],
    ['categoricalCrossEntropy', () => nabla.categoricalCrossEntropy(x2, x2, bad)],
    ['categoricalCrossEntropyBackward', () => nabla.categoricalCrossEntropyBackward(x2, x2, bad)],
    ['nllLoss', () => nabla.nllLoss(x2, [0, 1], bad)],
    ['nllLossBackward', () => nabla.nllLossBackward(x2, [0, 1], bad)],
    ['logLikelihoodLoss', () => nabla.logLikelihoodLoss(x2, [0, 1], bad)],
    ['logLikelihoodLossBackward', () => nabla.logLikelihoodLossBackward(x2, [0, 1], bad)],
    ['batchNorm', () => nabla.batchNorm(x2, bad)],
    ['batchNormBackward', () => nabla.batchNormBackward(x2, x2, bad)],
    ['variance', () => nabla.variance([1, 2], 0, bad)],
    ['std', () => nabla.std([1, 2], 0, bad)],
    ['allClose', () => nabla.allClose([1], [1], bad)],
    ['assertClose', () => nabla.assertClose([1], [1], bad)],
    ['gradCheck', () => nabla.gradCheck({ forward: (v) => v, backward: (dy) => dy }, [[1]], bad)],
    ['numericalGradient', () => nabla.numericalGradient((v) => v, [[1]], bad)],
    ['valueAndGrad', () => nabla.valueAndGrad((v) => nabla.sum(v), bad)],
    ['grad', () => nabla.grad((v) => nabla.sum(v), bad)],
    ['batches', () => nabla.batches([[1]], [0], { batchSize: 1, ...(bad as object) })],
    ['uniform', () => nabla.uniform([2], bad)],
    ['normal', () => nabla.normal([2], bad)],
    ['fanInUniform', () => nabla.fanInUniform([2, 2], bad)],
    ['xavierUniform', () => nabla.xavierUniform([2, 2], bad)],
    ['xavierNormal', () => nabla.xavierNormal([2, 2], bad)],
    ['heUniform', () => nabla.heUniform([2, 2], bad)],
    ['heNormal', () => nabla.heNormal([2, 2], bad)],
    ['lecunUniform', () => nabla.lecunUniform([2, 2], bad)],
    ['lecunNormal', () => nabla.lecunNormal([2, 2], bad)],
    ['orthogonal', () => nabla.orthogonal([2, 2], bad)],
    ['computeFans', () => nabla.computeFans([2, 2], bad)],
    ['writeSafetensors', () => nabla.writeSafetensors({ a: [1] }, bad)],
    ['saveState', () => nabla.saveState(new nabla.Linear(1, 1), undefined, bad)],
  ];
  for (const [fn, call] of all) {
    it(fn, () => {
      expect(call).toThrow(nabla.ValueError);
      expect(call).toThrow(new RegExp(`^${fn}: options has an unknown key "bogusOption"`));
    });
  }
  it('saveState: a misspelled metadata key is caught (it used to be ignored)', () => {
    expect(() => nabla.saveState(new nabla.Linear(1, 1), undefined, { meta: { a: 'b' } } as never)).toThrow(
      'saveState: options has an unknown key "meta" (did you mean "metadata"?)',
    );
    expect(nabla.readSafetensors(nabla.saveState(new nabla.Linear(1, 1), undefined, { metadata: { a: 'b' } })).metadata.a).toBe('b');
  });
});

describe('null options mean omitted; other non-objects are errors', () => {
  it('null as the options argument', () => {
    expect(nabla.assertClose([1], [1], null as never)).toBeUndefined();
    expect(nabla.numericalGradient((x) => x, [[2]], null as never)[0].item()).toBeCloseTo(1, 8);
    expect(new nabla.PReLU(null as never).alpha.toArray()).toEqual([0.25]);
    expect(nabla.mseLoss([1], [3], null as never).item()).toBe(4);
    expect(new nabla.SGD(p(), null as never).lr).toBe(1e-3);
  });
  it('null for one key reads as omitted', () => {
    expect(nabla.crossEntropy([[0, 0]], [0], { weight: null, labelSmoothing: null } as never).item()).toBeCloseTo(Math.LN2, 15);
    expect(new nabla.Adam(p(), { lr: null } as never).lr).toBe(1e-3);
  });
  it("null keeps its own meaning where it has one (BatchNorm's cumulative momentum)", () => {
    expect(new nabla.BatchNorm(2, { momentum: null }).momentum).toBeNull();
  });
  it('arrays, Maps and class instances are not options', () => {
    expect(() => nabla.mseLoss([1], [1], [] as never)).toThrow(/mseLoss: options must be a plain object, got an array of length 0/);
    expect(() => new nabla.Adam(p(), new Map([['lr', 0.1]]) as never)).toThrow(/Adam: options must be a plain object, got a Map/);
    expect(() => nabla.softplus([1], nabla.tensor([1]) as never)).toThrow(/softplus: options must be a plain object, got a Tensor/);
    expect(() => nabla.allClose([1], [1], 1e-3 as never)).toThrow(/allClose: options must be a plain object, got 0.001/);
  });
  it('a near miss on a choice is named', () => {
    expect(() => nabla.mseLoss([1], [1], { reduction: 'meen' } as never)).toThrow(/options.reduction must be 'mean', 'sum' or 'none', got "meen" \(did you mean 'mean'\?\)/);
  });
});

describe('closestName', () => {
  it('matches case and underscores, aliases, and small edits — and nothing far', () => {
    expect(closestName('WEIGHT_DECAY', ['lr', 'weightDecay'])).toBe('weightDecay');
    expect(closestName('learning_rate', ['lr', 'momentum'])).toBe('lr');
    expect(closestName('moemntum', ['lr', 'momentum'])).toBe('momentum');
    expect(closestName('xyz', ['lr', 'momentum'])).toBeUndefined();
    expect(closestName('banana', ['lr', 'momentum'])).toBeUndefined();
  });
  it('a clipped or extended form: the nearest of the names it clips or extends', () => {
    expect(closestName('meta', ['name', 'metadata'])).toBe('metadata');
    expect(closestName('expAvgSqq', ['expAvg', 'expAvgSq', 'maxExpAvgSq'])).toBe('expAvgSq'); // was expAvg, the first listed
    expect(closestName('expAvgg', ['expAvg', 'expAvgSq'])).toBe('expAvg');
  });
});
