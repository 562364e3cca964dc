import type { Events } from './api'
import type { Logger } from './log'

const EVENTS: ReadonlyArray<keyof Events> = ['tier', 'score', 'ready', 'moment']

/**
 * The instance's events. A listener that throws is logged and the others
 * still run; an unknown event name or a non-function is warned about once
 * and ignored (a plain object keyed by name would throw on "constructor").
 */
export function createEmitter(log: Logger) {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const listeners = new Map<string, Set<(p: any) => void>>()
  return {
    emit<K extends keyof Events>(type: K, payload: Events[K]): void {
      listeners.get(type)?.forEach((fn) => {
        try {
          fn(payload)
        } catch (e) {
          log.error(`a "${type}" listener threw`, e)
        }
      })
    },
    on<K extends keyof Events>(type: K, fn: (payload: Events[K]) => void): () => void {
      if (!EVENTS.includes(type) || typeof fn !== 'function') {
        log.warn(`on(${JSON.stringify(String(type))}): expects one of ${EVENTS.join(', ')} and a function; ignored`, 'on:' + String(type))
        return () => {}
      }
      const set = listeners.get(type) ?? new Set()
      listeners.set(type, set.add(fn))
      return () => void set.delete(fn)
    },
    clear: () => listeners.clear(),
  }
}
