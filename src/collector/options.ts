/**
 * Collector settings: defaults, environment variables and command-line
 * flags (flags win), all resolved once into `Settings`.
 */
import { readFileSync } from 'node:fs'
import type { ResolvedConfig } from '../config/types'
import { resolveConfig } from '../config/validate'
import { COLOUR_NAMES } from '../render/colour-names'
import { useColourNames } from '../render/theme'
import { type AccountRule, parseAccountRule } from './accounts'
import type { RateLimit } from './ratelimit'

export interface CollectorOptions {
  /** Default 8787; 0 picks a free port. */
  port?: number
  /** Default 127.0.0.1. */
  host?: string
  /** postgres://... : store in a PostgreSQL server instead of PGlite. */
  databaseUrl?: string | null
  /** PGlite data folder (default .demo-data/pglite); 'memory://' keeps it in memory. */
  pgliteDir?: string | null
  /** The SDK's JSON config (object), used for rescoring; or `configPath` to a file. Default: the default config. */
  config?: unknown
  configPath?: string | null
  /** Sales alert webhook; none: alerts are only stored (and shown in the inbox). */
  webhookUrl?: string | null
  /** `slack` (default): {text, blocks}; `json`: the alert's structured content. */
  webhookFormat?: 'slack' | 'json'
  /** Signs every webhook POST (MomentKit-Signature header, see signature.ts); none: unsigned. */
  webhookSecret?: string | null
  /** Secret for identity verification (userHash HMAC or HS256 JWT); none: not checked. */
  identitySecret?: string | null
  /** Accepted write keys; empty: any (or none). */
  writeKeys?: string[]
  /** Origins allowed by CORS: exact origins, `*`, or `http://127.0.0.1:*` (any port). Default: loopback, any port. */
  corsOrigins?: string[]
  /** Largest accepted body (bytes). Default 512 KiB. */
  maxBodyBytes?: number
  /** Ingest requests per client (write key when checked, else address): `rate` a second after a `burst`; rate 0: off. Default 50/s, 200, 10,000 clients. */
  rateLimit?: Partial<RateLimit>
  /** Points the client's score may differ from the server's before the user is flagged. Default 5. */
  scoreTolerance?: number
  /** Minutes, as Date#getTimezoneOffset, to cut days for day-based signals. Default 0 (UTC). */
  tzOffset?: number
  /** When an account is flagged: `pql:2,moderate:3` (any clause), or the parsed form. */
  accountRule?: string | AccountRule
  /** Tiers whose upward crossing alerts sales. Default: pql and every tier above it. */
  alertTiers?: string[]
  /** Webhook retries: first delay (ms, doubling, jittered), cap, attempts before `failed`. */
  retry?: { base?: number; max?: number; attempts?: number }
  /** When set, /inbox and /api/inbox ask for it (HTTP Basic auth, any user name). */
  inboxPassword?: string | null
  /** Clock, for tests. */
  now?: () => number
  /** Log lines (default console.log); `false` for silence. */
  log?: ((line: string) => void) | false
}

export interface Settings {
  port: number
  host: string
  databaseUrl: string | null
  pgliteDir: string | null
  config: ResolvedConfig
  webhookUrl: string | null
  webhookFormat: 'slack' | 'json'
  webhookSecret: string | null
  identitySecret: string | null
  writeKeys: string[]
  corsOrigins: string[]
  maxBodyBytes: number
  rateLimit: RateLimit
  scoreTolerance: number
  tzOffset: number
  accountRule: AccountRule
  alertTiers: string[]
  retry: { base: number; max: number; attempts: number }
  inboxPassword: string | null
  now: () => number
  log: (line: string) => void
}

const list = (v: string | undefined) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : undefined)
const num = (v: string | undefined, name: string) => {
  if (v === undefined || v === '') return undefined
  const n = Number(v)
  if (!Number.isFinite(n)) throw new Error(`${name} must be a number, got ${JSON.stringify(v)}`)
  return n
}

/** Reads and validates the SDK config the collector scores with; throws with every problem and its JSON path. */
export function loadConfig(input: unknown, path?: string | null): ResolvedConfig {
  let raw = input ?? {}
  if (input === undefined && path) {
    try {
      raw = JSON.parse(readFileSync(path, 'utf8'))
    } catch (e) {
      throw new Error(`cannot read the MomentKit config ${path}: ${e instanceof Error ? e.message : e}`)
    }
  }
  useColourNames(COLOUR_NAMES) // as init() in a browser would: "bluee" is not a colour
  const r = resolveConfig(raw)
  if (!r.ok) throw new Error(`invalid MomentKit config${path ? ' ' + path : ''}:\n` + r.errors.map((e) => `  ${e.path || '(root)'}: ${e.message}`).join('\n'))
  return r.config
}

