/** Types for scripts/postgres.mjs, so the collector tests type-check. */
export interface PostgresHandle {
  /** postgres://postgres@127.0.0.1:<port>/postgres (trust auth, loopback only). */
  url: string
  port: number
  /** Temp dir holding the data dir, socket and server.log; deleted by stop(). */
  dir: string
  /** Folder of the PostgreSQL binaries used. */
  bin: string
  /** The unprivileged user the server runs as when we are root, else null. */
  user: string | null
}
/** Starts a throwaway PostgreSQL server on 127.0.0.1 (installing PostgreSQL with apt-get when root and missing). */
export declare function start(options?: { port?: number }): Promise<PostgresHandle>
/** Stops it and deletes its data. Safe to call twice. */
export declare function stop(handle: PostgresHandle | null | undefined): Promise<void>
