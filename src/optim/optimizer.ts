import { ShapeError, ValueError, describe, formatShape } from '../errors.js';
import { sameShape } from '../tensor/shape.js';
import { Tensor, asTensor, type TensorLike } from '../tensor/tensor.js';
import { decodeFloat64, encodeFloat64, withJson } from '../base64.js';
import { checkBoolean, checkChoice, checkInteger, checkNumber, checkOptions, checkRecord } from '../validate.js';

/** Which framework's defaults and conventions an optimizer follows. */
export type Convention = 'pytorch' | 'keras' | 'tfjs';

const CONVENTIONS = ['pytorch', 'keras', 'tfjs'] as const;

/** The resolved options every group has. */
export interface BaseGroupOptions {
  lr: number;
  convention: Convention;
  skipNonFinite: boolean;
}

/** The weight-decay and direction options every optimizer has. */
export interface DecayOptions {
  /**
   * Weight decay λ ≥ 0: coupled L2, g ← g + λ·p (PyTorch's), unless `decoupledWeightDecay`.
   * Default 0 (AdamW: 0.01; Keras' AdamW 0.004).
   */
  weightDecay?: number;
  /**
   * Decoupled decay, applied to p before the update: Keras' p ← p − p·λ·lr (AdamW: PyTorch's
   * p ← p·(1 − lr·λ)). Default false (true with `convention: 'keras'`, and for AdamW).
   */
  decoupledWeightDecay?: boolean;
  /** Ascend instead of descend. Default false. */
  maximize?: boolean;
}

/** {@link DecayOptions} resolved. */
export interface DecayGroupOptions {
  weightDecay: number;
  decoupledWeightDecay: boolean;
  maximize: boolean;
}

/** The option names of {@link DecayOptions}. @internal */
export const DECAY_KEYS: readonly string[] = ['weightDecay', 'decoupledWeightDecay', 'maximize'];

/** Resolves {@link DecayOptions} with an optimizer's defaults. @internal */
export function resolveDecay(fn: string, where: string, o: DecayOptions, defaults: { weightDecay: number; decoupled: boolean }): DecayGroupOptions {
  return {
    weightDecay: checkNumber(fn, `${where}: weightDecay`, o.weightDecay ?? defaults.weightDecay, 'nonneg'),
    decoupledWeightDecay: checkBoolean(fn, `${where}: decoupledWeightDecay`, o.decoupledWeightDecay ?? defaults.decoupled),
    maximize: checkBoolean(fn, `${where}: maximize`, o.maximize ?? false),
  };
}

/** Options every optimizer takes. */
export interface BaseOptimizerOptions {
  /** Learning rate ≥ 0. */
  lr?: number;
  /** Preset of defaults and formula switches. Default `'pytorch'`. Explicit options override it. */
  convention?: Convention;
  /** Skip the whole step (and return false) when any gradient is NaN or ±∞. Default false: propagate, like PyTorch. */
  skipNonFinite?: boolean;
}

/** Any optimizer, whatever its options. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyOptimizer = Optimizer<any, BaseGroupOptions>;

/** A parameter group: its own parameters and option overrides (PyTorch's param_groups). */
export type ParamGroupSpec<O> = { params: readonly Tensor[] } & O;

/** A resolved parameter group. `lr` (and the other options) may be changed between steps. */
export type ParamGroup<R> = { params: Tensor[] } & R;

/** Per-parameter optimizer state: a step count, buffers created on demand, and scalars. */
export interface ParamState {
  step: number;
  buffers: Record<string, Float64Array>;
  scalars: Record<string, number>;
}

/** One parameter's optimizer state as {@link Optimizer.getState} returns it: copies, as Tensors. */
export interface ParamStateView {
  /** Updates applied to this parameter so far (PyTorch's `state['step']`; the courses' `t`). */
  step: number;
  /** The optimizer's per-parameter buffers that exist now, each shaped like the parameter (see docs/optim.md for the names). */
  buffers: Record<string, Tensor>;
  /** Per-parameter scalars (Adam under `convention: 'tfjs'`: `accBeta1`, `accBeta2`); usually empty. */
  scalars: Record<string, number>;
}

