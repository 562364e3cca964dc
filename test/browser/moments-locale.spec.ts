/**
 * Localised built-in labels: with `locale: 'de'` the copy chosen for "de"
 * words everything a moment shows or names — title, body, CTA, dismiss, the
 * close button, the countdown ("N days left", hours, minutes) and "Trial
 * ended". Not one English string is left on screen.
 */
import type { Page } from '@playwright/test'
import { test, expect, ready } from './fixtures'
import { TRIAL, UPGRADE, WIDGET, config, crossTier, daysAhead, host, momentPage } from './moments-helpers'

const LABELS = { close: 'Schließen', ended: 'Testphase beendet', daysLeft: 'Noch {{days}} Tage', hoursLeft: 'Noch {{hours}} Std. {{minutes}} Min.', minutesLeft: 'Noch {{minutes}} Min. {{seconds}} s' }
const de = {
  trial: { title: 'Ihre Testphase endet in {{daysLeft}} Tagen', body: 'Wählen Sie einen Tarif, um Ihre Projekte zu behalten.', cta: 'Tarif wählen', dismiss: 'Ausblenden', ...LABELS },
  widget: { title: 'Testphase', body: 'Jederzeit upgraden und alle Funktionen nutzen.', cta: 'Jetzt upgraden', dismiss: 'Verbergen', ...LABELS },
  upgrade: { title: 'Pro für Ihr Team', body: 'Pro hebt alle Grenzen auf.', cta: 'Tarife ansehen', dismiss: 'Später', ...LABELS },
}
const localised = <T extends { copy: { en: object } }>(m: T, copy: object) => ({ ...m, copy: { en: m.copy.en, de: copy } })

/** Every text node and accessible-name attribute inside the shadow root, trimmed, in document order. */
const strings = (page: Page): Promise<string[]> =>
  page.evaluate(() => {
    const root = document.querySelector('momentkit-root')!.shadowRoot!
    const out: string[] = []
    const walk = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT)
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      if (n.nodeType === Node.TEXT_NODE) out.push(n.textContent!.trim())
      else for (const a of ['aria-label', 'title', 'alt', 'placeholder']) out.push((n as Element).getAttribute(a)?.trim() ?? '')
    }
    return out.filter(Boolean)
  })

test('locale "de": banner, widget and modal show only strings from the German copy, built-in labels included', async ({ page, server }) => {
  const moments = [localised(TRIAL, de.trial), localised(WIDGET, de.widget), localised(UPGRADE, de.upgrade)]
  await page.goto(momentPage(server, '/moments-locale-de.html', config(moments, { locale: 'de', plan: 'trial', trial: { end: daysAhead(2) } })))
  await ready(page)
  await expect(host(page).getByRole('region', { name: 'Ihre Testphase endet in 2 Tagen' })).toBeVisible()
  await host(page).getByRole('button', { name: /^Testphase/ }).click()
  await crossTier(page)
  const dialog = host(page).getByRole('dialog', { name: 'Pro für Ihr Team' })
  await expect(dialog).toBeVisible()
  await expect(dialog.getByRole('button', { name: 'Schließen' })).toBeVisible()

  const german = new Set(['×', 'Noch 2 Tage', ...[de.trial, de.widget, de.upgrade].flatMap((c) => Object.values(c))].map((s) => s.replace('{{daysLeft}}', '2')))
  const shown = await strings(page)
  expect(shown.filter((s) => !german.has(s)), 'strings not from the German copy').toEqual([])
  for (const s of ['Noch 2 Tage', 'Schließen', 'Ausblenden', 'Verbergen', 'Später', 'Tarif wählen', 'Jetzt upgraden', 'Tarife ansehen']) expect(shown, s).toContain(s)
  expect(shown.join(' ')).not.toMatch(/\b(left|days|Close|Dismiss|Not now|Upgrade|ended)\b/)
})

test('locale "de": the countdown uses the German hour, minute and ended templates as the end nears', async ({ page, server }) => {
  const t0 = Date.now()
  await page.clock.install({ time: t0 })
  await page.goto(momentPage(server, '/moments-locale-countdown.html', config([localised(TRIAL, de.trial)], { locale: 'de-AT', trial: { end: t0 + 90 * 60_000 } })))
  await ready(page)
  const banner = host(page).getByRole('region')
  await expect(banner).toContainText(/Noch 1 Std\. (29|30) Min\./)
  await page.clock.fastForward(40 * 60_000)
  await expect(banner).toContainText(/Noch (49|50) Min\. \d+ s/)
  await page.clock.fastForward(60 * 60_000)
  await expect(banner).toContainText('Testphase beendet')
  expect((await strings(page)).join(' ')).not.toMatch(/\b(left|ended|Dismiss)\b/)
})
