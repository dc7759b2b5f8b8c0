import { ValueError, describe } from '../errors.js';
import { checkInteger, checkNumber, checkNumberWhere, checkOptions } from '../validate.js';
import type { AnyOptimizer } from './optimizer.js';


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


/**
 * Multiplies the lr by `gamma` every `stepSize` epochs: lr_e = lr_0·γ^⌊e/stepSize⌋ (PyTorch `StepLR`).
 * @example const s = new StepLR(opt, { stepSize: 30, gamma: 0.1 }); // call s.step() once per epoch
 */
export class StepLR extends LRScheduler {
  readonly stepSize: number;
  readonly gamma: number;

  constructor(optimizer: AnyOptimizer, options: { stepSize: number; gamma?: number }) {
    super(optimizer, 'StepLR');
    const o = checkOptions<typeof options>('StepLR', options, ['stepSize', 'gamma']);
    this.stepSize = checkInteger('StepLR', 'options.stepSize', o.stepSize);
    this.gamma = checkNumber('StepLR', 'options.gamma', o.gamma ?? 0.1, 'nonneg');
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
    const o = checkOptions<typeof options>('ExponentialLR', options, ['gamma']);
    this.gamma = checkNumber('ExponentialLR', 'options.gamma', o.gamma, 'nonneg');
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
    const o = checkOptions<typeof options>('CosineAnnealingLR', options, ['tMax', 'etaMin']);
    this.tMax = checkInteger('CosineAnnealingLR', 'options.tMax', o.tMax);
    this.etaMin = checkNumber('CosineAnnealingLR', 'options.etaMin', o.etaMin ?? 0, 'nonneg');
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

  constructor(optimizer: AnyOptimizer, options?: { startFactor?: number; endFactor?: number; totalIters?: number }) {
    super(optimizer, 'LinearWarmup');
    const o = checkOptions<NonNullable<typeof options>>('LinearWarmup', options, ['startFactor', 'endFactor', 'totalIters']);
    this.startFactor = checkNumberWhere('LinearWarmup', 'options.startFactor', o.startFactor ?? 1 / 3, 'a number in (0, 1]', (x) => x > 0 && x <= 1);
    this.endFactor = checkNumber('LinearWarmup', 'options.endFactor', o.endFactor ?? 1, 'prob');
    this.totalIters = checkInteger('LinearWarmup', 'options.totalIters', o.totalIters ?? 5);
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
