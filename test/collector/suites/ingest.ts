/** Storage and server-side rescoring through the real HTTP path and database. */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { migrate } from '../../../src/collector/migrate'
import { identifyMessage } from '../../../src/sync/messages'
import type { Message } from '../../../src/sync/types'
import { batch, busyUser, clientRun, config, DAY, type Ev, HOUR, who } from '../helpers'
import { type Env, post } from '../env'

const chunks = <T>(list: T[], n: number) => Array.from({ length: Math.ceil(list.length / n) }, (_, i) => list.slice(i * n, i * n + n))

export function ingestSuite(env: Env): void {
  describe('storage and server-side rescoring', () => {
    it('stores each message once with its identity, and scores the user as the client did', async () => {
      const c = await env.start()
      const client = clientRun(config(), who('u1', 'acme'), busyUser(Date.now() - 60_000))
      for (const part of chunks(client.messages, 40)) expect((await post(c.collectUrl, batch(part))).status).toBe(200)
      expect(await env.count('messages')).toBe(client.messages.length)
      expect(await env.count('messages', `subject = 'u:u1' and account_id = 'acme' and type = 'event'`)).toBe(client.messages.length / 2)
      const [u] = await env.db().query(`select * from users where key = 'u:u1'`)
      expect(u.score).toBe(client.result.score)
      expect(u.tier).toBe(client.tier.tier)
      expect(u.client_score).toBe(client.result.score)
      expect(u.score_diff).toBe(0)
      expect(u.mismatch).toBe(false)
      expect(u.reasons).toEqual(client.result.reasons.slice(0, 8))
      expect(u.top_features).toEqual(client.result.topFeatures)
      expect(u.breakdown.map((d: { points: number }) => d.points)).toEqual(client.result.breakdown.map((d) => d.points))
      expect(u.account_id).toBe('acme')
      expect(await env.count('score_history', `subject = 'u:u1'`)).toBeGreaterThan(1)
    })

    it("cuts days in the user's own timezone (from identify), as their browser does", async () => {
      const c = await env.start()
      // Afternoon sessions in California (UTC-8, offset 480) at 15:00 and 17:30: one local day,
      // but the second falls after midnight UTC. In UTC they would count as two active days.
      const midnightUtc = Math.floor(Date.now() / DAY) * DAY
      const ev: Ev[] = []
      for (const d of [9, 8, 6, 4]) {
        const t = midnightUtc - d * DAY - HOUR // 23:00 UTC = 15:00 in UTC-8
        ev.push({ name: 'feature_used', props: { feature: 'boards' }, t }, { name: 'feature_used', props: { feature: 'export' }, t: t + 2.5 * HOUR })
      }
      const local = clientRun(config(), who('pacific'), ev, { tz: 480 })
      const utc = clientRun(config(), who('pacific'), ev, { tz: 0 })
      // The day cut matters for this history (else the test would prove nothing).
      expect(JSON.stringify(local.result.signals)).not.toBe(JSON.stringify(utc.result.signals))
      const identify = { ...identifyMessage(who('pacific'), '1', {}, ev[0].t - 1000), tz: 480 }
      expect((await post(c.collectUrl, batch([identify, ...local.messages]))).status).toBe(200)
      const [u] = await env.db().query(`select score, tier, mismatch, signals from users where key = 'u:pacific'`)
      expect(u).toMatchObject({ score: local.result.score, tier: local.tier.tier, mismatch: false })
    })

    it('batches arriving out of order (late delivery) are rebuilt from stored events: same result', async () => {
      const c = await env.start()
      const client = clientRun(config(), who('u2'), busyUser(Date.now() - 60_000))
      const parts = chunks(client.messages, 30)
      for (const part of [...parts.slice(1), parts[0]]) expect((await post(c.collectUrl, batch(part))).status).toBe(200)
      const [u] = await env.db().query(`select score, tier, events from users where key = 'u:u2'`)
      expect(u).toEqual({ score: client.result.score, tier: client.tier.tier, events: client.messages.length / 2 })
    })

    it('a late batch of older events does not move the time the user crossed into their tier, nor the tier before it (the SLA clock)', async () => {
      const c = await env.start()
      const client = clientRun(config(), who('late-2', 'acme'), busyUser(Date.now() - 60_000))
      await post(c.collectUrl, batch(client.messages.slice(6)))
      const [before] = await env.db().query(`select tier, tier_since, prev_tier from users where key = 'u:late-2'`)
      await post(c.collectUrl, batch(client.messages.slice(0, 6)))
      const [after] = await env.db().query(`select tier, tier_since, prev_tier from users where key = 'u:late-2'`)
      expect(after).toEqual(before)
    })

    it('out of order with trial-relative windows and no trial dates (demo config): the client\'s score', async () => {
      const input = JSON.parse(readFileSync(new URL('../../../demo/momentkit.json', import.meta.url), 'utf8'))
      const c = await env.start({ config: input })
      const client = clientRun(config(input), who('ooo'), busyUser(Date.now() - 60_000))
      const parts = chunks(client.messages, 30)
      for (const part of [...parts.slice(1), parts[0]]) expect((await post(c.collectUrl, batch(part))).status).toBe(200)
      const [u] = await env.db().query(`select score, tier, mismatch from users where key = 'u:ooo'`)
      expect(u).toEqual({ score: client.result.score, tier: client.tier.tier, mismatch: false })
    })

    it('flags a user whose client-reported score disagrees beyond the tolerance', async () => {
      const c = await env.start({ scoreTolerance: 5 })
      const evs: Ev[] = [{ name: 'feature_used', props: { feature: 'a' }, t: Date.now() - 60_000 }]
      const msgs = clientRun(config(), who('liar'), evs).messages.map((m): Message => (m.type === 'tier' || m.type === 'score' ? { ...m, score: 90, tier: 'hot' } : m))
      expect((await post(c.collectUrl, batch(msgs))).status).toBe(200)
      const [u] = await env.db().query(`select score, tier, client_score, mismatch, score_diff from users where key = 'u:liar'`)
      expect(u.mismatch).toBe(true)
      expect(u.client_score).toBe(90)
      expect(u.score_diff).toBe(90 - u.score)
      expect(u.tier).not.toBe('hot')
      // No sales alert on the client's word alone.
      expect(await env.count('alerts')).toBe(0)
      const inbox = await (await fetch(c.url + '/api/inbox')).json()
      expect(inbox.mismatches.map((x: { key: string }) => x.key)).toEqual(['u:liar'])
    })

    it('flags a client whose tier disagrees even when the score agrees (a criterion the server cannot see met)', async () => {
      const c = await env.start()
      const evs: Ev[] = [{ name: 'feature_used', props: { feature: 'a' }, t: Date.now() - 60_000 }]
      const msgs = clientRun(config(), who('crit'), evs).messages.map((m): Message => (m.type === 'tier' ? { ...m, tier: 'pql', to: 'pql' } : m))
      await post(c.collectUrl, batch(msgs))
      const [u] = await env.db().query(`select tier, client_tier, score_diff, mismatch from users where key = 'u:crit'`)
      expect(u).toEqual({ tier: 'low', client_tier: 'pql', score_diff: 0, mismatch: true })
      expect(await (await fetch(c.inboxUrl)).text()).toContain('disagrees with the server (')
    })

    it('a client on another model version is not flagged (scores are not comparable)', async () => {
      const c = await env.start()
      const evs: Ev[] = [{ name: 'feature_used', props: { feature: 'a' }, t: Date.now() - 60_000 }]
      const msgs = clientRun(config({ model: { version: 'v9' } }), who('other-model'), evs).messages.map((m) => (m.type === 'event' ? m : { ...m, score: 99 }))
      await post(c.collectUrl, batch(msgs))
      const [u] = await env.db().query(`select mismatch, client_model, client_score from users where key = 'u:other-model'`)
      expect(u).toEqual({ mismatch: false, client_model: 'v9', client_score: 99 })
    })

    it('anonymous history becomes the user\'s on first identify, as in the SDK', async () => {
      const c = await env.start()
      const t = Date.now() - 2 * DAY
      const anon = who(null, null, 'anon-x')
      const before = clientRun(config(), anon, [{ name: 'teammate_invited', t }, { name: 'teammate_invited', t: t + 1000 }]).messages
      await post(c.collectUrl, batch(before))
      const after = clientRun(config(), who('u-x', 'acme', 'anon-x'), [{ name: 'feature_used', props: { feature: 'a' }, t: t + DAY }]).messages
      await post(c.collectUrl, batch(after))
      const [u] = await env.db().query(`select events, merged_from, signals from users where key = 'u:u-x'`)
      expect(u).toMatchObject({ events: 3, merged_from: 'a:anon-x' })
      expect(u.signals.teammates_invited).toBe(2)
      const [a] = await env.db().query(`select merged_into from users where key = 'a:anon-x'`)
      expect(a.merged_into).toBe('u:u-x')
    })

    it('moment outcomes recorded while anonymous stay with the person after identify (the inbox shows what they saw)', async () => {
      const c = await env.start()
      const t = Date.now() - HOUR
      const [ev] = clientRun(config(), who(null, null, 'anon-m'), [{ name: 'x', t }]).messages
      const shown = { ...ev, id: crypto.randomUUID(), type: 'moment', moment: 'hot', kind: 'upgrade', outcome: 'shown', variation: 'social', name: undefined }
      const rollup = { ...ev, id: crypto.randomUUID(), type: 'rollup', counts: { x: 5 }, from: new Date(t).toISOString(), to: new Date(t).toISOString(), name: undefined }
      await post(c.collectUrl, batch([ev, shown, rollup] as never))
      const [later] = clientRun(config(), who('u-m', null, 'anon-m'), [{ name: 'x', t: t + 60_000 }]).messages
      const clicked = { ...later, id: crypto.randomUUID(), type: 'moment', moment: 'hot', kind: 'upgrade', outcome: 'clicked', variation: 'social', name: undefined }
      await post(c.collectUrl, batch([later, clicked] as never))
      const [u] = await env.db().query(`select moments, rolled_up, partial from users where key = 'u:u-m'`)
      expect(u).toEqual({ moments: { 'hot/social': { shown: 1, clicked: 1 } }, rolled_up: 5, partial: true })
    })

    it('rollups and moment outcomes are stored and summarised', async () => {
      const c = await env.start()
      const id = who('u-r')
      const [ev] = clientRun(config(), id, [{ name: 'x', t: Date.now() - 1000 }]).messages
      const at = new Date().toISOString()
      const moment = { ...ev, id: crypto.randomUUID(), type: 'moment', moment: 'upgrade', kind: 'modal', outcome: 'dismissed', name: undefined }
      const rollup = { ...ev, id: crypto.randomUUID(), type: 'rollup', counts: { page_viewed: 40, x: 2 }, from: at, to: at, name: undefined }
      // A copy experiment's outcomes: counted under the variation the user saw.
      const tried = ['shown', 'clicked'].map((outcome) => ({ ...moment, id: crypto.randomUUID(), moment: 'hot', outcome, variation: 'social' }))
      expect((await post(c.collectUrl, batch([moment, rollup, ...tried] as never))).status).toBe(200)
      const [u] = await env.db().query(`select moments, rolled_up, partial from users where key = 'u:u-r'`)
      expect(u).toEqual({ moments: { upgrade: { dismissed: 1 }, 'hot/social': { shown: 1, clicked: 1 } }, rolled_up: 42, partial: true })
    })

    it('rollup counts past the int range (any integer in the schema) saturate instead of being answered 500', async () => {
      const c = await env.start()
      const [ev] = clientRun(config(), who('u-big'), [{ name: 'x', t: Date.now() - 1000 }]).messages
      const at = new Date().toISOString()
      const rollup = (n: number) => ({ ...ev, id: crypto.randomUUID(), type: 'rollup', counts: { page_viewed: n, x: n }, from: at, to: at, name: undefined })
      expect((await post(c.collectUrl, batch([rollup(2_000_000_000)] as never))).status).toBe(200)
      expect((await post(c.collectUrl, batch([rollup(Number.MAX_SAFE_INTEGER)] as never))).status).toBe(200)
      const [u] = await env.db().query(`select rolled_up, partial from users where key = 'u:u-big'`)
      expect(u).toEqual({ rolled_up: 2_147_483_647, partial: true })
    })

    it('migrations are idempotent; a restart keeps the data', async () => {
      const c = await env.start()
      await post(c.collectUrl, batch(clientRun(config(), who('u-m'), [{ name: 'x', t: Date.now() }]).messages))
      await migrate(env.db())
      await migrate(env.db())
      const [v] = await env.db().query(`select count(*)::int as n from schema_migrations`)
      expect(v.n).toBe(1)
      expect(await env.count('messages')).toBe(2)
    })

    it('a collector started with another model rebuilds stored aggregates on the next batch', async () => {
      const c = await env.start()
      const t = Date.now() - 60_000
      const evs: Ev[] = [1, 2, 3].map((i) => ({ name: 'project_created', props: { i }, t: t + i }))
      await post(c.collectUrl, batch(clientRun(config(), who('u-h'), evs).messages))
      await c.close()
      const four = { model: { preset: 'four-category' } }
      const d = await env.start({ config: four })
      const more = clientRun(config(four), who('u-h'), [...evs, { name: 'pricing_viewed', t: t + 10 }])
      await post(d.collectUrl, batch(more.messages.slice(-2)))
      const [u] = await env.db().query(`select score, events from users where key = 'u:u-h'`)
      expect(u).toEqual({ score: more.result.score, events: 4 })
    })
  })
}