/** What {@link Optimizer.setState} accepts: any subset of a parameter's state. */
export interface ParamStateInput {
  /** The step count, a non-negative integer. Omitted: unchanged. */
  step?: number;
  /** Buffers to set, by name, each with the parameter's shape; buffers not named are unchanged. */
  buffers?: Record<string, TensorLike>;
  /** Scalars to set, by name. */
  scalars?: Record<string, number>;
}

/** The JSON-safe form of an optimizer's state (see docs/optim.md). */
export interface OptimizerStateDict {
  format: 'nabla.optimizer';
  version: 1;
  type: string;
  groups: Record<string, unknown>[];
  /**
   * Per parameter: the step count, buffers (Float64Array copies in memory; base64 of little-endian
   * float64 after `JSON.stringify`) and scalars (non-finite ones as "NaN"/"Infinity" strings in JSON).
   */
  state: ({ step: number; buffers: Record<string, Float64Array | string>; scalars: Record<string, number | string> } | null)[];
}

const FORMAT = 'nabla.optimizer';
const VERSION = 1;

/**
 * Base of every optimizer: parameter groups, gradient validation (before any write), the
 * per-parameter state, `zeroGrad`, `lr`, and the versioned state dict.
 *
 * Subclasses implement `resolve` (validate a group's options) and `update` (one fused pass over a
 * parameter, writing the parameter and its state in place).
 */
export abstract class Optimizer<O extends BaseOptimizerOptions, R extends BaseGroupOptions> {
  /** The parameter groups; each carries its resolved options (schedulers change `lr` here). */
  readonly paramGroups: ParamGroup<R>[];
  /** Number of steps that were skipped because of non-finite gradients (with `skipNonFinite`). */
  skippedSteps = 0;
  protected readonly state: (ParamState | null)[];
  private readonly flat: Tensor[];
  /** The algorithm's name, as error messages and state dicts give it (`"AdamW"`). */
  readonly name: string;
  /** Every option name a group may set. */
  private readonly optionKeys: readonly string[];

  /**
   * @param name the algorithm, passed by each optimizer's constructor (a subclass of `AdamW` is
   *   still AdamW in its state dict).
   * @param ownKeys the optimizer's option names beyond lr, convention and skipNonFinite.
   */
  protected constructor(name: string, params: readonly Tensor[] | readonly ParamGroupSpec<O>[], defaults: O | undefined, ownKeys: readonly string[]) {
    this.name = name;
    this.optionKeys = ['lr', 'convention', 'skipNonFinite', ...ownKeys];
    const base = checkOptions<O>(name, defaults, this.optionKeys);
    if (!Array.isArray(params) || params.length === 0) {
      throw new ValueError(name, `params must be a non-empty array of Tensors or parameter groups, got ${describe(params)}`);
    }
    const specs: unknown[] = params[0] instanceof Tensor ? [{ params }] : params;
    const seen = new Set<Tensor>();
    this.paramGroups = specs.map((spec, gi) => {
      if (spec === null || typeof spec !== 'object' || !Array.isArray((spec as { params?: unknown }).params)) {
        throw new ValueError(name, `params[${gi}] must be a Tensor or a group { params: Tensor[], … }, got ${describe(spec)}`);
      }
      const { params: ps, ...overrides } = checkOptions<{ params: unknown[] }>(name, spec, ['params', ...this.optionKeys], [], `params[${gi}]`) as { params: unknown[] };
      ps.forEach((p, pi) => {
        if (!(p instanceof Tensor)) throw new ValueError(name, `group ${gi} params[${pi}] is ${describe(p)} (expected a Tensor)`);
        if (seen.has(p)) throw new ValueError(name, `group ${gi} params[${pi}] appears more than once (each parameter may be optimized once)`);
        seen.add(p);
      });
      return { params: (ps as Tensor[]).slice(), ...this.resolveGroup({ ...base, ...overrides } as O, `group ${gi}`) } as ParamGroup<R>;
    });
    this.flat = this.paramGroups.flatMap((g) => g.params);
    this.state = this.flat.map(() => null);
  }

