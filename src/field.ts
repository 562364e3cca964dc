/**
 * `o[k]` when `o` has it as its own property, else undefined. Config fields
 * that may be absent are read this way: another script's Object.prototype
 * property named `window` or `last` must not look like one.
 */
export const field = <T = unknown>(o: object, k: string): T | undefined =>
  Object.prototype.hasOwnProperty.call(o, k) ? (o as Record<string, T>)[k] : undefined
