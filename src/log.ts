/**
 * The one logger. Warnings are printed once per distinct problem, so a
 * misbehaving call inside a loop cannot flood the host's console.
 */
const PREFIX = '[momentkit]'
const seen = new Set<string>()

export interface Logger {
  /** Prints `message` once per `key` (default: the message itself). */
  warn(message: string, key?: string): void
  error(message: string, detail?: unknown): void
  /** Prints only with `debug: true`. */
  debug(message: string, detail?: unknown): void
}

export function createLogger(isDebug: () => boolean): Logger {
  const c = typeof console === 'undefined' ? null : console
  return {
    warn(message, key = message) {
      if (seen.has(key)) return
      seen.add(key)
      c?.warn(PREFIX, message)
    },
    error(message, detail) {
      c?.error(PREFIX, message, ...(detail === undefined ? [] : [detail]))
    },
    debug(message, detail) {
      if (isDebug()) c?.info(PREFIX, message, ...(detail === undefined ? [] : [detail]))
    },
  }
}

/** For tests: forget which warnings were printed. */
export function resetWarnings(): void {
  seen.clear()
}
