import { decodeFloat64, encodeFloat64, withJson } from '../base64.js';
import { NablaError, ValueError, describe, formatShape } from '../errors.js';
import { sameShape } from '../tensor/shape.js';
import { Tensor, type TensorLike } from '../tensor/tensor.js';
import { checkRecord } from '../validate.js';

/**
 * A module's state: every parameter and buffer by dotted name, plus scalar counters. In memory the
 * data are Float64Arrays (copies); `JSON.stringify` writes them as base64 of little-endian float64
 * (exact: NaN, −0 and ±∞ survive), and `loadStateDict` reads either form.
 */
export interface ModuleStateDict {
  format: 'nabla.module';
  version: 1;
  /** Tensors by dotted name (`"0.weight"` inside a Sequential, `"encoder.fc.bias"` in a custom module). */
  tensors: Record<string, { shape: number[]; data: Float64Array | string }>;
  /** Scalars by dotted name (e.g. `"numBatchesTracked"`). */
  scalars: Record<string, number>;
  /** Each module's class version by path (`""` the root), when a class is past version 1. */
  versions?: Record<string, number>;
}

/**
 * A layer with explicit backprop: `forward` caches what `backward` needs; `backward(dy)` returns
 * dL/dx and accumulates each parameter's `.grad` (like PyTorch; `zeroGrad` clears). Under autograd
 * (`accumulateGrads`, `valueAndGrad`) `forward` records itself and `backward` is not needed.
 */
export interface Module {
  forward(...inputs: any[]): Tensor;
  backward(dy: TensorLike): Tensor;
  /** Trainable parameters in a stable order, each once. */
  parameters(): Tensor[];
  /** Training mode (the default): BatchNorm uses batch statistics, Dropout drops. Returns the module. */
  train(): this;
  /** Evaluation mode: BatchNorm uses running statistics, Dropout is the identity. Returns the module. */
  eval(): this;
  readonly training: boolean;
  /** Zero-fills every parameter's `.grad` (the buffers are kept; null stays null). */
  zeroGrad(): void;
  stateDict(): ModuleStateDict;
  /** Validates everything (names, shapes, encodings) before changing anything. */
  loadStateDict(state: ModuleStateDict): void;
}

/** A scalar a module saves in its state dict (a counter such as BatchNorm's `numBatchesTracked`). */
export interface ScalarEntry {
  get(): number;
  set(v: number): void;
  /** Must be a non-negative integer. */
  integer?: boolean;
}

/** Everything a module saves, by dotted name, its descendants' included. */
export interface StateEntries {
  tensors: Record<string, Tensor>;
  scalars: Record<string, ScalarEntry>;
}

/**
 * The base of every module. A subclass defines `forward` (any number of inputs) and, for the
 * explicit path, `backward`; everything else is found from its fields, as PyTorch's attribute
 * registration does:
 *
 * - a field holding a **module** (or an array of modules) is a child: `train()`, `eval()`,
 *   `zeroGrad()`, `parameters()` and the state dict reach it, in field order, under its field name
 *   (`encoder.weight`, `blocks.0.weight`);
 * - a field holding a **Tensor** (or an array of Tensors) is a parameter, unless the class lists it
 *   in `ownBuffers()` (saved, not trained — BatchNorm's running statistics). Keep other tensors (a
 *   cache for `backward`) in `#private` fields, which are not fields of the object's shape.
 *
 * A module used twice in one model counts once in `parameters()`; under autograd its gradient is the
 * sum over its uses.
 * @example
 * class Residual extends ModuleBase {
 *   fc1 = new Linear(8, 8);
 *   fc2 = new Linear(8, 8);
 *   forward(x: Tensor): Tensor {
 *     return add(x, this.fc2.forward(relu(this.fc1.forward(x))));
 *   }
 * }
 */
export abstract class ModuleBase implements Module {
  training = true;
  /** The name error messages use (`"Linear"`); the class name unless a class sets it. */
  protected readonly kind: string = this.constructor.name;
  /**
   * The class's state-dict version; raise it (and override `migrateState`) when the saved layout
   * changes: `static get stateVersion() { return 2; }`. (A getter, not a static field: a static
   * initializer would keep every module class in bundles that never use one.)
   */
  static get stateVersion(): number {
    return 1;
  }

  abstract forward(...inputs: any[]): Tensor;

