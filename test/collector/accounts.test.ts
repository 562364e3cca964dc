import { describe, expect, it } from 'vitest'
import { describeRule, evaluateAccount, parseAccountRule } from '../../src/collector/accounts'

const TIERS = ['low', 'moderate', 'pql', 'hot']
const rule = parseAccountRule('pql:2,moderate:3', TIERS)

describe('account-level PQL rule', () => {
  it('parses tier:count clauses and says them in words', () => {
    expect(rule).toEqual([{ tier: 'pql', min: 2 }, { tier: 'moderate', min: 3 }])
    expect(describeRule(rule)).toBe('2+ users at pql or above, or 3+ users at moderate or above')
  })

  it('refuses unknown tiers and bad counts', () => {
    expect(() => parseAccountRule('vip:2', TIERS)).toThrow(/unknown tier "vip"/)
    expect(() => parseAccountRule('pql:0', TIERS)).toThrow(/count of 1 or more/)
    expect(() => parseAccountRule('pql', TIERS)).toThrow(/count/)
  })

  // [name, users per tier, flagged]
  const cases: Array<[string, Record<string, number>, boolean]> = [
    ['one power user is not an account PQL', { hot: 1, low: 5 }, false],
    ['two PQL users', { pql: 2 }, true],
    ['a PQL and a hot user (hot counts as PQL or above)', { pql: 1, hot: 1 }, true],
    ['three moderate users', { moderate: 3 }, true],
    ['two moderate and one PQL (PQL counts as moderate or above)', { moderate: 2, pql: 1 }, true],
    ['two moderate users', { moderate: 2, low: 10 }, false],
    ['nobody', {}, false],
  ]
  for (const [name, counts, flagged] of cases) {
    it(name, () => expect(evaluateAccount(rule, TIERS, counts).flagged).toBe(flagged))
  }

  it('says which clause held', () => {
    expect(evaluateAccount(rule, TIERS, { pql: 1, hot: 1 }).clause).toBe('2 users at pql or above (rule: 2+)')
    expect(evaluateAccount(rule, TIERS, { moderate: 4 }).clause).toBe('4 users at moderate or above (rule: 3+)')
  })

  it('a custom rule: one hot user is enough', () => {
    expect(evaluateAccount(parseAccountRule('hot:1', TIERS), TIERS, { hot: 1 }).flagged).toBe(true)
  })
})
