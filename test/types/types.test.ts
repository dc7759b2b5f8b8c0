// Type tests: checked by `tsc --noEmit` (part of `npm test`); the runtime assertions are no-ops.
// A line marked @ts-expect-error fails the typecheck if it ever compiles.
import { describe, expectTypeOf, it } from 'vitest';
import {
  Adam, BatchNorm, Linear, SGD, Sequential, Tensor, add, batchNorm, batchNormBackward, createRng, crossEntropy, gradCheck, matmul, preluBackward,
  full, ones, readNpz, readSafetensors, relu, sigmoid, softmax, sum, tensor, xavierUniform, zeros, type GradCheckResult, type Module, type TensorLike,
} from '../../src/index.js';

describe('public types', () => {
  it('functions accept every TensorLike form and return Tensor', () => {
    expectTypeOf(relu).parameter(0).toEqualTypeOf<TensorLike>();
    expectTypeOf(relu(1)).toEqualTypeOf<Tensor>();
    expectTypeOf(relu([1, 2])).toEqualTypeOf<Tensor>();
    expectTypeOf(relu([[1], [2]])).toEqualTypeOf<Tensor>();
    expectTypeOf(relu(new Float64Array(2))).toEqualTypeOf<Tensor>();
    expectTypeOf(add(tensor([1]), [[2]])).toEqualTypeOf<Tensor>();
    expectTypeOf(matmul([[1]], [[2]])).toEqualTypeOf<Tensor>();
    expectTypeOf(sum([1, 2], [0], true)).toEqualTypeOf<Tensor>();
    expectTypeOf(tensor([1]).shape).toEqualTypeOf<readonly number[]>();
    expectTypeOf(tensor([1]).grad).toEqualTypeOf<Tensor | null>();
  });

  it('creation functions take only their documented parameters (issue 17, item 9)', () => {
    expectTypeOf(zeros).parameters.toEqualTypeOf<[shape: readonly number[]]>();
    expectTypeOf(ones).parameters.toEqualTypeOf<[shape: readonly number[]]>();
    expectTypeOf(full).parameters.toEqualTypeOf<[shape: readonly number[], value: number]>();
  });

  it('typed toArray accessors need no cast (issue 20, item 4)', () => {
    expectTypeOf(tensor([1]).toArray1d()).toEqualTypeOf<number[]>();
    expectTypeOf(tensor([[1]]).toArray2d()).toEqualTypeOf<number[][]>();
    expectTypeOf(tensor([[[1]]]).toArray3d()).toEqualTypeOf<number[][][]>();
    expectTypeOf(tensor([[[[1]]]]).toArray4d()).toEqualTypeOf<number[][][][]>();
    const rows: number[][] = tensor([[1, 2]]).toArray2d(); // compiles without `as number[][]`
    expectTypeOf(rows[0][1]).toEqualTypeOf<number>();
    const compileOnly = () => {
      // @ts-expect-error: toArray() is a union (number | nested arrays) and needs a cast
      const r: number[][] = tensor([[1, 2]]).toArray();
      // @ts-expect-error: toArray1d() is number[], not number[][]
      const s: number[][] = tensor([1]).toArray1d();
      return [r, s];
    };
    expectTypeOf(compileOnly).toBeFunction();
  });

  it('return types are precise', () => {
    expectTypeOf(preluBackward([1], [1], 0.25)).toEqualTypeOf<{ dx: Tensor; dalpha: Tensor }>();
    expectTypeOf(batchNormBackward([[1], [2]], [[1], [3]])).toEqualTypeOf<{ dx: Tensor; dgamma: Tensor; dbeta: Tensor }>();
    expectTypeOf(readNpz).returns.toEqualTypeOf<Promise<Record<string, Tensor>>>();
    expectTypeOf(readSafetensors).returns.toEqualTypeOf<{ tensors: Record<string, Tensor>; metadata: Record<string, string> }>();
    expectTypeOf(gradCheck({ forward: sigmoid, backward: (dy: Tensor, x: Tensor) => dy }, [[1]])).toEqualTypeOf<GradCheckResult>();
    expectTypeOf(createRng(0).permutation(3)).toEqualTypeOf<number[]>();
    expectTypeOf(new Adam([tensor([1])]).step()).toEqualTypeOf<boolean>();
    expectTypeOf(new Sequential(new Linear(1, 1), new BatchNorm(1))).toMatchTypeOf<Module>();
  });

  it('options are typed: misspelled or mistyped options do not compile', () => {
    // Compile-time only: this function is type-checked but never called.
    const compileOnly = () => {    // @ts-expect-error: 'reductoin' is not an option
    crossEntropy([[1, 2]], [0], { reductoin: 'sum' });
    // @ts-expect-error: reduction must be 'mean' | 'sum' | 'none'
    crossEntropy([[1, 2]], [0], { reduction: 'avg' });
    // @ts-expect-error: Adam has betas, not beta1
    new Adam([tensor([1])], { beta1: 0.9 });
    // @ts-expect-error: SGD's momentum is a number
    new SGD([tensor([1])], { lr: 0.1, momentum: true });
    // @ts-expect-error: convention is 'pytorch' | 'keras' | 'tfjs'
    new SGD([tensor([1])], { lr: 0.1, convention: 'jax' });
    // @ts-expect-error: batchNorm has no 'epsilon' option (it is eps)
    batchNorm([[1, 2]], { epsilon: 1e-3 });
    // @ts-expect-error: initializer option 'gian'
    xavierUniform([2, 2], { gian: 2 });
    // @ts-expect-error: softmax's axis is a number
    softmax([1, 2], 'last');
    };
    expectTypeOf(compileOnly).toBeFunction();
    expectTypeOf(crossEntropy).parameter(2).toMatchTypeOf<{ reduction?: 'mean' | 'sum' | 'none' } | undefined>();
  });
});
