/** The sales inbox page and API, over HTTP. */
import { describe, expect, it } from 'vitest'
import { batch, busyUser, clientRun, config, who } from '../helpers'
import { type Env, post } from '../env'

export function inboxSuite(env: Env): void {
  describe('sales inbox', () => {
    it('lists PQL users freshest first with reasons, SLA, time since crossing and a score chart', async () => {
      const c = await env.start()
      await post(c.collectUrl, batch(clientRun(config(), who('older', 'acme'), busyUser(Date.now() - 3 * 3_600_000)).messages))
      await post(c.collectUrl, batch(clientRun(config(), who('newer', 'acme'), busyUser(Date.now() - 60_000)).messages))
      const api = await (await fetch(c.url + '/api/inbox')).json()
      expect(api.users.map((u: { userId: string }) => u.userId)).toEqual(['newer', 'older'])
      const [u] = api.users
      expect(u.reasons.length).toBeGreaterThan(0)
      expect(u.sla.class).toMatch(/hot|pql/)
      expect(u.history.length).toBeGreaterThan(1)
      expect(api.accounts.map((a: { accountId: string }) => a.accountId)).toEqual(['acme'])
      const res = await fetch(c.inboxUrl)
      expect(res.headers.get('content-type')).toContain('text/html')
      const csp = res.headers.get('content-security-policy')!
      expect(csp).toContain("script-src 'self'")
      expect(csp).not.toContain('unsafe-inline')
      const html = await res.text()
      expect(html.indexOf('newer')).toBeLessThan(html.indexOf('older'))
      expect(html).toContain(u.reasons[0])
      expect(html).toMatch(/contact within (2|24) hours · crossed/)
      expect(html).toContain('<svg class="chart"')
      expect(html).toContain('<polyline class="line"')
      expect(html).not.toMatch(/<script>|<script [^>]*>[^<]|style="/)
      expect(html).toContain('<script src="/inbox.js" defer></script>')
      expect((await fetch(c.url + '/inbox.js')).headers.get('content-type')).toContain('javascript')
      expect((await fetch(c.url + '/inbox.css')).status).toBe(200)
    })

    it('sums moment outcomes per moment and variation, in users: the API and a table with rates of those shown', async () => {
      const c = await env.start()
      const t = Date.now() - 60_000
      const send = async (user: string, outcomes: Array<[moment: string, outcome: string, variation?: string]>) => {
        const [ev] = clientRun(config(), who(user), [{ name: 'x', t }]).messages
        const msgs = outcomes.map(([moment, outcome, variation]) => ({ ...ev, id: crypto.randomUUID(), type: 'moment', moment, kind: 'upgrade', outcome, ...(variation ? { variation } : {}), name: undefined }))
        expect((await post(c.collectUrl, batch([ev, ...msgs] as never))).status).toBe(200)
      }
      // One user shown the social copy twice, who clicked and converted; one shown it who dismissed; one control; one held out.
      await send('m1', [['hot', 'shown', 'social'], ['hot', 'shown', 'social'], ['hot', 'clicked', 'social'], ['hot', 'converted', 'social']])
      await send('m2', [['hot', 'shown', 'social'], ['hot', 'dismissed', 'social'], ['tip', 'shown']])
      await send('m3', [['hot', 'shown', 'control']])
      await send('m4', [['hot', 'held_out'], ['hot', 'converted']])
      await send('m5', [['hot', 'held_out']])
      const api = await (await fetch(c.url + '/api/inbox')).json()
      expect(api.moments).toEqual([
        { moment: 'hot', variation: null, users: { shown: 0, clicked: 0, dismissed: 0, converted: 0, heldOut: 2, heldOutConverted: 1 } },
        { moment: 'hot', variation: 'control', users: { shown: 1, clicked: 0, dismissed: 0, converted: 0, heldOut: 0, heldOutConverted: 0 } },
        { moment: 'hot', variation: 'social', users: { shown: 2, clicked: 1, dismissed: 1, converted: 1, heldOut: 0, heldOutConverted: 0 } },
        { moment: 'tip', variation: null, users: { shown: 1, clicked: 0, dismissed: 0, converted: 0, heldOut: 0, heldOutConverted: 0 } },
      ])
      const html = await (await fetch(c.inboxUrl)).text()
      expect(html).toContain('<h2 id="h-moments">Moments')
      expect(html).toContain('<tr><td>hot</td><td>social</td><td>2</td><td>1 (50%)</td><td>1 (50%)</td><td>1 (50%)</td><td>0</td><td>0</td></tr>')
      expect(html).toContain('<tr><td>hot</td><td></td><td>0</td><td>0</td><td>0</td><td>0</td><td>2</td><td>1 (50%)</td></tr>')
    })

    it('escapes every value it shows', async () => {
      const c = await env.start()
      const evil = '<img src=x onerror=alert(1)>'
      const msgs = clientRun(config(), who(evil, '"><script>alert(2)</script>'), busyUser(Date.now() - 60_000)).messages
      await post(c.collectUrl, batch(msgs))
      const html = await (await fetch(c.inboxUrl)).text()
      expect(html).not.toContain(evil)
      expect(html).not.toContain('<script>alert(2)')
      expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;')
      expect(html).toContain('&quot;&gt;&lt;script&gt;')
    })

    it('asks for the password when INBOX_PASSWORD is set', async () => {
      const c = await env.start({ inboxPassword: 's3cret' })
      const basic = (p: string) => ({ Authorization: 'Basic ' + Buffer.from('sales:' + p).toString('base64') })
      expect((await fetch(c.inboxUrl)).status).toBe(401)
      expect((await fetch(c.url + '/api/inbox', { headers: basic('wrong') })).status).toBe(401)
      expect((await fetch(c.inboxUrl, { headers: basic('s3cret') })).status).toBe(200)
      expect((await fetch(c.url + '/api/inbox', { headers: basic('s3cret') })).status).toBe(200)
      expect((await fetch(c.url + '/healthz')).status).toBe(200)
    })

    it('health check names the database', async () => {
      const c = await env.start()
      const h = await (await fetch(c.url + '/healthz')).json()
      expect(h).toEqual({ ok: true, db: env.db().kind, model: '1' })
    })
  })
}
