import { describe, expect, it } from 'vitest'
import { createLogger } from '../../src/log'
import { newIdentity, nextIdentity } from '../../src/track/identity'

function logger() {
  const warnings: string[] = []
  return { log: { ...createLogger(() => false), warn: (m: string) => void warnings.push(m) }, warnings }
}

describe('identify() user ids', () => {
  // identify(Number(user.id)) or parseInt(...) of a missing id gave the user "NaN": every such visitor
  // became one person, with each one's anonymous history carried over into it.
  it.each([[NaN], [Infinity], [-Infinity]])('refuses the number %s with a warning', (id) => {
    const { log, warnings } = logger()
    expect(nextIdentity(newIdentity(), id, {}, undefined, log)).toBeNull()
    expect(warnings).toEqual([expect.stringContaining('identify() dropped: userId must be')])
  })
  it('takes a finite number as its string', () => {
    const { log } = logger()
    expect(nextIdentity(newIdentity(), 42, {}, undefined, log)?.next.userId).toBe('42')
  })
})
