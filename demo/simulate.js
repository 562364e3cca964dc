/*
 * "Simulate 6 days of trial activity": moves the trial's start 6 days back
 * (unless it already started earlier: after "Jump to the trial's last days"),
 * then replays a believable first week through the same actions as the
 * buttons, backfilled with `track(name, props, { at })`. Days are played in
 * chronological order (the SDK cuts backfilled sessions per day in the order
 * given) with a short pause between them, so the score visibly climbs
 * through the tiers. Together with today's visit the user is active 7 of the
 * first 14 days and meets the "activated team" criterion.
 */
import * as app from './workspace.js'

const DAYS = 6
const PAUSE_MS = 700

/** Day `daysAgo` before today, at hh:mm local time. */
function at(daysAgo, hh, mm) {
  const d = new Date()
  d.setDate(d.getDate() - daysAgo)
  d.setHours(hh, mm, 0, 0)
  return d.getTime()
}

/** One entry per day, oldest first: [hour, minute, action]. */
const WEEK = [
  [[9, 30, (t) => app.createProject('Website redesign', t)], [9, 34, (t) => app.useFeature('board', 'Website redesign', t)], [9, 41, (t) => app.useFeature('docs', 'Website redesign', t)]],
  [[10, 5, (t) => app.invite('sam@globex.example', t)], [10, 9, (t) => app.connect('slack', t)], [10, 20, (t) => app.useFeature('board', 'Website redesign', t)]],
  [[14, 0, (t) => app.createProject('Q3 launch', t)], [14, 6, (t) => app.useFeature('reports', 'Q3 launch', t)], [14, 15, (t) => app.shareProject('Q3 launch', t)]],
  [[9, 50, (t) => app.createProject('Mobile app', t)], [9, 55, (t) => app.invite('lee@globex.example', t)], [10, 2, (t) => app.importData(t)]],
  [[11, 10, (t) => app.useFeature('automations', 'Q3 launch', t)], [11, 18, (t) => app.useFeature('timeline', 'Q3 launch', t)], [11, 25, (t) => app.viewPricing(t)]],
  [[16, 40, (t) => app.useFeature('board', 'Mobile app', t)], [16, 44, (t) => app.createProject('Client portal', t)], [16, 46, (t) => app.viewPricing(t)]],
]

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

/**
 * Plays the week for the signed-in user. `progress(day, of)` is called after each day.
 * @example await simulateTrial((d, n) => console.log(`day ${d} of ${n}`))
 */
export async function simulateTrial(progress) {
  if (!app.session) throw new Error('sign in first')
  if (app.trialDaysSoFar() < DAYS) await app.startTrialDaysAgo(DAYS)
  for (let i = 0; i < WEEK.length; i++) {
    const daysAgo = DAYS - i
    for (const [hh, mm, action] of WEEK[i]) action(at(daysAgo, hh, mm))
    progress(i + 1, WEEK.length)
    await sleep(PAUSE_MS)
  }
}