  /**
   * Resolves one group's options: the options every optimizer shares (convention first, since it
   * sets the defaults; then lr and skipNonFinite), then the optimizer's own through {@link resolve}.
   */
  private resolveGroup(o: O, where: string): R {
    const fn = this.name;
    const convention = checkChoice(fn, `${where}: convention`, o.convention ?? 'pytorch', CONVENTIONS);
    const lrDefault = this.defaultLr(convention);
    if (o.lr === undefined && lrDefault === null) {
      throw new ValueError(fn, `${where}: lr is required with convention '${convention}' (the framework has no default learning rate for ${fn})`);
    }
    const shared: BaseGroupOptions = {
      lr: checkNumber(fn, `${where}: lr`, o.lr ?? lrDefault, 'nonneg'),
      convention,
      skipNonFinite: checkBoolean(fn, `${where}: skipNonFinite`, o.skipNonFinite ?? false),
    };
    return { ...shared, ...this.resolve(o, where, convention) } as R;
  }

  /** The default learning rate under a convention; null where the framework requires one. */
  protected abstract defaultLr(convention: Convention): number | null;

  /** Validates a group's own options (not lr, convention, skipNonFinite) and fills in the convention's defaults. */
  protected abstract resolve(options: O, where: string, convention: Convention): Omit<R, keyof BaseGroupOptions>;

  /**
   * Applies one update to parameter `p` with gradient `g` (already validated), creating or
   * updating `state` in place. Must not allocate after the first step.
   */
  protected abstract update(p: Float64Array, g: Float64Array, state: ParamState, group: R): void;

  /** Creates the state of a parameter before its first update (PyTorch creates some eagerly). */
  protected initState(_size: number, _group: R): ParamState {
    return { step: 0, buffers: {}, scalars: {} };
  }

  /** Learning rate of the first group. */
  get lr(): number {
    return this.paramGroups[0].lr;
  }

  /** Sets the learning rate of every group. */
  set lr(value: number) {
    checkNumber(this.name, 'lr', value, 'nonneg');
    for (const g of this.paramGroups) g.lr = value;
  }

  /** All parameters, in group order. */
  get params(): readonly Tensor[] {
    return this.flat;
  }

  /** Clears every parameter's `.grad` (sets it to null, like PyTorch's `zero_grad(set_to_none=True)`). */
  zeroGrad(): void {
    for (const p of this.flat) p.grad = null;
  }

