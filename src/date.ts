/**
 * Epoch ms of a date given as epoch ms or as an ISO 8601 string, or undefined. A date without a time
 * ("2026-11-25") is local midnight of that day, as a date-time without an offset is local time:
 * Date.parse takes a bare date as UTC midnight, which west of UTC is the evening before, so a trial
 * starting "2026-11-25" would start on the 24th there.
 */
export function toTime(v: unknown): number | undefined {
  let t = typeof v === 'number' ? v : NaN
  if (typeof v === 'string') {
    const d = /^(\d{4})-(\d\d)-(\d\d)$/.exec(v)
    if (d) {
      const local = new Date(2000, 0, 1)
      local.setFullYear(+d[1], +d[2] - 1, +d[3])
      // No rollover: "2026-02-30" is not March 2nd.
      t = local.getMonth() === +d[2] - 1 && local.getDate() === +d[3] ? local.getTime() : NaN
    } else t = Date.parse(v)
  }
  return Number.isFinite(t) ? t : undefined
}
