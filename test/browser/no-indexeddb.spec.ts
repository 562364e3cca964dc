/**
 * Without IndexedDB (some privacy modes, locked-down webviews) the SDK
 * still scores, in memory, and says so once.
 */
import { test, expect, ready, scoreIs, sdkLogs } from './fixtures'

test('IndexedDB missing: scores in memory, storage "memory", one console warning', async ({ page, logs }) => {
  await page.addInitScript(() => {
    delete (window as { indexedDB?: IDBFactory }).indexedDB
  })
  await page.goto('/fixtures/score.html')
  expect(await page.evaluate(() => typeof indexedDB)).toBe('undefined')

  const start = await ready(page)
  expect(start).toMatchObject({ score: 12, tier: 'low', storage: 'memory' })
  await page.evaluate(() => {
    for (const feature of ['editor', 'export', 'search', 'comments']) window.momentkit.track('feature_used', { feature })
    window.momentkit.track('teammate_invited')
    window.momentkit.track('teammate_invited')
    window.momentkit.track('integration_connected')
    window.momentkit.track('share_link_created')
    window.momentkit.track('data_imported')
  })
  const after = await scoreIs(page, 72)
  expect(after).toMatchObject({ tier: 'pql', storage: 'memory' })
  expect(after.signals.features_used.value).toBe(4)
  expect(await page.evaluate(() => window.tierEvents.map((e) => [e.from, e.to, e.score]))).toEqual([
    [null, 'low', 12],
    ['low', 'pql', 72],
  ])
  // Past the 1 s flush timer: flushing to memory must not warn again.
  await page.evaluate(async () => {
    await window.momentkit.flush()
    await new Promise((r) => setTimeout(r, 1200))
  })

  const warnings = logs.filter((l) => l.type === 'warning')
  expect(warnings).toEqual([{ type: 'warning', text: '[momentkit] IndexedDB is not available; keeping data in memory for this page' }])
  expect(logs.filter((l) => l.type === 'error')).toEqual([])

  // Memory really is memory: a reload starts over, with one warning for the new page.
  await page.reload()
  expect(await ready(page)).toMatchObject({ score: 12, tier: 'low', storage: 'memory' })
  expect(sdkLogs(logs, 'warning')).toHaveLength(2)
})
