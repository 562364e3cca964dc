/*
 * Acme Projects, a demo SaaS app: draws the workspace, wires its buttons to
 * the actions in workspace.js (each one a momentkit.track() call) and starts
 * the live MomentKit panel. Plain DOM, no framework, no inline handlers.
 */
import { $, el, fill, plural, when } from './dom.js'
import * as app from './workspace.js'
import { FEATURES, FREE_PROJECTS, INTEGRATIONS, TRIAL_DAYS } from './workspace.js'
import { start as startPanel } from './panel.js'
import { simulateTrial } from './simulate.js'

const MAX_LOG = 10
/** "Jump to the trial's last days" leaves this many days (the trial banner targets the last 3). */
const JUMP_DAYS_LEFT = 2
let simulating = false
const randomUserId = () => 'u-' + Math.floor(1000 + Math.random() * 9000)

// ---------- drawing the workspace ----------

function draw() {
  const { ws, session } = app
  $('plan-usage').textContent = `${ws.projects.length} of ${FREE_PROJECTS} projects on the Free plan`
  $('project-empty').hidden = ws.projects.length > 0
  if (ws.projects.length < FREE_PROJECTS) $('limit-notice').hidden = true
  fill(
    $('project-list'),
    ws.projects.map((p) =>
      el('li', { class: 'project' }, [
        el('div', { class: 'row' }, [el('strong', { text: p.name }), el('span', { class: 'hint', text: 'created ' + when(p.created) })]),
        el('div', { class: 'actions', role: 'group', 'aria-label': `Open ${p.name} in a view` }, [
          ...FEATURES.map(([id, label, o]) =>
            el('button', { type: 'button', class: o?.pro ? 'pro' : undefined, 'data-feature': id, 'data-project': p.name }, [
              label,
              o?.pro ? el('span', { class: 'tag', text: 'Pro' }) : null,
            ]),
          ),
          el('button', { type: 'button', 'data-share': p.name, text: 'Share link' }),
        ]),
      ]),
    ),
  )
  fill($('team-list'), ws.team.map((email) => el('li', { text: email })), 'Just you so far.')
  fill(
    $('integrations'),
    INTEGRATIONS.map(([id, label]) => {
      const on = ws.integrations.includes(id)
      return el('li', {}, [
        el('span', { text: label }),
        el('button', { type: 'button', 'data-connect': id, disabled: on, 'aria-label': on ? `${label} connected` : `Connect ${label}`, text: on ? 'Connected ✓' : 'Connect' }),
      ])
    }),
  )
  if (!session) $('who').textContent = 'Not signed in (anonymous)'
  $('simulate').disabled = simulating
  $('trial-end').disabled = simulating
}

function logEvent(kind, detail) {
  if (kind === 'resume' || kind === 'trial') return
  const props = detail?.props && Object.keys(detail.props).length ? JSON.stringify(detail.props) : ''
  const text =
    kind === 'identify' ? `identify("${detail.userId}")` : kind === 'reset' ? 'reset()' : kind
  const extra = kind === 'identify' ? (detail.accountId ? `account ${detail.accountId}` : '') : kind === 'reset' ? 'logged out: new anonymous user' : props
  const at = detail?.at ?? Date.now()
  const log = $('event-log')
  log.prepend(
    el('li', { class: detail?.at ? 'backfilled' : undefined }, [
      el('code', { text }),
      extra ? el('span', { class: 'detail', text: extra }) : null,
      el('time', { datetime: new Date(at).toISOString(), text: when(at) }),
    ]),
  )
  while (log.children.length > MAX_LOG) log.lastElementChild.remove()
  $('event-log-empty').hidden = true
}

app.subscribe((kind, detail) => {
  logEvent(kind, detail)
  if (kind === 'limit_reached') $('limit-notice').hidden = false
  if (kind === 'identify' || kind === 'reset') $('user-id').value = app.session?.userId ?? randomUserId()
  draw()
})

// ---------- wiring ----------

$('new-project').addEventListener('submit', (e) => {
  e.preventDefault()
  const name = $('project-name').value.trim() || `Project ${app.ws.projects.length + 1}`
  if (app.createProject(name)) $('project-name').value = ''
  else $('limit-notice').querySelector('button').focus()
})

$('invite').addEventListener('submit', (e) => {
  e.preventDefault()
  const input = $('invite-email')
  if (!input.value.trim() || !input.checkValidity()) return input.reportValidity()
  app.invite(input.value.trim())
  input.value = ''
})

