/**
 * One subject's server-side state, kept in the `users` table and updated
 * per batch inside the ingest transaction (row locked, so concurrent
 * batches of one user queue up).
 *
 * Rescoring is incremental: the SDK's aggregates are stored with the row
 * and only the batch's new events are applied. A full replay of the
 * subject's stored events happens only when it must: the model changed
 * since the aggregates were built, or messages arrive older than what was
 * already applied (another tab's or device's late delivery). Cost per
 * batch is therefore the batch's size, not the user's history.
 */
import type { TierChange, TierState } from '../score/tier'
import type { Message } from '../sync/types'
import { json, ms, type Queryable, type Row, ts } from './db'
import { freshAggregates, type Item, ordered, replay, type ReplayResult, type Scorer, tzOf } from './rescore'

/** 'u:' + userId once identified, else 'a:' + anonymousId (as the SDK keys its own state). */
export const subjectOf = (m: Pick<Message, 'userId' | 'anonymousId'>): string => (m.userId ? 'u:' + m.userId : 'a:' + m.anonymousId)

export interface SubjectUpdate {
  key: string
  row: Row
  replay: ReplayResult | null
  /** The user took over an anonymous history (and its tier) with this batch: their first identified one. */
  adopted: boolean
  /** Accounts whose counts may have changed (old and new account of the user). */
  accounts: string[]
}

const tierState = (r: Row): TierState | null =>
  r.tier ? { tier: r.tier, since: ms(r.tier_since) ?? 0, entered: {}, score: r.score } : null

/** First identify: the anonymous history becomes the user's, as the SDK copies its aggregates and tier. */
async function adoptAnonymous(q: Queryable, key: string, anonymousId: string): Promise<boolean> {
  const [anon] = await q.query(`select * from users where key = $1 and merged_into is null for update`, ['a:' + anonymousId])
  if (!anon) return false
  await q.query(
    // The moments they were shown and the events folded into rollups are theirs too (the inbox shows what they saw).
    `update users set merged_from = $2, seen = $3, agg = ($4::text)::jsonb, agg_through = $5, agg_model = $6, events = $7,
       tier = $8, tier_since = $9, prev_tier = $10, score = $11, first_at = $12, moments = ($13::text)::jsonb, rolled_up = $14, partial = $15 where key = $1`,
    [key, anon.key, anon.seen, json(anon.agg), anon.agg_through, anon.agg_model, anon.events, anon.tier, anon.tier_since, anon.prev_tier, anon.score, anon.first_at,
      json(anon.moments ?? {}), anon.rolled_up, anon.partial],
  )
  await q.query(`update users set merged_into = $2 where key = $1`, [anon.key, key])
  return true
}

async function lockRow(q: Queryable, first: Message): Promise<{ row: Row; adopted: boolean }> {
  const key = subjectOf(first)
  const created = await q.query(
    `insert into users (key, user_id, anonymous_id, account_id, seen, first_at) values ($1, $2, $3, $4, $5, $6)
     on conflict (key) do nothing returning key`,
    // The first message the SDK sent (arrival order, not time order) approximates when it opened
    // this user's state: backfilled events come later with older times.
    [key, first.userId, first.anonymousId, first.accountId, Date.parse(first.at), first.at],
  )
  const adopted = created.length > 0 && !!first.userId && (await adoptAnonymous(q, key, first.anonymousId))
  const [row] = await q.query(`select * from users where key = $1 for update`, [key])
  return { row, adopted }
}

async function storedEvents(q: Queryable, row: Row): Promise<Item[]> {
  const rows = await q.query(
    `select type, body->>'name' as name, body->'props' as props, body->>'trialStart' as trial_start, body->>'trialEnd' as trial_end, body->'tz' as tz, at
     from messages where subject in ($1, $2) and type in ('event', 'identify') order by at, seq`,
    [row.key, row.merged_from ?? row.key],
  )
  return rows.map((r) =>
    r.type === 'identify' ? trialItem(ms(r.at)!, r.trial_start, r.trial_end, r.tz) : { k: 'event', t: ms(r.at)!, name: r.name, props: r.props ?? undefined },
  )
}

