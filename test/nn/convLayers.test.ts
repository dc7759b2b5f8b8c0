import { describe, expect, it } from 'vitest';
import * as n from '../../src/index.js';
import {
  AvgPool2d, BatchNorm, Conv2d, Dropout, ELU, Flatten, GELU, LayerNorm, Linear, MaxPool2d, ReLU, Sequential, ShapeError, SiLU, Tensor,
  ValueError, accumulateGrads, createRng, crossEntropy, loadState, saveState, vjp,
} from '../../src/index.js';
import { expectMatches, fromFix, loadFixture, type FixTensor } from '../helpers/fixtures.js';

const rand = (shape: number[], seed = 0) => new Tensor(createRng(seed).fillUniform(new Float64Array(shape.reduce((a, b) => a * b, 1)), -1, 1), shape);
const same = (a: Tensor, b: Tensor) => expect(Array.from(a.data)).toEqual(Array.from(b.data));

describe('Conv2d', () => {
  it("initializes like PyTorch: weight then bias ~ U(±1/√fanIn), NumPy-reproducible, fanIn = C_in/groups·kh·kw", () => {
    const conv = new Conv2d(4, 6, [3, 2], { groups: 2, seed: 5 });
    expect(conv.weight.shape).toEqual([3, 2, 2, 6]);
    const r = 1 / Math.sqrt(2 * 3 * 2);
    const rng = createRng(5);
    const w = rng.fillUniform(new Float64Array(3 * 2 * 2 * 6), -r, r);
    const b = rng.fillUniform(new Float64Array(6), -r, r);
    expect(Array.from(conv.weight.data)).toEqual(Array.from(w));
    expect(Array.from(conv.bias?.data ?? [])).toEqual(Array.from(b));
  });
  it('forward is conv2d; explicit backward is conv2dBackward, and autograd gives the same', () => {
    const opts = { stride: 2, padding: [1, 0] as [number, number], dilation: 1 };
    const conv = new Conv2d(2, 3, 3, { ...opts, seed: 1 });
    const x = rand([2, 2, 7, 6], 2);
    const y = conv.forward(x);
    same(y, n.conv2d(x, conv.weight, conv.bias, opts));
    const dy = rand(y.shape.slice(), 3);
    const dx = conv.backward(dy);
    const g = n.conv2dBackward(dy, x, conv.weight, opts);
    same(dx, g.dx);
    same(conv.weight.grad as Tensor, g.dweight);
    same(conv.bias?.grad as Tensor, g.dbias);
    const [gx, gw, gb] = vjp((a, w, b) => n.conv2d(a, w, b, opts), x, conv.weight, conv.bias as Tensor).backward(dy);
    same(gx, g.dx);
    same(gw, g.dweight);
    same(gb, g.dbias);
  });
  it('bad input: geometry options at construction, channels at forward', () => {
    expect(() => new Conv2d(3, 4, 3, { stride: 0 })).toThrow(/Conv2d: options.stride must be a positive integer, got 0/);
    expect(() => new Conv2d(3, 4, 3, { groups: 2 })).toThrow(/options.groups 2 must divide inChannels 3/);
    expect(() => new Conv2d(3, 4, 2.5)).toThrow(/Conv2d: kernelSize must be a positive integer, got 2.5/);
    expect(() => new Conv2d(3, 4, 3, { strides: 2 } as never)).toThrow(/did you mean "stride"\?/);
    expect(() => new Conv2d(3, 4, 3).forward(rand([1, 2, 5, 5]))).toThrow(ShapeError);
    expect(() => new Conv2d(1, 1, 7).forward(rand([1, 1, 5, 5]))).toThrow(/larger than the padded input/);
  });
});

describe('parameter-free layers are their functional pairs', () => {
  const cases: [string, n.Module, (x: Tensor) => Tensor, (dy: Tensor, x: Tensor) => Tensor][] = [
    ['MaxPool2d', new MaxPool2d(2, { stride: 1 }), (x) => n.maxPool2d(x, { kernelSize: 2, stride: 1 }), (dy, x) => n.maxPool2dBackward(dy, x, { kernelSize: 2, stride: 1 })],
    ['AvgPool2d', new AvgPool2d([2, 3], { padding: 1, countIncludePad: false }), (x) => n.avgPool2d(x, { kernelSize: [2, 3], padding: 1, countIncludePad: false }), (dy, x) => n.avgPool2dBackward(dy, x, { kernelSize: [2, 3], padding: 1, countIncludePad: false })],
    ['Flatten', new Flatten(), (x) => n.flatten(x), (dy, x) => dy.reshape(x.shape)],
    ['GELU tanh', new GELU({ approximate: 'tanh' }), (x) => n.gelu(x, { approximate: 'tanh' }), (dy, x) => n.geluBackward(dy, x, { approximate: 'tanh' })],
    ['SiLU', new SiLU(), n.silu, n.siluBackward],
    ['ELU', new ELU(0.5), (x) => n.elu(x, 0.5), (dy, x) => n.eluBackward(dy, x, 0.5)],
  ];
  for (const [name, layer, f, fb] of cases) {
    it(name, () => {
      const x = rand([2, 3, 4, 5], 4);
      const y = layer.forward(x);
      same(y, f(x));
      const dy = rand(y.shape.slice(), 6);
      same(layer.backward(dy), fb(dy, x));
      expect(() => layer.backward(dy)).toThrow(/no forward to differentiate/);
      expect(layer.parameters()).toEqual([]);
    });
  }
  it('bad options are refused at construction', () => {
    expect(() => new MaxPool2d(2, { stide: 1 } as never)).toThrow(/MaxPool2d: options has an unknown key "stide" \(did you mean "stride"\?\)/);
    expect(() => new GELU({ approximate: 'fast' as never })).toThrow(/GELU: options.approximate must be 'none' or 'tanh'/);
    expect(() => new Flatten(1.5)).toThrow(/Flatten: startAxis must be an integer, got 1.5/);
  });
});

