/**
 * Runs the reference collector:
 *
 *   node --import tsx src/collector/main.ts [--port 8787] [--config demo/momentkit.json] ...
 *
 * Settings come from flags or environment variables (see --help and
 * docs/payload.md). Stops cleanly on Ctrl+C.
 */
import { optionsFrom, USAGE } from './options'
import { startCollector } from './server'

const LOOPBACK = /^(127\.|localhost$|::1$)/

async function main(): Promise<void> {
  const argv = process.argv.slice(2)
  if (argv.includes('--help') || argv.includes('-h')) return void console.log(USAGE)
  const options = optionsFrom(argv, process.env)
  const c = await startCollector(options)
  const s = c.settings
  const store = c.db.kind === 'postgres' ? 'PostgreSQL (DATABASE_URL)' : `PGlite in ${s.pgliteDir}`
  console.log(`
MomentKit collector (${store})
  collect   POST ${c.collectUrl}   (also POST ${c.url}/v1/batch)
  inbox     ${c.inboxUrl}
  api       ${c.url}/api/inbox
  health    ${c.url}/healthz

  model     ${s.config.model.version}${options.configPath ? ` from ${options.configPath}` : ' (default config)'}; tiers ${s.config.model.tiers.map((t) => `${t.name} ${t.min}+`).join(', ')}
  alerts    on crossing into ${s.alertTiers.join(', ')}; ${s.webhookUrl ? `webhook ${s.webhookUrl} (${s.webhookFormat}, ${s.webhookSecret ? 'signed' : 'unsigned: no WEBHOOK_SECRET'})` : 'no WEBHOOK_URL: stored and shown in the inbox only'}
  security  write keys: ${s.writeKeys.length ? s.writeKeys.length + ' configured' : 'not checked'}; identity verification: ${s.identitySecret ? 'required for identified users' : 'off (no IDENTITY_SECRET)'}
  limit     ${s.rateLimit.rate > 0 ? `${s.rateLimit.burst} requests at once, then ${s.rateLimit.rate}/s per ${s.writeKeys.length ? 'write key' : 'address'} (RATE_BURST, RATE_LIMIT)` : 'off (RATE_LIMIT=0)'}
  CORS      ${s.corsOrigins.join(', ')}
  inbox     ${s.inboxPassword ? 'password protected (INBOX_PASSWORD)' : 'open to anyone who can reach it'}${!s.inboxPassword && !LOOPBACK.test(s.host) ? '\n  WARNING   listening beyond loopback with no INBOX_PASSWORD: the sales inbox shows user data' : ''}

Press Ctrl+C to stop.`)
  let stopping = false
  const stop = (signal: string) => {
    if (stopping) process.exit(130)
    stopping = true
    console.log(`\n${signal}: stopping the collector.`)
    c.close().then(
      () => process.exit(0),
      (e) => (console.error(e), process.exit(1)),
    )
  }
  process.on('SIGINT', () => stop('SIGINT'))
  process.on('SIGTERM', () => stop('SIGTERM'))
}

main().catch((e) => {
  console.error(`collector: ${e instanceof Error ? e.message : e}`)
  process.exit(1)
})