document.addEventListener('click', (e) => {
  const btn = e.target instanceof Element ? e.target.closest('button') : null
  if (!btn) return
  const d = btn.dataset
  if (d.feature) app.useFeature(d.feature, d.project)
  else if (d.share) app.shareProject(d.share)
  else if (d.connect) app.connect(d.connect)
  else if (d.action === 'import') app.importData()
  else if (d.action === 'pricing') openPricing()
  // Reached only when MomentKit lets the click through: it stops clicks on data-momentkit-gate
  // buttons whose feature the plan lacks and shows the gate moment instead. If the SDK did not
  // load (gates fail open), the app falls back to its own answer: no plan here includes SSO.
  else if (d.action === 'sso') openPricing()
})

function openPricing() {
  app.viewPricing()
  if (!$('pricing').open) $('pricing').showModal()
}

const failed = (err) => {
  console.error('demo:', err)
  $('simulate-status').textContent = `Sign-in failed: ${err.message}`
}

$('sign-in').addEventListener('submit', (e) => {
  e.preventDefault()
  const userId = $('user-id').value.trim()
  if (!userId) return $('user-id').focus()
  app.signIn(userId, $('account-id').value.trim()).catch(failed)
})

$('reset').addEventListener('click', () => app.logOut().catch(failed))

// What a cookie banner's "Reject" and "Accept" do: optOut() stops tracking, delivery and moments in
// every tab and deletes what MomentKit stored here; optIn() starts it again. MomentKit remembers the
// choice under momentkit:<namespace>:consent (README, Consent).
const showConsent = (out) => {
  $('consent').setAttribute('aria-pressed', String(out))
  $('consent').textContent = out ? 'Opt back in to tracking' : 'Opt out of tracking'
}
showConsent(localStorage.getItem('momentkit:acme-demo:consent') === 'denied')
$('consent').addEventListener('click', () => {
  const out = $('consent').getAttribute('aria-pressed') !== 'true'
  if (out) window.momentkit.optOut()
  else window.momentkit.optIn()
  showConsent(out)
})

// Moves the trial so it ends in two days (same user, same activity): identify() tells MomentKit the
// new dates and the trial-ending banner, which targets the last 3 days, comes up.
$('trial-end').addEventListener('click', async () => {
  const status = $('simulate-status')
  try {
    if (!app.session) await app.signIn($('user-id').value.trim() || randomUserId(), $('account-id').value.trim())
    await app.startTrialDaysAgo(TRIAL_DAYS - JUMP_DAYS_LEFT)
    status.textContent = `The trial of ${app.session.userId} now ends in ${plural(JUMP_DAYS_LEFT, 'day')} (it started ${plural(TRIAL_DAYS - JUMP_DAYS_LEFT, 'day')} ago): the trial banner shows.`
  } catch (err) {
    status.textContent = `Could not move the trial: ${err.message}`
  }
})

$('simulate').addEventListener('click', async () => {
  const status = $('simulate-status')
  simulating = true
  draw()
  try {
    if (!app.session) await app.signIn($('user-id').value.trim() || randomUserId(), $('account-id').value.trim())
    await simulateTrial((day, of) => (status.textContent = `Playing day ${day} of ${of}…`))
    status.textContent = `Done: ${plural(6, 'day')} of trial activity for ${app.session.userId}, backfilled. Check the score and the sales inbox.`
  } catch (err) {
    status.textContent = `Simulation failed: ${err.message}`
  } finally {
    simulating = false
    draw()
  }
})

// ---------- start ----------

startPanel()
// First visit: land signed in as a fresh trial user, as right after a signup.
if (!app.session && !localStorage.getItem('acme-demo:visited')) {
  localStorage.setItem('acme-demo:visited', '1')
  app.signIn(randomUserId(), $('account-id').value.trim()).catch(failed)
} else app.resume().catch(failed)
$('user-id').value = app.session?.userId ?? randomUserId()
if (app.session?.accountId) $('account-id').value = app.session.accountId

// Moment CTAs configured with { "action": "pricing" } open the app's own pricing dialog.
window.momentkit.action('pricing', openPricing)
// The activation nudge's "Show me": take the user to the first step it suggests, inviting a teammate.
window.momentkit.action('activation', () => {
  const input = $('invite-email')
  input.scrollIntoView({ block: 'center', behavior: 'smooth' })
  input.focus({ preventScroll: true })
})
