import { observe } from './observe'

export interface PageHandlers {
  activity(t: number): void
  page(path: string, t: number): void
  /** Answers declarative gates (<button data-momentkit-gate="feature">): false blocks the click. */
  gate?(feature: string): boolean
  /** pagehide: the page may be going away. */
  hide(): void
  /** Restored from the back/forward cache. */
  restore(): void
  /** Tab hidden (still alive). */
  hidden(): void
  online(): void
}

/**
 * Every page-level listener the SDK uses, removed together when `signal` aborts. No unload listener.
 * `counted`: the current page view is already recorded (see observe).
 */
export function watchPage(signal: AbortSignal, h: PageHandlers, counted?: boolean): void {
  const on = { signal }
  const gate = h.gate
  if (gate)
    document.addEventListener(
      'click',
      (e) => {
        const el = (e.target as Element | null)?.closest?.('[data-momentkit-gate]')
        if (el && !gate(el.getAttribute('data-momentkit-gate') ?? '')) {
          e.preventDefault()
          e.stopImmediatePropagation()
        }
      },
      { capture: true, signal },
    )
  signal.addEventListener('abort', observe({ onActivity: h.activity, onPage: h.page, counted }))
  // Leaving the page fires pagehide, then visibilitychange: pagehide has handed everything over
  // by then, and storage or network work started after it runs in the back/forward cache, which
  // evicts the page (a full reload on Back).
  let leaving = false
  addEventListener('pagehide', () => ((leaving = true), h.hide()), on)
  addEventListener('pageshow', (e) => ((leaving = false), e.persisted && h.restore()), on)
  addEventListener('online', h.online, on)
  document.addEventListener('visibilitychange', () => document.visibilityState === 'hidden' && !leaving && h.hidden(), on)
}
