/**
 * Stores one verified batch, all in one transaction: the messages (once
 * each: the message id is the primary key, replays are counted as
 * duplicates), the subject's rescoring, its accounts' recount, and any
 * sales alert. Either all of it is stored or, on an error, none of it, and
 * the SDK retries the batch.
 */
import type { Tier } from '../config/types'
import type { TierChange } from '../score/tier'
import type { Batch, Message } from '../sync/types'
import { type AccountUpdate, recountAccount } from './accounts'
import { type AlertContent, membersOf, type Sla, slaFor, suggestion } from './alerts'
import { type Db, json, ms, type Queryable, type Row, ts } from './db'
import type { Settings } from './options'
import type { Scorer } from './rescore'
import { subjectOf, updateSubject } from './users'

export interface IngestResult {
  accepted: number
  duplicates: number
  alerts: number
}

/** Do not alert twice for one user and tier within this window (a user hovering at a boundary). */
const COOLDOWN_MS = 24 * 3_600_000
const COLS = 9

async function insertMessages(q: Queryable, messages: Message[], now: number): Promise<Message[]> {
  const params: unknown[] = [ts(now)]
  const rows = messages.map((m, i) => {
    const b = 1 + i * COLS
    params.push(m.id, subjectOf(m), m.type, new Date(Date.parse(m.at)).toISOString(), m.userId, m.anonymousId, m.accountId, m.model, json(m))
    const p = (k: number) => '$' + (b + k)
    return `(${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}::timestamptz, ${p(5)}, ${p(6)}, ${p(7)}, ${p(8)}, (${p(9)}::text)::jsonb, $1::timestamptz)`
  })
  const inserted = await q.query<{ id: string }>(
    `insert into messages (id, subject, type, at, user_id, anonymous_id, account_id, model, body, received_at)
     values ${rows.join(', ')} on conflict (id) do nothing returning id`,
    params,
  )
  const fresh = new Set(inserted.map((r) => r.id))
  // A repeated id inside one batch is inserted once: keep its first occurrence only.
  return messages.filter((m) => fresh.delete(m.id))
}

const tierLabel = (tiers: readonly Tier[], name: string) => tiers.find((t) => t.name === name)?.label ?? name

function userContent(row: Row, from: string | null, crossedAt: number, sla: Sla, tiers: readonly Tier[], model: string): AlertContent {
  const base = {
    kind: 'user' as const, accountId: row.account_id, sla, reasons: row.reasons ?? [], topFeatures: row.top_features ?? [],
  }
  return {
    ...base,
    userId: row.user_id, anonymousId: row.anonymous_id, tier: row.tier, tierLabel: tierLabel(tiers, row.tier), from, score: row.score,
    breakdown: (row.breakdown ?? []).map((d: Row) => ({ label: d.label, points: d.points, score: d.score })),
    signals: row.signals ?? {}, moments: row.moments ?? {}, crossedAt: new Date(crossedAt).toISOString(), suggestion: suggestion(base), model,
  }
}

function accountContent(u: AccountUpdate, now: number, tiers: readonly Tier[], alertTiers: readonly string[], model: string): AlertContent {
  const top = u.members[0]
  const hot = tiers[tiers.length - 1]?.name
  const sla: Sla = slaFor(u.members.some((m) => m.tier === hot) ? hot : alertTiers[0], tiers, alertTiers)
  const members = membersOf(u.members)
  const base = { kind: 'account' as const, accountId: u.accountId, sla, reasons: top?.reasons?.slice(0, 3) ?? [], topFeatures: [], members }
  return {
    ...base,
    userId: null, anonymousId: null, tier: top?.tier ?? alertTiers[0], tierLabel: 'Account PQL', from: null, score: top?.score ?? 0,
    breakdown: [], signals: {}, moments: {}, crossedAt: new Date(now).toISOString(), clause: u.clause, suggestion: suggestion(base), model,
  }
}