  /** dL/dx by explicit backprop. A module without one is trained through autograd. */
  backward(_dy: TensorLike): Tensor {
    throw new NablaError(`${this.kind}.backward`, 'this module has no explicit backward (differentiate it with accumulateGrads or valueAndGrad instead)');
  }

  /**
   * Whether `backward` has a forward to differentiate (the explicit path's cache is present).
   * Containers check it on every layer before accumulating any gradient. Default true. @internal
   */
  backwardReady(): boolean {
    return true;
  }

  /**
   * Copies what a forward may change — every descendant's buffers and scalars (BatchNorm's running
   * statistics, its counter), and whatever `ownSnapshot` adds (a Dropout generator's state) — and
   * returns the function that puts it back: a container's forward that fails calls it, so a failed
   * forward changes nothing. @internal
   */
  snapshotState(): () => void {
    const restores: (() => void)[] = [];
    this.walk('', new Set(), (_, m) => {
      for (const [, t] of m.ownBuffers()) {
        const copy = t.data.slice();
        restores.push(() => t.data.set(copy));
      }
      for (const [, sc] of m.ownScalars()) {
        const v = sc.get();
        restores.push(() => sc.set(v));
      }
      const own = m.ownSnapshot();
      if (own !== null) restores.push(own);
    });
    return () => {
      for (const r of restores) r();
    };
  }

  /** State a forward changes that is not a buffer or scalar, as a restore function (or null). */
  protected ownSnapshot(): (() => void) | null {
    return null;
  }

  /** Own trainable tensors by name. Default: the Tensor-valued fields that are not buffers. */
  protected ownParameters(): [string, Tensor][] {
    const buffers = new Set(this.ownBuffers().map(([, t]) => t));
    return this.fieldsOf((v): v is Tensor => v instanceof Tensor).filter(([, t]) => !buffers.has(t));
  }

  /** Own tensors saved but not trained (running statistics). Default: none. */
  protected ownBuffers(): [string, Tensor][] {
    return [];
  }

  /** Own scalars saved in the state dict. Default: none. */
  protected ownScalars(): [string, ScalarEntry][] {
    return [];
  }

  /** The child modules by name, in field order (an array field gives `name.0`, `name.1`, …). */
  namedChildren(): [string, Module][] {
    return this.fieldsOf(isModule);
  }

  /** Every parameter of this module and its descendants by dotted name, each tensor once. */
  namedParameters(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    const seen = new Set<Tensor>();
    const add = (name: string, t: Tensor) => {
      if (seen.has(t)) return;
      seen.add(t);
      out.push([name, t]);
    };
    this.walk(
      '',
      new Set(),
      (prefix, m) => {
        for (const [k, t] of m.ownParameters()) add(prefix + k, t);
      },
      (prefix, m) => m.parameters().forEach((t, i) => add(`${prefix}${i}`, t)),
    );
    return out;
  }

  parameters(): Tensor[] {
    return this.namedParameters().map(([, t]) => t);
  }

  train(): this {
    return this.setMode(true);
  }

  eval(): this {
    return this.setMode(false);
  }

  /**
   * Zero-fills every parameter's existing `.grad` in place (keeping the buffer for the next step,
   * so training allocates no parameter-sized arrays); a null `.grad` stays null.
   */
  zeroGrad(): void {
    for (const p of this.parameters()) if (p.grad !== null) p.grad.data.fill(0);
  }

  /** Everything the state dict holds, by dotted name: parameters, buffers and scalars of every descendant. */
  stateEntries(): StateEntries {
    const out: StateEntries = { tensors: {}, scalars: {} };
    this.walk(
      '',
      new Set(),
      (prefix, m) => {
        for (const [k, t] of [...m.ownParameters(), ...m.ownBuffers()]) out.tensors[prefix + k] = t;
        for (const [k, s] of m.ownScalars()) out.scalars[prefix + k] = s;
      },
      (prefix) => {
        throw new ValueError(`${this.kind}.stateDict`, `${prefix.slice(0, -1)} is not a nabla ModuleBase (extend ModuleBase to give a custom module a state dict)`);
      },
    );
    return out;
  }

