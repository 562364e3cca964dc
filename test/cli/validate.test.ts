import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { main } from '../../src/cli/cli'
import type { Io } from '../../src/cli/io'
import { jsonErrorAt, momentUrls, validateText } from '../../src/cli/validate'
import { resolveConfig } from '../../src/config/validate'

const dir = mkdtempSync(join(tmpdir(), 'mk-validate-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
async function run(...argv: string[]) {
  let out = ''
  let err = ''
  const io: Io = { out: (t) => void (out += t), err: (t) => void (err += t), tty: false, cwd: dir }
  return { code: await main(argv, io), out, err }
}
const moment = (extra: Record<string, unknown>) => ({ id: 'm', kind: 'upgrade', copy: { en: { title: 'Upgrade' } }, ...extra })

describe('momentkit validate', () => {
  it('exits 0 for a valid config and prints nothing alarming', async () => {
    writeFileSync(join(dir, 'ok.json'), JSON.stringify({ model: { preset: 'four-category' }, moments: [moment({ cta: { url: '/pricing' } })] }))
    const r = await run('validate', 'ok.json')
    expect(r).toEqual({ code: 0, out: '✓ ok.json is a valid MomentKit config\n', err: '' })
  })

  it('prints every problem with its JSON path and exits 1', async () => {
    const config = {
      model: {
        signals: { a: { type: 'count', event: 'x', threshold: -1 } },
        dimensions: { d: { weight: 10, signals: ['a', 'ghost'] } },
        tiers: [{ name: 'low', min: 0 }, { name: 'pql', min: 0 }],
      },
      moments: [moment({ on: { tierEntered: ['hot'] } })],
    }
    writeFileSync(join(dir, 'bad.json'), JSON.stringify(config))
    const r = await run('validate', 'bad.json')
    expect(r.code).toBe(1)
    expect(r.out).toMatch(/^✗ bad\.json: 4 problems\n/)
    for (const path of ['model.signals.a.threshold', 'model.dimensions.d.signals[1]: unknown signal "ghost"', 'model.tiers[1].min', 'moments[0].on.tierEntered[0]: unknown tier "hot"']) expect(r.out).toContain(`  ${path}`)
  })

  it('gives --json output with errors and warnings', async () => {
    writeFileSync(join(dir, 'warn.json'), JSON.stringify({ model: { signals: { a: { type: 'streak', threshold: 3 }, unused: { type: 'recency', threshold: 2 } }, dimensions: { d: { weight: 60, signals: ['a'] }, z: { weight: 0, signals: ['a'] } } } }))
    const r = await run('validate', 'warn.json', '--json')
    expect(r.code).toBe(0)
    expect(JSON.parse(r.out)).toEqual({
      valid: true,
      errors: [],
      warnings: [
        { path: 'model.signals.unused', message: 'not used by any dimension or criterion: it never counts' },
        { path: 'model.dimensions.z.weight', message: 'is 0: this dimension never counts' },
        { path: 'model.dimensions', message: 'weights sum to 60; they are normalised, so each counts as its share of 60 (100 reads more clearly)' },
      ],
    })
  })

  it('locates JSON syntax errors by line and column', async () => {
    writeFileSync(join(dir, 'syntax.json'), '{\n  "model": {,\n}')
    const r = await run('validate', 'syntax.json')
    expect(r.code).toBe(1)
    expect(r.out).toMatch(/\(root\): not valid JSON at line 2, column \d+/)
    expect(jsonErrorAt('{\n "a": x}', 'Unexpected token x in JSON at position 8')).toBe('line 2, column 7')
    expect(jsonErrorAt('', 'Unexpected token (line 3 column 4)')).toBe('line 3, column 4')
  })

  it('reads a file that starts with a byte order mark, as the SDK does (fetch().json() drops it)', async () => {
    writeFileSync(join(dir, 'bom.json'), '\ufeff' + JSON.stringify({ model: { preset: 'four-category' } }))
    expect(await run('validate', 'bom.json')).toEqual({ code: 0, out: '✓ bom.json is a valid MomentKit config\n', err: '' })
    writeFileSync(join(dir, 'bom-events.ndjson'), '')
    // explain and calibrate read configs through the same reader
    const r = await run('explain', 'bom.json', 'bom-events.ndjson', '--user', 'u1')
    expect(r.err).not.toMatch(/not valid JSON/)
  })

  it('agrees with init(): whatever resolveConfig refuses, validate refuses at the same paths, and nothing else', async () => {
    const configs = [
      { moments: [moment({ copy: { en: { title: '   ' } } })] },
      { moments: [moment({ cta: {} })] },
      { entitlements: { '': ['sso'] } },
      { moments: [moment({ copy: { en: { title: 'Only {{daysleft}} days left' } } })] },
      { model: { preset: 'five-dimension' }, moments: [moment({ target: { score: { min: 120 } } })] },
    ]
    for (const config of configs) {
      const sdk = resolveConfig(config)
      const cli = validateText(JSON.stringify(config))
      expect(sdk.ok, JSON.stringify(config)).toBe(false)
      expect(cli.errors, JSON.stringify(config)).toEqual(sdk.ok ? [] : sdk.errors)
    }
  })

  it('warns about legal settings that cannot do what was meant, with their paths; --strict makes them fail', async () => {
    const config = {
      locale: 'fr',
      model: {
        signals: { days: { type: 'activeDays', window: { last: 7 }, threshold: 8 }, any: { type: 'count', event: 'x', threshold: 0 } },
        dimensions: { d: { weight: 100, signals: ['days', 'any'] } },
      },
      moments: [
        moment({ on: { tierEntered: ['hot'] }, target: { tiers: ['low'] }, holdout: 100, snoozeHours: 0, copy: { en: { title: 'Up {{signal.nope}}', body: 'B', cta: 'Go' }, fr: { title: '{{days}} jours' } } }),
        moment({ id: 'n', kind: 'nudge', cta: { url: '/x' }, copy: { de: { title: 'Hallo' } } }),
      ],
    }
    writeFileSync(join(dir, 'lint.json'), JSON.stringify(config))
    const r = await run('validate', 'lint.json', '--json')
    expect(r.code).toBe(0)
    const out = JSON.parse(r.out) as { valid: boolean; warnings: { path: string; message: string }[] }
    expect(out.valid).toBe(true)
    expect(out.warnings.map((w) => w.path).sort()).toEqual([
      'model.signals.any.threshold',
      'model.signals.days.threshold',
      'moments[0].copy.en.title',
      'moments[0].copy.fr',
      'moments[0].copy.fr.title',
      'moments[0].cta',
      'moments[0].holdout',
      'moments[0].snoozeHours',
      'moments[0].target.tiers',
      'moments[1].copy',
    ])
    const text = Object.fromEntries(out.warnings.map((w) => [w.path, w.message]))
    expect(text['model.signals.days.threshold']).toContain('7 days')
    expect(text['moments[0].copy.en.title']).toContain('{{signal.nope}}')
    expect(text['moments[0].copy.fr']).toContain('body, cta')
    expect(text['moments[1].copy']).toContain('"fr"')
    expect((await run('validate', 'lint.json', '--strict')).code).toBe(1)
    // The shipped set is not the team's to fix: "default" adds no moment warnings.
    writeFileSync(join(dir, 'default.json'), JSON.stringify({ locale: 'fr', moments: 'default' }))
    expect(await run('validate', 'default.json', '--strict')).toMatchObject({ code: 0 })
  })

  it('warns about copy naming the top feature with no fallback: unknown until a first feature use, or never without a distinct signal', async () => {
    const copy = { en: { title: 'You used {{topFeature}}', body: '{{ topFeatureCount }} times', cta: 'Go', engaged: { cta: 'See {{topFeature}} in Pro' }, fallback: { title: 'You are busy', cta: 'Go {{topFeature}}' } } }
    const check = async (name: string, model: object) => {
      writeFileSync(join(dir, name), JSON.stringify({ model, moments: [moment({ cta: { url: '/p' }, copy })] }))
      const out = JSON.parse((await run('validate', name, '--json')).out) as { warnings: { path: string; message: string }[] }
      return Object.fromEntries(out.warnings.map((w) => [w.path, w.message]))
    }
    const withFeatures = await check('top.json', { preset: 'five-dimension' })
    // The title has a fallback; the body has none; the engaged cta's fallback names the feature too.
    expect(Object.keys(withFeatures).sort()).toEqual(['moments[0].copy.en.body', 'moments[0].copy.en.engaged.cta'])
    expect(withFeatures['moments[0].copy.en.body']).toContain('without fallback.body the moment waits')
    const none = await check('none.json', { signals: { a: { type: 'count', event: 'x', threshold: 2 } }, dimensions: { d: { weight: 1, signals: ['a'] } } })
    expect(none['moments[0].copy.en.body']).toContain('never known')
  })

  it('checks a variation\'s copy as the moment\'s: placeholders, with the fallback in force; and warns when every share is 0', async () => {
    const copy = { en: { title: 'Upgrade', body: 'More room', fallback: { body: 'Keep going' } } }
    const variations = [
      // The body names the top feature: the moment's fallback.body stands in for it. The title names no signal.
      { id: 'b', percent: 0, copy: { en: { title: 'Your {{signal.nope}}', body: 'You love {{topFeature}}', cta: 'Go {{topFeature}}' } } },
      { id: 'c', percent: 0, copy: { en: { body: 'B' } } },
    ]
    writeFileSync(join(dir, 'variations.json'), JSON.stringify({ moments: [moment({ cta: { url: '/p' }, copy, variations })] }))
    const out = JSON.parse((await run('validate', 'variations.json', '--json')).out) as { valid: boolean; warnings: { path: string; message: string }[] }
    expect(out.warnings.map((w) => w.path)).toEqual(['moments[0].variations[0].copy.en.title', 'moments[0].variations[0].copy.en.cta', 'moments[0].variations'])
    expect(out.warnings[1].message).toContain('without fallback.cta the moment waits')
    expect(out.warnings[2].message).toContain('every user sees the moment\'s own copy')
  })

  it('warns about campaign dates already over, paying: true on free plans only, and a goal that is the trigger event', async () => {
    const moments = [
      moment({ cta: { url: '/p' }, target: { until: '2020-01-01T00:00:00Z' } }),
      moment({ id: 'upsell', cta: { url: '/p' }, target: { paying: true, plans: ['trial', 'free'] } }),
      moment({ id: 'fine', cta: { url: '/p' }, target: { paying: true, plans: ['pro'], until: '2999-01-01' } }),
      moment({ id: 'loop', cta: { url: '/p' }, on: { event: 'limit_reached' }, goal: 'limit_reached' }),
      moment({ id: 'goal', cta: { url: '/p' }, on: { event: 'limit_reached' }, goal: 'upgraded' }),
    ]
    writeFileSync(join(dir, 'dates.json'), JSON.stringify({ moments }))
    const out = JSON.parse((await run('validate', 'dates.json', '--json')).out) as { warnings: { path: string; message: string }[] }
    expect(out.warnings.map((w) => `${w.path}: ${w.message}`)).toEqual([
      'moments[0].target.until: is past: the moment never shows',
      'moments[1].target.paying: is true, but every plan in target.plans is one of freePlans: only users whose paying trait is true can see it',
      'moments[3].goal: is the event that triggers the moment: the next time it happens counts as a conversion',
    ])
  })

  it('warns about a key given twice in one object, which JSON.parse drops silently', async () => {
    const text = `{
  "model": {
    "signals": { "a": { "type": "count", "event": "x", "threshold": 3, "threshold": 5 } },
    "dimensions": { "d": { "weight": 1, "signals": ["a"] } }
  },
  "moments": [{ "id": "m", "kind": "upgrade", "copy": { "en": { "title": "A" } }, "cta": { "url": "/a" } },
              { "id": "n", "kind": "nudge", "copy": { "en": { "title": "x \\" \\"title\\"" } }, "cta": { "url": "/b" }, "id": "n2" }],
  "moments": []
}`
    writeFileSync(join(dir, 'dupes.json'), text)
    const r = await run('validate', 'dupes.json', '--json')
    const out = JSON.parse(r.out) as { valid: boolean; warnings: { path: string; message: string }[] }
    expect(out.valid).toBe(true)
    expect(out.warnings.filter((w) => /twice/.test(w.message)).map((w) => w.path)).toEqual(['model.signals.a.threshold', 'moments[1].id', 'moments'])
    expect((await run('validate', 'dupes.json', '--strict')).code).toBe(1)
  })

  it('exits 2 for a missing file or bad usage', async () => {
    expect((await run('validate', 'nope.json')).code).toBe(2)
    expect((await run('validate')).code).toBe(2)
    expect((await run('validate', 'a.json', 'b.json')).code).toBe(2)
  })
})

describe('unsafe URLs in moments', () => {
  it.each([
    ['javascript:alert(1)', 'javascript'],
    ['JaVaScRiPt:alert(1)', 'javascript'],
    ['  javascript:alert(1)', 'javascript'],
    ['java\tscript:alert(1)', 'javascript'],
    ['java\nscript:alert(1)', 'javascript'],
    ['\u0000javascript:alert(1)', 'javascript'],
    ['data:text/html,<script>alert(1)</script>', 'data'],
    ['DATA:text/html;base64,PHNjcmlwdD4=', 'data'],
    ['vbscript:msgbox(1)', 'vbscript'],
    ['//evil.example', 'protocol-relative'],
    ['/\\evil.example', 'protocol-relative'],
  ])('%j is refused', (url, what) => {
    const r = validateText(JSON.stringify({ moments: [moment({ cta: { url } })] }))
    expect(r.valid).toBe(false)
    const p = r.errors.find((e) => e.path === 'moments[0].cta.url')
    expect(p, JSON.stringify(r.errors)).toBeDefined()
    if (what) expect(p!.message).toContain(what)
  })

  it.each(['https://example.com/pricing', 'http://example.com', '/pricing?plan=pro', 'pricing'])('%j is allowed', (url) => {
    expect(validateText(JSON.stringify({ moments: [moment({ cta: { url } })] }))).toMatchObject({ valid: true, errors: [] })
  })

  it('checks url and href strings anywhere inside moments, with their paths, once each', () => {
    expect(momentUrls([{ cta: { url: 'https://ok' } }, { x: [{ href: ' VBScript:x' }] }])).toEqual([{ path: 'moments[1].x[0].href', message: 'scheme "vbscript:" is not allowed (use https, http or a relative path)' }])
    const r = validateText(JSON.stringify({ moments: [moment({ cta: { url: 'javascript:x' } })] }))
    expect(r.errors.filter((e) => e.path === 'moments[0].cta.url')).toHaveLength(1)
  })
})