function momentCounts(prev: Record<string, Record<string, number>>, msgs: Message[]): Record<string, Record<string, number>> {
  const out = { ...prev }
  for (const m of msgs) {
    if (m.type !== 'moment') continue
    // A copy experiment's outcomes count per variation ("upgrade-hot/social"; ids have no "/"): sales sees which copy the user saw.
    const k = m.variation ? `${m.moment}/${m.variation}` : m.moment
    const c = (out[k] = { ...out[k] })
    c[m.outcome] = (c[m.outcome] || 0) + 1
  }
  return out
}

const HISTORY_PER_BATCH = 48
/** The int column's ceiling: rollup counts (any integer in the schema) saturate there rather than overflow. */
const MAX_INT = 2_147_483_647

/** Score-history points of a batch: every tier change, and an even sample of the other changes. */
async function addHistory(q: Queryable, row: Row, r: ReplayResult, clientScore: number | null): Promise<void> {
  let pts = r.points.filter((p, i) => i > 0 || p.score !== row.score || p.tier !== row.tier)
  if (pts.length > HISTORY_PER_BATCH) {
    const step = pts.length / HISTORY_PER_BATCH
    pts = pts.filter((p, i) => i === pts.length - 1 || p.tier !== pts[i - 1]?.tier || Math.floor(i / step) !== Math.floor((i - 1) / step))
  }
  if (!pts.length) return
  const params: unknown[] = [row.key]
  const values = pts.map((p, i) => {
    params.push(ts(p.t), p.score, p.tier)
    return `($1, $${3 * i + 2}::timestamptz, $${3 * i + 3}, $${3 * i + 4}, ${i === pts.length - 1 ? '$' + (3 * pts.length + 2) : 'null'}::int)`
  })
  params.push(clientScore)
  await q.query(`insert into score_history (subject, at, score, tier, client_score) values ${values.join(', ')}`, params)
}

/**
 * Applies one batch's new (deduplicated) messages, all of one identity, to its subject.
 * The user is flagged when the client's last report (same model version) differs from the
 * server's score by more than `tolerance`, or names another tier (e.g. a criterion the
 * server cannot see as met).
 */
