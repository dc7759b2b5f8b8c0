import { ValueError, describe } from './errors.js';

/**
 * Returns `options` as an object, `{}` when omitted; anything else that is not a plain object is a
 * ValueError naming the function.
 * @internal
 */
export function optionsOf<T extends object>(fn: string, options: T | undefined | null): Partial<T> {
  if (options === undefined || options === null) return {};
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new ValueError(fn, `options must be an object, got ${describe(options)}`);
  }
  return options;
}

/** Checks that `value` is a finite number (or passes `check`) and returns it. @internal */
export function numberArg(fn: string, name: string, value: unknown, expected = 'a finite number', check: (v: number) => boolean = Number.isFinite): number {
  if (typeof value !== 'number' || !check(value)) {
    throw new ValueError(fn, `${name} must be ${expected}, got ${describe(value)}`);
  }
  return value;
}

/** Checks that `value` is a boolean and returns it. @internal */
export function booleanArg(fn: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new ValueError(fn, `${name} must be a boolean, got ${describe(value)}`);
  return value;
}

/** An own-keys-only copy of a plain object; unknown keys (including `__proto__`) are errors. @internal */
export function ownObject(fn: string, what: string, value: unknown, allowed: readonly string[]): Record<string, any> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ValueError(fn, `${what} must be an object, got ${describe(value)}`);
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) throw new ValueError(fn, `${what} must be a plain object`);
  const out: Record<string, unknown> = Object.create(null);
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) throw new ValueError(fn, `${what} has an unexpected key ${JSON.stringify(key)}`);
    out[key] = (value as Record<string, unknown>)[key];
  }
  return out;
}
