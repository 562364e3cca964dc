/**
 * `o[k]` when `o` has it as its own property, else undefined. Config fields
 * that may be absent, and counts keyed by event names, are read this way:
 * another script's Object.prototype property named `window` or `last`, or an
 * event named "constructor", must not read Object.prototype.
 */
export const field = <T = unknown>(o: object, k: string): T | undefined =>
  Object.prototype.hasOwnProperty.call(o, k) ? (o as Record<string, T>)[k] : undefined
