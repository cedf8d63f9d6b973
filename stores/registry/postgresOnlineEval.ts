import type { ScoreBackend } from '../onlineEval/scoreBackend';
import {
  scoreValues,
  toStored,
  type ScoreKey,
  type ScoreQuery,
  type ScoreRow,
  type StoredScore,
} from '../onlineEval/scoreStore';
import { PostgresPool } from './postgresPool';

const COLUMNS = [
  'alias',
  'suite',
  'tick',
  'model',
  'n',
  'errored',
  'score',
  'pass_rate',
  'threshold',
  'below',
  'run_id',
  'recorded_at',
] as const;

const KEY = 'alias = $1 AND suite = $2 AND tick = $3 AND model = $4';

/**
 * The online-evaluation scores in the registry's PostgreSQL database (migration 6 of ./postgresMigrations.ts): the
 * SQLite store's rules (stores/onlineEval/scoreStore.ts) on a server every worker and CLI host shares. A tick's
 * score per model is inserted once (a second recording keeps the first and reads it back), and the first delivery
 * time of its alert is the one kept.
 */
export class PostgresOnlineEvalStore implements ScoreBackend {
  private constructor(readonly db: PostgresPool) {}

  get location(): string {
    return this.db.location;
  }

  static async open(url: string, options: { max?: number } = {}): Promise<PostgresOnlineEvalStore> {
    return new PostgresOnlineEvalStore(await PostgresPool.open(url, options));
  }

  async record(scores: readonly Omit<StoredScore, 'alertedAt'>[]): Promise<StoredScore[]> {
    return this.db.transaction(async (c) => {
      const stored: StoredScore[] = [];
      for (const s of scores) {
        await c.query(
          `INSERT INTO online_scores (${COLUMNS.join(', ')})
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT DO NOTHING`,
          scoreValues(s),
        );
        const { rows } = await c.query<ScoreRow>(`SELECT * FROM online_scores WHERE ${KEY}`, [
          s.alias,
          s.suite,
          s.tick,
          s.model,
        ]);
        stored.push(toStored(rows[0]!));
      }
      return stored;
    });
  }

  async markAlerted(key: ScoreKey, at: number): Promise<void> {
    await this.db.query(`UPDATE online_scores SET alerted_at = COALESCE(alerted_at, $5) WHERE ${KEY}`, [
      key.alias,
      key.suite,
      key.tick,
      key.model,
      at,
    ]);
  }

  async get(key: ScoreKey): Promise<StoredScore | undefined> {
    const [row] = await this.db.query<ScoreRow>(`SELECT * FROM online_scores WHERE ${KEY}`, [
      key.alias,
      key.suite,
      key.tick,
      key.model,
    ]);
    return row && toStored(row);
  }

  /** Oldest tick first, then suite and model (byte-wise, as SQLite orders them). */
  async history(q: ScoreQuery): Promise<StoredScore[]> {
    const rows = await this.db.query<ScoreRow>(
      `SELECT * FROM online_scores WHERE alias = $1 AND ($2::text IS NULL OR suite = $2)
         AND ($3::text IS NULL OR model = $3) AND tick >= $4
       ORDER BY tick, suite COLLATE "C", model COLLATE "C"`,
      [q.alias, q.suite ?? null, q.model ?? null, q.since ?? 0],
    );
    return rows.map(toStored);
  }

  async close(): Promise<void> {
    await this.db.end();
  }
}
