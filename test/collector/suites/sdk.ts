/** The real SDK, with its own transport (fetch), delivering to the collector over HTTP. */
import { describe, expect, it } from 'vitest'
import { userHash } from '../../../src/collector/auth'
import { createInstance } from '../../../src/core'
import { config } from '../helpers'
import { type Env, until } from '../env'

const SECRET = 'sdk-e2e-secret'
let n = 0

export function sdkSuite(env: Env): void {
  describe('the SDK delivering to the collector', () => {
    it('everything arrives once, verified, and the server scores the user as the SDK did', async () => {
      const c = await env.start({ identitySecret: SECRET, writeKeys: ['pk_e2e'] })
      const cfg = config({ namespace: `e2e-${n++}-${Date.now()}`, endpoint: c.collectUrl, writeKey: 'pk_e2e', delivery: { interval: 0 } })
      const mk = createInstance(cfg)
      await mk.ready
      mk.identify('e2e-user', { accountId: 'e2e-acct' }, { userHash: userHash(SECRET, 'e2e-user') })
      for (const f of ['boards', 'reports', 'export', 'api', 'reports']) mk.track('feature_used', { feature: f })
      mk.track('teammate_invited', { email: 'a@x.test' })
      mk.track('teammate_invited', { email: 'b@x.test' })
      mk.track('integration_connected', { kind: 'slack' })
      await new Promise((r) => setTimeout(r, 50))
      await mk.flush()
      await until(async () => (await env.count('messages', `type = 'event' and subject = 'u:e2e-user'`)) === 8, 5000, 'the events')
      const sdk = mk.explain()
      expect(sdk.delivery).toMatchObject({ dropped: 0, queued: 0 })
      await mk.destroy()
      const [u] = await env.db().query(`select score, tier, client_score, mismatch, account_id, events from users where key = 'u:e2e-user'`)
      expect(u).toMatchObject({ score: sdk.score, tier: sdk.tier, account_id: 'e2e-acct', events: 8, mismatch: false })
      expect(await env.count('messages', `type = 'tier'`)).toBeGreaterThan(0)
    })

    it('a forged userHash is refused and the SDK drops the batch rather than retrying forever', async () => {
      const c = await env.start({ identitySecret: SECRET })
      const cfg = config({ namespace: `e2e-${n++}-${Date.now()}`, endpoint: c.collectUrl, delivery: { interval: 0 } })
      const mk = createInstance(cfg)
      await mk.ready
      mk.identify('victim', {}, { userHash: userHash('not-the-secret', 'victim') })
      mk.track('teammate_invited')
      await new Promise((r) => setTimeout(r, 50))
      await mk.flush()
      await until(() => (mk.explain().delivery?.dropped ?? 0) > 0, 5000, 'the SDK to drop the refused batch')
      await mk.destroy()
      expect(await env.count('messages', `subject = 'u:victim'`)).toBe(0)
    })
  })
}
