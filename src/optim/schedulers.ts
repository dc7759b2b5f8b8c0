import { ValueError, describe } from '../errors.js';
import type { Optimizer } from './optimizer.js';

type AnyOptimizer = Optimizer<any, { lr: number; skipNonFinite: boolean }>;

/**
 * Base of the learning-rate schedulers. Like PyTorch's, construction performs step 0 (setting the
 * initial lr), and each `step()` advances one epoch (or iteration) and writes the new lr into every
 * parameter group. The recursive forms of PyTorch's `get_lr()` are used, so values match PyTorch's
 * step by step, rounding included.
 */
export abstract class LRScheduler {
  /** The optimizer whose groups' `lr` this scheduler sets. */
  readonly optimizer: AnyOptimizer;
  /** Each group's lr when the scheduler was created. */
  readonly baseLrs: readonly number[];
  /** The epoch count; 0 after construction. */
  lastEpoch = -1;

  protected constructor(optimizer: AnyOptimizer, fn: string) {
    if (optimizer === null || typeof optimizer !== 'object' || !Array.isArray((optimizer as AnyOptimizer).paramGroups)) {
      throw new ValueError(fn, `optimizer must be a nabla optimizer, got ${describe(optimizer)}`);
    }
    this.optimizer = optimizer;
    this.baseLrs = optimizer.paramGroups.map((g) => g.lr);
  }

  /** The lr of each group for `lastEpoch`, from the current lrs. */
  protected abstract computeLr(): number[];

  /** Advances one epoch and sets every group's lr. */
  step(): void {
    this.lastEpoch++;
    const lrs = this.computeLr();
    this.optimizer.paramGroups.forEach((g, i) => (g.lr = lrs[i]));
  }

  /** The lrs set by the last `step()`. */
  getLastLr(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }

  protected current(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }
}

function positiveInt(fn: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) throw new ValueError(fn, `${name} must be a positive integer, got ${describe(v)}`);
  return v;
}

function finite(fn: string, name: string, v: unknown, check: (x: number) => boolean = () => true, expected = 'a finite number'): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || !check(v)) throw new ValueError(fn, `${name} must be ${expected}, got ${describe(v)}`);
  return v;
}

/**
 * Multiplies the lr by `gamma` every `stepSize` epochs: lr_e = lr_0·γ^⌊e/stepSize⌋ (PyTorch `StepLR`).
 * @example const s = new StepLR(opt, { stepSize: 30, gamma: 0.1 }); // call s.step() once per epoch
 */
export class StepLR extends LRScheduler {
  readonly stepSize: number;
  readonly gamma: number;

  constructor(optimizer: AnyOptimizer, options: { stepSize: number; gamma?: number }) {
    super(optimizer, 'StepLR');
    this.stepSize = positiveInt('StepLR', 'options.stepSize', options?.stepSize);
    this.gamma = finite('StepLR', 'options.gamma', options.gamma ?? 0.1, (x) => x >= 0, 'a non-negative finite number');
    this.step();
  }

  protected computeLr(): number[] {
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return this.current();
    return this.current().map((lr) => lr * this.gamma);
  }
}

/**
 * Multiplies the lr by `gamma` every epoch: lr_e = lr_0·γ^e (PyTorch `ExponentialLR`).
 * @example new ExponentialLR(opt, { gamma: 0.95 });
 */
export class ExponentialLR extends LRScheduler {
  readonly gamma: number;

  constructor(optimizer: AnyOptimizer, options: { gamma: number }) {
    super(optimizer, 'ExponentialLR');
    this.gamma = finite('ExponentialLR', 'options.gamma', options?.gamma, (x) => x >= 0, 'a non-negative finite number');
    this.step();
  }

  protected computeLr(): number[] {
    if (this.lastEpoch === 0) return this.current();
    return this.current().map((lr) => lr * this.gamma);
  }
}

/**
 * Cosine annealing from the base lr to `etaMin` over `tMax` epochs (then back up, periodically),
 * PyTorch's `CosineAnnealingLR` in its recursive form:
 *
 * ```math
 * \eta_e = \eta_{min} + \tfrac12(\eta_0 - \eta_{min})\left(1 + \cos\frac{e\pi}{T_{max}}\right)
 * ```
 * @example new CosineAnnealingLR(opt, { tMax: 100 });
 */
export class CosineAnnealingLR extends LRScheduler {
  readonly tMax: number;
  readonly etaMin: number;

  constructor(optimizer: AnyOptimizer, options: { tMax: number; etaMin?: number }) {
    super(optimizer, 'CosineAnnealingLR');
    this.tMax = positiveInt('CosineAnnealingLR', 'options.tMax', options?.tMax);
    this.etaMin = finite('CosineAnnealingLR', 'options.etaMin', options.etaMin ?? 0, (x) => x >= 0, 'a non-negative finite number');
    this.step();
  }

  protected computeLr(): number[] {
    const e = this.lastEpoch;
    const T = this.tMax;
    const lrs = this.current();
    if (e === 0) return lrs;
    const mod = (((e - 1 - T) % (2 * T)) + 2 * T) % (2 * T);
    if (mod === 0) return lrs.map((lr, i) => lr + ((this.baseLrs[i] - this.etaMin) * (1 - Math.cos(Math.PI / T))) / 2);
    return lrs.map(
      (lr) => ((1 + Math.cos((Math.PI * e) / T)) / (1 + Math.cos((Math.PI * (e - 1)) / T))) * (lr - this.etaMin) + this.etaMin,
    );
  }
}

/**
 * Linear warm-up: the lr factor goes linearly from `startFactor` to `endFactor` over `totalIters`
 * steps and then stays — PyTorch's `LinearLR` (defaults 1/3, 1, 5), in its recursive form.
 * @example new LinearWarmup(opt, { startFactor: 0.1, totalIters: 10 });
 */
export class LinearWarmup extends LRScheduler {
  readonly startFactor: number;
  readonly endFactor: number;
  readonly totalIters: number;

  constructor(optimizer: AnyOptimizer, options: { startFactor?: number; endFactor?: number; totalIters?: number } = {}) {
    super(optimizer, 'LinearWarmup');
    const o = options ?? {};
    this.startFactor = finite('LinearWarmup', 'options.startFactor', o.startFactor ?? 1 / 3, (x) => x > 0 && x <= 1, 'a number in (0, 1]');
    this.endFactor = finite('LinearWarmup', 'options.endFactor', o.endFactor ?? 1, (x) => x >= 0 && x <= 1, 'a number in [0, 1]');
    this.totalIters = positiveInt('LinearWarmup', 'options.totalIters', o.totalIters ?? 5);
    this.step();
  }

  protected computeLr(): number[] {
    const e = this.lastEpoch;
    const lrs = this.current();
    if (e === 0) return lrs.map((lr) => lr * this.startFactor);
    if (e > this.totalIters) return lrs;
    const s = this.startFactor;
    const d = this.endFactor - s;
    return lrs.map((lr) => lr * (1 + d / (this.totalIters * s + (e - 1) * d)));
  }
}
