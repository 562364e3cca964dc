/**
 * Hardening, bad input (issue 7): table-driven cases through the script tag
 * (dist/momentkit.iife.js) in Chromium, one test per case, each recorded in
 * the hardening tally (suite 'event' or 'config').
 *
 * Events (track() props and names, identify() traits): the bad call is
 * dropped with one console warning naming the problem, however often it is
 * repeated (100 times here); good calls before and after it are counted;
 * nothing reaches the page as an exception; Object.prototype stays clean.
 *
 * Configs (init()): an invalid config gives one console error listing every
 * problem with its JSON path and leaves the SDK inert (nothing stored,
 * observed or shown). Valid configs carrying hostile copy render it as text
 * only; CTA URL tricks are either config errors at their path or resolve to
 * a same-origin http(s) link.
 */
import type { Page, TestInfo } from '@playwright/test'
import { test, expect, explain, ready, sdkLogs, type ConsoleLine } from './fixtures'
import { recordCase } from './hardening'
import { host } from './moments-helpers'
import type { TestServer } from './server'

const BUNDLE = '/dist/momentkit.iife.js'

/** Counts of the events the cases use, read back through explain().signals. */
const count = (event: string) => ({ type: 'count', event, threshold: 1000 })
const modelOf = (signals: Record<string, unknown>) => ({ version: 'hardening', signals, dimensions: { d: { weight: 1, signals: Object.keys(signals) } } })
const EVENT_CONFIG = { model: modelOf({ good: count('good'), bad: count('bad') }), trackPages: false }
/** Signals on event names that are also Object.prototype keys. */
const PROTO_CONFIG = { model: modelOf({ good: count('good'), bad: count('bad'), proto: count('__proto__'), ctor: count('constructor'), tostr: count('toString') }), trackPages: false }

