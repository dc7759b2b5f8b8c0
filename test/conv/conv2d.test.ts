import { describe, expect, it } from 'vitest';
import { conv2d, conv2dBackward, createRng, gradCheck, NablaError, ShapeError, Tensor, tensor, ValueError, zeros, type Conv2dOptions } from '../../src/index.js';
import { expectMatches, fromFix, loadFixture, type FixTensor } from '../helpers/fixtures.js';

const fx = loadFixture('torch/conv15.json');

interface ConvCase {
  name: string;
  options: Conv2dOptions;
  x: FixTensor;
  weight: FixTensor;
  bias?: FixTensor;
  y: FixTensor;
  dy: FixTensor;
  dx: FixTensor;
  dweight: FixTensor;
  dbias: FixTensor;
}

function rand(shape: number[], seed: number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return new Tensor(createRng(seed).fillUniform(new Float64Array(n), -1, 1), shape);
}

/**
 * Direct 7-deep loop straight from the definition (PyTorch's formula with HWIO weights): an
 * implementation independent of the im2col + GEMM path, for shapes too large for a fixture.
 */
function directConv(x: Tensor, w: Tensor, b: Tensor | null, o: { stride: [number, number]; pad: [number, number, number, number]; dil: [number, number]; groups: number }): Tensor {
  const [N, C, H, W] = x.shape;
  const [kh, kw, cg, Co] = w.shape;
  const Ho = Math.floor((H + o.pad[0] + o.pad[1] - o.dil[0] * (kh - 1) - 1) / o.stride[0]) + 1;
  const Wo = Math.floor((W + o.pad[2] + o.pad[3] - o.dil[1] * (kw - 1) - 1) / o.stride[1]) + 1;
  const cog = Co / o.groups;
  const out = new Float64Array(N * Co * Ho * Wo);
  for (let n = 0; n < N; n++)
    for (let co = 0; co < Co; co++) {
      const g = Math.floor(co / cog);
      for (let i = 0; i < Ho; i++)
        for (let j = 0; j < Wo; j++) {
          let s = b === null ? 0 : b.data[co];
          for (let c = 0; c < cg; c++)
            for (let u = 0; u < kh; u++)
              for (let v = 0; v < kw; v++) {
                const iy = i * o.stride[0] - o.pad[0] + u * o.dil[0];
                const ix = j * o.stride[1] - o.pad[2] + v * o.dil[1];
                if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
                s += x.data[((n * C + g * cg + c) * H + iy) * W + ix] * w.data[((u * kw + v) * cg + c) * Co + co];
              }
          out[((n * Co + co) * Ho + i) * Wo + j] = s;
        }
    }
  return new Tensor(out, [N, Co, Ho, Wo]);
}

/** The adjoint of {@link directConv}, loop by loop: dx, dweight, dbias. */
function directConvBackward(dy: Tensor, x: Tensor, w: Tensor, o: { stride: [number, number]; pad: [number, number, number, number]; dil: [number, number]; groups: number }) {
  const [N, C, H, W] = x.shape;
  const [kh, kw, cg, Co] = w.shape;
  const [, , Ho, Wo] = dy.shape;
  const cog = Co / o.groups;
  const dx = new Float64Array(x.size);
  const dw = new Float64Array(w.size);
  const db = new Float64Array(Co);
  for (let n = 0; n < N; n++)
    for (let co = 0; co < Co; co++) {
      const g = Math.floor(co / cog);
      for (let i = 0; i < Ho; i++)
        for (let j = 0; j < Wo; j++) {
          const d = dy.data[((n * Co + co) * Ho + i) * Wo + j];
          db[co] += d;
          for (let c = 0; c < cg; c++)
            for (let u = 0; u < kh; u++)
              for (let v = 0; v < kw; v++) {
                const iy = i * o.stride[0] - o.pad[0] + u * o.dil[0];
                const ix = j * o.stride[1] - o.pad[2] + v * o.dil[1];
                if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
                const xi = ((n * C + g * cg + c) * H + iy) * W + ix;
                const wi = ((u * kw + v) * cg + c) * Co + co;
                dx[xi] += d * w.data[wi];
                dw[wi] += d * x.data[xi];
              }
        }
    }
  return { dx: new Tensor(dx, x.shape), dweight: new Tensor(dw, w.shape), dbias: new Tensor(db, [Co]) };
}

