/** Ingest rate limiting over real HTTP, and the real SDK delivering everything despite it. */
import { describe, expect, it } from 'vitest'
import { createInstance } from '../../../src/core'
import { batch, clientRun, config, type Ev, who } from '../helpers'
import { type Env, post, until } from '../env'

let n = 0
function events(userId: string, count = 1) {
  const t = Date.now() - 60_000
  const evs: Ev[] = Array.from({ length: count }, (_, i) => ({ name: 'feature_used', props: { feature: 'f' + i }, t: t + i * 1000 }))
  return clientRun(config(), who(userId), evs).messages
}

export function rateLimitSuite(env: Env): void {
  describe('ingest rate limit', () => {
    it('past the burst, a client is answered 429 with Retry-After (readable cross-origin) and nothing of that batch is stored', async () => {
      const c = await env.start({ rateLimit: { rate: 1, burst: 2 } })
      const origin = { Origin: 'http://127.0.0.1:5173' }
      expect((await post(c.collectUrl, batch(events('rl-1')), origin)).status).toBe(200)
      expect((await post(c.url + '/v1/batch', batch(events('rl-2')), origin)).status).toBe(200)
      const r = await post(c.collectUrl, batch(events('rl-3')), origin)
      expect(r.status).toBe(429)
      expect(r.body).toMatchObject({ error: 'rate_limited', message: expect.stringContaining('retry in 1 s') })
      expect(r.headers.get('retry-after')).toBe('1')
      expect(r.headers.get('access-control-allow-origin')).toBe(origin.Origin)
      expect(r.headers.get('access-control-expose-headers')).toMatch(/retry-after/i)
      expect(await env.count('messages', `user_id = 'rl-3'`)).toBe(0)
      await new Promise((res) => setTimeout(res, 1100))
      expect((await post(c.collectUrl, batch(events('rl-3')))).status).toBe(200)
      expect(await env.count('messages', `user_id = 'rl-3'`)).toBe(2)
    })

    it('with write keys, each key has its own bucket; a refused key takes nothing from it', async () => {
      const c = await env.start({ writeKeys: ['pk_a', 'pk_b'], rateLimit: { rate: 0.5, burst: 1 } })
      expect((await post(c.collectUrl, batch(events('wk-1'), { writeKey: 'pk_x' }))).status).toBe(401)
      expect((await post(c.collectUrl, batch(events('wk-1'), { writeKey: 'pk_a' }))).status).toBe(200)
      const limited = await post(c.collectUrl, batch(events('wk-2'), { writeKey: 'pk_a' }))
      expect(limited.status).toBe(429)
      expect(limited.headers.get('retry-after')).toBe('2')
      expect(limited.body.message).toContain('with this write key')
      expect((await post(c.collectUrl, batch(events('wk-3'), { writeKey: 'pk_b' }))).status).toBe(200)
    })

    it('the SDK limited mid-burst keeps its batches and, honouring Retry-After, delivers every event exactly once', async () => {
      const c = await env.start({ rateLimit: { rate: 2, burst: 2 } })
      const cfg = config({ namespace: `rl-${n++}-${Date.now()}`, endpoint: c.collectUrl, trackPages: false, delivery: { interval: 0, batchSize: 5 } })
      const mk = createInstance(cfg)
      await mk.ready
      mk.identify('rl-sdk')
      for (let i = 0; i < 30; i++) mk.track('feature_used', { feature: 'f' + (i % 6), i })
      await new Promise((r) => setTimeout(r, 50))
      void mk.flush()
      await until(async () => (await env.count('messages', `type = 'event' and user_id = 'rl-sdk'`)) === 30 && mk.explain().delivery?.queued === 0, 40_000, 'every event')
      const d = mk.explain().delivery!
      await mk.destroy()
      expect(d).toMatchObject({ dropped: 0, queued: 0 })
      expect(d.retries).toBeGreaterThan(0) // it was limited
      const rows = await env.db().query<{ i: number }>(`select (body->'props'->>'i')::int as i from messages where type = 'event' and user_id = 'rl-sdk' order by 1`)
      expect(rows.map((r) => r.i)).toEqual(Array.from({ length: 30 }, (_, i) => i))
    }, 60_000)
  })
}
