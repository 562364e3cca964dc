/**
 * Moments on a host page that has its own modal UI open: a JavaScript focus
 * trap (as focus-trap and most modal libraries install: document listeners in
 * the capture phase that take Tab over) and a native modal <dialog>.
 */
import { test, expect, ready } from './fixtures'
import { GATE, UPGRADE, config, crossTier, deepFocus, host, momentPage, outcomes, settled, titleOf } from './moments-helpers'

/** A host modal whose script keeps focus inside it and moves focus itself on Tab, as focus-trap does. */
const HOST_TRAP = `<div id="host-modal" role="dialog" aria-label="Share project"><button id="copy" type="button">Copy link</button><button id="opener" type="button" data-momentkit-gate="advanced-export">Export</button></div>
<script>
(function () {
  var box = document.getElementById('host-modal')
  var controls = function () { return [].slice.call(box.querySelectorAll('button')) }
  document.addEventListener('focusin', function (e) { if (!box.contains(e.target)) controls()[0].focus() }, true)
  document.addEventListener('keydown', function (e) {
    if (e.key !== 'Tab') return
    var t = controls(), i = t.indexOf(document.activeElement)
    e.preventDefault()
    t[(i + (e.shiftKey ? -1 : 1) + t.length) % t.length].focus()
  }, true)
})()
</script>`

test('gate opened inside a host focus trap: Tab and Shift+Tab reach every control of the gate, Esc returns focus to the opener', async ({ page, server }) => {
  await page.goto(momentPage(server, '/render-host-trap.html', config([GATE]), { body: HOST_TRAP }))
  await ready(page)
  await page.focus('#opener')
  await page.keyboard.press('Enter')
  await expect(host(page).getByRole('dialog')).toBeVisible()
  await expect.poll(() => deepFocus(page).then((f) => f.inMoment)).toBe(true)
  for (const key of ['Tab', 'Shift+Tab'] as const) {
    const seen = new Set<string>()
    for (let i = 0; i < 3; i++) {
      await page.keyboard.press(key)
      const f = await deepFocus(page)
      expect(f.inMoment, `${key} #${i + 1} stays in the gate`).toBe(true)
      seen.add(f.text)
    }
    expect([...seen].sort(), `${key} visits the close button, "Maybe later" and the CTA`).toEqual(['Maybe later', 'Upgrade to Pro', '×'])
  }
  await page.keyboard.press('Escape')
  await expect(titleOf(page, 'gate')).toBeHidden()
  expect(await deepFocus(page)).toMatchObject({ inMoment: false, id: 'opener' })
  expect(await outcomes(page)).toEqual(['gate-export:shown', 'gate-export:dismissed'])
})

test('slide-in while the host has a modal <dialog> open: it does not sit on top of the host dialog, and is usable once that closes', async ({ page, server }) => {
  const body = '<dialog id="host-dialog"><p>Invite teammates</p><button id="done" type="button">Done</button></dialog>'
  await page.goto(momentPage(server, '/render-slidein-host-dialog.html', config([{ ...UPGRADE, variant: 'slidein' }]), { body, head: '<style>#host-dialog { width: 96vw; height: 96vh; padding: 0 }</style>' }))
  await ready(page)
  await page.evaluate(() => (document.getElementById('host-dialog') as HTMLDialogElement).showModal())
  await crossTier(page)
  await expect.poll(() => outcomes(page)).toEqual(['upgrade-pql:shown'])
  await settled(page)
  // Where the slide-in's CTA is, the screen shows the host dialog as it would without any moment.
  const cta = host(page).getByRole('link', { name: 'See plans' })
  const clip = (await cta.boundingBox())!
  const shot = await page.screenshot({ clip })
  await page.evaluate(() => (document.querySelector('momentkit-root') as HTMLElement).style.setProperty('display', 'none', 'important'))
  const without = await page.screenshot({ clip })
  await page.evaluate(() => (document.querySelector('momentkit-root') as HTMLElement).style.removeProperty('display'))
  expect(shot.equals(without), 'the slide-in is not painted over the host dialog').toBe(true)

  await page.click('#done')
  await page.evaluate(() => (document.getElementById('host-dialog') as HTMLDialogElement).close())
  await host(page).getByRole('button', { name: 'Not now' }).click()
  await expect(titleOf(page, 'upgrade')).toBeHidden()
  expect(await outcomes(page)).toEqual(['upgrade-pql:shown', 'upgrade-pql:dismissed'])
})