  stateDict(): ModuleStateDict {
    const { tensors, scalars } = this.stateEntries();
    const versions: Record<string, number> = {};
    this.walk('', new Set(), (prefix, m) => {
      const v = (m.constructor as typeof ModuleBase).stateVersion;
      if (v !== 1) versions[prefix.replace(/\.$/, '')] = v;
    });
    const dict: ModuleStateDict = {
      format: 'nabla.module',
      version: 1,
      tensors: Object.fromEntries(Object.entries(tensors).map(([k, t]) => [k, { shape: t.shape.slice(), data: t.data.slice() }])),
      scalars: Object.fromEntries(Object.entries(scalars).map(([k, s]) => [k, s.get()])),
    };
    if (Object.keys(versions).length > 0) dict.versions = versions;
    return withJson(dict, moduleDictToJson);
  }

  loadStateDict(state: ModuleStateDict): void {
    const fn = `${this.kind}.loadStateDict`;
    const d = checkRecord(fn, 'state dict', state, ['format', 'version', 'tensors', 'scalars', 'versions']);
    if (d.format !== 'nabla.module') throw new ValueError(fn, `format is ${describe(d.format)} (expected "nabla.module")`);
    if (d.version !== 1) throw new ValueError(fn, `version is ${describe(d.version)} (expected 1)`);
    const saved = d.versions === undefined ? {} : checkRecord(fn, 'versions', d.versions, Object.keys(d.versions ?? {}));
    let tIn: Record<string, unknown> = { ...checkRecord(fn, 'tensors', d.tensors, Object.keys(d.tensors ?? {})) };
    let sIn: Record<string, unknown> = { ...checkRecord(fn, 'scalars', d.scalars ?? {}, Object.keys(d.scalars ?? {})) };
    // Older layouts: each module whose class moved past the saved version rewrites its own entries.
    this.walk('', new Set(), (prefix, m) => {
      const current = (m.constructor as typeof ModuleBase).stateVersion;
      const from = saved[prefix.replace(/\.$/, '')] ?? 1;
      if (typeof from !== 'number' || !Number.isSafeInteger(from) || from < 1 || from > current) {
        throw new ValueError(fn, `versions.${JSON.stringify(prefix.replace(/\.$/, ''))} is ${describe(from)} (expected an integer from 1 to ${current})`);
      }
      if (from < current) ({ tensors: tIn, scalars: sIn } = m.migrateState(prefix, { tensors: tIn, scalars: sIn }, from));
    });
    const { tensors, scalars } = this.stateEntries();
    checkRecord(fn, 'tensors', tIn, Object.keys(tensors));
    checkRecord(fn, 'scalars', sIn, Object.keys(scalars));
    const decoded: [Tensor, Float64Array][] = [];
    for (const [name, t] of Object.entries(tensors)) {
      if (!(name in tIn)) throw new ValueError(fn, `tensors is missing ${JSON.stringify(name)}`);
      const e = checkRecord(fn, `tensors.${name}`, tIn[name], ['shape', 'data']);
      const shape = e.shape;
      if (!Array.isArray(shape) || !sameShape(shape, t.shape)) {
        throw new ValueError(fn, `tensors.${name} has shape ${Array.isArray(shape) ? formatShape(shape) : describe(shape)} but the module's is ${formatShape(t.shape)}`);
      }
      decoded.push([t, readData(fn, `tensors.${name}.data`, e.data, t.size)]);
    }
    const scalarValues: [(v: number) => void, number][] = [];
    for (const [name, s] of Object.entries(scalars)) {
      if (!(name in sIn)) throw new ValueError(fn, `scalars is missing ${JSON.stringify(name)}`);
      const v = sIn[name];
      if (typeof v !== 'number' || !Number.isFinite(v) || (s.integer && (!Number.isSafeInteger(v) || v < 0))) {
        throw new ValueError(fn, `scalars.${name} is ${describe(v)} (expected ${s.integer ? 'a non-negative integer' : 'a finite number'})`);
      }
      scalarValues.push([s.set, v]);
    }
    this.checkLoaded(fn, new Map(decoded));
    for (const [t, data] of decoded) t.data.set(data);
    for (const [set, v] of scalarValues) set(v);
  }

  /**
   * Rewrites this module's entries of a state dict saved by an older version of its class (`from`
   * < the class's `stateVersion`) into the current layout — PyTorch's `_version` hook. `prefix` is
   * the module's dotted path (`"encoder."`, `""` for the root). Default: unchanged.
   */
  protected migrateState(
    _prefix: string,
    entries: { tensors: Record<string, unknown>; scalars: Record<string, unknown> },
    _from: number,
  ): { tensors: Record<string, unknown>; scalars: Record<string, unknown> } {
    return entries;
  }