describe('conv2d against PyTorch 1.13 (float64; weights permuted to HWIO)', () => {
  for (const c of fx.conv2d as ConvCase[]) {
    it(c.name, () => {
      const x = fromFix(c.x);
      const w = fromFix(c.weight);
      const b = c.bias ? fromFix(c.bias) : undefined;
      expectMatches(conv2d(x, w, b, c.options), c.y, 1e-12, 1e-14, 'y');
      const g = conv2dBackward(fromFix(c.dy), x, w, c.options);
      expectMatches(g.dx, c.dx, 1e-12, 1e-14, 'dx');
      expectMatches(g.dweight, c.dweight, 1e-12, 1e-14, 'dweight');
      expectMatches(g.dbias, c.dbias, 1e-12, 1e-14, 'dbias');
    });
  }
});

describe('conv2d and its backward against direct loops on larger shapes (image chunks, the blocked GEMM, groups)', () => {
  const shapes = [
    // N, C, H, W, Co, kh, kw, options — sized so the im2col chunk holds 2, 1 or all images.
    { N: 5, C: 4, H: 20, W: 20, Co: 4, kh: 5, kw: 5, o: { padding: 2 } }, // chunks of 3 and 2 images
    { N: 2, C: 8, H: 20, W: 20, Co: 4, kh: 5, kw: 5, o: { padding: 2 } }, // one image per chunk
    { N: 3, C: 16, H: 16, W: 12, Co: 12, kh: 3, kw: 3, o: { padding: 1, groups: 4 } },
    { N: 4, C: 6, H: 23, W: 19, Co: 6, kh: 3, kw: 4, o: { stride: [2, 3] as [number, number], dilation: 2, padding: [3, 1] as [number, number], groups: 6 } },
    { N: 7, C: 1, H: 28, W: 28, Co: 6, kh: 5, kw: 5, o: {} },
  ];
  for (const [k, s] of shapes.entries()) {
    it(`${JSON.stringify(s)}`, () => {
      const G = (s.o as { groups?: number }).groups ?? 1;
      const x = rand([s.N, s.C, s.H, s.W], 10 + k);
      const w = rand([s.kh, s.kw, s.C / G, s.Co], 20 + k);
      const b = rand([s.Co], 30 + k);
      const pair = (v: number | [number, number] | undefined, d: number): [number, number] => (v === undefined ? [d, d] : typeof v === 'number' ? [v, v] : v);
      const o = s.o as Conv2dOptions;
      const p = pair(o.padding as number | [number, number] | undefined, 0);
      const want = directConv(x, w, b, { stride: pair(o.stride as never, 1), pad: [p[0], p[0], p[1], p[1]], dil: pair(o.dilation as never, 1), groups: G });
      expectMatches(conv2d(x, w, b, o), want, 1e-12, 1e-13, 'y');
      const dy = rand(want.shape as number[], 70 + k);
      const g = conv2dBackward(dy, x, w, o);
      const r = directConvBackward(dy, x, w, { stride: pair(o.stride as never, 1), pad: [p[0], p[0], p[1], p[1]], dil: pair(o.dilation as never, 1), groups: G });
      expectMatches(g.dx, r.dx, 1e-12, 1e-12, 'dx');
      expectMatches(g.dweight, r.dweight, 1e-12, 1e-12, 'dweight');
      expectMatches(g.dbias, r.dbias, 1e-12, 1e-12, 'dbias');
    });
  }
  it("'same' with an even kernel pads the extra row and column at the bottom/right (PyTorch)", () => {
    const x = rand([2, 3, 6, 7], 5);
    const w = rand([4, 2, 3, 2], 6);
    expectMatches(conv2d(x, w, null, { padding: 'same' }), directConv(x, w, null, { stride: [1, 1], pad: [1, 2, 0, 1], dil: [1, 1], groups: 1 }), 1e-13, 1e-14);
  });
});

