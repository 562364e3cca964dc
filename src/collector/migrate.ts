import type { Db } from './db'

/**
 * Schema, as numbered migrations applied once each (recorded in
 * schema_migrations) inside a transaction, so starting the collector again,
 * or two collectors at once on one PostgreSQL, is harmless. Append new
 * migrations; never edit an applied one.
 */
const MIGRATIONS: Array<[number, string[]]> = [
  [1, [
    // Every accepted message, once (the id is the dedup key). `subject` is the
    // identity whose score it feeds: 'u:' + userId, or 'a:' + anonymousId before identify.
    `create table if not exists messages (
      id text primary key,
      seq bigint generated always as identity,
      subject text not null,
      type text not null,
      at timestamptz not null,
      user_id text,
      anonymous_id text not null,
      account_id text,
      model text not null,
      body jsonb not null,
      received_at timestamptz not null default now()
    )`,
    `create index if not exists messages_subject on messages (subject, type, at, seq)`,
    // One row per subject: the server's own score (from raw events, through the SDK's
    // scoring modules), its aggregates for incremental rescoring, and the client's last report.
    `create table if not exists users (
      key text primary key,
      user_id text,
      anonymous_id text not null,
      account_id text,
      merged_from text,
      merged_into text,
      first_at timestamptz,
      last_at timestamptz,
      seen float8 not null,
      agg jsonb,
      agg_through float8 not null default 0,
      agg_model text,
      events int not null default 0,
      score int not null default 0,
      tier text,
      tier_since timestamptz,
      prev_tier text,
      breakdown jsonb not null default '[]',
      reasons jsonb not null default '[]',
      signals jsonb not null default '{}',
      top_features jsonb not null default '[]',
      client_score int,
      client_tier text,
      client_at timestamptz,
      client_crossed_at timestamptz,
      client_model text,
      score_diff int,
      mismatch boolean not null default false,
      partial boolean not null default false,
      rolled_up int not null default 0,
      moments jsonb not null default '{}',
      updated_at timestamptz not null default now()
    )`,
    `create index if not exists users_account on users (account_id)`,
    `create index if not exists users_tier on users (tier, tier_since)`,
    `create table if not exists score_history (
      id bigint generated always as identity primary key,
      subject text not null,
      at timestamptz not null,
      score int not null,
      tier text not null,
      client_score int
    )`,
    `create index if not exists score_history_subject on score_history (subject, at)`,
    `create table if not exists accounts (
      account_id text primary key,
      users int not null default 0,
      tiers jsonb not null default '{}',
      top_score int not null default 0,
      flagged boolean not null default false,
      flagged_at timestamptz,
      rule text,
      updated_at timestamptz not null default now()
    )`,
    // Sales alerts and their webhook delivery: status pending | retrying | sent | failed | stored (no webhook).
    `create table if not exists alerts (
      id bigint generated always as identity primary key,
      kind text not null,
      subject text not null,
      user_id text,
      account_id text,
      tier text not null,
      score int not null,
      sla text not null,
      crossed_at timestamptz not null,
      content jsonb not null,
      status text not null,
      attempts int not null default 0,
      last_error text,
      next_at timestamptz,
      created_at timestamptz not null default now(),
      sent_at timestamptz
    )`,
    `create index if not exists alerts_due on alerts (status, next_at)`,
  ]],
]

export async function migrate(db: Db): Promise<void> {
  await db.exec(`create table if not exists schema_migrations (version int primary key, applied_at timestamptz not null default now())`)
  for (const [version, statements] of MIGRATIONS) {
    await db.tx(async (q) => {
      // Two collectors starting together on one server: the second waits, then sees the version applied.
      if (db.kind === 'postgres') await q.query('select pg_advisory_xact_lock(7261001)')
      const done = await q.query('select 1 from schema_migrations where version = $1', [version])
      if (done.length) return
      for (const sql of statements) await q.query(sql)
      await q.query('insert into schema_migrations (version) values ($1)', [version])
    })
  }
}
