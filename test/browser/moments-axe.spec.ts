/**
 * axe-core, run on the whole document (open shadow roots included), finds
 * no serious or critical issue with any moment kind on screen, in the light
 * and the dark colour scheme.
 */
import { resolve } from 'node:path'
import type { Page } from '@playwright/test'
import type { AxeResults, NodeResult } from 'axe-core'
import { test, expect, ready } from './fixtures'
import { ROOT } from './server'
import { KINDS, SCENARIOS, TITLES, UPGRADE, config, crossTier, host, momentPage, reveal, settled, titleOf } from './moments-helpers'

declare global {
  interface Window {
    axe: { run(context: Document, options: object): Promise<AxeResults> }
  }
}

const AXE = resolve(ROOT, 'node_modules/axe-core/axe.min.js')
/** Whether axe reported a node inside the MomentKit shadow root (its target is a shadow path). */
const inShadow = (n: NodeResult) => Array.isArray(n.target[0]) && (n.target[0] as string[])[0] === 'momentkit-root'

async function audit(page: Page) {
  await page.addScriptTag({ path: AXE })
  const r = await page.evaluate(async () => {
    const res = await window.axe.run(document, { resultTypes: ['violations', 'passes'] })
    return { violations: res.violations, passes: res.passes }
  })
  const bad = r.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help}\n${v.nodes.map((n) => `    ${JSON.stringify(n.target)} ${n.failureSummary}`).join('\n')}`)
  const auditedInShadow = r.passes.flatMap((p) => p.nodes).filter(inShadow).length
  return { bad, auditedInShadow }
}

for (const colorScheme of ['light', 'dark'] as const) {
  for (const [kind, open] of [...KINDS.map((k) => [k, false] as const), ['widget', true] as const]) {
    test(`axe: no serious or critical issue with the ${kind}${open ? ' (opened)' : ''} moment (${colorScheme})`, async ({ page, server }) => {
      await page.emulateMedia({ colorScheme })
      await page.goto(momentPage(server, `/moments-axe-${kind}-${open}-${colorScheme}.html`, SCENARIOS[kind].cfg()))
      await ready(page)
      await SCENARIOS[kind].show(page)
      await expect(titleOf(page, kind)).toBeVisible()
      if (open) await reveal(page, kind)
      await settled(page)
      const { bad, auditedInShadow } = await audit(page)
      expect(auditedInShadow, 'axe looked inside the shadow root').toBeGreaterThan(0)
      expect(bad, bad.join('\n')).toEqual([])
    })
  }
}

for (const colorScheme of ['light', 'dark'] as const) {
  test(`axe: no serious or critical issue with the slide-in upgrade prompt (${colorScheme})`, async ({ page, server }) => {
    await page.emulateMedia({ colorScheme })
    await page.goto(momentPage(server, `/moments-axe-slidein-${colorScheme}.html`, config([{ ...UPGRADE, variant: 'slidein' }])))
    await ready(page)
    await crossTier(page)
    // The non-modal variant: a complementary landmark, no dialog.
    await expect(host(page).getByRole('complementary')).toContainText(TITLES.upgrade)
    await expect(host(page).getByRole('dialog')).toHaveCount(0)
    await settled(page)
    const { bad, auditedInShadow } = await audit(page)
    expect(auditedInShadow, 'axe looked inside the shadow root').toBeGreaterThan(0)
    expect(bad, bad.join('\n')).toEqual([])
  })
}

test('axe control: a low-contrast host element is reported, so the audit can fail', async ({ page, server }) => {
  await page.goto(
    momentPage(server, '/moments-axe-control.html', SCENARIOS.nudge.cfg(), {
      head: '<style>#faint { color: #eee; background: #fff }</style>',
      body: '<p id="faint">Barely readable</p>',
    }),
  )
  await ready(page)
  await expect(host(page)).toHaveCount(0)
  const { bad } = await audit(page)
  expect(bad.join('\n')).toContain('color-contrast')
})
