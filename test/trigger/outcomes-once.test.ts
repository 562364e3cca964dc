import 'fake-indexeddb/auto'
import { createStore } from 'idb-keyval'
import { describe, expect, it } from 'vitest'
import { resolveConfig } from '../../src/config/validate'
import { createLogger } from '../../src/log'
import { createMoments, type MomentEvent } from '../../src/moments'
import type { Layer, LayerState } from '../../src/render/layer'
import type { UI } from '../../src/render/lazy'
import { createKV, type KV } from '../../src/store/kv'
import { VERSION } from '../../src/version'

const HELD = { id: 'held-nudge', kind: 'nudge', on: { event: 'export_clicked' }, holdout: 100, copy: { en: { title: 'Held out nudge' } } }
const NUDGE = { id: 'limit-nudge', kind: 'nudge', on: { event: 'limit_reached' }, copy: { en: { title: 'Limit' } } }
const NOW = Date.UTC(2026, 11, 2, 12)
let n = 0

/** The moments of one user, over a store whose writes wait until `release()` (IndexedDB busy). */
async function setup(history?: object) {
  const r = resolveConfig({ moments: [HELD, NUDGE] })
  if (!r.ok) throw new Error(JSON.stringify(r.errors))
  const log = createLogger(() => false)
  const kv = createKV('outcomes', log, { store: createStore('outcomes-' + n++, 'state') })
  if (history) await kv.set('moments:u-1', history)
  let release!: () => void
  const busy = new Promise<void>((resolve) => (release = resolve))
  const slow: KV = { ...kv, update: async (k, fn) => (await busy, kv.update(k, fn)) }
  const events: MomentEvent[] = []
  const moments = createMoments({
    config: r.config, kv: slow, log, now: () => NOW,
    identity: () => ({ userId: 'u-1', anonymousId: 'a-1', accountId: null, traits: {} }) as never,
    result: () => null, tier: () => null, trialEnd: () => null,
    record: (e) => events.push(e),
    broadcast: () => {},
    loadUI: () => Promise.reject(new Error('no UI in this test')),
  })
  await moments.open('u-1')
  return { moments, events, release, kv }
}

describe('outcomes recorded once per user', () => {
  it('a trigger that comes again before the store has written held_out does not record it again', async () => {
    const { moments, events, release, kv } = await setup()
    moments.event('export_clicked')
    moments.event('export_clicked') // the first held_out is not written yet
    release()
    await new Promise((r) => setTimeout(r, 10))
    moments.event('export_clicked') // and after it is
    expect(events.map((e) => `${e.id}:${e.outcome}`)).toEqual(['held-nudge:held_out'])
    expect((await kv.get<{ h: Record<string, { heldOut?: 1 }> }>('moments:u-1'))?.h['held-nudge']?.heldOut).toBe(1)
    moments.destroy()
  })

  it('so does a conversion event that comes again before converted is written', async () => {
    const { moments, events, release, kv } = await setup({ h: { 'limit-nudge': { shown: [NOW - 60_000] } }, log: [] })
    moments.event('upgraded')
    moments.event('upgraded')
    release()
    await new Promise((r) => setTimeout(r, 10))
    moments.event('upgraded')
    expect(events.map((e) => `${e.id}:${e.outcome}`)).toEqual(['limit-nudge:converted'])
    expect((await kv.get<{ h: Record<string, { convertedAt?: number }> }>('moments:u-1'))?.h['limit-nudge']?.convertedAt).toBe(NOW)
    moments.destroy()
  })
})

describe('a dismissal holds before the store has written it', () => {
  it('a check that runs between the dismissal and its write does not put a standing widget back', async () => {
    const WIDGET = { id: 'plan-widget', kind: 'widget', copy: { en: { title: 'Trial plan' } } }
    const r = resolveConfig({ moments: [WIDGET] })
    if (!r.ok) throw new Error(JSON.stringify(r.errors))
    const log = createLogger(() => false)
    const kv = createKV('outcomes', log, { store: createStore('outcomes-' + n++, 'state') })
    let hold: Promise<void> | null = null
    let release = () => {}
    const slow: KV = { ...kv, update: async (k, fn) => (hold && (await hold), kv.update(k, fn)) }
    let state: LayerState = {}
    const ui: UI = {
      version: VERSION,
      createLayer: (): Layer => ({ update: (next) => void (state = { ...state, ...next }), state: () => state, setTheme: () => {}, destroy: () => {} }),
    }
    const moments = createMoments({
      config: r.config, kv: slow, log, now: () => NOW,
      identity: () => ({ userId: 'u-1', anonymousId: 'a-1', accountId: null, traits: {} }) as never,
      result: () => null, tier: () => null, trialEnd: () => null,
      record: () => {}, broadcast: () => {},
      loadUI: async () => ui,
    })
    await moments.open('u-1')
    await expect.poll(() => state.widget?.id).toBe('plan-widget')
    hold = new Promise<void>((resolve) => (release = resolve))
    state.widget!.onDismiss()
    expect(state.widget).toBeNull()
    moments.check() // a tracked event, a route change, the minute timer...
    await new Promise((r) => setTimeout(r, 20))
    expect(state.widget ?? null, 'still dismissed while the write waits').toBeNull()
    release()
    await new Promise((r) => setTimeout(r, 20))
    moments.check()
    await new Promise((r) => setTimeout(r, 20))
    expect(state.widget ?? null, 'and after it').toBeNull()
    moments.destroy()
  })
})
