import { afterEach, describe, expect, it, vi } from 'vitest'
import { observe } from '../../src/track/observe'

/** A minimal browser-like global for observe() (the unit tests run in node); answers the page's event target. */
function withPage(fn: (page: EventTarget) => void): void {
  const g = globalThis as Record<string, unknown>
  const keys = ['window', 'location', 'history', 'document', 'addEventListener'] as const
  const saved = Object.fromEntries(keys.map((k) => [k, g[k]]))
  const events = new EventTarget()
  try {
    g.window = g
    g.addEventListener = events.addEventListener.bind(events)
    g.location = { pathname: '/', search: '' }
    g.history = { pushState() {}, replaceState() {} }
    g.document = Object.assign(new EventTarget(), { visibilityState: 'visible' })
    fn(events)
  } finally {
    for (const k of keys) if (saved[k] === undefined) delete g[k]
    else g[k] = saved[k]
  }
}

afterEach(() => void vi.restoreAllMocks())

describe('observe(): activity when the clock goes backwards', () => {
  // The throttle compared the new time with the last report's: after the clock was set back an hour,
  // every report was "within 5 s" of one in the future, so no activity was seen for an hour (the
  // session ended, the day could count as inactive).
  it('keeps reporting activity, throttled from the new time', () =>
    withPage((page) => {
      const T = Date.parse('2026-12-03T12:00:00Z')
      const seen: number[] = []
      let now = T
      vi.spyOn(Date, 'now').mockImplementation(() => now)
      const stop = observe({ onActivity: (t) => seen.push(t) })
      const click = (t: number) => ((now = t), page.dispatchEvent(new Event('pointerdown')))
      click(T)
      click(T + 1000) // throttled
      click(T - 3_600_000) // clock set back an hour
      click(T - 3_600_000 + 1000) // throttled
      click(T - 3_600_000 + 6000)
      stop()
      expect(seen).toEqual([T, T - 3_600_000, T - 3_600_000 + 6000])
    }))
})
