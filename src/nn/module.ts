import { ValueError, describe, formatShape } from '../errors.js';
import { checkRecord } from '../validate.js';
import { decodeFloat64, encodeFloat64 } from '../base64.js';
import { Tensor, type TensorLike } from '../tensor/tensor.js';

/** The JSON-safe state of a module: every parameter and buffer by name, plus scalar counters. */
export interface ModuleStateDict {
  format: 'nabla.module';
  version: 1;
  /** Tensors by dotted name (`"0.weight"` inside a Sequential), shape and base64 little-endian float64 data. */
  tensors: Record<string, { shape: number[]; data: string }>;
  /** Scalars by dotted name (e.g. `"numBatchesTracked"`). */
  scalars: Record<string, number>;
}

/**
 * A layer with explicit backprop: `forward` caches what `backward` needs; `backward(dy)` returns
 * dL/dx and accumulates each parameter's `.grad` (like PyTorch; `zeroGrad` clears).
 */
export interface Module {
  forward(x: TensorLike): Tensor;
  backward(dy: TensorLike): Tensor;
  /** Trainable parameters in a stable order. */
  parameters(): Tensor[];
  /** Training mode (the default): BatchNorm uses batch statistics. Returns the module. */
  train(): this;
  /** Evaluation mode: BatchNorm uses running statistics. Returns the module. */
  eval(): this;
  readonly training: boolean;
  /** Zero-fills every parameter's `.grad` (ModuleBase keeps the buffers; null stays null). */
  zeroGrad(): void;
  stateDict(): ModuleStateDict;
  /** Validates everything (names, shapes, encodings) before changing anything. */
  loadStateDict(state: ModuleStateDict): void;
}

/** Named tensors and scalars a module serializes. @internal */
export interface StateEntries {
  tensors: Record<string, Tensor>;
  scalars: Record<string, { get(): number; set(v: number): void; integer?: boolean }>;
}

/**
 * Shared machinery for modules: mode flags, zeroGrad, and the versioned state dict.
 */
export abstract class ModuleBase implements Module {
  training = true;
  /** Name used in error messages, e.g. `"Linear"`. */
  protected abstract readonly kind: string;

  abstract forward(x: TensorLike): Tensor;
  abstract backward(dy: TensorLike): Tensor;
  abstract parameters(): Tensor[];

  /** Parameters and buffers by name, for the state dict. @internal */
  abstract stateEntries(): StateEntries;

  train(): this {
    this.training = true;
    return this;
  }

  eval(): this {
    this.training = false;
    return this;
  }

  /**
   * Zero-fills every parameter's existing `.grad` in place (keeping the buffer for the next step,
   * so training allocates no parameter-sized arrays); a null `.grad` stays null.
   */
  zeroGrad(): void {
    for (const p of this.parameters()) if (p.grad !== null) p.grad.data.fill(0);
  }

  stateDict(): ModuleStateDict {
    const { tensors, scalars } = this.stateEntries();
    return {
      format: 'nabla.module',
      version: 1,
      tensors: Object.fromEntries(Object.entries(tensors).map(([k, t]) => [k, { shape: t.shape.slice(), data: encodeFloat64(t.data) }])),
      scalars: Object.fromEntries(Object.entries(scalars).map(([k, s]) => [k, s.get()])),
    };
  }

  loadStateDict(state: ModuleStateDict): void {
    const fn = `${this.kind}.loadStateDict`;
    const { tensors, scalars } = this.stateEntries();
    const d = checkRecord(fn, 'state dict', state, ['format', 'version', 'tensors', 'scalars']);
    if (d.format !== 'nabla.module') throw new ValueError(fn, `format is ${describe(d.format)} (expected "nabla.module")`);
    if (d.version !== 1) throw new ValueError(fn, `version is ${describe(d.version)} (expected 1)`);
    const tIn = checkRecord(fn, 'tensors', d.tensors, Object.keys(tensors));
    const sIn = checkRecord(fn, 'scalars', d.scalars ?? {}, Object.keys(scalars));
    const decoded: [Tensor, Float64Array][] = [];
    for (const [name, t] of Object.entries(tensors)) {
      if (!(name in tIn)) throw new ValueError(fn, `tensors is missing ${JSON.stringify(name)}`);
      const e = checkRecord(fn, `tensors.${name}`, tIn[name], ['shape', 'data']);
      const shape = e.shape;
      if (!Array.isArray(shape) || shape.length !== t.rank || shape.some((v: unknown, i: number) => v !== t.shape[i])) {
        throw new ValueError(fn, `tensors.${name} has shape ${Array.isArray(shape) ? formatShape(shape) : describe(shape)} but the module's is ${formatShape(t.shape)}`);
      }
      decoded.push([t, decodeFloat64(fn, `tensors.${name}.data`, e.data, t.size)]);
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
    for (const [t, data] of decoded) t.data.set(data);
    for (const [set, v] of scalarValues) set(v);
  }
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
