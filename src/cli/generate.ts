/**
 * A seeded generator of trial cohorts with a known answer, to prove
 * calibration on (tests, benchmark, `momentkit generate`).
 *
 * Each user is shallow (60%), activated (28%) or a power user (12%); the
 * segment sets how many days they come back and how likely they are to do
 * the planted behaviours. Conversion is then drawn from a logistic model in
 * which only the planted behaviours (done before the user's decision day)
 * count, each multiplying the odds of converting by a known factor:
 *
 *   teammate_invited >= 2 ........ x4
 *   integration_connected >= 1 ... x3
 *   report_exported >= 3 ......... x2.5
 *   active on >= 5 of the first 14 days ... x2
 *
 * Near misses (one invite, one or two exports) make the thresholds matter.
 * Decoys look busy but are drawn independently of everything else
 * (page_viewed, notification_opened, settings_changed, help_viewed,
 * tooltip_seen); proxies (feature_used, project_created, comment_added)
 * follow the segment, so they correlate with conversion without causing it.
 * After converting, users send `upgraded`, then billing_updated and
 * paid_feature_used: perfect predictors if post-conversion data leaked in.
 * Users' events are written grouped by user, in time order; 2% of
 * converters have no convertedAt in the labels (it must be read from
 * `upgraded`).
 */

export const PLANTED = [
  { event: 'teammate_invited', threshold: 2, oddsRatio: 4 },
  { event: 'integration_connected', threshold: 1, oddsRatio: 3 },
  { event: 'report_exported', threshold: 3, oddsRatio: 2.5 },
  { event: '(active days)', threshold: 5, oddsRatio: 2 },
] as const
export const DECOYS = ['page_viewed', 'notification_opened', 'settings_changed', 'help_viewed', 'tooltip_seen'] as const
export const PROXIES = ['feature_used', 'project_created', 'comment_added'] as const
export const LEAKS = ['billing_updated', 'paid_feature_used'] as const

export interface CohortOptions {
  users: number
  seed?: number
  /** Epoch ms of the first cohort day (midnight UTC). */
  start?: number
  /** Days over which trial starts are spread. */
  spread?: number
  /** Log-odds of converting with no planted behaviour. */
  baseLogit?: number
}

export interface CohortSink {
  event(line: string): void
  label(line: string): void
}

/** Small, fast, seeded PRNG (mulberry32): same seed, same cohort, on every machine. */
export function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const DAY = 86_400_000
const HOUR = 3_600_000
const FEATURES = ['boards', 'docs', 'automations', 'dashboards', 'forms', 'calendar', 'timeline', 'goals']
const SEG = [
  // share, daily return chance, invite, integrate, report, events per session
  { share: 0.6, back: 0.05, invite: 0.03, integrate: 0.04, report: 0.02, per: 3 },
  { share: 0.28, back: 0.3, invite: 0.25, integrate: 0.25, report: 0.2, per: 6 },
  { share: 0.12, back: 0.6, invite: 0.5, integrate: 0.45, report: 0.45, per: 9 },
]

