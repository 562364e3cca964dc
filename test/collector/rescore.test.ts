import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { createScorer, freshAggregates, type Item, ordered, replay } from '../../src/collector/rescore'
import type { Message } from '../../src/sync/types'
import { busyUser, clientRun, config, DAY, type Ev, who } from './helpers'

const END = Date.parse('2026-03-15T16:00:00Z')
const demo = JSON.parse(readFileSync(new URL('../../demo/momentkit.json', import.meta.url), 'utf8'))

const items = (messages: Message[]): Item[] =>
  messages.map((m): Item => {
    const t = Date.parse(m.at)
    if (m.type === 'event') return { k: 'event', t, name: m.name, props: m.props }
    if (m.type === 'score' || m.type === 'tier') return { k: 'check', t, msg: m }
    throw new Error('unexpected ' + m.type)
  })

const models: Array<[string, unknown]> = [
  ['five-dimension preset (default config)', {}],
  ['four-category preset', { model: { preset: 'four-category' } }],
  ['demo config (trial windows, criteria floor tier)', { ...demo, trial: { start: END - 16 * DAY } }],
  ['custom tiers and hysteresis', { model: { hysteresis: 0, tiers: [{ name: 'cold', min: 0 }, { name: 'warm', min: 20 }, { name: 'pql', min: 45 }, { name: 'hot', min: 70 }] } }],
]

describe('server-side rescoring equals client scoring on the same events', () => {
  for (const [name, input] of models) {
    it(name, () => {
      const c = config(input)
      const client = clientRun(c, who('u1', 'acme'), busyUser(END))
      const s = createScorer(c)
      const r = replay(s, freshAggregates(s, Date.parse(client.messages[0].at)), null, 0, ordered(items(client.messages)))
      expect(r.checks.length).toBe(client.messages.length / 2)
      for (const check of r.checks) {
        expect(check.diff, `at ${check.msg.at}`).toBe(0)
        expect(check.tier, `at ${check.msg.at}`).toBe(check.msg.tier)
      }
      // The whole result, not just the number: breakdown, reasons, top features, signals.
      const { at: _a, ...server } = r.result!
      const { at: _b, ...browser } = client.result
      expect(server).toEqual(browser)
      expect(r.tier!.tier).toBe(client.tier.tier)
      expect(r.changes.map((x) => [x.from, x.to, x.at])).toEqual(
        client.messages.filter((m) => m.type === 'tier').map((m) => m.type === 'tier' && [m.from, m.to, Date.parse(m.crossedAt)]),
      )
    })
  }

  it('the busy user reaches the default PQL tier (the fixtures exercise crossings)', () => {
    const client = clientRun(config(), who('u1'), busyUser(END))
    expect(client.result.score).toBeGreaterThanOrEqual(61)
    expect(client.messages.filter((m) => m.type === 'tier').map((m) => m.type === 'tier' && m.to)).toEqual(expect.arrayContaining(['moderate', 'pql']))
  })

  it('incrementally, batch by batch, gives the same result as one replay; so does a rebuild', () => {
    const c = config()
    const client = clientRun(c, who('u2'), busyUser(END))
    const s = createScorer(c)
    const seen = Date.parse(client.messages[0].at)
    const all = ordered(items(client.messages))
    let state = { agg: freshAggregates(s, seen), tier: null as ReturnType<typeof replay>['tier'], through: 0 }
    for (let i = 0; i < all.length; i += 17) {
      const r = replay(s, state.agg, state.tier, state.through, all.slice(i, i + 17))
      expect(r.checks.every((x) => x.diff === 0)).toBe(true)
      state = { agg: r.agg, tier: r.tier, through: r.through }
    }
    const rebuilt = replay(s, freshAggregates(s, seen), null, 0, all, false)
    expect(rebuilt.result!.score).toBe(client.result.score)
    expect(state.tier!.tier).toBe(client.tier.tier)
    expect(JSON.stringify(state.agg)).toBe(JSON.stringify(rebuilt.agg))
  })

  it('flags what it should: a client reporting a score its events do not support', () => {
    const c = config()
    const evs: Ev[] = [{ name: 'feature_used', props: { feature: 'a' }, t: END - 3600_000 }]
    const client = clientRun(c, who('u3'), evs)
    const forged = client.messages.map((m) => (m.type === 'score' || m.type === 'tier' ? { ...m, score: 95, tier: 'hot' } : m))
    const s = createScorer(c)
    const r = replay(s, freshAggregates(s, evs[0].t), null, 0, ordered(items(forged)))
    expect(r.checks[0].diff).toBe(95 - client.result.score)
  })

  it('the model hash changes with the model, so stored aggregates are rebuilt', () => {
    expect(createScorer(config()).hash).toBe(createScorer(config()).hash)
    expect(createScorer(config()).hash).not.toBe(createScorer(config({ model: { preset: 'four-category' } })).hash)
    expect(createScorer(config()).hash).not.toBe(createScorer(config(), 60).hash)
  })
})

describe('identify messages carry the trial the browser scores against', () => {
  it('trial-relative windows count from the trial start the identify message gives, not from first contact', () => {
    const c = config({
      model: {
        signals: { days4to5: { type: 'count', event: 'project_created', window: { trial: [3, 5] }, threshold: 1 } },
        dimensions: { d: { weight: 1, signals: ['days4to5'] } },
      },
    })
    const start = END - 10 * DAY
    const first = start + 3 * DAY + 3_600_000
    const s = createScorer(c)
    const events: Item[] = [{ k: 'event', t: first, name: 'project_created' }]
    // The server first hears from the user on trial day 3: without the trial start, day 3 looks like day 0.
    const without = replay(s, freshAggregates(s, first), null, 0, ordered([...events]))
    const withTrial = replay(s, freshAggregates(s, first), null, 0, ordered([{ k: 'trial', t: first, start }, ...events]))
    expect(without.result!.signals.days4to5.value).toBe(0)
    expect(withTrial.agg.trialStart).toBe(start)
    expect(withTrial.result!.signals.days4to5.value).toBe(1)
    expect(withTrial.result!.score).toBe(100)
  })
})
