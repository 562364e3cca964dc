import { isNum, isObj } from '../config/rules'
import type { Aggregates } from './aggregate'
import type { TierState } from '../score/tier'

/**
 * Checks of what is read back from storage. Another version of the SDK, a hand-edited value or a
 * broken disk can leave anything there; a value that passes is safe to apply ops to and to score.
 */
export { isObj }
/** An object whose every value passes `f`. */
export const all = (x: unknown, f: (v: unknown) => boolean): boolean => isObj(x) && Object.values(x).every(f)
/** Finite numbers, in objects and arrays nested at any depth. */
export const nested = (x: unknown): boolean => isNum(x) || x === undefined || (typeof x === 'object' && x !== null && Object.values(x).every(nested))
/** Each of `keys` (space-separated) is a finite number. */
const has = (o: Record<string, unknown>, keys: string): boolean => keys.split(' ').every((k) => isNum(o[k]))
export const times = (x: unknown): boolean => Array.isArray(x) && x.every(isNum)

/** Aggregates of the shape this version writes, with numbers where numbers go. */
export function validAggregates(a: unknown): a is Aggregates {
  return (
    isObj(a) && a.v === 1 && has(a, 'tz seen lastActive prevVisit n') && 'days total first last distinct'.split(' ').every((k) => isObj(a[k])) &&
    all(a.days, (b) => isObj(b) && isObj(b.e)) && (a.session === null || (isObj(a.session) && has(a.session, 'start last'))) &&
    // The write ids and visitor keys (strings) are read only as arrays of them, whatever is there.
    nested({ ...a, w: 0, m: 0 })
  )
}

export const validTier = (t: unknown): t is TierState => isObj(t) && typeof t.tier === 'string' && has(t, 'since score') && isObj(t.entered) && nested(t.entered)
