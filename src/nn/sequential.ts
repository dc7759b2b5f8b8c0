import { ValueError, describe } from '../errors.js';
import type { Tensor, TensorLike } from '../tensor/tensor.js';
import { ModuleBase, type Module, type StateEntries } from './module.js';

/**
 * Modules applied in order: forward runs them first to last, backward last to first (each one's
 * dL/dx is the previous one's dy). `parameters()` lists every child's parameters in order; `train()`
 * / `eval()` / `zeroGrad()` reach every child; the state dict names entries `"<index>.<name>"`
 * (`"0.weight"`, `"1.runningMean"`), like PyTorch.
 * @example const model = new Sequential(new Linear(784, 128), new ReLU(), new Linear(128, 10));
 */
export class Sequential extends ModuleBase {
  protected readonly kind = 'Sequential';
  readonly modules: readonly Module[];

  constructor(...modules: Module[]) {
    super();
    modules.forEach((m, i) => {
      if (m === null || typeof m !== 'object' || typeof m.forward !== 'function' || typeof m.backward !== 'function' || typeof m.parameters !== 'function') {
        throw new ValueError('Sequential', `modules[${i}] is ${describe(m)} (expected a Module with forward, backward and parameters)`);
      }
    });
    this.modules = modules.slice();
  }

  forward(x: TensorLike): Tensor {
    let y = x;
    for (const m of this.modules) y = m.forward(y);
    return y as Tensor;
  }

  backward(dy: TensorLike): Tensor {
    let g = dy;
    for (let i = this.modules.length - 1; i >= 0; i--) g = this.modules[i].backward(g);
    return g as Tensor;
  }

  parameters(): Tensor[] {
    return this.modules.flatMap((m) => m.parameters());
  }

  override train(): this {
    this.training = true;
    for (const m of this.modules) m.train();
    return this;
  }

  override eval(): this {
    this.training = false;
    for (const m of this.modules) m.eval();
    return this;
  }

  override zeroGrad(): void {
    for (const m of this.modules) m.zeroGrad();
  }

  stateEntries(): StateEntries {
    const out: StateEntries = { tensors: {}, scalars: {} };
    this.modules.forEach((m, i) => {
      if (!(m instanceof ModuleBase)) {
        throw new ValueError('Sequential.stateDict', `modules[${i}] is not a nabla ModuleBase (extend ModuleBase to give a custom module a state dict)`);
      }
      const e = m.stateEntries();
      for (const [k, t] of Object.entries(e.tensors)) out.tensors[`${i}.${k}`] = t;
      for (const [k, s] of Object.entries(e.scalars)) out.scalars[`${i}.${k}`] = s;
    });
    return out;
  }
}