export function resolveSettings(o: CollectorOptions): Settings {
  const config = loadConfig(o.config, o.configPath)
  const tiers = config.model.tiers.map((t) => t.name)
  const pql = tiers.indexOf('pql')
  const alertTiers = o.alertTiers ?? (pql >= 0 ? tiers.slice(pql) : tiers.slice(-2))
  for (const t of alertTiers) if (!tiers.includes(t)) throw new Error(`alert tier "${t}" is not a tier of the model (${tiers.join(', ')})`)
  const accountRule = typeof o.accountRule === 'object' ? o.accountRule : parseAccountRule(o.accountRule ?? (pql >= 0 && tiers.includes('moderate') ? 'pql:2,moderate:3' : `${alertTiers[0]}:2`), tiers)
  const rateLimit = { rate: o.rateLimit?.rate ?? 50, burst: o.rateLimit?.burst ?? 200, clients: o.rateLimit?.clients ?? 10_000, proxies: o.rateLimit?.proxies ?? 0 }
  if (!(Number.isInteger(rateLimit.proxies) && rateLimit.proxies >= 0)) throw new Error(`TRUST_PROXIES must be a whole number of reverse proxies (0: none), got ${rateLimit.proxies}`)
  if (!(rateLimit.rate >= 0)) throw new Error(`RATE_LIMIT must be 0 (off) or more requests a second, got ${rateLimit.rate}`)
  if (!(rateLimit.burst >= 1)) throw new Error(`RATE_BURST must be at least 1, got ${rateLimit.burst}`)
  if (!(rateLimit.clients >= 1)) throw new Error(`rateLimit.clients must be at least 1, got ${rateLimit.clients}`)
  const log = o.log === false ? () => {} : o.log ?? ((line: string) => console.log(line))
  return {
    port: o.port ?? 8787,
    host: o.host ?? '127.0.0.1',
    databaseUrl: o.databaseUrl || null,
    pgliteDir: o.pgliteDir === undefined ? '.demo-data/pglite' : o.pgliteDir,
    config,
    webhookUrl: o.webhookUrl || null,
    webhookFormat: o.webhookFormat ?? 'slack',
    webhookSecret: o.webhookSecret || null,
    identitySecret: o.identitySecret || null,
    writeKeys: o.writeKeys ?? [],
    corsOrigins: o.corsOrigins ?? ['http://127.0.0.1:*', 'http://localhost:*'],
    maxBodyBytes: o.maxBodyBytes ?? 512 * 1024,
    rateLimit,
    scoreTolerance: o.scoreTolerance ?? 5,
    tzOffset: o.tzOffset ?? 0,
    accountRule,
    alertTiers,
    retry: { base: 1000, max: 300_000, attempts: 10, ...o.retry },
    inboxPassword: o.inboxPassword || null,
    now: o.now ?? Date.now,
    log,
  }
}

const FLAGS: Record<string, string> = {
  port: 'PORT', host: 'HOST', 'database-url': 'DATABASE_URL', 'pglite-dir': 'PGLITE_DIR', config: 'MOMENTKIT_CONFIG',
  'webhook-url': 'WEBHOOK_URL', 'webhook-format': 'WEBHOOK_FORMAT', 'webhook-secret': 'WEBHOOK_SECRET', 'identity-secret': 'IDENTITY_SECRET', 'write-keys': 'WRITE_KEYS',
  'cors-origins': 'CORS_ORIGINS', 'max-body': 'MAX_BODY_BYTES', 'rate-limit': 'RATE_LIMIT', 'rate-burst': 'RATE_BURST', 'trust-proxies': 'TRUST_PROXIES', 'score-tolerance': 'SCORE_TOLERANCE', 'tz-offset': 'TZ_OFFSET',
  'account-rule': 'ACCOUNT_RULE', 'alert-tiers': 'ALERT_TIERS', 'inbox-password': 'INBOX_PASSWORD',
}

export const USAGE = `Usage: node --import tsx src/collector/main.ts [--flag value ...]

Flags (or environment variables):
${Object.entries(FLAGS).map(([f, e]) => `  --${f.padEnd(16)} ${e}`).join('\n')}

See docs/payload.md for the payload, authentication and status codes.`

/** Options from `--flag value` / `--flag=value` arguments over environment variables. */
export function optionsFrom(argv: string[], env: NodeJS.ProcessEnv): CollectorOptions {
  const v: Record<string, string | undefined> = {}
  for (const [, e] of Object.entries(FLAGS)) v[e] = env[e]
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([\w-]+)(?:=(.*))?$/.exec(argv[i])
    if (!m || !(m[1] in FLAGS)) throw new Error(`unknown argument ${argv[i]}\n\n${USAGE}`)
    const value = m[2] ?? argv[++i]
    if (value === undefined) throw new Error(`--${m[1]} needs a value`)
    v[FLAGS[m[1]]] = value
  }
  const format = v.WEBHOOK_FORMAT
  if (format && format !== 'slack' && format !== 'json') throw new Error('WEBHOOK_FORMAT must be "slack" or "json"')
  return {
    port: num(v.PORT, 'PORT'),
    host: v.HOST || undefined,
    databaseUrl: v.DATABASE_URL || null,
    pgliteDir: v.PGLITE_DIR || undefined,
    configPath: v.MOMENTKIT_CONFIG || null,
    webhookUrl: v.WEBHOOK_URL || null,
    webhookFormat: format as 'slack' | 'json' | undefined,
    webhookSecret: v.WEBHOOK_SECRET || null,
    identitySecret: v.IDENTITY_SECRET || null,
    writeKeys: list(v.WRITE_KEYS),
    corsOrigins: list(v.CORS_ORIGINS),
    maxBodyBytes: num(v.MAX_BODY_BYTES, 'MAX_BODY_BYTES'),
    rateLimit: { rate: num(v.RATE_LIMIT, 'RATE_LIMIT'), burst: num(v.RATE_BURST, 'RATE_BURST'), proxies: num(v.TRUST_PROXIES, 'TRUST_PROXIES') },
    scoreTolerance: num(v.SCORE_TOLERANCE, 'SCORE_TOLERANCE'),
    tzOffset: num(v.TZ_OFFSET, 'TZ_OFFSET'),
    accountRule: v.ACCOUNT_RULE || undefined,
    alertTiers: list(v.ALERT_TIERS),
    inboxPassword: v.INBOX_PASSWORD || null,
  }
}
