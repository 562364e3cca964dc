/** Sales alerts: tier crossings and account flags, delivered to a real local webhook receiver. */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { userHash } from '../../../src/collector/auth'
import { batch, busyUser, clientRun, config, who } from '../helpers'
import { type Env, post, until } from '../env'

interface Receiver {
  url: string
  bodies: Array<Record<string, unknown>>
  close(): Promise<void>
}

/** A webhook receiver on 127.0.0.1 answering with `statuses` in turn (the last one repeats). */
async function receiver(statuses: number[]): Promise<Receiver> {
  const bodies: Receiver['bodies'] = []
  const server: Server = createServer((req, res) => {
    let text = ''
    req.on('data', (d) => (text += d))
    req.on('end', () => {
      bodies.push(JSON.parse(text))
      const status = statuses[Math.min(bodies.length - 1, statuses.length - 1)]
      res.writeHead(status, { 'Content-Type': 'text/plain' })
      res.end(status >= 400 ? 'receiver says no' : 'ok')
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const { port } = server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}/hook`, bodies, close: () => new Promise((r) => (server.closeAllConnections(), server.close(() => r()))) }
}

export function alertsSuite(env: Env): void {
  describe('sales alerts', () => {
    const receivers: Receiver[] = []
    afterEach(async () => {
      for (const r of receivers.splice(0)) await r.close()
    })
    const hook = async (statuses: number[]) => {
      const r = await receiver(statuses)
      receivers.push(r)
      return r
    }

    it('a crossing into PQL posts a Slack alert; a webhook failing twice is retried until it succeeds', async () => {
      const r = await hook([500, 500, 200])
      const c = await env.start({ webhookUrl: r.url, retry: { base: 20, max: 100 } })
      const client = clientRun(config(), who('lead-1', 'acme'), busyUser(Date.now() - 60_000))
      expect((await post(c.collectUrl, batch(client.messages))).body.alerts).toBe(1)
      await until(async () => (await env.count('alerts', `status = 'sent'`)) === 1, 5000, 'the alert to be delivered')
      expect(r.bodies).toHaveLength(3)
      const [a] = await env.db().query(`select * from alerts`)
      expect(a).toMatchObject({ kind: 'user', subject: 'u:lead-1', account_id: 'acme', tier: client.tier.tier, status: 'sent', attempts: 3, last_error: 'HTTP 500: receiver says no' })
      const slack = r.bodies[2] as { text: string; blocks: Array<Record<string, unknown>> }
      expect(slack.text).toMatch(/^(PQL|Hot PQL): lead-1 \(acme\) reached \d+/)
      const blocks = JSON.stringify(slack.blocks)
      expect(blocks).toContain(client.result.reasons[0])
      expect(blocks).toMatch(/contact within (2|24) hours/)
      expect(blocks).toContain('Suggested first message')
      expect(blocks).toContain('/inbox|sales inbox>')
    })

    it('failing deliveries stop after the last attempt and are visible in the inbox', async () => {
      const r = await hook([503])
      const c = await env.start({ webhookUrl: r.url, retry: { base: 10, max: 20, attempts: 2 } })
      await post(c.collectUrl, batch(clientRun(config(), who('lead-2'), busyUser(Date.now() - 60_000)).messages))
      await until(async () => (await env.count('alerts', `status = 'failed'`)) === 1, 5000, 'the alert to fail')
      expect(r.bodies).toHaveLength(2)
      const api = await (await fetch(c.url + '/api/inbox')).json()
      expect(api.counts.failing).toBe(1)
      expect(api.deliveries[0]).toMatchObject({ status: 'failed', attempts: 2, lastError: 'HTTP 503: receiver says no' })
      const html = await (await fetch(c.inboxUrl)).text()
      expect(html).toContain('1 failing deliveries')
      expect(html).toContain('HTTP 503: receiver says no')
    })

    it('a webhook answering a redirect is a failed delivery (retried, then failed), not "sent" after a GET of the landing page', async () => {
      const gets: string[] = []
      let posts = 0
      const server: Server = createServer((req, res) => {
        req.resume().on('end', () => {
          if (req.method === 'POST') return (posts++, res.writeHead(302, { Location: '/landing' }).end())
          gets.push(req.url ?? '')
          res.writeHead(200, { 'Content-Type': 'text/html' }).end('<html>welcome</html>')
        })
      })
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
      receivers.push({ url: '', bodies: [], close: () => new Promise((r) => (server.closeAllConnections(), server.close(() => r()))) })
      const { port } = server.address() as AddressInfo
      const c = await env.start({ webhookUrl: `http://127.0.0.1:${port}/hook`, retry: { base: 10, max: 20, attempts: 2 } })
      expect((await post(c.collectUrl, batch(clientRun(config(), who('redir'), busyUser(Date.now() - 60_000)).messages))).body.alerts).toBe(1)
      await until(async () => (await env.count('alerts', `status in ('sent', 'failed')`)) === 1, 5000, 'the delivery to settle')
      const [a] = await env.db().query(`select status, attempts, last_error from alerts`)
      expect(a).toEqual({ status: 'failed', attempts: 2, last_error: 'HTTP 302: the webhook redirects to /landing; set WEBHOOK_URL to the final URL' })
      expect({ posts, gets }).toEqual({ posts: 2, gets: [] })
    })

    it('an unreachable webhook is recorded as an error, not lost', async () => {
      const r = await hook([200])
      const url = r.url
      await r.close()
      receivers.length = 0
      const c = await env.start({ webhookUrl: url, retry: { base: 10, max: 20, attempts: 1 } })
      await post(c.collectUrl, batch(clientRun(config(), who('lead-3'), busyUser(Date.now() - 60_000)).messages))
      await until(async () => (await env.count('alerts', `status = 'failed'`)) === 1, 5000, 'the alert to fail')
      const [a] = await env.db().query(`select last_error from alerts`)
      expect(a.last_error).toMatch(/ECONNREFUSED|fetch failed/)
    })

    it('without a webhook, alerts are stored and shown; no alert twice for the same crossing', async () => {
      const c = await env.start()
      const msgs = clientRun(config(), who('lead-4'), busyUser(Date.now() - 60_000)).messages
      await post(c.collectUrl, batch(msgs))
      await post(c.collectUrl, batch(msgs))
      const rows = await env.db().query(`select status from alerts`)
      expect(rows).toEqual([{ status: 'stored' }])
    })

    it('a late batch of older events (another tab or device) does not alert sales again for a crossing already alerted', async () => {
      const c = await env.start()
      const client = clientRun(config(), who('late-1', 'acme'), busyUser(Date.now() - 60_000))
      const first = await post(c.collectUrl, batch(client.messages.slice(6)))
      expect(first.body.alerts).toBe(1)
      // A day later (the 24 h cooldown is over), the older batch arrives: the replay dips and climbs back.
      await env.db().query(`update alerts set created_at = created_at - interval '25 hours'`)
      const late = await post(c.collectUrl, batch(client.messages.slice(0, 6)))
      expect(late.status).toBe(200)
      expect(late.body.alerts).toBe(0)
      expect(await env.count('alerts')).toBe(1)
    })

    it('a late batch of older events that lifts the user into an alert tier alerts once, from the tier held before it', async () => {
      const c = await env.start()
      const client = clientRun(config(), who('late-3', 'acme'), busyUser(Date.now() - 60_000))
      const split = client.messages.length - 8
      expect((await post(c.collectUrl, batch(client.messages.slice(split)))).body.alerts).toBe(0)
      const [before] = await env.db().query(`select tier from users where key = 'u:late-3'`)
      const late = await post(c.collectUrl, batch(client.messages.slice(0, split)))
      expect(late.body.alerts).toBe(1)
      const [u] = await env.db().query(`select tier, prev_tier from users where key = 'u:late-3'`)
      expect(['pql', 'hot']).toContain(u.tier)
      expect(u.prev_tier).toBe(before.tier)
      const [a] = await env.db().query(`select tier, content->>'from' as "from" from alerts`)
      expect(a).toEqual({ tier: u.tier, from: before.tier })
    })

    it('with identity verification on, anonymous visitors claiming an account raise no alert and flag no account', async () => {
      const secret = 'alerts-secret'
      const c = await env.start({ identitySecret: secret })
      for (const anon of ['anon-x', 'anon-y']) {
        const r = await post(c.collectUrl, batch(clientRun(config(), who(null, 'victim-corp', anon), busyUser(Date.now() - 60_000)).messages))
        expect(r.status).toBe(200) // anonymous messages need no verification: stored, but not trusted
      }
      expect(await env.count('alerts')).toBe(0)
      expect(await env.count('accounts', 'flagged')).toBe(0)
      // A verified user of that account is counted alone: one engaged user does not flag it either.
      const msgs = clientRun(config(), who('real-1', 'victim-corp'), busyUser(Date.now() - 60_000)).messages
      expect((await post(c.collectUrl, batch(msgs, { userHash: userHash(secret, 'real-1') }))).status).toBe(200)
      expect(await env.count('alerts', `kind = 'user'`)).toBe(1)
      const [acct] = await env.db().query(`select users, flagged from accounts where account_id = 'victim-corp'`)
      expect(acct).toMatchObject({ users: 1, flagged: false })
    })

    it('with identity verification on, a user who reached PQL before signing in is alerted once verified, for that crossing', async () => {
      const secret = 'alerts-secret'
      const c = await env.start({ identitySecret: secret })
      const end = Date.now() - 60_000
      const anon = clientRun(config(), who(null, 'acme', 'anon-pql'), busyUser(end - 60_000))
      expect((await post(c.collectUrl, batch(anon.messages))).body.alerts).toBe(0) // anonymous: stored, not trusted
      const [a] = await env.db().query(`select tier, tier_since from users where key = 'a:anon-pql'`)
      const signedIn = (t: number) => clientRun(config(), who('verified-pql', 'acme', 'anon-pql'), [{ name: 'feature_used', props: { feature: 'boards' }, t }]).messages
      const auth = { userHash: userHash(secret, 'verified-pql') }
      expect((await post(c.collectUrl, batch(signedIn(end), auth))).body.alerts).toBe(1)
      const [alert] = await env.db().query(`select subject, tier, crossed_at from alerts`)
      expect(alert).toEqual({ subject: 'u:verified-pql', tier: a.tier, crossed_at: a.tier_since })
      // Once: not again on the next batch, even past the cooldown.
      await env.db().query(`update alerts set created_at = created_at - interval '25 hours'`)
      expect((await post(c.collectUrl, batch(signedIn(end + 1000), auth))).body.alerts).toBe(0)
      expect(await env.count('alerts')).toBe(1)
    })

    it('an account with two PQL users is flagged once, with an account alert', async () => {
      const r = await hook([200])
      const c = await env.start({ webhookUrl: r.url, webhookFormat: 'json' })
      await post(c.collectUrl, batch(clientRun(config(), who('ann', 'globex'), busyUser(Date.now() - 60_000)).messages))
      expect(await env.count('accounts', 'flagged')).toBe(0)
      await post(c.collectUrl, batch(clientRun(config(), who('bob', 'globex'), busyUser(Date.now() - 30_000)).messages))
      const [acct] = await env.db().query(`select users, flagged, rule, tiers from accounts where account_id = 'globex'`)
      expect(acct).toMatchObject({ users: 2, flagged: true, rule: expect.stringMatching(/^2 users at pql or above/) })
      await until(() => r.bodies.length === 3, 5000, 'three alerts (two users, one account)')
      const account = r.bodies.find((b) => b.kind === 'account')!
      expect(account).toMatchObject({ type: 'momentkit.alert', accountId: 'globex', clause: expect.stringContaining('2 users') })
      expect((account.members as unknown[]).length).toBe(2)
      // A third engaged user does not flag it again.
      await post(c.collectUrl, batch(clientRun(config(), who('cat', 'globex'), busyUser(Date.now() - 20_000)).messages))
      expect(await env.count('alerts', `kind = 'account'`)).toBe(1)
    })
  })
}
