/** Webhook deliveries as a real local receiver gets them: signed, and each alert once across collectors. */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { verifyWebhook } from '../../../src/collector/signature'
import { batch, busyUser, clientRun, config, who } from '../helpers'
import { type Env, post, until } from '../env'

interface Got {
  raw: Buffer
  headers: IncomingHttpHeaders
}

/** A receiver on 127.0.0.1 keeping each POST's raw bytes and headers, answering `statuses` in turn; `onPost` runs first. */
async function receiver(statuses: number[], onPost: () => void = () => {}) {
  const got: Got[] = []
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (d: Buffer) => chunks.push(d))
    req.on('end', () => {
      got.push({ raw: Buffer.concat(chunks), headers: req.headers })
      onPost()
      res.writeHead(statuses[Math.min(got.length - 1, statuses.length - 1)]).end()
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const { port } = server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}/hook`, got, close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))) }
}

const SECRET = 'whsec-suite'

export function signingSuite(env: Env): void {
  describe('signed webhook deliveries', () => {
    const open: Array<() => Promise<void>> = []
    afterEach(async () => {
      for (const close of open.splice(0)) await close()
    })

    it('every attempt is signed over the bytes sent, with the attempt\'s own timestamp; a tampered body or an old timestamp fails', async () => {
      // The collector's clock moves 2 minutes on each POST, so the retry is signed at another time.
      let offset = 0
      const now = () => Date.now() + offset
      const r = await receiver([500, 200], () => (offset += 120_000))
      open.push(r.close)
      const c = await env.start({ webhookUrl: r.url, webhookFormat: 'json', webhookSecret: SECRET, retry: { base: 10, max: 20 }, now })
      expect((await post(c.collectUrl, batch(clientRun(config(), who('signed-1', 'acme'), busyUser(Date.now() - 60_000)).messages))).body.alerts).toBe(1)
      await until(async () => (await env.count('alerts', `status = 'sent'`)) === 1, 5000, 'the alert to be delivered')
      expect(r.got).toHaveLength(2)
      const ts = r.got.map((g) => Number(/^t=(\d+),/.exec(String(g.headers['momentkit-signature']))?.[1]))
      expect(ts[1] - ts[0]).toBeGreaterThanOrEqual(119)
      r.got.forEach((g, i) => {
        expect(verifyWebhook(g.raw, g.headers['momentkit-signature'], SECRET, { now: ts[i] * 1000 + 1000 })).toEqual({ ok: true, timestamp: ts[i] })
        expect(JSON.parse(g.raw.toString('utf8'))).toMatchObject({ type: 'momentkit.alert', userId: 'signed-1' })
      })
      const [first] = r.got
      const alertId = first.headers['momentkit-alert-id']
      expect(alertId).toMatch(/^\d+$/)
      expect(r.got[1].headers['momentkit-alert-id']).toBe(alertId)
      const sig = first.headers['momentkit-signature']
      const tampered = Buffer.from(first.raw.toString('utf8').replace('"signed-1"', '"signed-2"'))
      expect(verifyWebhook(tampered, sig, SECRET, { now: ts[0] * 1000 }).ok).toBe(false)
      expect(verifyWebhook(first.raw, sig, 'not-the-secret', { now: ts[0] * 1000 }).ok).toBe(false)
      expect(verifyWebhook(first.raw, sig, SECRET, { now: ts[0] * 1000 + 10 * 60_000 })).toMatchObject({ ok: false, reason: expect.stringContaining('tolerance') })
    })

    it('a Slack-format delivery is signed too; without a secret there is no signature header', async () => {
      const r = await receiver([200])
      open.push(r.close)
      const signed = await env.start({ webhookUrl: r.url, webhookSecret: SECRET })
      await post(signed.collectUrl, batch(clientRun(config(), who('signed-3'), busyUser(Date.now() - 60_000)).messages))
      await until(() => r.got.length === 1, 5000, 'the signed alert')
      expect(verifyWebhook(r.got[0].raw, r.got[0].headers['momentkit-signature'], SECRET).ok).toBe(true)
      await signed.close()
      const plain = await env.start({ webhookUrl: r.url })
      await post(plain.collectUrl, batch(clientRun(config(), who('unsigned-1'), busyUser(Date.now() - 60_000)).messages))
      await until(() => r.got.length === 2, 5000, 'the unsigned alert')
      expect(r.got[1].headers).not.toHaveProperty('momentkit-signature')
      expect(r.got[1].headers['momentkit-alert-id']).toMatch(/^\d+$/)
      expect(JSON.parse(r.got[1].raw.toString('utf8'))).toHaveProperty('blocks')
    })

    it('two collectors on one database post each alert once, even when posting a claimed batch outlasts the lease', async () => {
      // Each POST takes 9 s of the collectors' clock (a slow webhook, within the 10 s timeout).
      let offset = 0
      const now = () => Date.now() + offset
      const ids: string[] = []
      let url = ''
      const server = createServer((req, res) => {
        req.resume().on('end', async () => {
          ids.push(String(req.headers['momentkit-alert-id']))
          offset += 9000
          // 63 s after the first claim, a second collector starts and delivers what is due.
          if (ids.length === 7) await (await env.start({ webhookUrl: url, webhookFormat: 'json', now })).deliverAlerts()
          res.writeHead(200).end()
        })
      })
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
      open.push(() => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))))
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`
      for (let i = 0; i < 8; i++) {
        await env.db().query(
          `insert into alerts (kind, subject, tier, score, sla, crossed_at, content, status, next_at) values ('user', $1, 'pql', 70, 'pql', now(), '{}'::jsonb, 'pending', $2::timestamptz)`,
          ['u:lease-' + i, new Date(now()).toISOString()],
        )
      }
      const a = await env.start({ webhookUrl: url, webhookFormat: 'json', now })
      await a.deliverAlerts()
      await until(async () => (await env.count('alerts', `status = 'sent'`)) === 8, 5000, 'every alert sent')
      expect(ids.length).toBe(8)
      expect(new Set(ids).size).toBe(8)
    })
  })
}
