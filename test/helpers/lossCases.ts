import { expect } from 'vitest';
import * as nabla from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { expectMatches, fromFix, type Enc, type FixTensor } from './fixtures.js';

/** One loss case of test/fixtures/torch/ops15.json (scripts/fixtures/torch_ops15.py). */
export interface TorchLossCase {
  name: string;
  label: string;
  options: Record<string, unknown>;
  input: FixTensor;
  target: FixTensor;
  results: Record<string, { loss: FixTensor; dy: FixTensor; grad: FixTensor }>;
}

type LossFn = (input: unknown, target: unknown, options?: Record<string, unknown>) => Tensor;

/** Checks a loss and its backward against PyTorch for every reduction the case holds. */
export function checkTorchLoss(c: TorchLossCase, rtol = 1e-14, atol = 1e-15): void {
  const f = (nabla as unknown as Record<string, LossFn>)[c.name];
  const b = (nabla as unknown as Record<string, LossFn>)[`${c.name}Backward`];
  const x = fromFix(c.input);
  const t = fromFix(c.target);
  const o: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(c.options)) o[k] = Array.isArray(v) ? nabla.tensor(v as number[]) : v;
  for (const [reduction, r] of Object.entries(c.results)) {
    const loss = f(x, t, { ...o, reduction });
    expectMatches(loss, r.loss, rtol, atol, `${c.label} ${reduction} loss`);
    const dy = fromFix(r.dy);
    const grad = b(x, t, { ...o, reduction, dy: dy.rank === 0 ? dy.item() : dy });
    expectMatches(grad, r.grad, rtol, atol, `${c.label} ${reduction} grad`);
    expect(grad.shape).toEqual(x.shape);
  }
}

/** One case of test/fixtures/losses.json and torch/losses.json: a loss's inputs, options, and its value and input gradient per reduction. */
export interface LossCase {
  name: string;
  inputs: FixTensor[];
  options: Record<string, unknown>;
  probs?: boolean;
  mean: Enc;
  sum: Enc;
  none: FixTensor;
  dy_mean: number;
  dy_sum: number;
  dyNone: FixTensor;
  grad_mean: FixTensor;
  grad_sum: FixTensor;
  gradNone: FixTensor;
}

/** A case's options as nabla takes them (fixture tensors decoded). */
export function optionsOf(c: LossCase): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(c.options)) o[k] = typeof v === 'object' && v !== null ? fromFix(v as FixTensor) : v;
  return o;
}