  /**
   * One optimization step. `grads[i]` is the gradient of the i-th parameter (in group order), or
   * null/undefined to skip it; without `grads`, each parameter's `.grad` is used and parameters whose
   * `.grad` is null are skipped (PyTorch). Every gradient is checked before anything is written, so a
   * step that throws changes nothing. Returns false when the step was skipped (`skipNonFinite`).
   */
  step(grads?: readonly (Tensor | null | undefined)[]): boolean {
    const fn = `${this.name}.step`;
    if (grads !== undefined && (!Array.isArray(grads) || grads.length !== this.flat.length)) {
      throw new ValueError(fn, `grads must be an array of ${this.flat.length} gradients (one per parameter), got ${describe(grads)}`);
    }
    const gs: (Float64Array | null)[] = new Array(this.flat.length);
    for (let i = 0; i < this.flat.length; i++) {
      const p = this.flat[i];
      const g = grads === undefined ? p.grad : grads[i];
      if (g === null || g === undefined) {
        gs[i] = null;
        continue;
      }
      if (!(g instanceof Tensor)) throw new ValueError(fn, `gradient ${i} is ${describe(g)} (expected a Tensor or null)`);
      if (!sameShape(g.shape, p.shape)) {
        throw new ShapeError(fn, `gradient ${i} has shape ${formatShape(g.shape)} but parameter ${i} has shape ${formatShape(p.shape)}`);
      }
      gs[i] = g.data;
    }
    let k = 0;
    for (const group of this.paramGroups) {
      if (group.skipNonFinite) {
        for (let i = k; i < k + group.params.length; i++) {
          const g = gs[i];
          if (g !== null && !allFinite(g)) {
            this.skippedSteps++;
            return false;
          }
        }
      }
      k += group.params.length;
    }
    k = 0;
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        const g = gs[k];
        if (g !== null) {
          let st = this.state[k];
          if (st === null) st = this.state[k] = this.initState(p.size, group);
          this.update(p.data, g, st, group);
        }
        k++;
      }
    }
    return true;
  }

  /**
   * The optimizer's state as plain JSON-safe data: `{ format, version, type, groups, state }`.
   * Groups hold each group's options and parameter count; state holds, per parameter, the step
   * count, buffers as base64 of little-endian float64 (exact, NaN and −0 included) and scalars.
   */
  stateDict(): OptimizerStateDict {
    const dict: OptimizerStateDict = {
      format: FORMAT,
      version: VERSION,
      type: this.name,
      groups: this.paramGroups.map(({ params, ...opts }) => ({ ...opts, numParams: params.length })),
      state: this.state.map((s) =>
        s === null
          ? null
          : {
              step: s.step,
              buffers: Object.fromEntries(Object.entries(s.buffers).map(([k, v]) => [k, v.slice()])),
              scalars: { ...s.scalars },
            },
      ),
    };
    return withJson(dict, optimizerDictToJson);
  }

  /**
   * Restores a state dict from {@link stateDict} of an optimizer of the same type over parameters of
   * the same shapes. Everything is validated first — format, version, type, group and parameter
   * counts, option values, state keys, buffer names and lengths — and nothing changes on error.
   */
  loadStateDict(dict: OptimizerStateDict): void {
    const fn = `${this.name}.loadStateDict`;
    const d = checkRecord(fn, 'state dict', dict, ['format', 'version', 'type', 'groups', 'state']);
    if (d.format !== FORMAT) throw new ValueError(fn, `format is ${describe(d.format)} (expected "${FORMAT}")`);
    if (d.version !== VERSION) throw new ValueError(fn, `version is ${describe(d.version)} (expected ${VERSION})`);
    if (d.type !== this.name) throw new ValueError(fn, `the state dict is for ${describe(d.type)}, not ${this.name}`);
    if (!Array.isArray(d.groups) || d.groups.length !== this.paramGroups.length) {
      throw new ValueError(fn, `groups must be an array of ${this.paramGroups.length} groups, got ${describe(d.groups)}`);
    }
    const groups = d.groups.map((g: unknown, gi: number) => {
      const own = this.paramGroups[gi];
      const keys = [...Object.keys(own).filter((key) => key !== 'params'), 'numParams'];
      const gd = checkRecord(fn, `groups[${gi}]`, g, keys);
      if (gd.numParams !== own.params.length) {
        throw new ValueError(fn, `groups[${gi}].numParams is ${describe(gd.numParams)} but the group has ${own.params.length} parameters`);
      }
      const { numParams: _n, ...opts } = gd;
      for (const key of keys) if (!(key in gd)) throw new ValueError(fn, `groups[${gi}] is missing ${key}`);
      return this.resolveGroup(opts as unknown as O, `groups[${gi}]`);
    });
    if (!Array.isArray(d.state) || d.state.length !== this.flat.length) {
      throw new ValueError(fn, `state must be an array of ${this.flat.length} entries (one per parameter), got ${describe(d.state)}`);
    }
    const expected = this.bufferNames();
    const states = d.state.map((s: unknown, i: number): ParamState | null => {
      if (s === null) return null;
      const sd = checkRecord(fn, `state[${i}]`, s, ['step', 'buffers', 'scalars']);
      if (typeof sd.step !== 'number' || !Number.isSafeInteger(sd.step) || sd.step < 0) {
        throw new ValueError(fn, `state[${i}].step is ${describe(sd.step)} (expected a non-negative integer)`);
      }
      const size = this.flat[i].size;
      const bufIn = checkRecord(fn, `state[${i}].buffers`, sd.buffers ?? {}, expected.buffers);
      const buffers: Record<string, Float64Array> = {};
      for (const [k, v] of Object.entries(bufIn)) {
        const what = `state[${i}].buffers.${k}`;
        if (v instanceof Float64Array) {
          if (v.length !== size) throw new ValueError(fn, `${what} has ${v.length} values (expected ${size})`);
          buffers[k] = v.slice();
        } else buffers[k] = decodeFloat64(fn, what, v, size);
      }
      const scIn = checkRecord(fn, `state[${i}].scalars`, sd.scalars ?? {}, expected.scalars);
      const scalars: Record<string, number> = {};
      for (const [k, v] of Object.entries(scIn)) {
        const num = typeof v === 'string' && ['NaN', 'Infinity', '-Infinity'].includes(v) ? Number(v) : v;
        if (typeof num !== 'number') throw new ValueError(fn, `state[${i}].scalars.${k} is ${describe(v)} (expected a number)`);
        scalars[k] = num;
      }
      const st: ParamState = { step: sd.step, buffers, scalars };
      this.checkState(fn, `state[${i}]`, st);
      return st;
    });
    // All validated: assign.
    groups.forEach((r, gi) => Object.assign(this.paramGroups[gi], r));
    for (let i = 0; i < states.length; i++) this.state[i] = states[i];
  }

  /**
   * A copy of one parameter's state: its step count, its buffers as Tensors shaped like the
   * parameter, and its scalars. Buffers appear once they exist — most are created by the first step
   * that needs them (Adagrad's `sum` at construction, as PyTorch does); before any step the state is
   * `{ step: 0, buffers: {}, scalars: {} }`. The names per optimizer are documented in docs/optim.md:
   * SGD `momentumBuffer`; Adagrad `sum`; RMSprop `squareAvg`, `gradAvg`, `momentumBuffer`;
   * Adam/AdamW `expAvg`, `expAvgSq`, `maxExpAvgSq` (scalars `accBeta1`, `accBeta2` under 'tfjs').
   * @example opt.getState(w).buffers.momentumBuffer; // the velocity, as a Tensor
   */
  getState(param: Tensor): ParamStateView {
    const i = this.indexOf(`${this.name}.getState`, param);
    const st = this.state[i];
    if (st === null) return { step: 0, buffers: {}, scalars: {} };
    const buffers: Record<string, Tensor> = {};
    for (const [k, v] of Object.entries(st.buffers)) buffers[k] = new Tensor(v.slice(), param.shape);
    return { step: st.step, buffers, scalars: { ...st.scalars } };
  }

  /**
   * Sets part or all of one parameter's state, so a check can start from a given velocity, cache or
   * moments (a course's `config['velocity']`, `config['cache']`, `config['m']`, `config['v']`,
   * `config['t']`). `step` is a non-negative integer; each buffer must be one this optimizer keeps
   * (an unknown name is an error suggesting the right one) and have the parameter's shape; buffers
   * and scalars not named keep their values. Second-moment buffers must be ≥ 0, as in
   * {@link loadStateDict}. Everything is validated before anything is written: on error nothing
   * changes. The values are copied.
   * @example opt.setState(w, { step: 5, buffers: { expAvg: m, expAvgSq: v } });
   */
  setState(param: Tensor, state: ParamStateInput): void {
    const fn = `${this.name}.setState`;
    const i = this.indexOf(fn, param);
    if (state === null || state === undefined) throw new ValueError(fn, `state must be an object { step?, buffers?, scalars? }, got ${describe(state)}`);
    const s = checkOptions<ParamStateInput>(fn, state, ['step', 'buffers', 'scalars'], [], 'state');
    const names = this.bufferNames();
    const step = s.step === undefined ? undefined : checkInteger(fn, 'state.step', s.step, 0);
    const buffers: Record<string, Float64Array> = {};
    if (s.buffers !== null && typeof s.buffers === 'object') {
      for (const key of Object.keys(s.buffers)) {
        const meant = COURSE_NAMES[key]?.find((n) => names.buffers.includes(n));
        if (!names.buffers.includes(key) && meant !== undefined) {
          throw new ValueError(fn, `state.buffers has an unknown key ${JSON.stringify(key)} (${this.name} calls it ${JSON.stringify(meant)})`);
        }
      }
    }
    const bufIn = checkOptions<Record<string, TensorLike>>(fn, s.buffers, names.buffers, [], 'state.buffers');
    for (const [k, v] of Object.entries(bufIn)) {
      const t = asTensor(v, fn, `state.buffers.${k}`);
      if (!sameShape(t.shape, param.shape)) {
        throw new ShapeError(fn, `state.buffers.${k} has shape ${formatShape(t.shape)} but the parameter has shape ${formatShape(param.shape)}`);
      }
      buffers[k] = t.data.slice();
    }
    const scalars: Record<string, number> = {};
    const scIn = checkOptions<Record<string, number>>(fn, s.scalars, names.scalars, [], 'state.scalars');
    for (const [k, v] of Object.entries(scIn)) scalars[k] = checkNumber(fn, `state.scalars.${k}`, v, 'any');
    const group = this.paramGroups.find((g) => g.params.includes(param)) as ParamGroup<R>;
    const current = this.state[i] ?? this.initState(param.size, group);
    const next: ParamState = {
      step: step ?? current.step,
      buffers: { ...current.buffers, ...buffers },
      scalars: { ...current.scalars, ...scalars },
    };
    this.checkState(fn, 'state', next);
    // Validated: assign (the merged buffers are fresh copies or the parameter's own, unchanged ones).
    this.state[i] = next;
  }

  /** The index of `param` among this optimizer's parameters (by identity). */
  private indexOf(fn: string, param: unknown): number {
    if (!(param instanceof Tensor)) throw new ValueError(fn, `param must be a Tensor, got ${describe(param)}`);
    const i = this.flat.indexOf(param);
    if (i < 0) throw new ValueError(fn, `param (shape ${formatShape(param.shape)}) is not one of this optimizer's parameters (pass the same Tensor object that was given to the constructor)`);
    return i;
  }

  /**
   * Rejects state no step could have produced and the next step would be poisoned by — a negative
   * second-moment buffer (Adam's expAvgSq, Adagrad's sum, RMSprop's squareAvg) under √. Default: none.
   */
  protected checkState(_fn: string, _where: string, _state: ParamState): void {}

  /** Names of the buffers and scalars this optimizer may keep per parameter. */
  protected abstract bufferNames(): { buffers: string[]; scalars: string[] };
}

