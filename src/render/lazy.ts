/**
 * The moments UI (preact and the five components) is a separate file that
 * loads the first time a moment has to show, so a page on which no moment
 * shows never downloads or parses it. This stand-in keeps the screen state
 * synchronously (the decision engine reads it) and renders it once the UI
 * has loaded.
 */
import type { Logger } from '../log'
import { backoff } from '../sync/backoff'
import { VERSION } from '../version'
import type { Layer, LayerState } from './layer'

/** What the UI file exports. */
export interface UI {
  version: string
  createLayer(themeCss: string): Layer
}

export interface LazyLayer {
  update(next: LayerState): void
  state(): LayerState
  /**
   * Loads the UI if it is not loaded yet; false if it could not load (the
   * reason is logged, once). After a failure it tries again no sooner than
   * the backoff allows (0.5-1 s, doubling, up to 5 min), so a page that tracks
   * without pause cannot make a request per event for a missing file.
   */
  ready(): Promise<boolean>
  destroy(): void
}

/** A clock for retry delays that host scripts or the user moving the wall clock cannot push far ahead. */
const monotonic = () => (typeof performance !== 'undefined' ? performance.now() : Date.now())

export function lazyLayer(themeCss: string, load: () => Promise<UI>, log: Logger, now: () => number = monotonic): LazyLayer {
  let real: Layer | null = null
  let failures = 0
  let retryAt = 0
  let state: LayerState = {}
  let dead = false
  let loading: Promise<boolean> | null = null

  function loaded(ui: UI): boolean {
    if (dead) return false
    if (!ui || typeof ui.createLayer !== 'function') throw new Error('the file loaded is not the MomentKit UI')
    if (ui.version !== VERSION) throw new Error(`the UI file is version ${ui.version}, this bundle is ${VERSION}: serve the files of one build together`)
    real = ui.createLayer(themeCss)
    try {
      real.update(state)
    } catch (e) {
      log.error('could not render a moment', e)
    }
    return true
  }

  function ready(): Promise<boolean> {
    if (real) return Promise.resolve(true)
    if (dead || (!loading && now() < retryAt)) return Promise.resolve(false)
    return (loading ??= load()
      .then(loaded)
      .catch((e: unknown) => {
        // A later moment tries again (the network may be back); the console hears of it once.
        loading = null
        retryAt = now() + backoff(failures++)
        log.warn(`could not load the moments UI, so no moment shows for now: ${e instanceof Error ? e.message : String(e)}`, 'ui-load')
        return false
      }))
  }

  return {
    update(next) {
      state = { ...state, ...next }
      if (real) real.update(next)
      else if (state.transient || state.banner || state.widget) void ready()
    },
    state: () => state,
    ready,
    destroy() {
      dead = true
      real?.destroy()
      real = null
    },
  }
}
