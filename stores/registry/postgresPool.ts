import pg, { type CustomTypesConfig, type PoolClient } from 'pg';
import { displayUrl, postgresFailure } from './postgresFailures';
import { migrate } from './postgresMigrations';

/** Millisecond timestamps are BIGINT: read back as numbers (they stay far below 2^53), as SQLite returns them. */
const types: CustomTypesConfig = {
  getTypeParser: (oid, format) =>
    oid === pg.types.builtins.INT8 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format),
};

/**
 * A connection pool on the registry's database, migrated to the newest schema when opened. Every error it passes on
 * is classified and password-free (./postgresFailures.ts).
 */
export class PostgresPool {
  /** postgres://user@host:port/db, never the password. */
  readonly location: string;

  private constructor(
    readonly pool: pg.Pool,
    private readonly url: string,
  ) {
    this.location = displayUrl(url);
  }

  /** Connects and migrates; an unreachable server or wrong credentials fail here. */
  static async open(url: string, options: { max?: number } = {}): Promise<PostgresPool> {
    const pool = new pg.Pool({ connectionString: url, max: options.max ?? 4, connectionTimeoutMillis: 10_000, types });
    pool.on('error', () => undefined); // an idle client's broken connection: the next query reports it
    const opened = new PostgresPool(pool, url);
    try {
      await opened.withClient((c) => migrate(c));
    } catch (err) {
      await pool.end().catch(() => undefined);
      throw err;
    }
    return opened;
  }

  async withClient<T>(fn: (c: PoolClient) => Promise<T>): Promise<T> {
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      throw postgresFailure(this.url, err);
    }
    // A connection that breaks while checked out (the server stopped between two queries) emits 'error' on the
    // client, which the pool listens for only while it is idle: heard here, and the client is discarded on release.
    let broken: Error | undefined;
    const onError = (err: Error) => {
      broken = err;
    };
    client.on('error', onError);
    try {
      return await fn(client);
    } catch (err) {
      throw postgresFailure(this.url, err);
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  }

  /** `fn` in one transaction: committed when it returns, rolled back when it throws. */
  async transaction<T>(fn: (c: PoolClient) => Promise<T>): Promise<T> {
    return this.withClient(async (c) => {
      await c.query('BEGIN');
      try {
        const result = await fn(c);
        await c.query('COMMIT');
        return result;
      } catch (err) {
        await c.query('ROLLBACK').catch(() => undefined);
        throw err;
      }
    });
  }

  async query<R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<R[]> {
    return this.withClient(async (c) => (await c.query<R>(sql, params)).rows);
  }

  async end(): Promise<void> {
    await this.pool.end();
  }
}