describe('conv2dBackward: gradCheck in float64 (dx, dweight, dbias)', () => {
  const cases: { shape: [number, number, number, number]; w: [number, number, number, number]; o: Conv2dOptions }[] = [
    { shape: [2, 2, 5, 4], w: [3, 2, 2, 3], o: { padding: 1 } },
    { shape: [1, 4, 6, 6], w: [2, 3, 2, 4], o: { groups: 2, stride: [2, 1], dilation: [1, 2], padding: [1, 2] } },
    { shape: [2, 3, 5, 5], w: [3, 3, 1, 3], o: { groups: 3, padding: 'same' } },
    { shape: [1, 2, 7, 6], w: [2, 2, 2, 2], o: { stride: 3 } },
  ];
  for (const [k, c] of cases.entries()) {
    it(JSON.stringify(c), () => {
      const Co = c.w[3];
      const r = gradCheck(
        {
          forward: (x, w, b) => conv2d(x, w, b, c.o),
          backward: (dy, x, w) => {
            const g = conv2dBackward(dy, x, w, c.o);
            return [g.dx, g.dweight, g.dbias];
          },
        },
        [rand(c.shape, 40 + k), rand(c.w, 50 + k), rand([Co], 60 + k)],
        // dbias sums up to 150 dy values: the central difference carries ~1e−9 of rounding.
        { rtol: 1e-7, atol: 1e-8 },
      );
      expect(r.ok, JSON.stringify(r.worst)).toBe(true);
    });
  }
});

describe('conv2d: special values and shapes', () => {
  it('NaN and ∞ propagate to exactly the outputs whose windows contain them', () => {
    const x = zeros([1, 1, 4, 4]);
    x.data[5] = NaN; // (1, 1)
    const y = conv2d(x, tensor([1, 1, 1, 1], [2, 2, 1, 1]));
    // Windows (i, j) with i, j ∈ {0, 1} cover (1, 1).
    expect(Array.from(y.data, Number.isNaN)).toEqual([true, true, false, true, true, false, false, false, false]);
  });
  it('empty batch and zero output channels give empty outputs and zero gradients', () => {
    expect(conv2d(zeros([0, 2, 4, 4]), zeros([3, 3, 2, 5])).shape).toEqual([0, 5, 2, 2]);
    const g = conv2dBackward(zeros([2, 0, 2, 2]), rand([2, 1, 3, 3], 1), zeros([2, 2, 1, 0]));
    expect(g.dx.data.every((v) => v === 0)).toBe(true);
    expect(g.dbias.shape).toEqual([0]);
  });
  it('inputs are not modified', () => {
    const x = rand([1, 2, 4, 4], 3);
    const w = rand([3, 3, 2, 2], 4);
    const xs = x.data.slice();
    const ws = w.data.slice();
    conv2dBackward(conv2d(x, w, null, { padding: 1 }), x, w, { padding: 1 });
    expect(x.data).toEqual(xs);
    expect(w.data).toEqual(ws);
  });
});

