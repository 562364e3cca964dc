import type { Logger } from '../log'
import type { Op } from '../store/aggregate'
import type { KV } from '../store/kv'
import { cleanProps, malformed, MAX_PROPS_BYTES } from './event'
import { toJson } from '../json'
import { toTime } from '../date'

export interface Identity {
  anonymousId: string
  userId: string | null
  accountId: string | null
  traits: Record<string, unknown>
  /** Identity verification from the app's server, sent with deliveries. */
  auth?: Verification
}

export interface Verification {
  /** HMAC-SHA256(secret, userId), hex. */
  userHash?: string
  /** Or a JWT whose `sub` is the user id. */
  jwt?: string
}

const uuid = (): string =>
  typeof crypto !== 'undefined' && crypto.randomUUID ? crypto.randomUUID() : Date.now().toString(36) + Math.random().toString(36).slice(2)

export const newIdentity = (): Identity => ({ anonymousId: uuid(), userId: null, accountId: null, traits: {} })

/** Storage key of a user's state: the user id once known, else the anonymous id. */
export const userKey = (i: Identity): string => (i.userId ? 'u:' + i.userId : 'a:' + i.anonymousId)

/**
 * The traits of a user named again: the new ones over the old. Each identify() takes up to 16 KB; over
 * many calls with new keys they would grow without end (stored, and sent with every identify message):
 * past 16 KB in all, the new traits replace the old ones.
 */
function merged(old: Record<string, unknown>, t: Record<string, unknown>, log: Logger): Record<string, unknown> {
  const all = { ...old, ...t }
  if (toJson(all).length <= MAX_PROPS_BYTES) return all
  log.warn(`identify(): the user's traits grew past ${MAX_PROPS_BYTES / 1024} KB; earlier traits not given again are dropped`, 'traits-size')
  return t
}

/** An account id the payload schema takes (it goes on every message of the user). */
const badAccount = (a: string) => !a.trim() || a.length > 1000

export async function readIdentity(kv: KV): Promise<Identity> {
  // Read-or-create in one transaction: two tabs opened together must agree on one anonymous id.
  return kv.update<Identity>('identity', (stored) =>
    stored && typeof stored.anonymousId === 'string' && (stored.userId === null || typeof stored.userId === 'string')
      ? // An empty account id stored by an earlier version would still get every batch refused.
        typeof stored.accountId === 'string' && badAccount(stored.accountId) ? { ...stored, accountId: null } : stored
      : newIdentity(),
  )
}

/** Trial dates from identify traits (`trialStart`, `trialEnd`: ISO strings or epoch ms; a bare date is local midnight); a `paying` trait that is not a boolean is warned about. */
export function traitsOps(traits: Record<string, unknown>, log: Logger): Op[] {
  const start = toTime(traits.trialStart)
  const end = toTime(traits.trialEnd)
  if (traits.trialStart !== undefined && start === undefined) log.warn('identify(): traits.trialStart is not a date; ignored')
  if (traits.trialEnd !== undefined && end === undefined) log.warn('identify(): traits.trialEnd is not a date; ignored')
  // "true" as a string would be read as no answer, and the plan guessed: say so.
  if (traits.paying !== undefined && typeof traits.paying !== 'boolean') log.warn('identify(): traits.paying is not true or false; the plan decides who pays')
  return start === undefined && end === undefined ? [] : [{ k: 'trial', start, end }]
}

// Within the payload schema's limits: an empty hash would get every batch of the user refused.
const str = (v: unknown) => (typeof v === 'string' && v && v.length < 4096 ? v : undefined)

/**
 * The identity after identify(userId, traits, verification), and the ops its
 * traits imply (trial dates); null (with a warning) for unusable input.
 * Traits merge for the same user and start over for another one.
 */
export function nextIdentity(cur: Identity, userId: unknown, traits: unknown, verification: unknown, log: Logger): { next: Identity; ops: Op[] } | null {
  // A number as its string; NaN (parseInt of a missing id) would make every such visitor one person "NaN".
  const id = typeof userId === 'number' && Number.isFinite(userId) ? String(userId) : userId
  // It goes on every message of the user: one with a lone surrogate would get every batch refused.
  if (typeof id !== 'string' || !id.trim() || id.length > 200 || malformed(id)) return log.warn('identify() dropped: userId must be a non-empty string of at most 200 characters'), null
  const clean = cleanProps(traits)
  if (clean.problem) return log.warn(`identify() dropped: traits ${clean.problem.replace(/^props/, '')}`), null
  const t = clean.props ?? {}
  const same = id === cur.userId
  const v = verification && typeof verification === 'object' ? (verification as Verification) : null
  // It goes on every message of the user: one the payload schema refuses (empty, over 1000
  // characters) would get all of them refused, tier crossings included.
  let account = t.accountId != null ? String(t.accountId) : undefined
  if (account !== undefined && badAccount(account)) {
    log.warn('identify(): traits.accountId must be a non-empty string of at most 1000 characters; ignored')
    account = undefined
  }
  const next: Identity = {
    anonymousId: cur.anonymousId,
    userId: id,
    accountId: account ?? (same ? cur.accountId : null),
    traits: same ? merged(cur.traits, t, log) : t,
    auth: v ? { userHash: str(v.userHash), jwt: str(v.jwt) } : same ? cur.auth : undefined,
  }
  return { next, ops: traitsOps(t, log) }
}
