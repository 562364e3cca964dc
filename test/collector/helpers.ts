/**
 * Test helpers: messages built with the SDK's own message builders and a
 * "client" that scores with the SDK's modules exactly as the browser does
 * (apply ops, score, nextTierState, one report per batch of ops).
 */
import { resolveConfig } from '../../src/config/validate'
import type { ResolvedConfig } from '../../src/config/types'
import { score, type ScoreResult } from '../../src/score/score'
import { nextTierState, type TierState } from '../../src/score/tier'
import { apply, emptyAggregates, type Op, planFor } from '../../src/store/aggregate'
import { eventMessage, scoreMessage, tierMessage } from '../../src/sync/messages'
import type { Auth, Batch, Message } from '../../src/sync/types'
import type { Identity } from '../../src/track/identity'

export const DAY = 86_400_000
export const HOUR = 3_600_000

export function config(input: unknown = {}): ResolvedConfig {
  const r = resolveConfig(input)
  if (!r.ok) throw new Error(JSON.stringify(r.errors))
  return r.config
}

export const who = (userId: string | null, accountId: string | null = null, anonymousId = 'anon-' + (userId ?? Math.random().toString(36).slice(2))): Identity => ({
  userId, accountId, anonymousId, traits: {},
})

export const batch = (messages: Message[], auth: Auth = {}): Batch => ({ sentAt: new Date().toISOString(), sdk: { name: 'momentkit', version: '0.1.0' }, auth, messages })

export type Ev = { name: string; props?: Record<string, unknown>; t: number }

/**
 * What the SDK would send for these events: each event, then the score (or
 * the tier crossing) it computed right after applying it. `seen` is when the
 * SDK opened the user's state (default: the first event).
 */
export function clientRun(c: ResolvedConfig, id: Identity, events: Ev[], o: { seen?: number; tz?: number } = {}): { messages: Message[]; result: ScoreResult; tier: TierState } {
  const plan = planFor(c.model, c.sessionTimeout)
  const seen = o.seen ?? events[0].t
  const agg = emptyAggregates(seen, o.tz ?? 0)
  if (c.trial.start !== undefined || c.trial.end !== undefined) apply(agg, plan, [{ k: 'trial', start: c.trial.start, end: c.trial.end }], seen)
  let tier: TierState | null = null
  let result: ScoreResult | null = null
  const messages: Message[] = []
  for (const e of events) {
    const op: Op = { k: 'e', n: e.name, p: e.props, t: e.t }
    messages.push(eventMessage(id, c.model.version, e.name, e.props, e.t))
    apply(agg, plan, [op], e.t)
    result = score(c.model, agg, e.t)
    const next = nextTierState(c.model.tiers, tier, result.score, c.model.hysteresis, result.floorTier, e.t)
    tier = next.state
    messages.push(next.change ? tierMessage(id, c.model.version, result, next.change) : scoreMessage(id, c.model.version, result, tier.tier))
  }
  return { messages, result: result!, tier: tier! }
}

/** A few weeks of a busy trial user: features, invites, integrations, sessions on most days. */
export function busyUser(end: number, days = 20): Ev[] {
  const out: Ev[] = []
  const features = ['boards', 'reports', 'export', 'automation', 'api']
  for (let d = days; d >= 0; d--) {
    if (d % 5 === 3) continue
    const day = end - d * DAY
    for (let s = 0; s < (d % 3) + 1; s++) {
      const t = day - s * 2 * HOUR - 40 * 60_000
      out.push({ name: 'page_viewed', props: { path: '/app' }, t })
      out.push({ name: 'feature_used', props: { feature: features[(d + s) % features.length] }, t: t + 5 * 60_000 })
      if (d < 8) out.push({ name: 'project_created', props: { n: d }, t: t + 9 * 60_000 })
    }
    if (d === 6 || d === 2) out.push({ name: 'teammate_invited', props: { email: 'x' + d + '@acme.test' }, t: day - 10 * 60_000 })
    if (d === 4) out.push({ name: 'integration_connected', props: { kind: 'slack' }, t: day - 20 * 60_000 })
    if (d === 1) out.push({ name: 'limit_reached', props: { limit: 'projects' }, t: day - 30 * 60_000 })
  }
  return out.sort((a, b) => a.t - b.t)
}

/** Events that make a user engaged enough for the default model's PQL tier, ending at `end`. */
export function pqlUser(end: number): Ev[] {
  return busyUser(end, 14)
}
