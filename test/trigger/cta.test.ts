import { describe, expect, it } from 'vitest'
import { safeHref, unsafeUrl } from '../../src/trigger/cta'
import { copyVars, isEngaged, pickCopy, renderCopy } from '../../src/trigger/copy'

describe('unsafeUrl', () => {
  it.each([
    'https://acme.test/billing',
    'http://acme.test/x',
    'HTTPS://acme.test',
    '/billing?plan=pro',
    './upgrade',
    'upgrade',
    '#pricing',
    '?plan=pro',
  ])('accepts %j', (url) => expect(unsafeUrl(url)).toBeNull())
  it.each([
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    ' javascript:alert(1)',
    'java\tscript:alert(1)',
    'java\nscript:alert(1)',
    'java\u0000script:alert(1)',
    '\u0001javascript:alert(1)',
    'javascript\u00a0:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'vbscript:msgbox(1)',
    'file:///etc/passwd',
    '//evil.example/x',
    '/\\evil.example/x',
    '\\\\evil.example',
    'ht\ttps://acme.test/pricing',
    ' https://acme.test/pricing',
    'https://acme.test/a b',
    'https://acme.test\\@evil.test',
    '',
    '   ',
    42,
  ])('refuses %j', (url) => expect(unsafeUrl(url)).not.toBeNull())
})

describe('safeHref', () => {
  const base = 'https://app.acme.test/projects/1'
  it('resolves relative paths on the same origin', () => expect(safeHref('/billing', base)).toBe('https://app.acme.test/billing'))
  it('keeps absolute http(s) links', () => expect(safeHref('https://acme.test/pricing', base)).toBe('https://acme.test/pricing'))
  it('refuses tricks at run time too', () => expect(safeHref(' javascript:alert(1)', base)).toBeNull())
  // A URL config accepts must be a link at run time, not a dead button.
  it.each(['https://acme.test/pricing', 'HTTP://acme.test', '/billing', 'upgrade', '#pricing', 'ht\ttps://acme.test/pricing', 'https://acme.test\\@evil.test'])(
    'agrees with unsafeUrl on %j',
    (url) => expect(safeHref(url, base) === null).toBe(unsafeUrl(url) !== null),
  )
})

describe('copy', () => {
  const copy = { en: { title: 'Hi {{name}}', body: '{{daysLeft}} days left' }, fr: { title: 'Salut {{name}}' }, 'pt-BR': { title: 'Olá {{name}}' } }
  it.each([
    ['fr-CA', 'Salut {{name}}'],
    ['pt-BR', 'Olá {{name}}'],
    ['de', 'Hi {{name}}'],
    // Language tags are case-insensitive (BCP 47): "pt-br" is "pt-BR", "FR" is "fr".
    ['pt-br', 'Olá {{name}}'],
    ['FR', 'Salut {{name}}'],
    // A name of Object.prototype is no locale.
    ['constructor', 'Hi {{name}}'],
  ])('%s picks %s', (locale, title) => expect(pickCopy(copy, locale).title).toBe(title))
  it('fills placeholders as text, leaving unknown ones', () => {
    expect(renderCopy({ title: '<b>{{name}}</b> {{x}}', body: '{{daysLeft}} days' }, { name: '<img onerror=1>', daysLeft: 3 })).toEqual({ title: '<b><img onerror=1></b> {{x}}', body: '3 days' })
  })
  it('names the score, tier, plan, days left, top feature and signals', () => {
    const r = { score: 72, topFeatures: [{ name: 'export', count: 4 }], signals: { teammates_invited: { value: 2 }, projects_created: { value: null } } } as never
    const day = 86_400_000
    expect(copyVars(r, 'pql', 'trial', 3 * day - 1, 0)).toMatchObject({
      score: 72, tier: 'pql', plan: 'trial', daysLeft: 3, topFeature: 'export', topFeatureCount: 4,
      'signal.teammates_invited': 2, 'signal.projects_created': 0, invites: 2, projects: 0,
    })
    // No top feature, no invites or projects ever sent nor signals of them: unknown, not "used 0 times", "your 0 projects"
    // (copy naming them takes its fallback or waits).
    expect(copyVars(null, null, null, null, 0)).toEqual({ score: 0, tier: '', plan: '', 's.score': 's' })
  })
  it('{{projects}} and {{invites}} count the events all time, with or without the signals of those ids', () => {
    const r = (signals: object) => ({ score: 72, topFeatures: [], signals } as never)
    // five-dimension has no projects signal: the events are counted all the same.
    expect(copyVars(r({}), null, null, null, 0, { project_created: 5, teammate_invited: 1 })).toMatchObject({ projects: 5, invites: 1 })
    // four-category counts projects of the last 14 days: the copy says all the user's projects.
    expect(copyVars(r({ projects_created: { value: 2 } }), null, null, null, 0, { project_created: 10 })).toMatchObject({ projects: 10, 'signal.projects_created': 2 })
    // None of those events (a model that counts other ones under those ids): the signal's value, else unknown.
    const v = copyVars(r({ teammates_invited: { value: 2 } }), null, null, null, 0, { member_added: 2 })
    expect(v).toMatchObject({ invites: 2 })
    expect(v.projects).toBeUndefined()
  })
  it('{{s.<number>}} is "s" unless the number is 1', () => {
    const r = { score: 1, topFeatures: [{ name: 'export', count: 1 }], signals: {} } as never
    const v = copyVars(r, null, null, 2 * 86_400_000, 0, { project_created: 0, teammate_invited: 2 })
    expect(renderCopy({ title: '{{topFeatureCount}} time{{s.topFeatureCount}}, {{projects}} project{{s.projects}}, {{invites}} teammate{{s.invites}}, {{daysLeft}} day{{s.daysLeft}}, score {{score}}{{s.score}}' }, v).title)
      .toBe('1 time, 0 projects, 2 teammates, 2 days, score 1')
  })
  it('engaged: pql and above, or the upper half of tiers without a pql', () => {
    const tiers = (...names: string[]) => names.map((name) => ({ name })) as never
    expect([null, 'low', 'moderate', 'pql', 'hot'].map((t) => isEngaged(tiers('low', 'moderate', 'pql', 'hot'), t))).toEqual([false, false, false, true, true])
    expect(['cold', 'warm', 'hot'].map((t) => isEngaged(tiers('cold', 'warm', 'hot'), t))).toEqual([false, false, true])
    expect(['a', 'b', 'c', 'd'].map((t) => isEngaged(tiers('a', 'b', 'c', 'd'), t))).toEqual([false, false, true, true])
  })
})
