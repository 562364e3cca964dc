/**
 * Theming from config: CSS custom properties for light and dark, following
 * prefers-color-scheme unless `scheme` forces one; values that could inject
 * CSS are refused by init with their JSON path.
 */
import { COLOUR_NAMES } from '../../src/render/colour-names'
import { themeProblem, useColourNames } from '../../src/render/theme'
import { test, expect, ready, sdkLogs } from './fixtures'
import { NUDGE, config, ctaOf, host, momentPage, titleOf } from './moments-helpers'

const show = (page: import('@playwright/test').Page) => page.evaluate(() => window.momentkit.track('limit_reached'))
const colors = (page: import('@playwright/test').Page) =>
  Promise.all([ctaOf(page, 'nudge').evaluate((el) => getComputedStyle(el).backgroundColor), titleOf(page, 'nudge').evaluate((el) => getComputedStyle(el).color)])

const THEME = { accent: '#0f766e', text: '#111111', 'dark.accent': '#2dd4bf', 'dark.text': '#fafafa' }

for (const colorScheme of ['light', 'dark'] as const) {
  test(`theme values from config apply in the ${colorScheme} scheme`, async ({ page, server }) => {
    await page.emulateMedia({ colorScheme })
    await page.goto(momentPage(server, `/moments-theme-${colorScheme}.html`, config([NUDGE], { theme: THEME })))
    await ready(page)
    await show(page)
    await expect(titleOf(page, 'nudge')).toBeVisible()
    expect(await colors(page)).toEqual(colorScheme === 'light' ? ['rgb(15, 118, 110)', 'rgb(17, 17, 17)'] : ['rgb(45, 212, 191)', 'rgb(250, 250, 250)'])
  })
}

test('scheme "dark" forces dark values on a light-preferring page', async ({ page, server }) => {
  await page.emulateMedia({ colorScheme: 'light' })
  await page.goto(momentPage(server, '/moments-theme-forced.html', config([NUDGE], { theme: { ...THEME, scheme: 'dark' } })))
  await ready(page)
  await show(page)
  await expect(titleOf(page, 'nudge')).toBeVisible()
  expect(await colors(page)).toEqual(['rgb(45, 212, 191)', 'rgb(250, 250, 250)'])
})

// An unbalanced quote in the font would open a string that swallows the rest of the one-line sheet.
for (const [i, [key, value]] of [['accent', 'red;}*{display:none'], ['font', '"Inter'], ['dark.font', "'Inter, sans-serif"]].entries()) {
  test(`a theme value that could inject CSS is refused by init with its path: ${key} ${JSON.stringify(value)}`, async ({ page, server, logs }) => {
    await page.goto(momentPage(server, `/moments-theme-evil-${i}.html`, config([NUDGE], { theme: { accent: '#0f766e', [key]: value } })))
    await expect.poll(() => sdkLogs(logs, 'error').map((l) => l.text).join('\n')).toContain(`theme.${key}`)
    await show(page)
    await page.waitForTimeout(300)
    await expect(host(page)).toHaveCount(0)
  })
}

test('the theme check agrees with the browser on what is a colour or a length', async ({ page }) => {
  await page.setContent('<p>x</p>')
  const rows: Array<[key: string, prop: string, value: string]> = [
    ['accent', 'color', '#12345'],
    ['accent', 'color', '#1234567'],
    ['accent', 'color', '#1234'],
    ['accent', 'color', 'hsl(243deg 75% 59%)'],
    ['radius', 'border-radius', '12'],
    ['radius', 'border-radius', '0'],
    ['radius', 'border-radius', '.5rem'],
    ['radius', 'border-radius', '12PX'],
    ['accent', 'color', 'bluee'],
    ['accent', 'color', 'RGB(1, 2, 3)'],
    ...COLOUR_NAMES.map((n): [string, string, string] => ['accent', 'color', n]),
  ]
  // Here the check runs in Node, with the list the CLI uses; in the page, init() asks CSS.supports (test below).
  useColourNames(COLOUR_NAMES)
  const wrong: string[] = []
  for (const [key, prop, value] of rows) {
    const css = await page.evaluate(([p, v]) => CSS.supports(p, v), [prop, value])
    const ours = themeProblem(key, value) === null
    if (css !== ours) wrong.push(`${key} ${JSON.stringify(value)}: browser ${css ? 'accepts' : 'refuses'}, theme check ${ours ? 'accepts' : 'refuses'}`)
  }
  expect(wrong).toEqual([])
})

// A colour CSS does not know makes the custom property invalid: the accent button turned transparent.
test('a misspelt colour name is refused by init with its path, a real one applies', async ({ page, server, logs }) => {
  await page.goto(momentPage(server, '/moments-theme-bluee.html', config([NUDGE], { theme: { accent: 'bluee' } })))
  await expect.poll(() => sdkLogs(logs, 'error').map((l) => l.text).join('\n')).toContain('theme.accent')
  await show(page)
  await page.waitForTimeout(300)
  await expect(host(page)).toHaveCount(0)
  await page.goto(momentPage(server, '/moments-theme-named.html', config([NUDGE], { theme: { accent: ' RebeccaPurple ', text: 'CanvasText' } })))
  await ready(page)
  await show(page)
  await expect(titleOf(page, 'nudge')).toBeVisible()
  expect((await colors(page))[0]).toBe('rgb(102, 51, 153)')
})
