/**
 * Account-level PQL: several engaged users of one account are a stronger
 * buying signal than one power user. The rule is a list of clauses, any of
 * which flags the account: "at least `min` users at `tier` or above".
 */
import { json, type Queryable, ts } from './db'

export type AccountRule = Array<{ tier: string; min: number }>

/** `pql:2,moderate:3` -> [{tier:'pql',min:2},{tier:'moderate',min:3}]; throws on unknown tiers or bad counts. */
export function parseAccountRule(text: string, tiers: readonly string[]): AccountRule {
  const rule = text.split(',').map((part) => {
    const [tier, n] = part.trim().split(':')
    const min = Number(n)
    if (!tiers.includes(tier)) throw new Error(`account rule "${text}": unknown tier "${tier}" (tiers: ${tiers.join(', ')})`)
    if (!Number.isInteger(min) || min < 1) throw new Error(`account rule "${text}": "${part}" needs a user count of 1 or more, as tier:count`)
    return { tier, min }
  })
  if (!rule.length) throw new Error('account rule is empty')
  return rule
}

export const describeRule = (rule: AccountRule): string => rule.map((c) => `${c.min}+ users at ${c.tier} or above`).join(', or ')

/**
 * Whether an account is flagged, given how many of its users are in each
 * tier; `clause` says which clause held (the first that did), for the inbox.
 */
export function evaluateAccount(rule: AccountRule, tiers: readonly string[], counts: Record<string, number>): { flagged: boolean; clause: string | null } {
  for (const c of rule) {
    const from = tiers.indexOf(c.tier)
    const n = tiers.reduce((sum, t, i) => sum + (i >= from ? counts[t] || 0 : 0), 0)
    if (n >= c.min) return { flagged: true, clause: `${n} users at ${c.tier} or above (rule: ${c.min}+)` }
  }
  return { flagged: false, clause: null }
}

export interface AccountMember {
  user_id: string | null
  key: string
  score: number
  tier: string
  reasons: string[]
}

export interface AccountUpdate {
  accountId: string
  flagged: boolean
  /** Flagged by this update (it was not before): alert sales. */
  newlyFlagged: boolean
  clause: string | null
  counts: Record<string, number>
  members: AccountMember[]
}

/**
 * Recounts one account from its users' current tiers (bounded: one
 * account's users, not the table). The account row is locked first, so
 * two batches for users of one account flag it once. `verifiedOnly` (identity
 * verification is on) counts identified users only: an anonymous visitor can
 * claim any account id, and must not be able to flag someone's account.
 */
export async function recountAccount(q: Queryable, accountId: string, rule: AccountRule, tiers: readonly string[], now: number, verifiedOnly = false): Promise<AccountUpdate> {
  await q.query('insert into accounts (account_id) values ($1) on conflict (account_id) do nothing', [accountId])
  const [prev] = await q.query('select flagged from accounts where account_id = $1 for update', [accountId])
  const members = await q.query<AccountMember>(
    `select user_id, key, score, tier, reasons from users
     where account_id = $1 and merged_into is null and tier is not null${verifiedOnly ? ' and user_id is not null' : ''} order by score desc, key limit 200`,
    [accountId],
  )
  const counts: Record<string, number> = {}
  for (const m of members) counts[m.tier] = (counts[m.tier] || 0) + 1
  const { flagged, clause } = evaluateAccount(rule, tiers, counts)
  const newlyFlagged = flagged && !prev.flagged
  await q.query(
    `update accounts set users = $2, tiers = ($3::text)::jsonb, top_score = $4, flagged = $5, rule = $6,
       flagged_at = case when $5 then coalesce(case when flagged then flagged_at end, $7::timestamptz) end, updated_at = $7::timestamptz
     where account_id = $1`,
    [accountId, members.length, json(counts), members[0]?.score ?? 0, flagged, clause, ts(now)],
  )
  return { accountId, flagged, newlyFlagged, clause, counts, members: members.slice(0, 10) }
}
