import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import pkg from '../../package.json'
import { resolveConfig } from '../../src/config/validate'
import { createInstance } from '../../src/core'
import type { Batch } from '../../src/sync/types'
import { VERSION } from '../../src/version'

let n = 0
const cfg = (extra: Record<string, unknown> = {}) => {
  const r = resolveConfig({ namespace: 'delivery-' + n++, endpoint: '/collect', writeKey: 'pk_test', delivery: { interval: 0 }, ...extra })
  if (!r.ok) throw new Error(JSON.stringify(r.errors))
  return r.config
}
const tick = () => new Promise((r) => setTimeout(r, 10))

describe('delivery from an instance', () => {
  // Only the tab holding the sending lease removes from the shared outbox; the others learn of it so
  // that their page-hide request does not send again what is delivered (outbox.removed).
  it('tells the other tabs which messages it removed from the shared outbox', async () => {
    const c = cfg()
    const told: string[] = []
    const other = new BroadcastChannel('momentkit:' + c.namespace)
    other.onmessage = (e) => Array.isArray(e.data?.removed) && told.push(...e.data.removed)
    const sent: string[] = []
    const mk = createInstance(c, { send: async (b) => (sent.push(...b.messages.map((m) => m.id)), { status: 200 }) })
    await mk.ready
    mk.track('x')
    await mk.flush()
    await tick()
    await mk.destroy()
    other.close()
    expect(sent.length).toBeGreaterThan(1)
    expect(told).toEqual(sent)
  })

  it('sends raw events, the tier crossing and a score snapshot, with ids, identity, versions and auth', async () => {
    const batches: Batch[] = []
    const mk = createInstance(cfg(), { send: async (b) => (batches.push(b), { status: 200 }) })
    await mk.ready
    mk.identify('u1', { accountId: 'acme' }, { userHash: 'abc123' })
    await mk.flush()
    for (const f of ['a', 'b', 'c', 'd']) mk.track('feature_used', { feature: f })
    mk.track('teammate_invited')
    mk.track('teammate_invited')
    await tick()
    await mk.flush()
    await tick()
    const msgs = batches.flatMap((b) => b.messages)
    const events = msgs.filter((m) => m.type === 'event')
    expect(events.map((m) => m.type === 'event' && m.name)).toEqual(['feature_used', 'feature_used', 'feature_used', 'feature_used', 'teammate_invited', 'teammate_invited'])
    const tiers = msgs.filter((m) => m.type === 'tier')
    expect(tiers.length).toBeGreaterThanOrEqual(1)
    const last = tiers[tiers.length - 1]
    expect(last).toMatchObject({ type: 'tier', userId: 'u1', accountId: 'acme', to: mk.explain().tier, score: mk.explain().score })
    if (last.type === 'tier') expect(last.reasons).toContain('invited 2 teammates')
    expect(new Set(msgs.map((m) => m.id)).size).toBe(msgs.length)
    const withUser = batches.filter((b) => b.messages[0].userId === 'u1')
    expect(withUser.every((b) => b.auth.userHash === 'abc123' && b.auth.writeKey === 'pk_test')).toBe(true)
    expect(batches[0].sdk).toEqual({ name: 'momentkit', version: VERSION })
    expect(mk.explain().delivery).toMatchObject({ dropped: 0, queued: 0 })
    await mk.destroy()
  })

  it('nothing is lost while the endpoint fails: a later instance delivers', async () => {
    const config = cfg()
    const a = createInstance(config, { send: async () => ({ status: 503 }) })
    await a.ready
    for (let i = 0; i < 20; i++) a.track('project_created', { i })
    await tick()
    await a.flush()
    await a.destroy()
    const got: Batch[] = []
    const b = createInstance(config, { send: async (x) => (got.push(x), { status: 200 }) })
    await b.ready
    await b.flush()
    await tick()
    const created = got.flatMap((x) => x.messages).filter((m) => m.type === 'event' && m.name === 'project_created')
    expect(created).toHaveLength(20)
    await b.destroy()
  })

  it('tells the server who the user is and the trial dates it scores against', async () => {
    const batches: Batch[] = []
    const mk = createInstance(cfg(), { send: async (b) => (batches.push(b), { status: 200 }) })
    await mk.ready
    mk.identify('u9', { plan: 'trial', trialStart: '2026-11-01T00:00:00Z', trialEnd: '2026-11-15T00:00:00Z' })
    await tick()
    await mk.flush()
    await tick()
    const ids = batches.flatMap((b) => b.messages).filter((m) => m.type === 'identify' && m.userId === 'u9')
    const last = ids[ids.length - 1]
    expect(last).toMatchObject({ type: 'identify', trialStart: '2026-11-01T00:00:00.000Z', trialEnd: '2026-11-15T00:00:00.000Z', traits: { plan: 'trial' } })
    if (last?.type === 'identify') expect(Number.isInteger(last.tz)).toBe(true)
    await mk.destroy()
  })

  it('no endpoint, no outbox', async () => {
    const r = resolveConfig({ namespace: 'delivery-none' })
    if (!r.ok) throw new Error()
    const mk = createInstance(r.config)
    await mk.ready
    expect(mk.explain().delivery).toBeNull()
    await mk.destroy()
  })

  it('the SDK version matches package.json', () => expect(VERSION).toBe(pkg.version))
})
