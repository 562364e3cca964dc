/**
 * Review of the moments' rendering against the WAI-ARIA dialog pattern and
 * hostile host pages: a host page with its own open <dialog>, keyboard use
 * after a click inside the dialog, host CSS that moves fixed elements
 * (transform on <body>), long words on a 320 px phone, and RTL host pages.
 */
import type { Page } from '@playwright/test'
import { test, expect, ready } from './fixtures'
import { GATE, KINDS, NUDGE, SCENARIOS, TRIAL, UPGRADE, WIDGET, config, crossTier, daysAhead, deepFocus, host, momentPage, outcomes, settled, titleOf, type Kind } from './moments-helpers'

test('gate over a host page\'s own modal <dialog>: Esc closes the gate only, and focus returns into the host dialog', async ({ page, server }) => {
  const body = `<dialog id="host-dialog"><p>Export options</p><button id="opener" type="button" data-momentkit-gate="advanced-export">Advanced export</button></dialog>`
  await page.goto(momentPage(server, '/render-host-dialog.html', config([GATE]), { body }))
  await ready(page)
  await page.evaluate(() => (document.getElementById('host-dialog') as HTMLDialogElement).showModal())
  await page.focus('#opener')
  await page.keyboard.press('Enter')
  await expect(host(page).getByRole('dialog')).toBeVisible()
  await expect.poll(() => deepFocus(page).then((f) => f.inMoment)).toBe(true)

  await page.keyboard.press('Escape')
  await expect(titleOf(page, 'gate')).toBeHidden()
  await page.waitForTimeout(200)
  expect(await page.evaluate(() => (document.getElementById('host-dialog') as HTMLDialogElement).open), 'the host dialog stays open').toBe(true)
  expect(await deepFocus(page)).toMatchObject({ inMoment: false, id: 'opener' })
  expect(await outcomes(page)).toEqual(['gate-export:shown', 'gate-export:dismissed'])
})

test('upgrade modal: after a click on its text or padding, Tab and Shift+Tab still stay inside', async ({ page, server }) => {
  await page.goto(momentPage(server, '/render-click-tab.html', config([UPGRADE])))
  await ready(page)
  await crossTier(page)
  const dialog = host(page).getByRole('dialog')
  await expect(dialog).toBeVisible()
  await settled(page)
  const b = (await dialog.boundingBox())!
  const title = (await host(page).getByRole('heading').boundingBox())!
  for (const [where, x, y] of [['padding', b.x + 4, b.y + b.height / 2], ['title', title.x + 10, title.y + title.height / 2]] as const) {
    for (const key of ['Shift+Tab', 'Tab'] as const) {
      await page.mouse.click(x, y)
      for (let i = 0; i < 4; i++) {
        await page.keyboard.press(key)
        const f = await deepFocus(page)
        expect(f.inMoment, `click on the ${where}, then ${key} #${i + 1}: focus on <${f.tag}>`).toBe(true)
      }
    }
  }
  await expect(dialog).toBeVisible()
  expect(await outcomes(page)).toEqual(['upgrade-pql:shown'])
})

test('host CSS that makes <body> a containing block (transform) does not push the banner, widget and nudge off screen', async ({ page, server }) => {
  const head = '<style>body { transform: translateZ(0) } main { height: 4000px }</style>'
  await page.goto(momentPage(server, '/render-transform.html', config([TRIAL, WIDGET, NUDGE], { plan: 'trial', trial: { end: daysAhead(2) } }), { head }))
  await ready(page)
  await page.evaluate(() => window.momentkit.track('limit_reached'))
  const vp = page.viewportSize()!
  for (const kind of ['trial', 'widget', 'nudge'] as const) {
    await expect(titleOf(page, kind)).toBeVisible()
    const r = (await titleOf(page, kind).boundingBox())!
    expect(r.y >= 0 && r.y + r.height <= vp.height, `${kind} within the viewport: ${JSON.stringify(r)}`).toBe(true)
  }
  // No trace in the host's layout: the page is as tall and wide with the moments as without them.
  const size = () => page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight])
  const withMoments = await size()
  await page.evaluate(() => document.querySelector('momentkit-root')!.remove())
  expect(withMoments).toEqual(await size())
})

const WORD = 'Datenschutzgrundverordnungskonformitätsprüfungsbericht'
const URL_TEXT = 'https://example.com/settings/integrations/advanced-export-configuration'

/** Elements of the moments whose box leaves the viewport, or whose content is wider than their box. */
const overflowing = (page: Page): Promise<string[]> =>
  page.evaluate(() => {
    const out: string[] = []
    for (const h of document.querySelectorAll('momentkit-root'))
      for (const e of h.shadowRoot!.querySelectorAll('*')) {
        const r = e.getBoundingClientRect()
        if (!r.width) continue
        if (r.left < -0.5 || r.right > innerWidth + 0.5) out.push(`<${e.localName} class="${e.className}"> spans ${Math.round(r.left)}..${Math.round(r.right)}`)
        // The widget badge cuts its one line with an ellipsis, by design.
        else if (e.scrollWidth > e.clientWidth + 1 && !e.classList.contains('mk-wb')) out.push(`<${e.localName} class="${e.className}"> content ${e.scrollWidth} > ${e.clientWidth}`)
      }
    return out
  })

