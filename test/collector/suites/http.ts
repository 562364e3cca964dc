/** Bad input over real HTTP: the right status, a clear error, and nothing stored wrongly. */
import { connect } from 'node:net'
import { describe, expect, it } from 'vitest'
import { signJwt, userHash } from '../../../src/collector/auth'
import { batch, clientRun, config, type Ev, who } from '../helpers'
import { type Env, post, postChunked } from '../env'

const SECRET = 'test-identity-secret'

function events(userId: string | null, n = 3, accountId: string | null = null) {
  const t = Date.now() - 60_000
  const evs: Ev[] = Array.from({ length: n }, (_, i) => ({ name: 'feature_used', props: { feature: 'f' + i }, t: t + i * 1000 }))
  return clientRun(config(), who(userId, accountId), evs).messages
}

export function httpSuite(env: Env): void {
  describe('bad input over HTTP', () => {
    it('malformed JSON: 400 naming line and column; nothing stored', async () => {
      const c = await env.start()
      const r = await post(c.collectUrl, '{"sentAt": "2026-03-15T12:00:00Z",\n "messages": [}')
      expect(r.status).toBe(400)
      expect(r.body).toMatchObject({ error: 'invalid_json', at: { line: 2, column: 15 } })
      expect(r.body.message).toMatch(/line 2, column 15: expected a value/)
      expect(await env.count('messages')).toBe(0)
    })

    it('wrong types: 400 listing every problem with its JSON path; nothing stored, not even the valid messages', async () => {
      const c = await env.start()
      const good = events('u1', 2)
      const bad = { ...good[1], id: 'bad-1', score: 'high' }
      const r = await post(c.collectUrl, batch([good[0], bad, { ...good[0], id: 'bad-2', at: 12 }] as never))
      expect(r.status).toBe(400)
      expect(r.body.error).toBe('invalid_payload')
      expect(r.body.problems).toEqual(expect.arrayContaining([{ path: 'messages[1].score', message: 'must be number' }, { path: 'messages[2].at', message: 'must be string' }]))
      expect(await env.count('messages')).toBe(0)
      expect(await env.count('users')).toBe(0)
    })

    it('mixed identities in one batch: 400', async () => {
      const c = await env.start()
      const r = await post(c.collectUrl, batch([...events('u1', 1), ...events('u2', 1)]))
      expect(r.status).toBe(400)
      expect(r.body.problems[0].path).toBe('messages[2].userId')
      expect(await env.count('messages')).toBe(0)
    })

    it('a body over the limit: 413 from Content-Length before reading it, and from a chunked body as it grows; nothing stored', async () => {
      const c = await env.start({ maxBodyBytes: 20_000 })
      const big = batch(events('u1', 1).map((m) => ({ ...m, props: { pad: 'x'.repeat(30_000) } })) as never)
      const r = await post(c.collectUrl, big)
      expect(r.status).toBe(413)
      expect(r.body.error).toBe('payload_too_large')
      const chunked = await postChunked(c.collectUrl, '[' + ' '.repeat(4095), 5_000_000)
      expect(chunked.status).toBe(413)
      expect(chunked.sent).toBeLessThan(5_000_000)
      expect(await env.count('messages')).toBe(0)
      // The default limit is 512 KB.
      const d = await env.start()
      expect((await post(d.collectUrl, 'x'.repeat(600 * 1024))).status).toBe(413)
    })

    it('forged identity: 401 and nothing stored; the right userHash or JWT is accepted; anonymous needs none', async () => {
      const c = await env.start({ identitySecret: SECRET })
      const msgs = events('u1', 2)
      for (const auth of [{ userHash: userHash(SECRET, 'u2') }, { userHash: userHash('guess', 'u1') }, {}, { jwt: signJwt({ sub: 'u1', exp: Date.now() / 1000 - 3600 }, SECRET) }, { jwt: signJwt({ sub: 'u2', exp: Date.now() / 1000 + 600 }, SECRET) }]) {
        const r = await post(c.collectUrl, batch(msgs, auth))
        expect(r.status, JSON.stringify(auth)).toBe(401)
        expect(r.body.error).toBe('identity_not_verified')
      }
      expect(await env.count('messages')).toBe(0)
      expect(await env.count('users')).toBe(0)
      expect((await post(c.collectUrl, batch(msgs, { userHash: userHash(SECRET, 'u1') }))).status).toBe(200)
      expect((await post(c.collectUrl, batch(events('u3', 1), { jwt: signJwt({ sub: 'u3', exp: Date.now() / 1000 + 600 }, SECRET) }))).status).toBe(200)
      expect((await post(c.collectUrl, batch(events(null, 1)))).status).toBe(200)
      expect(await env.count('messages')).toBe(4 + 2 + 2)
    })

    it('unknown write key: 401 when keys are configured', async () => {
      const c = await env.start({ writeKeys: ['pk_live_1'] })
      expect((await post(c.collectUrl, batch(events('u1', 1), { writeKey: 'pk_other' }))).status).toBe(401)
      expect((await post(c.collectUrl, batch(events('u1', 1)))).status).toBe(401)
      expect(await env.count('messages')).toBe(0)
      expect((await post(c.collectUrl, batch(events('u1', 1), { writeKey: 'pk_live_1' }))).status).toBe(200)
    })

    it('replayed messages: 200 with duplicates counted, nothing stored twice, scores not double counted', async () => {
      const c = await env.start()
      const msgs = events('u1', 4)
      const first = await post(c.collectUrl, batch(msgs))
      expect(first.body).toMatchObject({ ok: true, accepted: 8, duplicates: 0 })
      const [before] = await env.db().query(`select score, events, signals from users where key = 'u:u1'`)
      const again = await post(c.collectUrl, batch(msgs))
      expect(again.status).toBe(200)
      expect(again.body).toMatchObject({ accepted: 0, duplicates: 8 })
      // Partly new: a retry after a lost answer, plus one more event; and a repeated id inside one batch.
      const more = events('u1', 1).map((m) => ({ ...m, anonymousId: msgs[0].anonymousId }))
      const mixed = await post(c.collectUrl, batch([...msgs.slice(0, 3), ...more, more[0]]))
      expect(mixed.body).toMatchObject({ accepted: 2, duplicates: 4 })
      expect(await env.count('messages')).toBe(10)
      const [after] = await env.db().query(`select score, events, signals from users where key = 'u:u1'`)
      expect(before.events).toBe(4)
      expect(after.events).toBe(5)
    })

    it('text/plain (sendBeacon) and /v1/batch are accepted; other content types get 415; GET gets 405', async () => {
      const c = await env.start()
      expect((await post(c.collectUrl, batch(events('u1', 1)), { 'Content-Type': 'text/plain;charset=UTF-8' })).status).toBe(200)
      expect((await post(c.url + '/v1/batch', batch(events('u2', 1)))).status).toBe(200)
      expect((await post(c.collectUrl, batch(events('u3', 1)), { 'Content-Type': 'application/x-www-form-urlencoded' })).status).toBe(415)
      expect((await fetch(c.collectUrl)).status).toBe(405)
      expect((await fetch(c.url + '/nope')).status).toBe(404)
    })

    it('a fractional client score (the schema takes any number 0-100) is stored rounded, not answered 500', async () => {
      const c = await env.start()
      const msgs = events('frac', 1).map((m) => (m.type === 'score' || m.type === 'tier' ? { ...m, score: 12.5 } : m))
      const r = await post(c.collectUrl, batch(msgs))
      expect(r.status).toBe(200)
      const [u] = await env.db().query(`select client_score, score_diff from users where key = 'u:frac'`)
      expect(u.client_score).toBe(13)
      expect(await env.count('score_history', `subject = 'u:frac' and client_score = 13`)).toBe(1)
    })

    it('NUL characters (which track() lets through; PostgreSQL text and jsonb refuse them) are stored as U+FFFD, not answered 500', async () => {
      const c = await env.start()
      const msgs = events('bad\u0000id', 1).map((m) => (m.type === 'event' ? { ...m, props: { q: 'a\u0000b', ['k\u0000']: 1 } } : m))
      const r = await post(c.collectUrl, batch(msgs))
      expect(r.status).toBe(200)
      const [m] = await env.db().query(`select user_id, body from messages where type = 'event'`)
      expect(m).toMatchObject({ user_id: 'bad\uFFFDid', body: { userId: 'bad\uFFFDid', props: { q: 'a\uFFFDb', ['k\uFFFD']: 1 } } })
      expect(await env.count('users', `key = 'u:bad\uFFFDid'`)).toBe(1)
      // A retry of the same batch is recognised as such.
      expect((await post(c.collectUrl, batch(msgs))).body).toMatchObject({ accepted: 0, duplicates: 2 })
    })

    it('a date PostgreSQL cannot store (year 0000) is answered 400 naming its path, not 500; nothing stored', async () => {
      const c = await env.start()
      const r = await post(c.collectUrl, batch(events('y0', 1).map((m) => ({ ...m, at: '0000-01-01T00:00:00Z' }))))
      expect(r.status).toBe(400)
      expect(r.body.problems.map((p: { path: string }) => p.path)).toEqual(['messages[0].at', 'messages[1].at'])
      expect(await env.count('messages')).toBe(0)
    })

    it('deeply nested props (20,000 levels, inside the body limit) are answered 400 naming the path, not 500', async () => {
      const c = await env.start()
      const [ev] = events('deep', 1)
      const text = JSON.stringify(batch([{ ...ev, props: { x: '@@' } } as never])).replace('"@@"', '['.repeat(20_000) + ']'.repeat(20_000))
      const r = await post(c.collectUrl, text)
      expect(r.status).toBe(400)
      expect(r.body.problems[0].path).toMatch(/^messages\[0\]\.props\.x\[0\]/)
      expect(await env.count('messages')).toBe(0)
    })

    it('a malformed request target ("GET //[") is answered 400, not 500', async () => {
      const c = await env.start()
      const status = await new Promise<number>((resolve, reject) => {
        const s = connect(Number(new URL(c.url).port), '127.0.0.1', () => s.write('GET //[ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'))
        let text = ''
        s.on('data', (d) => (text += d))
        s.on('end', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0)))
        s.on('error', reject)
      })
      expect(status).toBe(400)
    })

    it('CORS: preflight answered for allowed origins, others refused', async () => {
      const c = await env.start({ corsOrigins: ['https://app.acme.test', 'http://127.0.0.1:*'] })
      const pre = await fetch(c.collectUrl, { method: 'OPTIONS', headers: { Origin: 'https://app.acme.test', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' } })
      expect(pre.status).toBe(204)
      expect(pre.headers.get('access-control-allow-origin')).toBe('https://app.acme.test')
      expect(pre.headers.get('access-control-allow-methods')).toContain('POST')
      expect(pre.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('content-type')
      const ok = await post(c.collectUrl, batch(events('u1', 1)), { Origin: 'http://127.0.0.1:5173' })
      expect(ok.status).toBe(200)
      expect(ok.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:5173')
      expect((await fetch(c.collectUrl, { method: 'OPTIONS', headers: { Origin: 'https://evil.test' } })).status).toBe(403)
      expect((await post(c.collectUrl, batch(events('u2', 1)), { Origin: 'https://evil.test' })).status).toBe(403)
      expect(await env.count('messages')).toBe(2)
    })
  })
}
