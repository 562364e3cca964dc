import type { Aggregates } from './aggregate'
import type { TierState } from '../score/tier'

/**
 * Checks of what is read back from storage. Another version of the SDK, a hand-edited value or a
 * broken disk can leave anything there; a value that passes is safe to apply ops to and to score.
 */
export const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x)
export const isNum = (x: unknown): x is number => typeof x === 'number' && isFinite(x)
const optNum = (x: unknown) => x === undefined || isNum(x)
export const nums = (m: unknown): boolean => isObj(m) && Object.values(m).every(isNum)
const maps = (m: unknown): boolean => isObj(m) && Object.values(m).every(nums)

function bucket(b: unknown): boolean {
  return isObj(b) && nums(b.e) && (b.d === undefined || maps(b.d)) && optNum(b.s) && optNum(b.sl) && optNum(b.sc) && (b.a === undefined || b.a === 1) && optNum(b.h)
}

/** Aggregates of the shape this version writes, with numbers where numbers go. */
export function validAggregates(a: unknown): a is Aggregates {
  if (!isObj(a) || a.v !== 1 || !isNum(a.tz) || !isObj(a.days)) return false
  for (const [k, b] of Object.entries(a.days)) if (!Number.isInteger(Number(k)) || !bucket(b)) return false
  const s = a.session
  return (
    nums(a.total) && nums(a.first) && nums(a.last) && maps(a.distinct) &&
    (s === null || (isObj(s) && isNum(s.start) && isNum(s.last))) &&
    isNum(a.seen) && isNum(a.lastActive) && isNum(a.prevVisit) && isNum(a.n) && optNum(a.trialStart) && optNum(a.trialEnd) &&
    (a.w === undefined || (Array.isArray(a.w) && a.w.every((x) => typeof x === 'string'))) && optNum(a.r)
  )
}

export const validTier = (t: unknown): t is TierState => isObj(t) && typeof t.tier === 'string' && isNum(t.since) && isNum(t.score) && nums(t.entered)