describe('Dropout', () => {
  const fx = loadFixture('torch/conv15.json');
  it("a seeded layer's first mask is NumPy's RandomState(seed).random_sample(shape) < p", () => {
    for (const c of fx.dropout as { seed: number; p: number; x: FixTensor; out: FixTensor; dy: FixTensor; dx: FixTensor }[]) {
      const layer = new Dropout(c.p, { seed: c.seed });
      expectMatches(layer.forward(fromFix(c.x)), c.out, 0, 0, 'out');
      expectMatches(layer.backward(fromFix(c.dy)), c.dx, 0, 0, 'dx');
    }
  });
  it('is the identity in eval mode, forward and backward', () => {
    const d = new Dropout(0.5, { seed: 1 }).eval();
    const x = rand([3, 4]);
    same(d.forward(x), x);
    same(d.backward(x), x);
  });
  it("backward checks dy against the forward's shape, in either mode", () => {
    for (const d of [new Dropout(0.5, { seed: 1 }), new Dropout(0.5, { seed: 1 }).eval()]) {
      d.forward(rand([2, 3]));
      expect(() => d.backward(rand([3, 2]))).toThrow("Dropout.backward: dy has shape [3,2] but the forward's output has shape [2,3]");
    }
  });
  it('a Sequential forward that fails puts the generator back, so the next mask is the same', () => {
    const a = new Sequential(new Dropout(0.5, { seed: 3 }), new Linear(5, 2, { seed: 0 }));
    const b = new Sequential(new Dropout(0.5, { seed: 3 }), new Linear(4, 2, { seed: 0 }));
    expect(() => b.forward(rand([2, 5]))).toThrow(/Sequential\[1\] Linear.forward/);
    const drop = (m: Sequential) => (m.modules[0] as Dropout).forward(rand([2, 4]));
    same(drop(b), drop(a));
  });
  it('under autograd, the gradient is the mask', () => {
    const d = new Dropout(0.3, { seed: 2 });
    const x = rand([4, 4]);
    const { value, backward } = vjp((t) => d.forward(t), x);
    const [g] = backward(n.ones([4, 4]));
    for (let i = 0; i < 16; i++) expect(g.data[i]).toBe(value.data[i] === 0 ? 0 : 1 / 0.7);
  });
  it('p outside [0, 1) is an error', () => {
    expect(() => new Dropout(1)).toThrow(/Dropout: p must be a number in \[0, 1\), got 1/);
    expect(() => new Dropout(-0.1)).toThrow(ValueError);
  });
});

describe('LayerNorm', () => {
  it('is the layerNorm pair with learnable weight and bias of normalizedShape', () => {
    const ln = new LayerNorm([3, 4], { eps: 1e-3 });
    ln.weight?.data.set(rand([12], 7).data);
    const x = rand([2, 3, 4], 8);
    const y = ln.forward(x);
    same(y, n.layerNorm(x, [3, 4], { weight: ln.weight as Tensor, bias: ln.bias as Tensor, eps: 1e-3 }));
    const dy = rand([2, 3, 4], 9);
    const g = n.layerNormBackward(dy, x, [3, 4], { weight: ln.weight as Tensor, eps: 1e-3 });
    same(ln.backward(dy), g.dx);
    same(ln.weight?.grad as Tensor, g.dweight);
    same(ln.bias?.grad as Tensor, g.dbias);
    expect(Object.keys(ln.stateDict().tensors)).toEqual(['weight', 'bias']);
    expect(new LayerNorm(4, { elementwiseAffine: false }).parameters()).toEqual([]);
    expect(() => new LayerNorm([])).toThrow(/normalizedShape must be a size or a non-empty list/);
  });
});

describe('a small CNN: both paths agree, and it trains', () => {
  const build = () =>
    new Sequential(
      new Conv2d(1, 4, 3, { padding: 1, seed: 1 }), new BatchNorm(4), new ReLU(), new MaxPool2d(2),
      new Conv2d(4, 6, 3, { seed: 2 }), new ReLU(), new Flatten(), new Linear(6 * 2 * 2, 3, { seed: 3 }),
    );
  const x = rand([6, 1, 8, 8], 11);
  const y = [0, 1, 2, 0, 1, 2];
  it('the explicit backward and autograd give the same gradients', () => {
    const a = build();
    const logits = a.forward(x);
    a.backward(n.crossEntropyBackward(logits, y));
    const b = build();
    accumulateGrads(() => crossEntropy(b.forward(x), y), b.parameters());
    a.parameters().forEach((p, i) => {
      const q = b.parameters()[i];
      expect(p.grad?.shape).toEqual(q.shape);
      for (let k = 0; k < p.size; k++) expect(Math.abs((p.grad as Tensor).data[k] - (q.grad as Tensor).data[k])).toBeLessThanOrEqual(1e-14 * (1 + Math.abs((q.grad as Tensor).data[k])));
    });
  });
  it('trains, and its state round-trips through saveState', () => {
    const m = build();
    const opt = new n.Adam(m.parameters(), { lr: 0.01 });
    let first = 0;
    let last = 0;
    for (let i = 0; i < 40; i++) {
      opt.zeroGrad();
      last = accumulateGrads(() => crossEntropy(m.forward(x), y), m.parameters()).item();
      if (i === 0) first = last;
      opt.step();
    }
    expect(last).toBeLessThan(first / 4);
    const again = build();
    loadState(saveState(m, opt), again);
    same(again.forward(x), m.forward(x));
    // eval mode reads the restored running statistics
    same(again.eval().forward(x), m.eval().forward(x));
  });
});
