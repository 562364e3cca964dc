import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { main } from '../../src/cli/cli'
import type { Io } from '../../src/cli/io'
import { jsonErrorAt, momentUrls, validateText } from '../../src/cli/validate'

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