export async function updateSubject(q: Queryable, scorer: Scorer, tolerance: number, msgs: Message[], now: number): Promise<SubjectUpdate> {
  const { row, adopted } = await lockRow(q, msgs[0])
  const events: Item[] = []
  const checks: Item[] = []
  const trials: Item[] = []
  let rolledUp = 0
  for (const m of msgs) {
    const t = Date.parse(m.at)
    if (m.type === 'event') events.push({ k: 'event', t, name: m.name, props: m.props })
    else if (m.type === 'identify') trials.push(trialItem(t, m.trialStart, m.trialEnd, m.tz))
    else if (m.type === 'score' || m.type === 'tier') checks.push({ k: 'check', t, msg: m })
    else if (m.type === 'rollup') rolledUp += Object.values(m.counts).reduce((a, b) => a + b, 0)
  }
  const items = [...trials, ...events, ...checks]
  const oldest = Math.min(...items.map((i) => i.t))
  let r: ReplayResult | null = null
  let rebuilt = false
  if (items.length) {
    // Days are cut in the user's own timezone, as their browser cuts them: a new one (travel, or the
    // first identify after anonymous events) rebuilds the aggregates with it.
    const tz = tzOf(trials)
    const rebuild = !row.agg || row.agg_model !== scorer.hash || oldest < row.agg_through || (tz !== undefined && tz !== row.agg.tz)
    const stored = rebuild ? await storedEvents(q, row) : []
    rebuilt = rebuild
    r = rebuild
      ? replay(scorer, freshAggregates(scorer, row.seen, tzOf(stored)), tierState(row), 0, ordered([...stored, ...checks]), false)
      : replay(scorer, row.agg, tierState(row), row.agg_through, ordered(items), true)
  }
  // A rebuild starts from the tier held before the batch, over aggregates rebuilt from nothing: at the
  // older reports it dips, then climbs back. Only the net move counts, so a late batch neither restarts
  // the crossing clock (tier_since, prev_tier) nor alerts sales again for a crossing already alerted.
  if (r && rebuilt && row.tier) r.changes = netChange(scorer, row.tier, r.changes)
  const last = r?.changes[r.changes.length - 1]
  const comparable = r?.checks.filter((c) => c.msg.model === scorer.model.version) ?? []
  const check = comparable.sort((a, b) => Date.parse(a.msg.at) - Date.parse(b.msg.at))[comparable.length - 1]
  const lastReport = r?.checks.sort((a, b) => Date.parse(a.msg.at) - Date.parse(b.msg.at))[r.checks.length - 1]
  const lastTier = msgs.filter((m) => m.type === 'tier').pop()
  const accountId = msgs.map((m) => m.accountId).filter((a) => a !== null).pop() ?? row.account_id
  const res = r?.result
  const times = msgs.map((m) => Date.parse(m.at))
  // The schema takes any number 0-100 (the SDK sends integers): the int columns get it rounded.
  const clientScore = lastReport ? Math.round(lastReport.msg.score) : null
  const [updated] = await q.query(
    `update users set
       account_id = $2, events = events + $3, last_at = greatest(last_at, $4::timestamptz), first_at = least(first_at, $5::timestamptz),
       agg = coalesce(($6::text)::jsonb, agg), agg_through = coalesce($7, agg_through), agg_model = coalesce($8, agg_model),
       score = coalesce($9, score), tier = coalesce($10, tier),
       tier_since = coalesce($11::timestamptz, tier_since), prev_tier = case when $11::timestamptz is null then prev_tier else $12 end,
       breakdown = coalesce(($13::text)::jsonb, breakdown), reasons = coalesce(($14::text)::jsonb, reasons),
       signals = coalesce(($15::text)::jsonb, signals), top_features = coalesce(($16::text)::jsonb, top_features),
       client_score = coalesce($17, client_score), client_tier = coalesce($18, client_tier), client_at = coalesce($19::timestamptz, client_at),
       client_model = coalesce($20, client_model), client_crossed_at = coalesce($21::timestamptz, client_crossed_at),
       score_diff = case when $22::int is null then score_diff else $22 end, mismatch = coalesce($23, mismatch),
       rolled_up = least(rolled_up::bigint + $24, $27)::int, partial = partial or $24 > 0, moments = ($25::text)::jsonb, updated_at = $26::timestamptz
     where key = $1 returning *`,
    [
      row.key, accountId, events.length, ts(Math.max(...times)), ts(Math.min(...times)),
      r ? json(r.agg) : null, r ? r.through : null, r ? scorer.hash : null,
      res?.score ?? null, r?.tier?.tier ?? null, last ? ts(last.at) : null, last?.from ?? null,
      res ? json(res.breakdown.map((d) => ({ id: d.id, label: d.label, score: d.score, points: d.points, weight: d.weight }))) : null,
      res ? json(res.reasons.slice(0, 8)) : null,
      res ? json(Object.fromEntries(Object.values(res.signals).map((s) => [s.id, s.value]))) : null,
      res ? json(res.topFeatures) : null,
      clientScore, lastReport?.msg.tier ?? null, lastReport ? lastReport.msg.at : null, lastReport?.msg.model ?? null,
      lastTier?.type === 'tier' ? lastTier.crossedAt : null,
      check ? Math.round(check.diff) : null, check ? Math.abs(check.diff) > tolerance || check.tier !== check.msg.tier : null,
      Math.min(rolledUp, MAX_INT), json(momentCounts(row.moments ?? {}, msgs)), ts(now), MAX_INT,
    ],
  )
  if (r) await addHistory(q, row, r, clientScore)
  const accounts = [...new Set([row.account_id, updated.account_id].filter((a): a is string => !!a))]
  return { key: row.key, row: updated, replay: r, adopted, accounts }
}

/** The tier changes of a rebuild as one move from the tier before it to where it ended (none if back where it was). */
function netChange(scorer: Scorer, before: string, changes: TierChange[]): TierChange[] {
  const last = changes[changes.length - 1]
  if (!last || last.to === before) return []
  const rank = (name: string) => scorer.model.tiers.findIndex((t) => t.name === name)
  return [{ ...last, from: before, direction: rank(last.to) > rank(before) ? 'up' : 'down' }]
}

function trialItem(t: number, start: string | null, end: string | null, tz?: unknown): Item {
  const at = (v: string | null) => (v ? Date.parse(v) : undefined)
  return { k: 'trial', t, start: at(start), end: at(end), ...(Number.isInteger(tz) && Math.abs(tz as number) <= 840 ? { tz: tz as number } : {}) }
}
