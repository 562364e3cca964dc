import { describe, expect, it } from 'vitest'
import { checkName, cleanProps } from '../../src/track/event'

const cyclic: Record<string, unknown> = { a: 1 }
cyclic.self = cyclic
let deep: Record<string, unknown> = {}
const deepRoot = deep
for (let i = 0; i < 20; i++) deep = deep.x = {}

describe('checkName', () => {
  it.each([
    ['', 'must not be empty'],
    ['   ', 'must not be empty'],
    [42, 'must be a string, got number'],
    [null, 'got null'],
    [undefined, 'got undefined'],
    [{}, 'got object'],
    ['x'.repeat(201), 'longer than 200'],
  ])('refuses %j', (name, reason) => expect(checkName(name)).toContain(reason))
  it.each(['project_created', 'Clicked "Export"', 'é✓ unicode', 'x'.repeat(200)])('accepts %j', (name) => expect(checkName(name)).toBeNull())
})

describe('cleanProps', () => {
  it.each([
    ['a function', { f: () => 1 }, 'props.f is a function'],
    ['a symbol', { s: Symbol('x') }, 'props.s is a symbol'],
    ['a BigInt', { n: BigInt(1) }, 'props.n is a bigint'],
    ['NaN', { n: NaN }, 'props.n is NaN'],
    ['Infinity', { n: Infinity }, 'is Infinity'],
    ['a cyclic object', cyclic, 'props.self is cyclic'],
    ['deep nesting', deepRoot, 'nests deeper than'],
    ['a 1 MB string', { s: 'x'.repeat(1 << 20) }, 'larger than 16 KB'],
    ['a lone surrogate', { s: 'a\uD800b' }, 'lone surrogate'],
    ['an array as props', [1, 2], 'must be a plain object'],
    ['a string as props', 'hello', 'must be a plain object'],
    ['an invalid date', { d: new Date(NaN) }, 'invalid Date'],
    ['NaN inside an array', { a: [1, NaN] }, 'props.a[1] is NaN'],
  ])('refuses %s', (_, input, reason) => expect(cleanProps(input).problem).toContain(reason))

  it('copies, so later mutation by the host does not change the record', () => {
    const input = { plan: 'free', nested: { n: 1 } }
    const { props } = cleanProps(input)
    input.nested.n = 2
    expect(props).toEqual({ plan: 'free', nested: { n: 1 } })
  })
  it('keeps __proto__ as plain data without touching prototypes', () => {
    const { props } = cleanProps(JSON.parse('{"__proto__": {"polluted": true}, "a": 1}'))
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.getPrototypeOf(props)).toBe(Object.prototype)
    expect(Object.keys(props!)).toEqual(['__proto__', 'a'])
  })
  it('turns dates into ISO strings and drops undefined', () => {
    expect(cleanProps({ d: new Date(0), u: undefined, n: null }).props).toEqual({ d: '1970-01-01T00:00:00.000Z', n: null })
  })
  it('accepts no props', () => {
    expect(cleanProps(undefined)).toEqual({})
    expect(cleanProps(null)).toEqual({})
  })
  // Flat props of primitives take a shorter path than nested ones: both give the same answers.
  it.each([
    ['strings, numbers, booleans, null, undefined', { a: 'x', b: 1.5, c: false, d: null, e: undefined }],
    ['a key named toString', { toString: 'x', n: 1 }],
    ['33 keys', Object.fromEntries(Array.from({ length: 33 }, (_, i) => ['k' + i, i]))],
    ['a string over the limit', { s: 'x'.repeat(20_000) }],
    ['a lone surrogate', { s: 'a\uD800' }],
    ['NaN', { n: NaN }],
    ['an empty object', {}],
  ])('flat props (%s) are copied as nested ones would be', (_, input: Record<string, unknown>) => {
    const flat = cleanProps(input)
    const nested = cleanProps({ ...input, z: {} })
    if (flat.problem) expect(nested.problem).toBe(flat.problem)
    else {
      expect(flat.props).not.toBe(input)
      expect({ ...flat.props, z: {} }).toEqual(nested.props)
      expect(Object.keys(flat.props!)).toEqual(Object.keys(input).filter((k) => input[k] !== undefined))
    }
  })
  it('flat props over the size limit are refused', () => {
    expect(cleanProps({ s: 'x'.repeat(16_384 - 5) }).problem).toContain('larger than 16 KB')
    expect(cleanProps({ s: 'x'.repeat(16_384 - 6) }).props).toBeDefined()
  })
})
