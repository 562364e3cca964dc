/**
 * The moments UI (preact and the five components) is a separate file that
 * loads the first time a moment has to show, so a page on which no moment
 * shows never downloads or parses it. This stand-in keeps the screen state
 * synchronously (the decision engine reads it) and renders it once the UI
 * has loaded.
 */
import type { Logger } from '../log'
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
  /** Loads the UI if it is not loaded yet; false if it could not load (the reason is logged, once). */
  ready(): Promise<boolean>
  destroy(): void
}

export function lazyLayer(themeCss: string, load: () => Promise<UI>, log: Logger): LazyLayer {
  let real: Layer | null = null
  let state: LayerState = {}
  let dead = false
  let loading: Promise<boolean> | null = null

  function loaded(ui: UI): boolean {
    if (dead) return false
    if (!ui || typeof ui.createLayer !== 'function') throw new Error('the file loaded is not the MomentKit UI')
    if (ui.version !== VERSION) throw new Error(`the UI file is version ${ui.version}, this bundle is ${VERSION}: serve the files of one build together`)
    real = ui.createLayer(themeCss)
    real.update(state)
    return true
  }

  function ready(): Promise<boolean> {
    if (real) return Promise.resolve(true)
    if (dead) return Promise.resolve(false)
    return (loading ??= load()
      .then(loaded)
      .catch((e: unknown) => {
        // A later moment tries again (the network may be back); the console hears of it once.
        loading = null
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
