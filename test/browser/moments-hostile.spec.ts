/**
 * Host CSS cannot break the moments, and moment CSS never leaks out.
 *
 * Hostile host styles (`* { all: unset !important }`, a 40px root font,
 * `div`/`dialog { display: none !important }`, inherited text styles on
 * body) leave every kind visible, on screen, and styled exactly as on a
 * clean page. The SDK adds no document-level styles, and host elements
 * that happen to use the moments' class names keep their own styles.
 */
import type { Page } from '@playwright/test'
import { test, expect, ready } from './fixtures'
import { KINDS, SCENARIOS, UPGRADE, config, crossTier, ctaOf, host, momentPage, reveal, settled, titleOf, type Kind } from './moments-helpers'

const HOSTILE = `<style>
* { all: unset !important }
html { font-size: 40px !important }
div { display: none !important }
dialog { display: none !important }
body { color: rgb(255, 0, 0) !important; font-family: serif !important; line-height: 5 !important; letter-spacing: 10px !important; text-transform: uppercase !important }
</style>`

const PROPS = ['font-size', 'font-weight', 'font-family', 'color', 'letter-spacing', 'text-transform', 'line-height', 'visibility', 'opacity'] as const

/** Title and CTA: computed styles, box, and whether the title is the topmost thing at its centre. */
async function measure(page: Page, kind: Kind) {
  await expect(titleOf(page, kind)).toBeVisible()
  await reveal(page, kind)
  await settled(page)
  const style = (el: Element) => {
    const cs = getComputedStyle(el)
    const out: Record<string, string> = {}
    for (const p of ['font-size', 'font-weight', 'font-family', 'color', 'letter-spacing', 'text-transform', 'line-height', 'visibility', 'opacity']) out[p] = cs.getPropertyValue(p)
    return out
  }
  const title = await titleOf(page, kind).evaluate((el, style) => {
    const s = new Function('return ' + style)()(el)
    const r = el.getBoundingClientRect()
    // Topmost element at the title's centre, through shadow roots.
    let top: Element | null = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2)
    while (top?.shadowRoot) {
      const inner = top.shadowRoot.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2)
      if (!inner || inner === top) break
      top = inner
    }
    return { style: s, box: { x: r.x, y: r.y, width: r.width, height: r.height }, onTop: !!top && (top === el || el.contains(top)), viewport: { w: innerWidth, h: innerHeight } }
  }, style.toString())
  const cta = await ctaOf(page, kind).evaluate((el, style) => {
    const r = el.getBoundingClientRect()
    return { style: new Function('return ' + style)()(el), width: r.width, height: r.height }
  }, style.toString())
  return { title, cta }
}

/** The upgrade prompt's non-modal variant, measured like the upgrade kind (same title and CTA). */
const SLIDEIN = { cfg: () => config([{ ...UPGRADE, variant: 'slidein' }]), show: crossTier }
const CASES: Array<[name: string, kind: Kind, scenario: (typeof SCENARIOS)[Kind]]> = [...KINDS.map((k) => [k, k, SCENARIOS[k]] as [string, Kind, (typeof SCENARIOS)[Kind]]), ['slide-in upgrade', 'upgrade', SLIDEIN]]

for (const [name, kind, { cfg, show }] of CASES) {
  test(`hostile host CSS: the ${name} moment stays visible and styled as on a clean page`, async ({ page, server }) => {
    const slug = name.replace(/\W+/g, '-')
    await page.goto(momentPage(server, `/moments-clean-${slug}.html`, cfg()))
    await ready(page)
    await show(page)
    const clean = await measure(page, kind)

    // Its own namespace: the clean page's stored tier and history must not carry over.
    await page.goto(momentPage(server, `/moments-hostile-${slug}.html`, { ...cfg(), namespace: 'hostile' }, { head: HOSTILE }))
    // The hostile page really is hostile: the host's own text got the 40px/red treatment.
    expect(await page.locator('h1').evaluate((el) => getComputedStyle(el).color)).toBe('rgb(255, 0, 0)')
    await ready(page)
    await show(page)
    await expect(titleOf(page, kind)).toBeVisible()
    if (name !== kind) await expect(host(page).getByRole('complementary'), 'the slide-in, not the modal').toBeVisible()
    await reveal(page, kind)
    await expect(ctaOf(page, kind)).toBeVisible()
    const hostile = await measure(page, kind)

    const { box, viewport } = hostile.title
    expect(box.width, 'title has a size').toBeGreaterThan(0)
    expect(box.height).toBeGreaterThan(0)
    expect(box.x >= 0 && box.y >= 0 && box.x + box.width <= viewport.w && box.y + box.height <= viewport.h, `title within the viewport: ${JSON.stringify(box)}`).toBe(true)
    expect(hostile.title.onTop, 'nothing covers the title').toBe(true)
    expect(hostile.title.style, 'title styles are unchanged by host CSS').toEqual(clean.title.style)
    expect(hostile.cta.style, 'CTA styles are unchanged by host CSS').toEqual(clean.cta.style)
    expect(hostile.cta.width * hostile.cta.height).toBeGreaterThan(0)
    expect(Number.parseFloat(hostile.title.style['font-size']), 'the 40px root font does not scale the moment').toBeLessThan(30)
  })
}

