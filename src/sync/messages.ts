import type { ScoreResult } from '../score/score'
import type { TierChange } from '../score/tier'
import type { Identity } from '../track/identity'
import type { MomentEvent } from '../moments'
import { VERSION } from '../version'
import type { EventMessage, IdentifyMessage, MessageBase, MessageType, MomentMessage, ScoreMessage, ScoreSnapshot, TierMessage } from './types'

// A burst of track() calls makes one message per event: crypto.randomUUID() and Date#toISOString()
// cost about 2 and 1 µs each in Chromium, more than the rest of the event's work. So ids come from
// a pool of crypto random bytes (same UUID v4), and the ISO string of the last second is reused.
const HEX = [48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102]
const pool = new Uint8Array(4096)
let at = pool.length
// Char codes of the id being made, dashes in place; one string is made from them (concatenating 20
// pieces made 20 intermediate strings per id, the largest share of a burst's garbage).
const chars: number[] = Array.from({ length: 36 }, () => 45)
const AT = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34]

/** A random (version 4) UUID. */
export function uuid(): string {
  if (at + 16 > pool.length) (crypto.getRandomValues(pool), (at = 0))
  for (let i = 0; i < 16; i++) {
    let v = pool[at + i]
    if (i === 6) v = (v & 15) | 64
    else if (i === 8) v = (v & 63) | 128
    chars[AT[i]] = HEX[v >> 4]
    chars[AT[i] + 1] = HEX[v & 15]
  }
  at += 16
  return String.fromCharCode.apply(null, chars)
}

let second = NaN
let secondIso = ''
/** `new Date(t).toISOString()`, reusing the date and time of the last second asked for. */
export function iso(t: number): string {
  const ms = t % 1000
  if (!Number.isInteger(t) || t < 0 || t > 8.64e15) return new Date(t).toISOString()
  if (t - ms !== second) (secondIso = new Date((second = t - ms)).toISOString().slice(0, -4))
  return secondIso + (ms + 1000).toString().slice(1) + 'Z'
}

export function base<T extends MessageType>(type: T, identity: Identity, model: string, t: number): MessageBase & { type: T } {
  return { id: uuid(), type, at: iso(t), userId: identity.userId, anonymousId: identity.anonymousId, accountId: identity.accountId, model, sdk: VERSION }
}

/**
 * Text the payload schema takes: at most `max` characters (1000 for reasons and feature names), a
 * longer one cut to fit and ending in "…". Feature names are prop values (up to 16 KB), and one the
 * collector refuses would get every score and tier batch of the user answered 400, and dropped.
 */
const clip = (s: string, max = 1000): string => (s.length > max ? s.slice(0, max - 1).replace(/[\ud800-\udbff]$/, '') + '…' : s)

export function snapshot(r: ScoreResult, tier: string): ScoreSnapshot {
  const signals: Record<string, number | null> = {}
  for (const id in r.signals) signals[id] = r.signals[id].value
  return {
    score: r.score,
    tier,
    breakdown: r.breakdown.map((d) => ({ id: d.id, label: d.label, score: d.score, points: d.points })),
    reasons: r.reasons.slice(0, 8).map((s) => clip(s)),
    topFeatures: r.topFeatures.map((f) => ({ name: clip(f.name), count: f.count })),
    signals,
  }
}

// One literal, same keys in the same order as base(): the hottest message, made once per event.
export const eventMessage = (identity: Identity, model: string, name: string, props: Record<string, unknown> | undefined, t: number): EventMessage => {
  const m: EventMessage = { id: uuid(), type: 'event', at: iso(t), userId: identity.userId, anonymousId: identity.anonymousId, accountId: identity.accountId, model, sdk: VERSION, name }
  if (props) m.props = props
  return m
}

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
  ...(e.variation && { variation: e.variation }),
})

export const identifyMessage = (identity: Identity, model: string, trial: { start?: number; end?: number }, t: number): IdentifyMessage => ({
  ...base('identify', identity, model, t),
  traits: identity.traits,
  trialStart: trial.start === undefined ? null : iso(trial.start),
  trialEnd: trial.end === undefined ? null : iso(trial.end),
  tz: new Date(t).getTimezoneOffset(),
})