/** Writes `users` users' events (NDJSON) and labels (CSV, header first). */
export function generateCohort(o: CohortOptions, sink: CohortSink): { users: number; converters: number; events: number } {
  const r = rng(o.seed ?? 1)
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1))
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]
  const cohort = o.start ?? Date.UTC(2026, 0, 5)
  let converters = 0
  let events = 0
  sink.label('userId,converted,convertedAt\n')
  for (let i = 0; i < o.users; i++) {
    const id = 'u' + String(i).padStart(6, '0')
    const x = r()
    const seg = x < SEG[0].share ? SEG[0] : x < SEG[0].share + SEG[1].share ? SEG[1] : SEG[2]
    const day0 = cohort + int(0, (o.spread ?? 60) - 1) * DAY
    const decide = int(7, 20)
    const seen = Math.min(decide, 14)
    // Sessions per active day: [start, end] in ms.
    const days = new Map<number, Array<[number, number]>>()
    for (let d = 0; d < 35; d++) {
      if (d > 0 && r() > seg.back * (d >= 21 ? 0.4 : 1)) continue
      const list: Array<[number, number]> = []
      for (let s = 0, n = 1 + (r() < 0.3 ? 1 : 0) + (seg.per > 6 && r() < 0.4 ? 1 : 0); s < n; s++) {
        const st = day0 + d * DAY + (8 + 5 * s + r() * 4) * HOUR
        list.push([st, st + (5 + r() * 40) * 60_000])
      }
      days.set(d, list)
    }
    const active = [...days.keys()]
    const inWindow = active.filter((d) => d < seen)
    const at = (ds: number[]) => {
      const [a, b] = pick(days.get(pick(ds))!)
      return a + r() * (b - a)
    }
    const ev: Array<[number, string, Record<string, unknown>?]> = []
    for (const list of days.values()) for (const [a, b] of list) for (let k = int(1, seg.per * 2 - 1); k > 0; k--) {
      const t = a + r() * (b - a)
      const y = r()
      ev.push(y < 0.5 ? [t, 'feature_used', { feature: FEATURES[Math.floor(r() * r() * (seg.per + 2)) % FEATURES.length] }] : [t, y < 0.7 ? 'project_created' : y < 0.85 ? 'comment_added' : 'search_used'])
    }
    // Planted behaviours, done (or nearly) before the decision day.
    const invited = r() < seg.invite
    const integrated = r() < seg.integrate
    const reported = r() < seg.report
    for (let k = invited ? int(2, 4) : r() < 0.3 ? 1 : 0; k > 0; k--) ev.push([at(inWindow), 'teammate_invited', { role: pick(['editor', 'viewer']) }])
    for (let k = integrated ? int(1, 2) : 0; k > 0; k--) ev.push([at(inWindow), 'integration_connected', { app: pick(['slack', 'github', 'gdrive']) }])
    for (let k = reported ? int(3, 6) : r() < 0.4 ? int(1, 2) : 0; k > 0; k--) ev.push([at(inWindow), 'report_exported'])
    // Decoys: counts drawn independently of segment and behaviour, inside existing sessions.
    const decoyDays = active.filter((d) => d < 14)
    for (const [name, mean] of [['page_viewed', 25], ['notification_opened', 4], ['settings_changed', 1.5], ['help_viewed', 2], ['tooltip_seen', 6]] as const)
      for (let k = Math.floor(-Math.log(1 - r()) * mean); k > 0; k--) ev.push([at(decoyDays), name, name === 'page_viewed' ? { path: pick(['/', '/app', '/settings', '/docs']) } : undefined])

    const logit = (o.baseLogit ?? -3.3) + (invited ? Math.log(4) : 0) + (integrated ? Math.log(3) : 0) + (reported ? Math.log(2.5) : 0) + (inWindow.length >= 5 ? Math.log(2) : 0)
    const converted = r() < 1 / (1 + Math.exp(-logit))
    let convertedAt = NaN
    if (converted) {
      converters++
      convertedAt = day0 + decide * DAY + (9 + r() * 8) * HOUR
      ev.push([convertedAt, 'upgraded', { plan: 'pro' }])
      for (let k = int(1, 2); k > 0; k--) ev.push([convertedAt + r() * 5 * DAY, 'billing_updated'])
      for (let k = int(3, 10); k > 0; k--) ev.push([convertedAt + r() * 10 * DAY, 'paid_feature_used', { feature: 'sso' }])
    }
    ev.sort((a, b) => a[0] - b[0])
    for (const [t, name, props] of ev) sink.event(JSON.stringify(props ? { userId: id, name, props, timestamp: new Date(Math.round(t)).toISOString() } : { userId: id, name, timestamp: new Date(Math.round(t)).toISOString() }) + '\n')
    events += ev.length
    sink.label(`${id},${converted ? 'yes' : 'no'},${converted && r() > 0.02 ? new Date(Math.round(convertedAt)).toISOString() : ''}\n`)
  }
  return { users: o.users, converters, events }
}