  /**
   * Checks decoded values before they are loaded (BatchNorm refuses a negative running variance);
   * throwing leaves the module unchanged. Default: every descendant's own check.
   */
  protected checkLoaded(fn: string, values: Map<Tensor, Float64Array>): void {
    for (const [, child] of this.namedChildren()) if (child instanceof ModuleBase && child !== this) child.checkLoaded(fn, values);
  }

  private setMode(training: boolean): this {
    this.walk(
      '',
      new Set(),
      (_, m) => {
        m.training = training;
      },
      (_, m) => (training ? m.train() : m.eval()),
    );
    return this;
  }

  /**
   * Visits this module and every ModuleBase descendant once (depth first, field order) with its
   * dotted prefix; `foreign` receives children that implement Module without extending ModuleBase.
   */
  private walk(prefix: string, seen: Set<Module>, visit: (prefix: string, m: ModuleBase) => void, foreign?: (prefix: string, m: Module) => void): void {
    if (seen.has(this)) return;
    seen.add(this);
    visit(prefix, this);
    for (const [name, child] of this.namedChildren()) {
      if (child instanceof ModuleBase) child.walk(`${prefix}${name}.`, seen, visit, foreign);
      else if (!seen.has(child)) {
        seen.add(child);
        foreign?.(`${prefix}${name}.`, child);
      }
    }
  }

  /** Own enumerable fields (and array fields) whose values pass `test`, in field order. */
  private fieldsOf<T>(test: (v: unknown) => v is T): [string, T][] {
    const out: [string, T][] = [];
    for (const key of Object.keys(this)) {
      const v = (this as Record<string, unknown>)[key];
      if (test(v)) out.push([key, v]);
      else if (Array.isArray(v) && v.length > 0 && v.every((e) => test(e))) v.forEach((e, i) => out.push([`${key}.${i}`, e as T]));
    }
    return out;
  }
}

function isModule(v: unknown): v is Module {
  return (
    v !== null &&
    typeof v === 'object' &&
    typeof (v as Module).forward === 'function' &&
    typeof (v as Module).parameters === 'function' &&
    typeof (v as Module).train === 'function'
  );
}

/** A Float64Array, or the base64 text of one (a state dict that went through JSON), of exactly `size` values. */
function readData(fn: string, what: string, data: unknown, size: number): Float64Array {
  if (data instanceof Float64Array) {
    if (data.length !== size) throw new ValueError(fn, `${what} has ${data.length} values (expected ${size})`);
    return data;
  }
  return decodeFloat64(fn, what, data, size);
}

function moduleDictToJson(d: ModuleStateDict): unknown {
  return {
    ...d,
    tensors: Object.fromEntries(
      Object.entries(d.tensors).map(([k, e]) => [k, { shape: e.shape, data: e.data instanceof Float64Array ? encodeFloat64(e.data) : e.data }]),
    ),
  };
}

/**
 * The data of `p.grad`, created as zeros when missing (or when it no longer fits p), for a backward
 * to accumulate into. @internal
 */
export function gradBuffer(p: Tensor): Float64Array {
  if (p.grad === null || p.grad.size !== p.size) p.grad = new Tensor(new Float64Array(p.size), p.shape);
  return p.grad.data;
}

/** Adds `g` into `p.grad` (creating it), the accumulation rule of every layer's backward. @internal */
export function accumulateGrad(p: Tensor, g: Float64Array): void {
  const d = gradBuffer(p);
  for (let i = 0; i < d.length; i++) d[i] += g[i];
}

/**
 * The explicit path's one-forward-one-backward rule: returns the cache a layer's forward left and
 * clears it, or throws when there is none — backward before forward, a second backward, or a
 * module reused within one forward pass (whose first backward consumed the cache). @internal
 */
export function takeCache<T>(fn: string, cache: T | null): T {
  if (cache === null) {
    throw new NablaError(
      fn,
      'no forward to differentiate: backward needs the cache of one forward and consumes it (called before forward, a second time, or on a layer used more than once — differentiate reused layers with accumulateGrads)',
    );
  }
  return cache;
}
