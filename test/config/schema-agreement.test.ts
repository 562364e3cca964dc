import { readFileSync } from 'node:fs'
import Ajv2020 from 'ajv/dist/2020'
import { describe, expect, it } from 'vitest'
import { resolveConfig } from '../../src/config/validate'
import { COLOUR_NAMES } from '../../src/render/colour-names'
import { themeProblem, useColourNames } from '../../src/render/theme'
import { defaultMoments } from '../../src/trigger/defaults'

/**
 * The JSON Schema (what editors and `$schema` users see) and resolveConfig
 * (what init() and `momentkit validate` enforce) must accept and refuse the
 * same configs, or a team writing JSON in its editor is misled.
 *
 * schema-agreement.cases.json holds a base config that uses every top-level
 * option, every signal type and every moment kind, and rows that each apply
 * one mutation to it: [name, mutations, expected, exception?]. `expected` is
 * "valid" or the JSON path resolveConfig must report. A row with a 4th item
 * is a documented exception: only the validator can see the problem (a
 * cross-reference or a comparison of two values JSON Schema cannot express);
 * the test checks the schema still accepts it, so a stale exception fails.
 */
type Mutation = [pointer: string, value?: unknown]
type Row = [name: string, mutations: Mutation[], expected: string, exception?: string]

const read = (file: string): unknown => JSON.parse(readFileSync(new URL(file, import.meta.url), 'utf8'))
const { base, cases } = read('./schema-agreement.cases.json') as { base: Record<string, unknown>; cases: Row[] }
const schema = read('../../src/config/momentkit.schema.json') as Record<string, unknown>
const ajv = new Ajv2020({ strict: true, allErrors: true })
const matchesSchema = ajv.compile(schema)
// Node has no CSS.supports: colour names are checked against the list, as `momentkit validate` does
// (test/browser/moments-theme.spec.ts checks the list against Chromium's CSS.supports).
useColourNames(COLOUR_NAMES)

// { "$repeat": [text, n], "$prefix"?: text } keeps long strings readable in the cases file.
const expand = (v: unknown): unknown => {
  const r = v as { $repeat?: [string, number]; $prefix?: string }
  return r && typeof r === 'object' && Array.isArray(r.$repeat) ? (r.$prefix ?? '') + r.$repeat[0].repeat(r.$repeat[1]) : v
}

/** A deep copy of base with each JSON pointer set (or deleted, when no value is given). */
function mutate(mutations: Mutation[]): Record<string, unknown> {
  const config = JSON.parse(JSON.stringify(base)) as Record<string, unknown>
  for (const m of mutations) {
    const keys = m[0].split('/').slice(1).map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'))
    const last = keys.pop()!
    let node = config as Record<string, unknown>
    for (const k of keys) node = node[k] as Record<string, unknown>
    if (typeof node !== 'object' || node === null) throw new Error(`${m[0]}: no such parent in base`)
    if (m.length === 1) delete node[last]
    // defineProperty: a "__proto__" key must become an own property, as JSON.parse makes it.
    else Object.defineProperty(node, last, { value: expand(m[1]), enumerable: true, writable: true, configurable: true })
  }
  return config
}

