/**
 * A moment on screen whose target no longer holds is stale: a low-engagement
 * nudge left open while the user's tier climbs must not keep the upgrade
 * prompt of the tier crossing off the screen (the crossing is a one-off
 * trigger: once skipped, the prompt never comes).
 */
import 'fake-indexeddb/auto'
import { createStore } from 'idb-keyval'
import { expect, it } from 'vitest'
import { resolveConfig } from '../src/config/validate'
import { createLogger } from '../src/log'
import { createMoments, type MomentEvent } from '../src/moments'
import type { Layer, LayerState } from '../src/render/layer'
import type { UI } from '../src/render/lazy'
import { createKV } from '../src/store/kv'
import { VERSION } from '../src/version'

const tick = (ms = 30) => new Promise((r) => setTimeout(r, ms))
let n = 0

const ACTIVATION = { id: 'activation', kind: 'nudge', on: { tierEntered: ['low'] }, target: { tiers: ['low'] }, priority: 10, copy: { en: { title: 'Get set up' } } }
const UPGRADE = { id: 'upgrade-pql', kind: 'upgrade', on: { tierEntered: ['pql'] }, target: { tiers: ['pql', 'hot'] }, priority: 20, copy: { en: { title: 'Ready for more?' } } }
const LIMIT = { id: 'limit', kind: 'nudge', on: { event: 'limit_reached' }, priority: 5, copy: { en: { title: 'Limit reached' } } }

async function setup(moments: object[]) {
  const r = resolveConfig({ moments, momentsPerDay: 10 })
  if (!r.ok) throw new Error(JSON.stringify(r.errors))
  const log = createLogger(() => false)
  const kv = createKV('moments', log, { store: createStore('moments-stale-' + n++, 'state') })
  let screen: LayerState = {}
  const ui: UI = {
    version: VERSION,
    createLayer: (): Layer => ({ update: (next) => void (screen = { ...screen, ...next }), state: () => screen, setTheme: () => {}, destroy: () => {} }),
  }
  const user = { tier: 'low' as string | null }
  const events: MomentEvent[] = []
  const m = createMoments({
    config: r.config, kv, log, now: () => Date.now(),
    identity: () => ({ userId: 'u-1', anonymousId: 'a-1', accountId: null, traits: {} }) as never,
    result: () => null, tier: () => user.tier, trialEnd: () => null,
    record: (e) => events.push(e), broadcast: () => {},
    loadUI: async () => ui,
  })
  await m.open('u:u-1')
  await tick()
  /** The tier changes as the SDK reports it: the tier reads the new one, then the crossing is announced. */
  const cross = (to: string) => {
    const from = user.tier
    user.tier = to
    m.tier(from, to)
  }
  return { m, events, cross, onScreen: () => screen.transient?.id ?? null }
}

it('the activation nudge, still open when the user leaves the low tier, gives way to the upgrade prompt of the PQL crossing', async () => {
  const t = await setup([ACTIVATION, UPGRADE])
  t.m.tier(null, 'low')
  await tick()
  expect(t.onScreen()).toBe('activation')

  t.cross('moderate')
  await tick()
  t.cross('pql')
  await tick()
  expect(t.onScreen(), 'the crossing into pql shows its prompt').toBe('upgrade-pql')
  expect(t.events.map((e) => `${e.id}:${e.outcome}`), 'taking the stale nudge down is not a dismissal').toEqual(['activation:shown', 'upgrade-pql:shown'])
  t.m.destroy()
})

it('the same when the score jumps from low straight into pql', async () => {
  const t = await setup([ACTIVATION, UPGRADE])
  t.m.tier(null, 'low')
  await tick()
  t.cross('pql')
  await tick()
  expect(t.onScreen()).toBe('upgrade-pql')
  t.m.destroy()
})

it('a moment on screen whose target still holds is not replaced', async () => {
  const t = await setup([LIMIT, UPGRADE])
  t.m.event('limit_reached')
  await tick()
  expect(t.onScreen()).toBe('limit')
  t.cross('pql')
  await tick()
  expect(t.onScreen(), 'the limit nudge has no target: it stays until the user closes it').toBe('limit')
  t.m.destroy()
})