describe('conv2d: bad input (before any work)', () => {
  const x = zeros([1, 2, 5, 5]);
  const w = zeros([3, 3, 2, 4]);
  it('kernel larger than the padded input', () => {
    expect(() => conv2d(x, zeros([7, 3, 2, 4]))).toThrow(/conv2d: the height of the kernel is 7, larger than the padded input's height 5/);
    expect(() => conv2d(x, zeros([3, 3, 2, 4]), null, { dilation: 3 })).toThrow(/dilated: 3·\(3 − 1\) \+ 1 = 7/);
    expect(() => conv2d(zeros([1, 2, 2, 2]), w)).toThrow(ShapeError);
    expect(conv2d(zeros([1, 2, 2, 2]), w, null, { padding: 1 }).shape).toEqual([1, 4, 2, 2]);
  });
  it('stride, dilation, padding, groups: positive integers (padding ≥ 0)', () => {
    expect(() => conv2d(x, w, null, { stride: 0 })).toThrow(/options.stride must be a positive integer, got 0/);
    expect(() => conv2d(x, w, null, { stride: [1, -1] })).toThrow(/options.stride\[1\] must be a positive integer, got -1/);
    expect(() => conv2d(x, w, null, { dilation: 0 })).toThrow(/options.dilation must be a positive integer/);
    expect(() => conv2d(x, w, null, { padding: -1 })).toThrow(/options.padding must be a non-negative integer/);
    expect(() => conv2d(x, w, null, { padding: 1.5 })).toThrow(ValueError);
    expect(() => conv2d(x, w, null, { padding: [1, 2, 3] as never })).toThrow(/\[height, width\], got an array of length 3/);
    expect(() => conv2d(x, w, null, { padding: 'full' as never })).toThrow(/'same' or 'valid', got "full"/);
    expect(() => conv2d(x, w, null, { padding: 'same', stride: 2 })).toThrow(/'same' needs stride 1/);
    expect(() => conv2d(x, w, null, { groups: 0 })).toThrow(/options.groups must be a positive integer/);
  });
  it('channels not divisible by groups; weight c_in/groups must match x', () => {
    expect(() => conv2d(zeros([1, 3, 5, 5]), zeros([3, 3, 1, 4]), null, { groups: 2 })).toThrow(/x has 3 input channels, which is not divisible by options.groups 2/);
    expect(() => conv2d(zeros([1, 4, 5, 5]), zeros([3, 3, 2, 3]), null, { groups: 2 })).toThrow(/weight has 3 output channels .* not divisible by options.groups 2/);
    expect(() => conv2d(zeros([1, 4, 5, 5]), zeros([3, 3, 4, 4]), null, { groups: 2 })).toThrow(/expected \[kh, kw, 2, C_out\]: HWIO/);
  });
  it('wrong weight rank or a PyTorch-layout weight names the permutation', () => {
    expect(() => conv2d(x, zeros([3, 3, 2]))).toThrow(/weight has shape \[3,3,2\] \(expected rank 4, \[kh, kw, C_in\/groups, C_out\]/);
    // PyTorch's [C_out, C_in, kh, kw] = [4, 2, 3, 3]:
    expect(() => conv2d(x, zeros([4, 2, 3, 3]))).toThrow(/permute\(2, 3, 1, 0\)/);
  });
  it('x must be [N, C, H, W]; bias [C_out]; dy the output shape; unknown options', () => {
    expect(() => conv2d(zeros([2, 5, 5]), w)).toThrow(/x has shape \[2,5,5\] \(expected rank 4, \[N, C, H, W\]/);
    expect(() => conv2d(x, w, [1, 2, 3])).toThrow(/bias has shape \[3\] but weight has 4 output channels/);
    expect(() => conv2d(x, w, { padding: 1 } as never)).toThrow(/bias is an options object/);
    expect(() => conv2dBackward(zeros([1, 4, 2, 2]), x, w)).toThrow(/dy has shape \[1,4,2,2\] but the output of conv2d has shape \[1,4,3,3\]/);
    expect(() => conv2d(x, w, null, { strides: 2 } as never)).toThrow(/unknown key "strides" \(did you mean "stride"\?\)/);
    expect(() => conv2d(x, w, null, { pad: 1 } as never)).toThrow(NablaError);
  });
});
