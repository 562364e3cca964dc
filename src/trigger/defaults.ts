import type { Moment } from './types'

/** Engaged users (pql, hot) get the trial banners' stronger words: what they would lose. */
const engagedTrial = { title: 'Don’t lose your momentum', body: 'Keep {{topFeature}} and all your team built: choose a plan.' }
/** For an engaged user with no top feature yet. */
const keepAll = { body: 'Keep all your team built: choose a plan.' }

/**
 * The shipped moment set (`"moments": "default"`): engaged users (pql, hot)
 * see upgrade moments early and more often, low-engagement users see
 * activation help instead of upgrade copy, and trial users get a banner in
 * the last 3 days (stronger for engaged tiers), a "trial ended" banner for
 * two weeks after, and a widget. Paying customers (DecisionState.paying) see
 * none of the upgrade moments or trial banners. Copy uses {{placeholders}}
 * filled from what the user did, with a fallback where it names a top
 * feature the user does not have yet, or projects the app never reported.
 */
export const defaultMoments: Moment[] = [
  {
    id: 'upgrade-hot', kind: 'upgrade', on: { tierEntered: ['hot'] }, target: { tiers: ['hot'], paying: false }, priority: 30,
    cap: { perDay: 1, total: 5, cooldownHours: 12 }, snoozeHours: 24,
    copy: { en: { title: 'Your team is getting real value', body: 'You used {{topFeature}} {{topFeatureCount}} time{{s.topFeatureCount}} recently. Upgrade to keep your team moving.', cta: 'See plans', dismiss: 'Not now', fallback: { body: 'Upgrade to keep your team moving: paid plans lift every limit.' } } },
    cta: { url: '/pricing' },
  },
  {
    id: 'upgrade-pql', kind: 'upgrade', variant: 'slidein', on: { tierEntered: ['pql'] }, target: { tiers: ['pql', 'hot'], paying: false }, priority: 20,
    cap: { perDay: 1, total: 3, cooldownHours: 24 }, snoozeHours: 72,
    copy: { en: { title: 'Ready for more?', body: 'You are using {{topFeature}} a lot. Paid plans lift the limits.', cta: 'Compare plans', dismiss: 'Later', fallback: { body: 'You are making the most of your plan. Paid plans lift the limits.' } } },
    cta: { url: '/pricing' },
  },
  {
    id: 'activation', kind: 'nudge', on: { tierEntered: ['low'] }, target: { tiers: ['low'] }, priority: 10,
    cap: { perDay: 1, total: 3, cooldownHours: 48 }, snoozeHours: 168,
    copy: { en: { title: 'Get set up in 2 minutes', body: 'Invite a teammate or connect an integration to see what the product can do.', cta: 'Show me' } },
    cta: { action: 'activation' },
  },
  {
    id: 'trial-ending', kind: 'trial', target: { trial: { min: 1, max: 3 }, paying: false }, priority: 15, snoozeHours: 24,
    copy: { en: { title: 'Your trial ends soon', body: 'Keep your {{projects}} project{{s.projects}} and your team’s work.', cta: 'Choose a plan', engaged: engagedTrial, fallback: keepAll } },
    cta: { url: '/pricing' },
  },
  {
    id: 'trial-ended', kind: 'trial', target: { trial: { min: -14, max: 0 }, paying: false }, priority: 15, snoozeHours: 72,
    copy: { en: { title: 'Your trial has ended', body: 'Choose a plan to pick up where you left off.', cta: 'Choose a plan', engaged: engagedTrial, fallback: keepAll } },
    cta: { url: '/pricing' },
  },
  {
    id: 'plan-widget', kind: 'widget', target: { plans: ['trial', 'free'] }, snoozeHours: 168,
    copy: { en: { title: '{{plan}} plan', body: 'Upgrade any time to unlock every feature.' } },
    cta: { url: '/pricing' },
  },
]