for (const kind of ['upgrade', 'gate'] as const) {
  test(`stacking: the ${kind} modal is above a host overlay with the highest z-index`, async ({ page, server }) => {
    const { cfg, show } = SCENARIOS[kind]
    const overlay = '<style>#overlay { position: fixed; inset: 0; z-index: 2147483647; background: rgba(0, 0, 0, 0.05) }</style>'
    await page.goto(momentPage(server, `/moments-stack-${kind}.html`, cfg(), { head: overlay, body: '<div id="overlay"></div>' }))
    await ready(page)
    await show(page)
    const { title } = await measure(page, kind)
    expect(title.onTop, 'the modal is in the top layer, above any z-index').toBe(true)
    // Playwright clicks only what is hit-testable: the CTA is not covered.
    await ctaOf(page, kind).click({ trial: true })
  })
}

/** Host elements named like the moments' own classes, with the host's own styles. */
const LOOKALIKES = `
<div class="mk"><p class="mk-title" id="h-title">Host title</p><p class="mk-body" id="h-body">Host body</p>
<div class="mk-actions" id="h-actions"><button class="mk-primary" id="h-primary" type="button">Host primary</button><button class="mk-secondary" id="h-secondary" type="button">Host secondary</button></div></div>
<dialog id="h-dialog" open>Host dialog</dialog>`
const HOST_CSS = '<style>.mk-title { color: rgb(10, 120, 30); font-size: 12px; margin: 3px }</style>'
const IDS = ['h-title', 'h-body', 'h-actions', 'h-primary', 'h-secondary', 'h-dialog', 'host-first']

async function hostStyles(page: Page) {
  return page.evaluate((ids) => {
    const props = ['color', 'background-color', 'font-size', 'font-weight', 'font-family', 'margin', 'padding', 'display', 'border-radius', 'animation-name', 'box-sizing', 'outline-style']
    const out: Record<string, Record<string, string>> = {}
    for (const id of ids) {
      const cs = getComputedStyle(document.getElementById(id)!)
      out[id] = Object.fromEntries(props.map((p) => [p, cs.getPropertyValue(p)]))
    }
    const root = getComputedStyle(document.documentElement)
    out[':root'] = { '--mk-accent': root.getPropertyValue('--mk-accent'), '--mk-background': root.getPropertyValue('--mk-background') }
    out.sheets = { styleSheets: String(document.styleSheets.length), adopted: String(document.adoptedStyleSheets.length) }
    return out
  }, IDS)
}

test('moment CSS never leaks: host elements with the moments class names keep their own styles', async ({ page, server }) => {
  // Baseline: the same host page without MomentKit.
  server.page('/moments-leak-baseline.html', `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>x</title>${HOST_CSS}</head><body><main><h1>Acme</h1><button id="host-first" type="button">New project</button>${LOOKALIKES}</main></body></html>`)
  await page.goto('/moments-leak-baseline.html')
  const baseline = await hostStyles(page)
  expect(baseline['h-title']).toMatchObject({ color: 'rgb(10, 120, 30)', 'font-size': '12px' })

  const cfg = { ...SCENARIOS.trial.cfg(), plan: 'trial', moments: [...(SCENARIOS.trial.cfg().moments as unknown[]), ...(SCENARIOS.widget.cfg().moments as unknown[]), ...(SCENARIOS.upgrade.cfg().moments as unknown[])] }
  await page.goto(momentPage(server, '/moments-leak.html', cfg, { head: HOST_CSS, body: LOOKALIKES }))
  await ready(page)
  await SCENARIOS.upgrade.show(page)
  for (const kind of ['trial', 'widget', 'upgrade'] as const) await expect(titleOf(page, kind)).toBeVisible()
  await settled(page)
  expect(await hostStyles(page)).toEqual(baseline)

  // And the host's .mk-title rule does not reach the moment's title.
  const inside = await titleOf(page, 'upgrade').evaluate((el) => ({ color: getComputedStyle(el).color, size: getComputedStyle(el).fontSize }))
  expect(inside).not.toEqual({ color: 'rgb(10, 120, 30)', size: '12px' })
  expect(inside.color).not.toBe('rgb(10, 120, 30)')
  await expect(host(page)).toHaveCount(1)
})
