import type { ScoreResult } from '../score/score'
import type { TierChange } from '../score/tier'
import type { Identity } from '../track/identity'
import type { MomentEvent } from '../moments'
import { VERSION } from '../version'
import type { EventMessage, IdentifyMessage, MessageBase, MessageType, MomentMessage, ScoreMessage, ScoreSnapshot, TierMessage } from './types'

const iso = (t: number) => new Date(t).toISOString()

export function base<T extends MessageType>(type: T, identity: Identity, model: string, t: number): MessageBase & { type: T } {
  return { id: crypto.randomUUID(), type, at: iso(t), userId: identity.userId, anonymousId: identity.anonymousId, accountId: identity.accountId, model, sdk: VERSION }
}

export function snapshot(r: ScoreResult, tier: string): ScoreSnapshot {
  const signals: Record<string, number | null> = {}
  for (const id in r.signals) signals[id] = r.signals[id].value
  return {
    score: r.score,
    tier,
    breakdown: r.breakdown.map((d) => ({ id: d.id, label: d.label, score: d.score, points: d.points })),
    reasons: r.reasons.slice(0, 8),
    topFeatures: r.topFeatures,
    signals,
  }
}

export const eventMessage = (identity: Identity, model: string, name: string, props: Record<string, unknown> | undefined, t: number): EventMessage => ({
  ...base('event', identity, model, t),
  name,
  ...(props ? { props } : {}),
})

export const scoreMessage = (identity: Identity, model: string, r: ScoreResult, tier: string): ScoreMessage => ({
  ...base('score', identity, model, r.at),
  ...snapshot(r, tier),
})

export const tierMessage = (identity: Identity, model: string, r: ScoreResult, c: TierChange): TierMessage => ({
  ...base('tier', identity, model, c.at),
  ...snapshot(r, c.to),
  from: c.from,
  to: c.to,
  direction: c.direction,
  crossedAt: iso(c.at),
})

export const momentMessage = (identity: Identity, model: string, e: MomentEvent): MomentMessage => ({
  ...base('moment', identity, model, e.at),
  moment: e.id,
  kind: e.kind,
  outcome: e.outcome,
})

export const identifyMessage = (identity: Identity, model: string, trial: { start?: number; end?: number }, t: number): IdentifyMessage => ({
  ...base('identify', identity, model, t),
  traits: identity.traits,
  trialStart: trial.start === undefined ? null : iso(trial.start),
  trialEnd: trial.end === undefined ? null : iso(trial.end),
  tz: new Date(t).getTimezoneOffset(),
})