for (const kind of KINDS) {
  test(`320 px phone, long words and URLs in the copy: the ${kind} fits the screen, all text visible, close reachable`, async ({ page, server }) => {
    await page.setViewportSize({ width: 320, height: 640 })
    const cfg = SCENARIOS[kind].cfg() as { moments: Array<{ copy: { en: Record<string, string> } }> }
    cfg.moments = cfg.moments.map((m) => ({ ...m, copy: { en: { ...m.copy.en, title: m.copy.en.title.split(' ')[0] + ' ' + WORD, body: `${WORD} ${URL_TEXT}`, cta: 'Zur Konformitätsprüfungsberichtsexportfunktion' } } }))
    await page.goto(momentPage(server, `/render-320-${kind}.html`, cfg))
    await ready(page)
    await SCENARIOS[kind].show(page)
    const first = host(page).locator('button').first()
    await expect(first).toBeVisible()
    if (kind === 'widget') await first.click()
    await expect(host(page).getByText(URL_TEXT)).toBeVisible()
    await settled(page)
    expect(await overflowing(page)).toEqual([])
    expect(await page.evaluate(() => document.documentElement.scrollWidth), 'no horizontal scrolling of the page').toBe(320)
    // Every control can be clicked where it is (Playwright checks the hit target).
    for (const b of await host(page).locator('button, a[href]').all()) await b.click({ trial: true })
  })
}

/** Where the text of the moment's title runs: the element's resolved direction. */
const direction = (page: Page, kind: Kind): Promise<string> => titleOf(page, kind).evaluate((el) => getComputedStyle(el).direction)

for (const kind of KINDS) {
  test(`RTL host page with English copy: the ${kind} reads left to right (no "days left 2", no ".limit")`, async ({ page, server }) => {
    const { cfg, show } = SCENARIOS[kind]
    await page.goto(momentPage(server, `/render-rtl-${kind}.html`, cfg(), { head: '<script>document.documentElement.dir = "rtl"</script>' }))
    await ready(page)
    await show(page)
    await expect(titleOf(page, kind)).toBeVisible()
    expect(await direction(page, kind)).toBe('ltr')
  })
}

test('LTR host page with Hebrew copy: the nudge reads right to left', async ({ page, server }) => {
  const he = { ...NUDGE, copy: { he: { title: 'השתמשת ב-80% מהפרויקטים', body: 'שדרגו לפרויקטים ללא הגבלה.', cta: 'לתוכניות', dismiss: 'הבנתי' } } }
  await page.goto(momentPage(server, '/render-he.html', config([he], { locale: 'he' })))
  await ready(page)
  await page.evaluate(() => window.momentkit.track('limit_reached'))
  const title = host(page).getByText('השתמשת')
  await expect(title).toBeVisible()
  expect(await title.evaluate((el) => getComputedStyle(el).direction)).toBe('rtl')
})

/** Whether the element is in the given language for assistive technology (its lang, or the nearest one it inherits, through the shadow root). */
const inLang = (page: Page, text: string | RegExp, lang: string): Promise<boolean> => host(page).getByText(text).first().evaluate((el, lang) => el.matches(`:lang(${lang})`), lang)

test('the copy\'s language is marked: German copy on an English page is read as German, English fallback copy on a French page as English', async ({ page, server }) => {
  const de = { ...NUDGE, copy: { de: { title: '80 % Ihrer kostenlosen Projekte genutzt', body: 'Upgrade für unbegrenzte Projekte.', cta: 'Pro-Pläne ansehen', dismiss: 'Verstanden' } } }
  await page.goto(momentPage(server, '/render-lang-de.html', config([de], { locale: 'de' })))
  await ready(page)
  await page.evaluate(() => window.momentkit.track('limit_reached'))
  await expect(host(page).getByText(/80 % Ihrer/)).toBeVisible()
  expect(await inLang(page, /80 % Ihrer/, 'de')).toBe(true)
  expect(await inLang(page, 'Verstanden', 'de')).toBe(true)

  // The page is French, the locale French, the moment has English copy only: what shows is English.
  await page.goto(momentPage(server, '/render-lang-fr.html', config([UPGRADE], { locale: 'fr', namespace: 'fr' }), { head: '<script>document.documentElement.lang = "fr"</script>' }))
  await ready(page)
  await crossTier(page)
  await expect(titleOf(page, 'upgrade')).toBeVisible()
  expect(await inLang(page, /Unlock Pro/, 'en')).toBe(true)
})