describe('JSON Schema and resolveConfig agree (test/config/schema-agreement.cases.json)', () => {
  it('the base config is valid for both, and the rows are well formed', () => {
    expect(resolveConfig(base)).toMatchObject({ ok: true })
    expect(matchesSchema(base), ajv.errorsText(matchesSchema.errors)).toBe(true)
    expect(new Set(cases.map((c) => c[0])).size).toBe(cases.length)
    for (const [name, mutations, expected, exception] of cases) {
      expect(mutations.length, name).toBeGreaterThan(0)
      if (exception !== undefined) expect(expected, `${name}: an exception is a config only the validator refuses`).not.toBe('valid')
    }
  })

  it('covers every top-level option, every signal type and every moment kind', () => {
    const pointers = cases.flatMap((c) => c[1].map((m) => m[0]))
    for (const key of Object.keys(schema.properties as object)) expect(pointers.some((p) => p.split('/')[1] === key), key).toBe(true)
    const signals = (base.model as { signals: Record<string, { type: string }> }).signals
    const types = new Set(Object.values(signals).map((s) => s.type))
    expect(types.size).toBe(11)
    for (const [id, s] of Object.entries(signals)) expect(pointers.some((p) => p.startsWith(`/model/signals/${id}/`)), s.type).toBe(true)
    const kinds = (base.moments as { kind: string }[]).map((m) => m.kind)
    expect(new Set(kinds)).toEqual(new Set(['upgrade', 'gate', 'trial', 'widget', 'nudge']))
    kinds.forEach((kind, i) => expect(pointers.some((p) => p.startsWith(`/moments/${i}/`)), kind).toBe(true))
  })

  it('the schema asks custom tiers for at least one of the names the default moments use', () => {
    const used = new Set(defaultMoments.flatMap((m) => [...(m.on?.tierEntered ?? []), ...(m.target?.tiers ?? [])]))
    const then = (schema.allOf as { then: { properties: { model: { properties: { tiers: { contains: { properties: { name: { enum: string[] } } } } } } } } }[])[0].then
    expect(new Set(then.properties.model.properties.tiers.contains.properties.name.enum)).toEqual(used)
    // resolveConfig keeps its own list: any one of the names is enough (two tiers, low and pql, are a fine model).
    for (const name of used) expect(resolveConfig({ moments: 'default', model: { tiers: [{ name, min: 0 }] } }), name).toMatchObject({ ok: true })
    expect(resolveConfig({ moments: 'default', model: { tiers: [{ name: 'cold', min: 0 }, { name: 'warm', min: 50 }] } })).toMatchObject({ ok: false })
  })

  it('the schema and the validator accept the same colour names, in any case', () => {
    const colour = new Ajv2020({ strict: true }).compile({ $defs: schema.$defs, $ref: '#/$defs/colour' })
    const wrong: string[] = []
    for (const name of [...COLOUR_NAMES, ...COLOUR_NAMES.map((n) => n.toUpperCase()), 'currentColor', 'DarkSlateGray'])
      if (!colour(name) || themeProblem('accent', name)) wrong.push(name)
    for (const word of ['bluee', 'inherit', 'initial', 'unset', 'revert', 'none', 'auto', 'reds', 'whitee'])
      if (colour(word) || !themeProblem('accent', word)) wrong.push(word)
    expect(wrong).toEqual([])
  })

  it.each(cases.map((c) => [c[0], c] as const))('%s', (_, [name, mutations, expected, exception]) => {
    const config = mutate(mutations)
    const r = resolveConfig(config)
    const errors = r.ok ? [] : r.errors
    const schemaOk = matchesSchema(config)
    const schemaSays = schemaOk ? 'schema accepts' : `schema refuses: ${ajv.errorsText(matchesSchema.errors)}`
    const validatorSays = r.ok ? 'validator accepts' : `validator refuses: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`
    if (expected === 'valid') {
      expect(errors, `${name}: ${validatorSays}`).toEqual([])
      expect(schemaOk, `${name}: ${schemaSays}`).toBe(true)
      return
    }
    // Clear errors: the path of the offending value, and a sentence saying what is expected.
    expect(errors.map((e) => e.path), `${name}: ${validatorSays}`).toContain(expected)
    for (const { path, message } of errors) expect(message, path).toMatch(/^[a-z"(][^\n]*\S$/i)
    if (exception !== undefined) expect(schemaOk, `${name}: marked as an exception (${exception}) but the ${schemaSays}; drop the exception`).toBe(true)
    else expect(schemaOk, `${name}: ${validatorSays}, but the ${schemaSays}`).toBe(false)
  })
})
