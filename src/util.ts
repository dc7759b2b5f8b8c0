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