/** The config-dict names of NumPy course code (CS231n's optim.py), and nabla's buffers they hold. */
const COURSE_NAMES: Readonly<Record<string, readonly string[]>> = {
  velocity: ['momentumBuffer'],
  v: ['expAvgSq', 'momentumBuffer'],
  m: ['expAvg'],
  cache: ['squareAvg', 'sum'],
};

function allFinite(g: Float64Array): boolean {
  for (let i = 0; i < g.length; i++) if (!Number.isFinite(g[i])) return false;
  return true;
}

/**
 * The gradient an update works with: −g when maximizing, then + λ·p for coupled (L2) weight
 * decay, `l2` being λ or 0 when the decay is decoupled or off (adding 0·p would turn −0 into +0 and
 * ∞·0 into NaN, so 0 adds nothing). The first line of every optimizer's loop. @internal
 */
export function gradTerm(g: number, p: number, maximize: boolean, l2: number): number {
  const d = maximize ? -g : g;
  return l2 === 0 ? d : d + l2 * p;
}

/**
 * Decoupled weight decay, applied to the parameter before the update: PyTorch's AdamW form
 * p ← p·(1 − lr·λ) (`multiply`), or Keras' p ← p − p·λ·lr. @internal
 */
export function decayWeights(p: Float64Array, lr: number, wd: number, multiply: boolean): void {
  const n = p.length;
  if (multiply) {
    const f = 1 - lr * wd;
    for (let i = 0; i < n; i++) p[i] *= f;
  } else for (let i = 0; i < n; i++) p[i] = p[i] - p[i] * wd * lr;
}

