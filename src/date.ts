/**
 * Epoch ms of a date given as epoch ms or as an ISO 8601 string, or undefined. A date without a time
 * ("2026-11-25") is local midnight of that day, as a date-time without an offset is local time:
 * Date.parse takes a bare date as UTC midnight, which west of UTC is the evening before, so a trial
 * starting "2026-11-25" would start on the 24th there.
 */
export function toTime(v: unknown): number | undefined {
  const d = typeof v === 'string' ? /^(\d{4})-(\d\d)-(\d\d)/.exec(v) : null
  const t = typeof v === 'number' ? v : typeof v === 'string' ? Date.parse(d && v.length === 10 ? v + 'T00:00' : v) : NaN
  // No rollover: "2026-02-30" (with a time or not) is not March 2nd.
  return Number.isFinite(t) && !(d && new Date(Date.UTC(+d[1], +d[2] - 1, +d[3])).getUTCDate() !== +d[3]) ? t : undefined
}
