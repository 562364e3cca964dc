import { afterEach, describe, expect, it, vi } from 'vitest'
import { trackOp } from '../../src/track/event'
import { createLogger, resetWarnings } from '../../src/log'
import type { Op } from '../../src/store/aggregate'

const log = createLogger(() => false)
const TZ = process.env.TZ
afterEach(() => {
  if (TZ === undefined) delete process.env.TZ
  else process.env.TZ = TZ
  vi.restoreAllMocks()
  resetWarnings()
})
const NOW = Date.parse('2026-12-03T12:00:00Z')
const at = (v: unknown) => (trackOp('x', undefined, { at: v }, NOW, log) as Extract<Op, { k: 'e' }> | null)?.t

describe('track() options.at', () => {
  // README: a bare date is local midnight (identify's trialStart/trialEnd say so; backfilled events
  // must land on the same local day). Date.parse alone takes it as UTC midnight: the evening before
  // west of UTC, so the event was counted on the wrong day.
  it('takes a bare date as local midnight of that day, as identify() does', () => {
    process.env.TZ = 'America/New_York'
    expect(at('2026-11-25')).toBe(new Date(2026, 10, 25).getTime())
    expect(new Date(at('2026-11-25')!).getDate()).toBe(25)
  })
  it('takes date-times, epoch ms and Dates as before', () => {
    expect(at('2026-11-25T10:00:00Z')).toBe(Date.parse('2026-11-25T10:00:00Z'))
    expect(at(NOW - 1000)).toBe(NOW - 1000)
    expect(at(new Date(NOW - 5000))).toBe(NOW - 5000)
  })
  it('refuses a date that does not exist instead of rolling it over', () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {})
    expect(at('2026-02-30')).toBeUndefined()
    expect(console.warn).toHaveBeenCalledWith('[momentkit]', expect.stringContaining('options.at must be a date'))
  })
})
