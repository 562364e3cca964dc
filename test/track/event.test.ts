import { runInNewContext } from 'node:vm'
import { describe, expect, it } from 'vitest'
import { checkName, cleanProps, walkProps } from '../../src/track/event'

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
    // Its fields (or a Date's string) would be recorded as if they were props.
    ['a Date as props', new Date(0), 'must be a plain object'],
    ['a Map as props', new Map([['a', 1]]), 'must be a plain object'],
    ['a class instance as props', new (class Plan { tier = 'pro' })(), 'must be a plain object'],
    ['an invalid date', { d: new Date(NaN) }, 'invalid Date'],
    ['NaN inside an array', { a: [1, NaN] }, 'props.a[1] is NaN'],
  ])('refuses %s', (_, input, reason) => expect(cleanProps(input).problem).toContain(reason))

  it('takes a plain object from another frame, and one without a prototype', () => {
    expect(cleanProps(runInNewContext('({ plan: "free", n: 2 })')).props).toEqual({ plan: 'free', n: 2 })
    expect(cleanProps(Object.assign(Object.create(null), { plan: 'free' })).props).toEqual({ plan: 'free' })
  })

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
    // Two levels down: the general walk.
    const nested = cleanProps({ ...input, z: { y: {} } })
    if (flat.problem) expect(nested.problem).toBe(flat.problem)
    else {
      expect(flat.props).not.toBe(input)
      expect({ ...flat.props, z: { y: {} } }).toEqual(nested.props)
      expect(Object.keys(flat.props!)).toEqual(Object.keys(input).filter((k) => input[k] !== undefined))
    }
  })
  // One level of plain objects and arrays of scalars takes the short path too: the same answers.
  const sparse: unknown[] = [1]
  sparse[2] = 3
  const self: Record<string, unknown> = { a: 1 }
  self.inner = { back: self }
  it.each([
    ['an object of scalars', { filters: { range: '7d', group: 'week', n: 2, on: true, none: null, gone: undefined }, id: 'r1' }],
    ['an array of scalars', { tags: ['a', 'b', 3, false, null] }],
    ['an empty object and an empty array', { o: {}, a: [] }],
    ['NaN in an array', { a: [1, NaN] }],
    ['undefined in an array', { a: [1, undefined] }],
    ['a sparse array', { a: sparse }],
    ['a lone surrogate one level down', { o: { s: 'a\uD800' } }],
    ['a Date one level down', { o: { d: new Date(0) } }],
    ['a Date in an array', { a: [new Date(0)] }],
    ['a key named toString one level down', { o: { toString: 'x' } }],
    ['__proto__ one level down', { o: JSON.parse('{"__proto__": {"p": 1}, "a": 1}') }],
    ['33 keys one level down', { o: Object.fromEntries(Array.from({ length: 33 }, (_, i) => ['k' + i, i])) }],
    ['33 items in an array', { a: Array.from({ length: 33 }, (_, i) => i) }],
    ['over the size limit one level down', { o: { s: 'x'.repeat(16_384 - 9) } }],
    ['just under the size limit one level down', { o: { s: 'x'.repeat(16_384 - 10) } }],
    ['over the size limit across two objects', { o: { s: 'x'.repeat(9000) }, p: { s: 'x'.repeat(9000) } }],
    ['a function one level down', { o: { f: () => 1 } }],
    ['a cycle through one level down', self],
    ['an object with no prototype', { o: Object.assign(Object.create(null), { a: 1 }) }],
    ['a Map', { m: new Map([['a', 1]]) }],
  ])('props with %s are copied as the general walk copies them', (_, input: Record<string, unknown>) => {
    const short = cleanProps(input)
    const general = walkProps(input, Object.keys(input))
    if (general.problem) expect(short.problem).toBe(general.problem)
    else {
      expect(short.problem).toBeUndefined()
      expect(short.props).toEqual(general.props)
      expect(JSON.stringify(short.props)).toBe(JSON.stringify(general.props))
    }
  })
  it('flat props over the size limit are refused', () => {
    expect(cleanProps({ s: 'x'.repeat(16_384 - 5) }).problem).toContain('larger than 16 KB')
    expect(cleanProps({ s: 'x'.repeat(16_384 - 6) }).props).toBeDefined()
  })
})