/**
 * βᵗ for an integer step t ≥ 0, correctly rounded: what C's `pow` returns for PyTorch's
 * `beta ** step` (glibc's pow is correctly rounded), where `Math.pow`'s last bit differs for some
 * inputs (0.9⁴, 0.999¹⁶). Method: exponentiation by squaring in double-double arithmetic (≈106-bit
 * products, Dekker's exact two-product with Veltkamp's split — no fused multiply-add needed), then
 * one rounding. Exact for results above 2⁻⁹⁶⁹; smaller ones (deep in the underflow that makes a bias
 * correction 1 − βᵗ equal 1 anyway) are within an ulp. @internal
 */
export function powStep(beta: number, t: number): number {
  let rh = 1;
  let rl = 0;
  let bh = beta;
  let bl = 0;
  for (let n = t; n > 0; n = Math.floor(n / 2)) {
    if (n % 2 === 1) {
      const p = twoProduct(rh, bh);
      const lo = p.lo + (rh * bl + rl * bh);
      rh = p.hi + lo;
      rl = lo - (rh - p.hi);
    }
    if (n > 1) {
      const q = twoProduct(bh, bh);
      const lo = q.lo + 2 * bh * bl;
      bh = q.hi + lo;
      bl = lo - (bh - q.hi);
    }
  }
  return rh + rl;
}

