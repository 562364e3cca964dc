import { readFileSync } from 'node:fs'
import Ajv2020 from 'ajv/dist/2020'
import { describe, expect, it } from 'vitest'
import { defaultTiers, presets } from '../../src/config/presets'
import { resolveConfig } from '../../src/config/validate'

/**
 * One row of validate.cases.json: [name, config, expected, flags?].
 * `expected` is "valid" or the exact set of error paths resolveConfig reports.
 * `semantic: true` marks a case only the validator can reject (cross-references,
 * ascending or unique tiers, all-zero weights): JSON Schema accepts it.
 */
type Case = [name: string, config: unknown, expected: 'valid' | string[], flags?: { semantic?: boolean }]

// Read as text, not imported: `1e309` must reach the validator as Infinity,
// and a bundler's JSON plugin may rewrite the file.
const read = (file: string): unknown => JSON.parse(readFileSync(new URL(file, import.meta.url), 'utf8'))
const cases = read('./validate.cases.json') as Case[]
const schema = read('../../src/config/momentkit.schema.json') as Record<string, unknown>

const ajv = new Ajv2020({ strict: true, allErrors: true })
const matchesSchema = ajv.compile(schema)
const schemaErrors = () => ajv.errorsText(matchesSchema.errors, { dataVar: 'config' })

describe('config case table (test/config/validate.cases.json)', () => {
  it('has at least 40 cases with unique names and well-formed rows', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40)
    expect(new Set(cases.map((c) => c[0])).size).toBe(cases.length)
    for (const [name, , expected, flags] of cases) {
      expect(expected === 'valid' || (Array.isArray(expected) && expected.length > 0), name).toBe(true)
      if (flags?.semantic) expect(expected, `${name}: a semantic case must expect errors`).not.toBe('valid')
    }
  })

  describe('resolveConfig reports exactly the expected paths', () => {
    it.each(cases.map((c) => [c[0], c] as const))('%s', (_, [, config, expected]) => {
      const r = resolveConfig(config)
      if (expected === 'valid') {
        expect(r.ok ? [] : r.errors).toEqual([])
        return
      }
      expect(r.ok).toBe(false)
      const errors = r.ok ? [] : r.errors
      expect(new Set(errors.map((e) => e.path))).toEqual(new Set(expected))
      for (const { path, message } of errors) {
        // A sentence a person can act on, not a stringified value or a code.
        expect(typeof message, path).toBe('string')
        expect(message, path).toMatch(/^[a-z"(][^\n]*\S$/i)
        expect(message.split(/\s+/).length, `${path}: "${message}"`).toBeGreaterThanOrEqual(2)
        expect(message, path).not.toMatch(/undefined|NaN|\[object|function/)
      }
    })
  })

  describe('the JSON Schema accepts exactly what resolveConfig accepts', () => {
    const rows = cases.map((c) => [c[0], c] as const)
    it.each(rows)('%s', (_, [name, config, expected, flags]) => {
      const ok = matchesSchema(config)
      if (flags?.semantic) {
        // Only the validator can see these; if the schema starts rejecting one, drop the flag.
        expect(ok, `${name}: schema rejects a case marked semantic: ${schemaErrors()}`).toBe(true)
        return
      }
      expect(ok, ok ? `${name}: schema accepts an invalid config` : `${name}: ${schemaErrors()}`).toBe(expected === 'valid')
    })
  })
})

describe('momentkit.schema.json', () => {
  it('compiles under ajv strict mode (draft 2020-12)', () => {
    const strict = new Ajv2020({ strict: true })
    expect(() => strict.compile(schema)).not.toThrow()
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema')
  })

  it.each(Object.keys(presets) as (keyof typeof presets)[])('preset %s, written out as a config, matches the schema and the validator', (name) => {
    const { signals, dimensions } = presets[name]
    const config = { model: { signals, dimensions, tiers: defaultTiers } }
    expect(matchesSchema(config), schemaErrors()).toBe(true)
    expect(resolveConfig(config)).toMatchObject({ ok: true })
  })

  it("states the validator's defaults", () => {
    const r = resolveConfig({})
    if (!r.ok) throw new Error('the empty config must validate')
    const props = schema.properties as Record<string, { default?: unknown }>
    const defs = schema.$defs as Record<string, { properties: Record<string, { default?: unknown }> }>
    const model = defs.model.properties
    expect(props.sessionTimeout.default).toBe(r.config.sessionTimeout)
    expect(props.trackPages.default).toBe(r.config.trackPages)
    expect(props.debug.default).toBe(r.config.debug)
    expect(props.namespace.default).toBe(r.config.namespace)
    expect(model.version.default).toBe(r.config.model.version)
    expect(model.hysteresis.default).toBe(r.config.model.hysteresis)
    expect(model.tiers.default).toEqual(r.config.model.tiers)
  })

  it('describes every property, so editors can show help', () => {
    const defs = schema.$defs as Record<string, Record<string, unknown>>
    const missing: string[] = []
    const described = (s: Record<string, unknown>): boolean =>
      typeof s.description === 'string' || (typeof s.$ref === 'string' && typeof defs[s.$ref.replace('#/$defs/', '')]?.description === 'string')
    const walk = (s: unknown, at: string): void => {
      if (Array.isArray(s)) return s.forEach((x, i) => walk(x, `${at}[${i}]`))
      if (typeof s !== 'object' || s === null) return
      const o = s as Record<string, unknown>
      for (const [k, p] of Object.entries((o.properties ?? {}) as Record<string, Record<string, unknown>>)) {
        // `if` blocks only pick a branch; their properties are not shown to users.
        if (!at.endsWith('.if') && !described(p)) missing.push(`${at}.properties.${k}`)
      }
      for (const [k, v] of Object.entries(o)) if (k !== 'default') walk(v, `${at}.${k}`)
    }
    walk(schema, '#')
    expect(missing).toEqual([])
  })
})
