/**
 * What the sales inbox shows, as plain data: GET /api/inbox returns it as
 * JSON and page.ts renders it as HTML. Each list is bounded.
 */
import type { Tier } from '../config/types'
import { type Sla, slaFor } from './alerts'
import { type Db, ms, type Row } from './db'

export interface InboxUser {
  key: string
  userId: string | null
  anonymousId: string
  accountId: string | null
  score: number
  tier: string
  tierLabel: string
  previousTier: string | null
  crossedAt: string | null
  sla: Sla & { overdue: boolean }
  reasons: string[]
  topFeatures: Array<{ name: string; count: number }>
  breakdown: Array<{ id: string; label: string; score: number; points: number }>
  moments: Record<string, Record<string, number>>
  client: { score: number | null; tier: string | null; model: string | null; diff: number | null; mismatch: boolean; partial: boolean }
  lastSeen: string | null
  history: Array<{ at: string; score: number; tier: string }>
}

export interface Inbox {
  generatedAt: string
  tiers: Tier[]
  users: InboxUser[]
  accounts: Array<{ accountId: string; users: number; tiers: Record<string, number>; topScore: number; flaggedAt: string | null; rule: string | null; sla: Sla }>
  mismatches: InboxUser[]
  deliveries: Array<{ id: string; kind: string; subject: string; tier: string; status: string; attempts: number; lastError: string | null; nextAt: string | null; createdAt: string; sentAt: string | null }>
  /** Per moment, and per variation of a copy experiment: how many users had each outcome (a user counts once per outcome). */
  moments: MomentSummary[]
  counts: { messages: number; users: number; alerts: number; failing: number }
}

export interface MomentSummary {
  moment: string
  /** A copy experiment's variation ("control": the moment's own copy); null for a moment without variations. */
  variation: string | null
  /** `converted`: of those shown; `heldOutConverted`: of those held out (the control group: lift is the difference in rate). */
  users: { shown: number; clicked: number; dismissed: number; converted: number; heldOut: number; heldOutConverted: number }
}

const LIMIT = 100
const HISTORY = 30
const iso = (v: unknown) => (v == null ? null : new Date(ms(v)!).toISOString())
const placeholders = (n: number, from = 1) => Array.from({ length: n }, (_, i) => '$' + (i + from)).join(', ')

export async function readInbox(db: Db, tiers: Tier[], alertTiers: string[], now: number): Promise<Inbox> {
  const label = (t: string) => tiers.find((x) => x.name === t)?.label ?? t
  const user = (r: Row): InboxUser => {
    const sla = slaFor(r.tier, tiers, alertTiers)
    const crossed = ms(r.tier_since)
    return {
      key: r.key, userId: r.user_id, anonymousId: r.anonymous_id, accountId: r.account_id, score: r.score, tier: r.tier, tierLabel: label(r.tier),
      previousTier: r.prev_tier, crossedAt: iso(r.tier_since),
      sla: { ...sla, overdue: sla.hours !== null && crossed !== null && now - crossed > sla.hours * 3_600_000 },
      reasons: r.reasons ?? [], topFeatures: r.top_features ?? [], breakdown: r.breakdown ?? [], moments: r.moments ?? {},
      client: { score: r.client_score, tier: r.client_tier, model: r.client_model, diff: r.score_diff, mismatch: r.mismatch, partial: r.partial },
      lastSeen: iso(r.last_at), history: [],
    }
  }
  const cols = `key, user_id, anonymous_id, account_id, score, tier, tier_since, prev_tier, reasons, top_features, breakdown, moments,
    client_score, client_tier, client_model, score_diff, mismatch, partial, last_at`
  const hot = await db.query(
    `select ${cols} from users where merged_into is null and tier in (${placeholders(alertTiers.length)})
     order by tier_since desc nulls last, key limit ${LIMIT}`,
    alertTiers,
  )
  const odd = await db.query(`select ${cols} from users where merged_into is null and mismatch order by updated_at desc, key limit ${LIMIT}`)
  const users = hot.map(user)
  const mismatches = odd.map(user)
  const keys = [...new Set([...users, ...mismatches].map((u) => u.key))]
  if (keys.length) {
    const points = await db.query(
      `select subject, at, score, tier from (
         select subject, at, score, tier, row_number() over (partition by subject order by at desc, id desc) as n
         from score_history where subject in (${placeholders(keys.length)})
       ) h where n <= ${HISTORY} order by subject, at`,
      keys,
    )
    const by = new Map<string, InboxUser['history']>()
    for (const p of points) (by.get(p.subject) ?? by.set(p.subject, []).get(p.subject)!).push({ at: iso(p.at)!, score: p.score, tier: p.tier })
    for (const u of [...users, ...mismatches]) u.history = by.get(u.key) ?? []
  }
  const hotName = tiers[tiers.length - 1]?.name
  const accounts = (await db.query(`select * from accounts where flagged order by flagged_at desc nulls last, account_id limit ${LIMIT}`)).map((a) => ({
    accountId: a.account_id, users: a.users, tiers: a.tiers ?? {}, topScore: a.top_score, flaggedAt: iso(a.flagged_at), rule: a.rule,
    sla: slaFor(a.tiers?.[hotName] ? hotName : alertTiers[0], tiers, alertTiers),
  }))
  const deliveries = (
    await db.query(
      `select id::text as id, kind, subject, tier, status, attempts, last_error, next_at, created_at, sent_at from alerts
       order by (status in ('retrying', 'failed')) desc, id desc limit 50`,
    )
  ).map((a) => ({
    id: a.id, kind: a.kind, subject: a.subject, tier: a.tier, status: a.status, attempts: a.attempts, lastError: a.last_error,
    nextAt: iso(a.next_at), createdAt: iso(a.created_at)!, sentAt: iso(a.sent_at),
  }))
  // Users, not outcomes: a prompt shown to one user five times is one user shown it. Outcomes are keyed
  // "moment" or "moment/variation" (users.ts); ids have no "/". Held-out users carry no variation.
  // A person is either held out of a moment or shown it, never both: their conversion counts for that group.
  const has = (o: string) => `coalesce((m.v->>'${o}')::int, 0) > 0`
  const ever = ([name, ...o]: string[]) => `count(*) filter (where ${o.map(has).join(' and ')})::int as ${name}`
  const groups = [['shown', 'shown'], ['clicked', 'clicked'], ['dismissed', 'dismissed'], ['converted', 'shown', 'converted'], ['held_out', 'held_out'], ['held_converted', 'held_out', 'converted']]
  const moments = (
    await db.query(
      `select m.arm, ${groups.map(ever).join(', ')}
       from users u, jsonb_each(u.moments) as m(arm, v) where u.merged_into is null group by m.arm order by m.arm limit 200`,
    )
  ).map((r): MomentSummary => {
    const [moment, variation] = String(r.arm).split('/')
    return { moment, variation: variation ?? null, users: { shown: r.shown, clicked: r.clicked, dismissed: r.dismissed, converted: r.converted, heldOut: r.held_out, heldOutConverted: r.held_converted } }
  })
  const [c] = await db.query(
    `select (select count(*) from messages)::int as messages, (select count(*) from users where merged_into is null)::int as users,
       (select count(*) from alerts)::int as alerts, (select count(*) from alerts where status in ('retrying', 'failed'))::int as failing`,
  )
  return { generatedAt: new Date(now).toISOString(), tiers, users, accounts, mismatches, deliveries, moments, counts: c as Inbox['counts'] }
}
