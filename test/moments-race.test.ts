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

const tick = (ms = 50) => new Promise((r) => setTimeout(r, ms))

it.each(['tier first', 'event first'])('a tier crossing and an event of one batch both triggering a prompt (%s): one is shown, not one recorded shown and replaced at once', async (order) => {
  const r = resolveConfig({
    momentsPerDay: 10,
    moments: [
      { id: 'upgrade', kind: 'upgrade', on: { tierEntered: ['pql'] }, priority: 20, copy: { en: { title: 'Up' } } },
      { id: 'limit', kind: 'nudge', on: { event: 'limit_reached' }, priority: 5, copy: { en: { title: 'Limit' } } },
    ],
  })
  if (!r.ok) throw new Error(JSON.stringify(r.errors))
  let screen: LayerState = {}
  const ui: UI = { version: VERSION, createLayer: (): Layer => ({ update: (n) => void (screen = { ...screen, ...n }), state: () => screen, setTheme: () => {}, destroy: () => {} }) }
  const events: MomentEvent[] = []
  const m = createMoments({
    config: r.config, kv: createKV('race', createLogger(() => false), { store: createStore('race-' + order, 'state') }), log: createLogger(() => false), now: () => Date.now(),
    identity: () => ({ userId: 'u', anonymousId: 'a', accountId: null, traits: {} }) as never,
    result: () => null, tier: () => 'pql', trialEnd: () => null, record: (e) => events.push(e), broadcast: () => {}, loadUI: async () => ui,
  })
  await m.open('u:u')
  await tick()
  // The SDK scores a batch before its events trigger moments (src/core.ts applyOps): the tier first.
  const steps = [() => m.tier('low', 'pql'), () => m.event('limit_reached')]
  for (const step of order === 'tier first' ? steps : steps.reverse()) step()
  await tick()
  const shown = events.filter((e) => e.outcome === 'shown').map((e) => e.id)
  expect(shown).toEqual([screen.transient?.id])
})
