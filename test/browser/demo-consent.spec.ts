/**
 * The demo's consent button, as a cookie banner would use the API: opting out
 * stops the SDK (the panel says so, no moment stays up) and deletes what
 * MomentKit stored; the choice survives a reload; opting back in starts it again.
 */
import type { Page } from '@playwright/test'
import { expect, ready, sdkLogs } from './fixtures'
import { test } from './demo-fixture'

const storedKeys = (page: Page) =>
  page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        const req = indexedDB.open('acme-demo')
        req.onsuccess = () => {
          const d = req.result
          if (!d.objectStoreNames.contains('state')) return d.close(), resolve(0)
          const r = d.transaction('state').objectStore('state').count()
          r.onsuccess = () => (d.close(), resolve(r.result))
        }
      }),
  )

test('opt out, reload, opt back in', async ({ page, logs }) => {
  test.setTimeout(60_000)
  await page.goto('/')
  await ready(page)
  await expect.poll(() => storedKeys(page)).toBeGreaterThan(0)
  const button = page.locator('#consent')
  await expect(button).toHaveText('Opt out of tracking')

  await button.click()
  await expect(page.locator('#status')).toHaveText(/^Opted out/)
  await expect(button).toHaveAttribute('aria-pressed', 'true')
  await expect.poll(() => storedKeys(page)).toBe(0)
  await expect(page.locator('momentkit-root').getByRole('button')).toHaveCount(0)

  await page.reload()
  await expect(page.locator('#status')).toHaveText(/^Opted out/)
  await expect(button).toHaveText('Opt back in to tracking')
  expect(await storedKeys(page)).toBe(0)

  await button.click()
  await expect(page.locator('#status')).toHaveText(/^Ready/)
  await expect(button).toHaveText('Opt out of tracking')
  await expect.poll(() => storedKeys(page)).toBeGreaterThan(0)
  expect(sdkLogs(logs, 'error'), 'no MomentKit errors').toEqual([])
})