async function addAlert(q: Queryable, s: Settings, subject: string, c: AlertContent, now: number): Promise<void> {
  await q.query(
    `insert into alerts (kind, subject, user_id, account_id, tier, score, sla, crossed_at, content, status, next_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8::timestamptz, ($9::text)::jsonb, $10, $11::timestamptz)`,
    [c.kind, subject, c.userId, c.accountId, c.tier, c.score, c.sla.class, c.crossedAt, json(c), s.webhookUrl ? 'pending' : 'stored', ts(now)],
  )
}

/**
 * The crossing to alert on, if the user ends this batch in an alert tier that
 * they rose into during it: the rise into the tier held now or, when they got
 * there by falling back from a higher one (moderate -> hot -> pql within one
 * batch), the last rise into alert territory. Still a crossing worth a call.
 */
export function alertCrossing(changes: readonly TierChange[], current: string, alertTiers: readonly string[]): TierChange | undefined {
  if (!alertTiers.includes(current)) return undefined
  const ups = changes.filter((c) => c.direction === 'up' && alertTiers.includes(c.to))
  return ups.filter((c) => c.to === current).pop() ?? ups.pop()
}

/**
 * PostgreSQL's text and jsonb cannot hold U+0000, which track() and identify() let through: it becomes
 * U+FFFD, in keys and values alike, before anything is stored, scored or alerted on (the rest of the
 * batch is good data; refusing it would lose it).
 */
export function withoutNul<T>(v: T): T {
  if (typeof v === 'string') return (v.includes('\0') ? v.replace(/\0/g, '\uFFFD') : v) as T
  if (Array.isArray(v)) return v.map(withoutNul) as T
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [withoutNul(k), withoutNul(x)])) as T
  return v
}

/** Stores a batch (already validated and verified). Returns what was new. */
export async function ingest(db: Db, s: Settings, scorer: Scorer, batch: Batch): Promise<IngestResult> {
  const now = s.now()
  const { tiers, version } = scorer.model
  const messages = batch.messages.map(withoutNul)
  return db.tx(async (q) => {
    const fresh = await insertMessages(q, messages, now)
    const result: IngestResult = { accepted: fresh.length, duplicates: messages.length - fresh.length, alerts: 0 }
    if (!fresh.length) return result
    const up = await updateSubject(q, scorer, s.scoreTolerance, fresh, now)
    // With identity verification on, only verified (identified) users raise alerts or count for an
    // account: anonymous messages pass unverified, and anyone could send them with any account id.
    const trusted = !s.identitySecret || up.row.user_id !== null
    // With verification on, an anonymous history raised no alert: a user who signs in already in an alert
    // tier is alerted once, for the crossing made before signing in (adoption happens once per user).
    const adopted: TierChange | undefined = s.identitySecret && up.adopted && s.alertTiers.includes(up.row.tier)
      ? { from: up.row.prev_tier, to: up.row.tier, direction: 'up', score: up.row.score, at: ms(up.row.tier_since) ?? now }
      : undefined
    const change = trusted ? alertCrossing(up.replay?.changes ?? [], up.row.tier, s.alertTiers) ?? adopted : undefined
    if (change) {
      const recent = await q.query(`select 1 from alerts where kind = 'user' and subject = $1 and tier = $2 and created_at > $3::timestamptz`, [up.key, up.row.tier, ts(now - COOLDOWN_MS)])
      if (!recent.length) {
        await addAlert(q, s, up.key, userContent(up.row, change.from, change.at, slaFor(up.row.tier, tiers, s.alertTiers), tiers, version), now)
        result.alerts++
      }
    }
    for (const accountId of trusted ? up.accounts : []) {
      const u = await recountAccount(q, accountId, s.accountRule, tiers.map((t) => t.name), now, !!s.identitySecret)
      if (!u.newlyFlagged) continue
      await addAlert(q, s, 'account:' + accountId, accountContent(u, now, tiers, s.alertTiers, version), now)
      result.alerts++
    }
    return result
  })
}
