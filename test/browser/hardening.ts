/**
 * Tally of the hardening suite (issue 7): every fault or bad-input case a
 * spec tries is recorded on the test, and test/browser/hardening-reporter.ts
 * prints the totals (cases tried, survived, lost) at the end of the run and
 * writes them to test-results/hardening.json.
 *
 * - survived: no uncaught error reached the page, the host page kept
 *   working, and the SDK kept working (or stayed inert with a clear message
 *   where that is the contract);
 * - lost: events or outbound messages that could have been kept and were not.
 *
 * A case recorded in a test that then fails counts as not survived, so a
 * spec cannot report a survival its own assertions refute.
 */
import type { TestInfo } from '@playwright/test'

export interface HardeningCase {
  /** Group in the report: 'fault', 'event', 'config', 'server', 'csp'... */
  suite: string
  /** What was tried, e.g. 'IndexedDB quota exceeded mid-session'. */
  name: string
  survived: boolean
  /** Items lost that could have been kept (0 when nothing was lost). */
  lost?: number
  /** What the SDK said or did, for the report. */
  note?: string
}

export const HARDENING = 'hardening'

/** Records one case on the running test. */
export function recordCase(info: TestInfo, c: HardeningCase): void {
  info.annotations.push({ type: HARDENING, description: JSON.stringify({ lost: 0, ...c }) })
}
