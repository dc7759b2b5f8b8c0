/**
 * Errors thrown by nabla. Every message has the form
 * `"<function>: <what> <what was given> (<what was expected>)"`, for example
 * `matmul: inner dimensions differ: a is [2,3], b is [4,5] (a's last dim must equal b's second-to-last)`.
 *
 * Every public function validates its inputs before it computes or writes anything, so a thrown
 * error means nothing was changed.
 */
export class NablaError extends Error {
  /** The public function that rejected its input, e.g. `"matmul"`. */
  readonly fn: string;

  constructor(fn: string, message: string) {
    super(`${fn}: ${message}`);
    this.fn = fn;
    this.name = 'NablaError';
  }
}

/**
 * `e` again under another name: a NablaError of the same class whose `fn` is `fnOf(e)` and whose
 * message is `messageOf(e, body)` (default: `body`, e's message without its `fn: ` prefix), with
 * `e` as its `cause` — how a container says where an error happened (`Sequential[2] Linear.forward`).
 * Anything else is returned as it is. @internal
 */
export function renamedError(e: unknown, fnOf: (e: NablaError) => string, messageOf?: (e: NablaError, body: string) => string): unknown {
  if (!(e instanceof NablaError)) return e;
  const Ctor = e.constructor as new (fn: string, message: string) => NablaError;
  const body = e.message.startsWith(`${e.fn}: `) ? e.message.slice(e.fn.length + 2) : e.message;
  const out = new Ctor(fnOf(e), messageOf === undefined ? body : messageOf(e, body));
  (out as { cause?: unknown }).cause = e;
  return out;
}

/** A tensor had the wrong rank or shape, or two shapes could not be broadcast together. */
export class ShapeError extends NablaError {
  constructor(fn: string, message: string) {
    super(fn, message);
    this.name = 'ShapeError';
  }
}

/** A value was out of range, of the wrong type, or otherwise not usable. */
export class ValueError extends NablaError {
  constructor(fn: string, message: string) {
    super(fn, message);
    this.name = 'ValueError';
  }
}

/** Formats a shape the way messages print it: `[2,3]`, `[]` for a scalar. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/**
 * A list for an error message: `[2,-1,3]` when it is a short array of numbers (what the caller most
 * likely meant), else {@link describe} — never the JSON of arbitrary input, which can be huge or
 * nested deeply enough to overflow the stack.
 */
export function formatList(value: unknown): string {
  if (Array.isArray(value) && value.length <= 64 && value.every((v) => typeof v === 'number')) return JSON.stringify(value);
  return describe(value);
}

/** Describes a value for an error message: short, never throws. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  if (typeof value === 'function') return 'a function';
  const name = (value as { constructor?: { name?: string } }).constructor?.name;
  return name && name !== 'Object' ? `a ${name}` : 'an object';
}
