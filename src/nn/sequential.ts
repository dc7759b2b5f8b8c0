import { NablaError, ValueError, describe, renamedError } from '../errors.js';
import { asTensor, type Tensor, type TensorLike } from '../tensor/tensor.js';
import { ModuleBase, type Module } from './module.js';

/**
 * Modules applied in order: forward runs them first to last, backward last to first (each one's
 * dL/dx is the previous one's dy). `parameters()` lists every child's parameters in order; `train()`
 * / `eval()` / `zeroGrad()` reach every child; the state dict names entries `"<index>.<name>"`
 * (`"0.weight"`, `"1.runningMean"`), like PyTorch.
 *
 * An error inside names the layer (`Sequential[2] Linear.forward: …`), and a forward or backward
 * that fails changes nothing: running statistics and counters are restored, and a backward checks
 * that every layer has a forward to differentiate before any gradient is accumulated.
 * @example const model = new Sequential(new Linear(784, 128), new ReLU(), new Linear(128, 10));
 */
export class Sequential extends ModuleBase {
  protected override readonly kind = 'Sequential';
  readonly modules: readonly Module[];
  /** False after a forward that threw: the layers' caches no longer belong to one forward. */
  private consistent = true;

  constructor(...modules: Module[]) {
    super();
    modules.forEach((m, i) => {
      if (m === null || typeof m !== 'object' || typeof m.forward !== 'function' || typeof m.backward !== 'function' || typeof m.parameters !== 'function') {
        throw new ValueError('Sequential', `modules[${i}] is ${describe(m)} (expected a Module with forward, backward and parameters)`);
      }
    });
    this.modules = modules.slice();
  }

  override namedChildren(): [string, Module][] {
    return this.modules.map((m, i) => [String(i), m]);
  }

  override forward(x: TensorLike): Tensor {
    const restore = this.snapshotState();
    let y: TensorLike = x;
    let i = 0;
    try {
      for (; i < this.modules.length; i++) y = this.modules[i].forward(y);
    } catch (e) {
      restore();
      this.consistent = false;
      throw located(e, i);
    }
    this.consistent = true;
    // An empty Sequential is the identity; it still returns a Tensor.
    return this.modules.length === 0 ? asTensor(x, 'Sequential.forward', 'x') : (y as Tensor);
  }

  override backward(dy: TensorLike): Tensor {
    const fn = 'Sequential.backward';
    if (!this.consistent) throw new NablaError(fn, 'the last forward failed, so there is no forward to differentiate (run forward again)');
    const first = this.modules.findIndex((m, i) => this.modules.indexOf(m) !== i);
    if (first >= 0) {
      const i = this.modules.indexOf(this.modules[first]);
      throw new NablaError(
        fn,
        `modules[${i}] and modules[${first}] are the same ${this.modules[i].constructor.name}: the explicit backward has one cache per layer (differentiate a model that reuses a layer with accumulateGrads)`,
      );
    }
    for (let i = this.modules.length - 1; i >= 0; i--) {
      const m = this.modules[i];
      if (m instanceof ModuleBase && !m.backwardReady()) {
        // Let the layer say why (it throws without writing: it has no cache), before any gradient is written.
        try {
          m.backward(dy);
        } catch (e) {
          throw located(e, i);
        }
        throw new NablaError(`Sequential[${i}] backward`, 'the layer has no forward to differentiate');
      }
    }
    let g: TensorLike = dy;
    let i = this.modules.length - 1;
    try {
      for (; i >= 0; i--) g = this.modules[i].backward(g);
    } catch (e) {
      throw located(e, i);
    }
    return this.modules.length === 0 ? asTensor(dy, fn, 'dy') : (g as Tensor);
  }

  override backwardReady(): boolean {
    return this.consistent && this.modules.every((m) => !(m instanceof ModuleBase) || m.backwardReady());
  }
}

/** The same error with the layer's position in front of its function name. */
function located(e: unknown, i: number): unknown {
  return renamedError(e, (x) => `Sequential[${i}] ${x.fn}`);
}
