/**
 * Copy placeholders as the shipped moments use them: {{projects}} and
 * {{invites}} count what the user did, whatever signals the model has, and
 * read in the singular for one.
 */
import { test, expect, ready } from './fixtures'
import { config, daysAhead, host, momentPage } from './moments-helpers'

// Regression test: {{projects}} was the value of a signal named projects_created, which the default
// five-dimension model lacks, so the default trial banner said "Keep your 0 projects" to everyone.
test('the default trial banner names the projects the user created (default model), one in the singular', async ({ page, server }) => {
  const cfg = config([], { model: { preset: 'five-dimension' }, moments: 'default', plan: 'trial', trial: { end: daysAhead(2) } })
  await page.goto(momentPage(server, '/moments-copy-projects.html', cfg))
  await ready(page)
  const banner = host(page).getByRole('region', { name: 'Your trial ends soon' })
  // No project_created sent yet (and no signal of them in this model): not "Keep your 0 projects", the fallback.
  await expect(banner).toContainText('Keep all your team built: choose a plan.')
  await page.evaluate(() => window.momentkit.track('project_created'))
  await expect(banner).toContainText('Keep your 1 project and')
  await page.evaluate(() => ['project_created', 'project_created'].forEach((e) => window.momentkit.track(e)))
  await expect(banner).toContainText('Keep your 3 projects and')
  // Counted all time, stored: the reload says the same.
  await page.evaluate(() => window.momentkit.flush())
  await page.reload()
  await ready(page)
  await expect(banner).toContainText('Keep your 3 projects and')
})
