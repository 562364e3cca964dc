/*
 * The "product": a workspace of projects, teammates and integrations, kept in
 * localStorage per user (a real app keeps it on its server). Every action
 * calls momentkit.track() with a conventional event name; `at` backfills a
 * past action (used by the simulation).
 */
import { DAY, sdk } from './dom.js'

export const FREE_PROJECTS = 3
export const TRIAL_DAYS = 14
export const INTEGRATIONS = [
  ['slack', 'Slack'],
  ['github', 'GitHub'],
  ['google_drive', 'Google Drive'],
  ['jira', 'Jira'],
]
/** Core features a project offers; `pro` ones are paid features (free during the trial). */
export const FEATURES = [
  ['board', 'Board'],
  ['docs', 'Docs'],
  ['reports', 'Reports'],
  ['automations', 'Automations'],
  ['timeline', 'Timeline', { pro: true }],
]

const SESSION = 'acme-demo:session'
const storeKey = (userId) => 'acme-demo:workspace:' + (userId || '(anonymous)')

const read = (key) => {
  try {
    return JSON.parse(localStorage.getItem(key) || 'null')
  } catch {
    return null
  }
}
const write = (key, value) => localStorage.setItem(key, JSON.stringify(value))

const fresh = (now = Date.now()) => ({ trialStart: now, trialEnd: now + TRIAL_DAYS * DAY, projects: [], team: [], integrations: [] })

/** Who is signed in (the app's own session, like a cookie), or null. */
export let session = read(SESSION)
export let ws = read(storeKey(session?.userId)) || fresh()

const listeners = new Set()
/** `fn(kind, detail)` after every action: kind is the event name, or 'identify' / 'reset'. */
export const subscribe = (fn) => listeners.add(fn)

function changed(kind, detail) {
  write(storeKey(session?.userId), ws)
  listeners.forEach((fn) => fn(kind, detail))
}

function track(name, props, at) {
  sdk().track(name, props, at === undefined ? undefined : { at })
  changed(name, { props, at })
}

/**
 * Tells MomentKit who this is, with the trial dates and account (on sign-in and every page load).
 * The app's server signs the user id (HMAC, scripts/demo.mjs); the collector checks it, so nobody
 * can send tier crossings "as" someone else.
 */
async function identify() {
  const { userId, accountId } = session
  const r = await fetch('/api/session', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ userId }) })
  if (!r.ok) throw new Error(`sign-in failed: HTTP ${r.status}`)
  const { userHash } = await r.json()
  sdk().identify(
    userId,
    { accountId: accountId || undefined, plan: 'trial', trialStart: new Date(ws.trialStart).toISOString(), trialEnd: new Date(ws.trialEnd).toISOString() },
    { userHash },
  )
}

/** Signs in; a new user starts a 14-day trial today and adopts what they did while anonymous. */
export async function signIn(userId, accountId) {
  const wasAnonymous = !session
  if (session && session.userId !== userId) await handOver()
  session = { userId, accountId }
  write(SESSION, session)
  const stored = read(storeKey(userId))
  ws = stored || (wasAnonymous ? { ...fresh(), projects: ws.projects, team: ws.team, integrations: ws.integrations } : fresh())
  changed('identify', { userId, accountId })
  await identify()
}

/**
 * Before switching users, deliver what is queued: the SDK signs batches with the current
 * user's verification only, so the previous user's messages sent later would be refused.
 */
async function handOver() {
  try {
    await sdk().flush()
  } catch (e) {
    console.warn('demo: flush before switching users failed', e)
  }
}

/** Restores the session on page load. */
export async function resume() {
  changed('resume')
  if (session) await identify()
}

export async function logOut() {
  if (session) await handOver()
  sdk().reset()
  session = null
  localStorage.removeItem(SESSION)
  localStorage.removeItem(storeKey(null))
  ws = fresh()
  changed('reset')
}

/** Moves the trial's start `days` back (the simulation plays those days), and its end with it. */
export async function startTrialDaysAgo(days, now = Date.now()) {
  ws.trialStart = now - days * DAY
  ws.trialEnd = ws.trialStart + TRIAL_DAYS * DAY
  await identify()
  changed('trial', {})
}

/** Whole days since the trial started (0 on its first day). */
export const trialDaysSoFar = (now = Date.now()) => Math.floor((now - ws.trialStart) / DAY)

/** Creates a project, or hits the Free plan's limit (returns false). */
export function createProject(name, at) {
  if (ws.projects.length >= FREE_PROJECTS) {
    track('limit_reached', { limit: 'projects', max: FREE_PROJECTS }, at)
    return false
  }
  ws.projects.push({ name, created: at ?? Date.now() })
  track('project_created', { project: name }, at)
  return true
}

export function useFeature(feature, project, at) {
  const pro = FEATURES.find(([id]) => id === feature)?.[2]?.pro
  if (pro) track('paid_feature_used', { feature, project }, at)
  track('feature_used', { feature, project }, at)
}

export const shareProject = (project, at) => track('share_link_created', { project }, at)

export function invite(email, at) {
  if (!ws.team.includes(email)) ws.team.push(email)
  track('teammate_invited', { role: 'member' }, at)
}

export function connect(integration, at) {
  if (!ws.integrations.includes(integration)) ws.integrations.push(integration)
  track('integration_connected', { integration }, at)
}

export const importData = (at) => track('data_imported', { source: 'csv' }, at)
export const viewPricing = (at) => track('pricing_viewed', undefined, at)