const SPLIT = 134217729; // 2^27 + 1

/** a·b = hi + lo exactly (Dekker 1971), for |a·b| far from overflow and underflow. */
function twoProduct(a: number, b: number): { hi: number; lo: number } {
  const hi = a * b;
  let t = SPLIT * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b);
  const bl = b - bh;
  return { hi, lo: al * bl - (hi - ah * bh - al * bh - ah * bl) };
}


/** Throws unless every value of `buffer` is ≥ 0 (NaN fails too). @internal */
export function checkNonNegative(fn: string, what: string, buffer: Float64Array | undefined): void {
  if (buffer === undefined) return;
  for (let i = 0; i < buffer.length; i++) {
    if (!(buffer[i] >= 0)) throw new ValueError(fn, `${what}[${i}] is ${buffer[i]} (this buffer accumulates squares: it must be ≥ 0)`);
  }
}

function optimizerDictToJson(d: OptimizerStateDict): unknown {
  return {
    ...d,
    state: d.state.map((s) =>
      s === null
        ? null
        : {
            step: s.step,
            buffers: Object.fromEntries(Object.entries(s.buffers).map(([k, v]) => [k, v instanceof Float64Array ? encodeFloat64(v) : v])),
            scalars: Object.fromEntries(Object.entries(s.scalars).map(([k, v]) => [k, typeof v === 'number' && !Number.isFinite(v) ? String(v) : v])),
          },
    ),
  };
}
