import { describe, expect, it } from 'vitest'
import { observe } from '../../src/track/observe'

type Push = (state: unknown, title: string, url?: string) => void

/** Runs `fn` with a minimal browser-like global for observe() (the unit tests run in node). */
function withPage(fn: (history: { pushState: Push; replaceState: Push }, path: () => string) => void): void {
  const g = globalThis as Record<string, unknown>
  const keys = ['window', 'location', 'history', 'document', 'addEventListener'] as const
  const saved = Object.fromEntries(keys.map((k) => [k, g[k]]))
  const events = new EventTarget()
  let path = '/'
  const native: Push = (_s, _t, url) => void (url && (path = url))
  try {
    g.window = g
    g.addEventListener = events.addEventListener.bind(events)
    g.location = { get pathname() { return path }, search: '' }
    g.history = { pushState: native, replaceState: native }
    g.document = Object.assign(new EventTarget(), { visibilityState: 'visible' })
    fn(g.history as { pushState: Push; replaceState: Push }, () => path)
  } finally {
    for (const k of keys) if (saved[k] === undefined) delete g[k]
    else g[k] = saved[k]
  }
}

describe('observe()', () => {
  it('records the current page, then pushState navigations', () =>
    withPage((history) => {
      const pages: string[] = []
      const stop = observe({ onActivity: () => {}, onPage: (p) => pages.push(p) })
      history.pushState({}, '', '/next')
      stop()
      expect(pages).toEqual(['/', '/next'])
    }))

  it('counted: the current page view is not recorded again, the next navigation is', () =>
    withPage((history) => {
      const pages: string[] = []
      const stop = observe({ onActivity: () => {}, onPage: (p) => pages.push(p), counted: true })
      history.replaceState({}, '', '/')
      history.pushState({}, '', '/next')
      stop()
      expect(pages).toEqual(['/next'])
    }))

  it('after teardown, a pushState wrapped on top by another script still navigates but records nothing', () =>
    withPage((history, path) => {
      const pages: string[] = []
      const stop = observe({ onActivity: () => {}, onPage: (p) => pages.push(p) })
      // Another script (a router, an analytics tag) wraps pushState after MomentKit: ours cannot be unwrapped.
      const ours = history.pushState
      history.pushState = (...args) => ours.apply(history, args)
      stop()
      history.pushState({}, '', '/after-teardown')
      expect(path()).toBe('/after-teardown')
      expect(pages).toEqual(['/'])
    }))
})
