import { describe, expect, it } from 'vitest'
import type { Logger } from '../../src/log'
import type { Layer, LayerState } from '../../src/render/layer'
import { lazyLayer, type UI } from '../../src/render/lazy'
import type { MomentProps } from '../../src/render/types'
import { VERSION } from '../../src/version'

function logger() {
  const warnings: string[] = []
  const seen = new Set<string>()
  const log: Logger = {
    warn: (m, key = m) => void (seen.has(key) || (seen.add(key), warnings.push(m))),
    error: () => {},
    debug: () => {},
  }
  return { log, warnings }
}

/** A UI whose layers record every update they render. */
function fakeUI(version = VERSION) {
  const renders: LayerState[] = []
  let destroyed = 0
  const ui: UI = {
    version,
    createLayer(): Layer {
      let state: LayerState = {}
      return {
        update: (next) => void renders.push((state = { ...state, ...next })),
        state: () => state,
        setTheme: () => {},
        destroy: () => void destroyed++,
      }
    },
  }
  return { ui, renders, destroyed: () => destroyed }
}

const moment = (id: string) => ({ id, kind: 'nudge' }) as MomentProps
const tick = () => new Promise((r) => setTimeout(r, 0))

describe('lazyLayer', () => {
  it('keeps the screen state at once and renders it whole when the UI arrives, loading it once', async () => {
    const { log } = logger()
    const f = fakeUI()
    let loads = 0
    let arrive!: (ui: UI) => void
    const layer = lazyLayer('', () => (loads++, new Promise<UI>((r) => (arrive = r))), log)
    layer.update({ banner: null })
    expect(loads, 'nothing to show: nothing loaded').toBe(0)
    layer.update({ transient: moment('a') })
    layer.update({ widget: moment('w') })
    expect(layer.state().transient?.id).toBe('a')
    expect(loads).toBe(1)
    arrive(f.ui)
    expect(await layer.ready()).toBe(true)
    expect(f.renders).toHaveLength(1)
    expect(f.renders[0].transient?.id).toBe('a')
    expect(f.renders[0].widget?.id).toBe('w')
    layer.update({ transient: null })
    expect(f.renders.at(-1)).toMatchObject({ transient: null, widget: { id: 'w' } })
    expect(loads).toBe(1)
  })

  it('a load that fails: ready() is false, the warning is printed once, and the next use tries again', async () => {
    const { log, warnings } = logger()
    const f = fakeUI()
    let fail = true
    let loads = 0
    let t = 0
    const layer = lazyLayer('', () => (loads++, fail ? Promise.reject(new Error('/x/momentkit-ui.js: 404')) : Promise.resolve(f.ui)), log, () => t)
    expect(await layer.ready()).toBe(false)
    t += 60_000
    expect(await layer.ready()).toBe(false)
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('/x/momentkit-ui.js: 404')
    fail = false
    t += 60_000
    layer.update({ transient: moment('a') })
    expect(await layer.ready()).toBe(true)
    expect(loads).toBe(3)
    expect(f.renders.at(-1)?.transient?.id).toBe('a')
  })

  it('refuses a UI file of another version or that is not the UI', async () => {
    const cases: Array<[UI, RegExp]> = [
      [fakeUI('0.0.0-other').ui, /the UI file is version 0\.0\.0-other, this bundle is /],
      [{} as UI, /not the MomentKit UI/],
    ]
    for (const [ui, message] of cases) {
      const { log, warnings } = logger()
      const layer = lazyLayer('', () => Promise.resolve(ui), log)
      expect(await layer.ready()).toBe(false)
      expect(warnings).toHaveLength(1)
      expect(warnings[0]).toMatch(message)
    }
  })

  it('destroyed while loading: nothing renders, and a loaded layer is torn down', async () => {
    const { log } = logger()
    const f = fakeUI()
    let arrive!: (ui: UI) => void
    const layer = lazyLayer('', () => new Promise<UI>((r) => (arrive = r)), log)
    layer.update({ transient: moment('a') })
    layer.destroy()
    arrive(f.ui)
    await tick()
    expect(f.renders).toHaveLength(0)
    expect(await layer.ready()).toBe(false)

    const g = fakeUI()
    const other = lazyLayer('', () => Promise.resolve(g.ui), log)
    other.update({ transient: moment('b') })
    expect(await other.ready()).toBe(true)
    other.destroy()
    expect(g.destroyed()).toBe(1)
  })
})

describe('lazyLayer retries', () => {
  it('after a failure waits out the backoff before loading again, however often it is asked', async () => {
    const { log } = logger()
    const f = fakeUI()
    let t = 0
    let loads = 0
    let fail = true
    const layer = lazyLayer('', () => (loads++, fail ? Promise.reject(new Error('offline')) : Promise.resolve(f.ui)), log, () => t)
    expect(await layer.ready()).toBe(false)
    for (let i = 0; i < 50; i++) layer.update({ widget: moment('w' + i) })
    expect(await layer.ready()).toBe(false)
    expect(loads, 'no request per update while backing off').toBe(1)
    t += 1000 // the first retry comes within 0.5-1 s
    fail = false
    expect(await layer.ready()).toBe(true)
    expect(loads).toBe(2)
    expect(f.renders.at(-1)?.widget?.id).toBe('w49')
  })
})
