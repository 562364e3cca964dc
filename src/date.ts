/**
 * Epoch ms of a date given as epoch ms or as an ISO 8601 string, or undefined. A date without a time
 * ("2026-11-25") is local midnight of that day, as a date-time without an offset is local time:
 * Date.parse takes a bare date as UTC midnight, which west of UTC is the evening before, so a trial
 * starting "2026-11-25" would start on the 24th there.
 */
export function toTime(v: unknown): number | undefined {
  const bare = typeof v === 'string' && /^\d{4}-\d\d-\d\d$/.test(v)
  const t = typeof v === 'number' ? v : typeof v === 'string' ? Date.parse(bare ? v + 'T00:00' : v) : NaN
  // No rollover: "2026-02-30" is not March 2nd.
  return Number.isFinite(t) && !(bare && new Date(t).getDate() !== +(v as string).slice(8)) ? t : undefined
}
