/**
 * What the SDK sees on its own: user activity (for sessions, active days
 * and session length) and page views, including SPA navigations through
 * the History API. Returns a teardown that removes every listener and
 * restores history methods it wrapped (only if nobody wrapped them since;
 * otherwise its wrapper stays in their chain and only passes calls through).
 */
export interface ObserveOptions {
  onActivity(ts: number): void
  onPage?(path: string, ts: number): void
  /** Minimum ms between two activity reports. */
  throttle?: number
  /** The current page view is already recorded (by the instance this one replaces): report from the next one. */
  counted?: boolean
}

type HistoryFn = typeof history.pushState

export function observe(opts: ObserveOptions): () => void {
  if (typeof window === 'undefined') return () => {}
  const ac = new AbortController()
  const on = { passive: true, capture: true, signal: ac.signal }
  const throttle = opts.throttle ?? 5000
  let lastReport = 0
  const activity = () => {
    const now = Date.now()
    // Both ways: after the clock is set back, a report "in the future" must not silence activity until it is reached.
    if (Math.abs(now - lastReport) < throttle) return
    lastReport = now
    opts.onActivity(now)
  }
  for (const type of ['pointerdown', 'keydown', 'scroll', 'wheel', 'touchstart']) addEventListener(type, activity, on)
  document.addEventListener('visibilitychange', () => document.visibilityState === 'visible' && activity(), on)

  let restore = () => {}
  if (opts.onPage) {
    const onPage = opts.onPage
    let path = opts.counted ? location.pathname + location.search : ''
    const page = () => {
      const next = location.pathname + location.search
      if (next === path) return
      path = next
      onPage(next, Date.now())
    }
    page()
    addEventListener('popstate', page, on)
    addEventListener('hashchange', page, on)
    const wrap = (name: 'pushState' | 'replaceState') => {
      const original: HistoryFn = history[name]
      const wrapped: HistoryFn = function (this: History, ...args) {
        const out = original.apply(this, args)
        // Torn down while another script's wrapper still calls this one: only pass through.
        if (ac.signal.aborted) return out
        try {
          page()
        } catch {
          /* never break the host's navigation */
        }
        return out
      }
      history[name] = wrapped
      return () => {
        if (history[name] === wrapped) history[name] = original
      }
    }
    const undo = [wrap('pushState'), wrap('replaceState')]
    restore = () => undo.forEach((f) => f())
  }
  return () => {
    ac.abort()
    restore()
  }
}