/** A host page with a working button of its own, the bundle, and `init(config)` unless config is null. */
function hostPage(server: TestServer, path: string, config: unknown | null): string {
  const init = config === null ? '' : `<script>momentkit.init(${JSON.stringify(config).replace(/</g, '\\u003c')})</script>`
  server.page(
    path,
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>host</title>
<script>window.hostClicks = 0; window.protoBefore = Object.getOwnPropertyNames(Object.prototype).join()</script>
<script src="${BUNDLE}"></script>${init}</head>
<body><button id="host-button" type="button" onclick="window.hostClicks++">Host</button></body></html>`,
  )
  return path
}

/** The host page still works and no prototype was touched. */
async function hostHealth(page: Page): Promise<{ hostWorks: boolean; polluted: string[] }> {
  await page.click('#host-button')
  return page.evaluate(() => {
    const w = window as unknown as { hostClicks: number; protoBefore: string }
    const probe = {} as Record<string, unknown>
    const polluted = Object.getOwnPropertyNames(Object.prototype).join() === w.protoBefore ? [] : ['Object.prototype keys changed']
    for (const k of ['polluted', 'isAdmin', 'x']) if (k in probe || k in Array.prototype) polluted.push(k)
    return { hostWorks: w.hostClicks === 1, polluted }
  })
}

// ---------------------------------------------------------------------------------------------
// Events: the table. `call` is the body of a function of `mk` (window.momentkit) that makes the
// bad call; it runs 100 times between good calls. `warn` matches the one warning expected.
// `kept` names a signal counting the call when the SDK accepts it as valid data.

interface EventCase {
  name: string
  call: string
  warn?: RegExp
  kept?: string
  /** Runs with PROTO_CONFIG, whose signals count events named like Object.prototype keys. */
  protoModel?: boolean
}

const LONG = `'x'.repeat(10_000)`
const EVENT_CASES: EventCase[] = [
  { name: 'empty name', call: `mk.track('')`, warn: /track\(\) dropped: event name must not be empty/ },
  { name: 'blank name (spaces, tab, newline)', call: `mk.track(' \\t\\n ')`, warn: /event name must not be empty/ },
  { name: '10k-character name', call: `mk.track(${LONG})`, warn: /event name longer than 200 characters/ },
  { name: 'number as name', call: `mk.track(42)`, warn: /event name must be a string, got number/ },
  { name: 'null as name', call: `mk.track(null)`, warn: /event name must be a string, got null/ },
  { name: 'undefined name (no arguments)', call: `mk.track()`, warn: /event name must be a string, got undefined/ },
  { name: 'object as name', call: `mk.track({ toString() { return 'bad' } })`, warn: /event name must be a string, got object/ },
  { name: 'symbol as name', call: `mk.track(Symbol('bad'))`, warn: /event name must be a string, got symbol/ },
  { name: 'BigInt as name', call: `mk.track(10n)`, warn: /event name must be a string, got bigint/ },
  { name: 'function as name', call: `mk.track(function bad() {})`, warn: /event name must be a string, got function/ },
  { name: '__proto__ as name (no signal on it)', call: `mk.track('__proto__', { isAdmin: true })` },
  { name: 'constructor as name (no signal on it)', call: `mk.track('constructor')` },
  { name: 'toString as name (no signal on it)', call: `mk.track('toString')` },
  { name: '__proto__ as name, counted by a signal', call: `mk.track('__proto__', { isAdmin: true })`, kept: 'proto', protoModel: true },
  { name: 'constructor as name, counted by a signal', call: `mk.track('constructor')`, kept: 'ctor', protoModel: true },
  { name: 'toString as name, counted by a signal', call: `mk.track('toString')`, kept: 'tostr', protoModel: true },
  { name: '__proto__ as a prop key (JSON.parse)', call: `mk.track('bad', JSON.parse('{"__proto__": {"polluted": 1}}'))`, kept: 'bad' },
  { name: '__proto__ as a nested prop key', call: `mk.track('bad', { a: JSON.parse('{"__proto__": {"polluted": 1, "isAdmin": true}}') })`, kept: 'bad' },
  { name: 'constructor.prototype prop path', call: `mk.track('bad', JSON.parse('{"constructor": {"prototype": {"polluted": 1}}}'))`, kept: 'bad' },
  { name: 'cyclic props', call: `const o = { a: 1 }; o.self = o; mk.track('bad', o)`, warn: /props\.self is cyclic/ },
  { name: 'cyclic through an array', call: `const o = { list: [] }; o.list.push({ up: o }); mk.track('bad', o)`, warn: /props\.list\[0\]\.up is cyclic/ },
  { name: 'BigInt prop', call: `mk.track('bad', { n: 10n })`, warn: /props\.n is a bigint/ },
  { name: 'function prop', call: `mk.track('bad', { f() {} })`, warn: /props\.f is a function/ },
  { name: 'symbol prop value', call: `mk.track('bad', { s: Symbol('x') })`, warn: /props\.s is a symbol/ },
  { name: 'symbol prop key (ignored, kept)', call: `mk.track('bad', { [Symbol('k')]: 1, ok: 1 })`, kept: 'bad' },
  { name: 'deep nesting (1,000 levels)', call: `let o = {}; for (let i = 0; i < 1000; i++) o = { o }; mk.track('bad', o)`, warn: /nests deeper than 8 levels/ },
  { name: '1 MB string prop', call: `mk.track('bad', { s: window.__mb ??= 'x'.repeat(1 << 20) })`, warn: /props larger than 16 KB/ },
  { name: '1 MB of small props', call: `mk.track('bad', window.__many ??= Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => ['k' + i, 'v'.repeat(16)])))`, warn: /props larger than 16 KB/ },
  { name: 'lone high surrogate in a prop', call: `mk.track('bad', { s: 'a\\ud800b' })`, warn: /props\.s has a lone surrogate/ },
  { name: 'lone low surrogate nested', call: `mk.track('bad', { a: ['\\udc00'] })`, warn: /props\.a\[0\] has a lone surrogate/ },
  { name: 'NaN prop', call: `mk.track('bad', { n: NaN })`, warn: /props\.n is NaN/ },
  { name: 'Infinity prop', call: `mk.track('bad', { n: -Infinity })`, warn: /props\.n is -Infinity/ },
  { name: 'invalid Date prop', call: `mk.track('bad', { d: new Date('nope') })`, warn: /props\.d is an invalid Date/ },
  { name: 'valid Date prop (kept as ISO string)', call: `mk.track('bad', { d: new Date(0) })`, kept: 'bad' },
  { name: 'props is an array', call: `mk.track('bad', [1, 2, 3])`, warn: /props must be a plain object/ },
  { name: 'props is a string', call: `mk.track('bad', 'props')`, warn: /props must be a plain object/ },
  { name: 'props is a number', call: `mk.track('bad', 7)`, warn: /props must be a plain object/ },
  { name: 'getter that throws', call: `mk.track('bad', { get boom() { throw new Error('getter boom') } })`, warn: /track\(\) failed and was dropped: getter boom/ },
  { name: 'Proxy whose traps throw', call: `mk.track('bad', new Proxy({}, { ownKeys() { throw new Error('trap boom') } }))`, warn: /track\(\) failed and was dropped: trap boom/ },
  { name: 'revoked Proxy', call: `const r = Proxy.revocable({}, {}); r.revoke(); mk.track('bad', r.proxy)`, warn: /track\(\) failed and was dropped: .*revoked/ },
  { name: 'Proxy over plain data (kept, copied)', call: `mk.track('bad', new Proxy({ a: 1 }, {}))`, kept: 'bad' },
  { name: 'options.at not a date', call: `mk.track('bad', {}, { at: 'yesterday-ish' })`, warn: /options\.at must be a date within the last 400 days/ },
  { name: 'options.at in the future', call: `mk.track('bad', {}, { at: Date.now() + 86400000 * 30 })`, warn: /options\.at must be a date within the last 400 days/ },
  { name: 'identify: non-string user id', call: `mk.identify({ id: 1 })`, warn: /identify\(\) dropped: userId must be a non-empty string/ },
  { name: 'identify: 10k-character user id', call: `mk.identify(${LONG})`, warn: /identify\(\) dropped: userId must be a non-empty string/ },
  { name: 'identify: cyclic traits', call: `const t = { plan: 'x' }; t.t = t; mk.identify('u-bad', t)`, warn: /identify\(\) dropped: traits .*cyclic/ },
  { name: 'identify: BigInt trait', call: `mk.identify('u-bad', { seats: 3n })`, warn: /identify\(\) dropped: traits .*bigint/ },
  { name: 'identify: traits getter throws', call: `mk.identify('u-bad', { get plan() { throw new Error('trait boom') } })`, warn: /identify\(\) failed and was dropped: trait boom/ },
]

/** Runs one event case in the page and reports what was observed. */
async function runEventCase(page: Page, c: EventCase): Promise<{ thrown: string | null; good: number; kept: number; userId: string | null }> {
  const out = await page.evaluate(async (call) => {
    const mk = window.momentkit
    // eslint-disable-next-line no-new-func
    const bad = new Function('mk', call) as (m: typeof mk) => void
    let thrown: string | null = null
    const attempt = () => {
      try {
        bad(mk)
      } catch (e) {
        thrown ??= String(e)
      }
    }
    mk.track('good')
    attempt()
    mk.track('good')
    for (let i = 0; i < 99; i++) attempt()
    mk.track('good')
    await mk.flush()
    return thrown
  }, c.call)
  // Events are processed in call order: once the third good one counts, the bad calls were handled.
  await expect.poll(async () => (await explain(page))?.signals.good?.value ?? -1, { message: 'good events counted' }).toBe(3)
  const state = (await explain(page))!
  return { thrown: out, good: state.signals.good.value ?? 0, kept: c.kept ? state.signals[c.kept]?.value ?? 0 : 0, userId: state.user.userId }
}

for (const c of EVENT_CASES) {
  test(`event: ${c.name}`, async ({ page, server, logs }, testInfo) => {
    await page.goto(hostPage(server, '/hardening-event.html', c.protoModel ? PROTO_CONFIG : EVENT_CONFIG))
    await ready(page)
    const r = await runEventCase(page, c)
    const health = await hostHealth(page)
    const warnings = c.warn ? sdkLogs(logs, 'warning').filter((l) => c.warn!.test(l.text)) : []
    const errors = sdkLogs(logs, 'error')
    const expectedKept = c.kept ? 100 : 0
    const survived = r.thrown === null && r.good === 3 && r.kept === expectedKept && health.hostWorks && !health.polluted.length && (c.warn ? warnings.length === 1 : true) && !errors.length && r.userId === null
    record(testInfo, 'event', c.name, survived, 3 - r.good + (expectedKept - r.kept), c.warn ? warnings[0]?.text : `kept ${r.kept} of 100`)

    expect(r.thrown, 'no exception reaches the caller').toBeNull()
    expect(r.good, 'good calls before and after are kept').toBe(3)
    if (c.kept) expect(r.kept, 'valid (if odd) data is kept, 100 of 100').toBe(100)
    expect(r.userId, 'a dropped identify changes nobody').toBeNull()
    expect(health).toEqual({ hostWorks: true, polluted: [] })
    expect(errors.map((l) => l.text)).toEqual([])
    if (c.warn) expect(warnings.map((l) => l.text), 'one warning naming the problem, for 100 bad calls').toEqual([expect.stringMatching(c.warn)])
    else expect(sdkLogs(logs, 'warning').map((l) => l.text), 'no warning for valid data').toEqual([])
  })
}

test('event: every prop problem warns once per distinct problem, side by side', async ({ page, server, logs }, testInfo) => {
  await page.goto(hostPage(server, '/hardening-event-mixed.html', EVENT_CONFIG))
  await ready(page)
  const thrown = await page.evaluate(async () => {
    const mk = window.momentkit
    const cyclic: Record<string, unknown> = {}
    cyclic.me = cyclic
    try {
      for (let i = 0; i < 100; i++) {
        mk.track('bad', { n: NaN })
        mk.track('good')
        mk.track('bad', cyclic)
        mk.track('', {})
      }
      await mk.flush()
      return null
    } catch (e) {
      return String(e)
    }
  })
  await expect.poll(async () => (await explain(page))?.signals.good?.value ?? -1).toBe(100)
  const warned = sdkLogs(logs, 'warning').map((l) => l.text)
  const survived = thrown === null && warned.length === 3
  record(testInfo, 'event', '3 distinct problems x 100 interleaved with 100 good calls', survived, 100 - ((await explain(page))?.signals.good.value ?? 0), `${warned.length} warnings`)
  expect(thrown).toBeNull()
  expect(warned).toHaveLength(3)
  for (const re of [/track\(\) dropped: event name must not be empty/, /track\("bad"\) dropped: props\.me is cyclic/, /track\("bad"\) dropped: props\.n is NaN/]) {
    expect(warned.filter((w) => re.test(w)), String(re)).toHaveLength(1)
  }
  expect((await explain(page))!.signals.bad.value).toBe(0)
})

function record(testInfo: TestInfo, suite: string, name: string, survived: boolean, lost: number, note?: string): void {
  recordCase(testInfo, { suite, name, survived, lost, note: note?.slice(0, 200) })
}
