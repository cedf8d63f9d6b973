import type { PoolClient, QueryResultRow } from 'pg';
import type { AliasChange } from '../../core/deploy/aliasChange';
import { PostgresPool } from './postgresPool';
import type { AliasMove, AliasRow, ApprovalInput, ApprovalRow, RegistryBackend } from './registryBackend';
import type { ModelRecord } from './registryDb';
import type { Canary, CanaryChange, CanaryEnd, CanaryStart } from './canaries';
import {
  CANARY_CHANGE_COLUMNS,
  CANARY_COLUMNS,
  endCanaryLocked,
  lockAlias,
  promoteCanaryOnMove,
  startCanaryLocked,
} from './canariesPostgres';

const MODEL_COLUMNS = `model, pipeline, provider, base_model AS "baseModel", job_id AS "jobId",
  train_sha256 AS "trainSha256", spec_sha256 AS "specSha256", run_id AS "runId", eval_report_uri AS "evalReportUri",
  score, created_at AS "createdAt", details`;
const CHANGE_COLUMNS = `pipeline, alias, from_model AS "fromModel", to_model AS "toModel", who, why,
  run_id AS "runId", at`;

/**
 * The registry on PostgreSQL, for workers and CLIs on many hosts. The schema is the SQLite registry's, applied by
 * versioned migrations (stores/registry/postgresMigrations.ts) when opened. An alias move runs in a transaction
 * that first takes a transaction-scoped advisory lock on (pipeline, alias): moves of one alias serialise across
 * every connection and host, even the first one, when there is no row yet to lock, so each records the model it
 * replaced and the history stays a chain.
 */
export class PostgresRegistry implements RegistryBackend {
  private constructor(readonly db: PostgresPool) {}

  get location(): string {
    return this.db.location;
  }

  /** Connects and migrates; an unreachable server or wrong credentials fail here, classified, password-free. */
  static async open(url: string, options: { max?: number } = {}): Promise<PostgresRegistry> {
    return new PostgresRegistry(await PostgresPool.open(url, options));
  }

  private async query<R extends QueryResultRow>(sql: string, params: unknown[] = []): Promise<R[]> {
    return this.db.query<R>(sql, params);
  }

  async registerModel(rec: ModelRecord): Promise<void> {
    await this.query(
      `INSERT INTO models (model, pipeline, provider, base_model, job_id, train_sha256, spec_sha256, run_id,
         eval_report_uri, score, created_at, details)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
       ON CONFLICT (model) DO UPDATE SET eval_report_uri = excluded.eval_report_uri, score = excluded.score,
         details = COALESCE(excluded.details, models.details)`,
      [
        rec.model,
        rec.pipeline,
        rec.provider,
        rec.baseModel,
        rec.jobId,
        rec.trainSha256,
        rec.specSha256,
        rec.runId,
        rec.evalReportUri,
        rec.score,
        rec.createdAt,
        rec.details ? JSON.stringify(rec.details) : null,
      ],
    );
  }

  async getModel(model: string): Promise<ModelRecord | undefined> {
    const [row] = await this.query<StoredModel>(`SELECT ${MODEL_COLUMNS} FROM models WHERE model = $1`, [model]);
    return row && withDetails(row);
  }

  async resolveAlias(pipeline: string, alias: string): Promise<string | undefined> {
    const [row] = await this.query<{ model: string }>('SELECT model FROM aliases WHERE pipeline = $1 AND alias = $2', [
      pipeline,
      alias,
    ]);
    return row?.model;
  }

  /**
   * Points an alias at a model and records the move. Idempotent per run: repeating the same move for the same run
   * (an activity retry) changes nothing and reports the original previous model.
   */
  async moveAlias(change: AliasMove): Promise<{ previous: string | null; changed: boolean }> {
    return this.db.transaction(async (c) => {
      const key = JSON.stringify(['alias', change.pipeline, change.alias]);
      await c.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [key]);
      return moveLocked(c, change);
    });
  }

  async getCanary(pipeline: string, alias: string): Promise<Canary | undefined> {
    const [row] = await this.query<Canary>(
      `SELECT ${CANARY_COLUMNS} FROM canaries WHERE pipeline = $1 AND alias = $2`,
      [pipeline, alias],
    );
    return row;
  }

  async startCanary(start: CanaryStart): Promise<{ replaced: Canary | null; changed: boolean }> {
    return this.db.transaction(async (c) => {
      await lockAlias(c, start.pipeline, start.alias);
      return startCanaryLocked(c, start);
    });
  }

  async endCanary(end: CanaryEnd): Promise<Canary | null> {
    return this.db.transaction(async (c) => {
      await lockAlias(c, end.pipeline, end.alias);
      return endCanaryLocked(c, end);
    });
  }

  async canaryHistory(pipeline: string, alias?: string): Promise<CanaryChange[]> {
    return this.query<CanaryChange>(
      `SELECT ${CANARY_CHANGE_COLUMNS} FROM canary_history
       WHERE pipeline = $1 AND ($2::text IS NULL OR alias = $2) ORDER BY id`,
      [pipeline, alias ?? null],
    );
  }

  async listCanaries(pipeline?: string): Promise<Canary[]> {
    return this.query<Canary>(
      `SELECT ${CANARY_COLUMNS} FROM canaries WHERE ($1::text IS NULL OR pipeline = $1)
       ORDER BY pipeline COLLATE "C", alias COLLATE "C"`,
      [pipeline ?? null],
    );
  }

  async aliasHistory(pipeline: string, alias?: string): Promise<AliasChange[]> {
    return this.query<AliasChange>(
      `SELECT ${CHANGE_COLUMNS} FROM alias_history
       WHERE pipeline = $1 AND ($2::text IS NULL OR alias = $2) ORDER BY id`,
      [pipeline, alias ?? null],
    );
  }

  async listModels(pipeline?: string): Promise<ModelRecord[]> {
    const rows = await this.query<StoredModel>(
      `SELECT ${MODEL_COLUMNS} FROM models WHERE ($1::text IS NULL OR pipeline = $1)
       ORDER BY created_at, model COLLATE "C"`,
      [pipeline ?? null],
    );
    return rows.map(withDetails);
  }

  async listAliases(pipeline?: string): Promise<AliasRow[]> {
    return this.query<AliasRow>(
      `SELECT pipeline, alias, model, updated_at AS "updatedAt" FROM aliases WHERE ($1::text IS NULL OR pipeline = $1)
       ORDER BY pipeline COLLATE "C", alias COLLATE "C"`,
      [pipeline ?? null],
    );
  }

  /** Alias moves made by a run (its promotion and any rollback). */
  async historyOfRun(runId: string): Promise<AliasChange[]> {
    return this.query<AliasChange>(
      `SELECT ${CHANGE_COLUMNS} FROM alias_history WHERE run_id = $1 OR run_id LIKE $2 ORDER BY id`,
      [runId, `${runId}#%`],
    );
  }

  async approvalsOfRun(runId: string): Promise<ApprovalRow[]> {
    return this.query<ApprovalRow>('SELECT decision, who, why, at FROM approvals WHERE run_id = $1 ORDER BY id', [
      runId,
    ]);
  }

  /** The model the alias pointed at before its current one: what a rollback returns to. */
  async previousModel(pipeline: string, alias: string): Promise<string | null | undefined> {
    const current = await this.resolveAlias(pipeline, alias);
    if (current === undefined) return undefined;
    const [row] = await this.query<{ fromModel: string | null }>(
      `SELECT from_model AS "fromModel" FROM alias_history WHERE pipeline = $1 AND alias = $2 AND to_model = $3
       ORDER BY id DESC LIMIT 1`,
      [pipeline, alias, current],
    );
    return row ? row.fromModel : undefined;
  }

  async recordApproval(a: ApprovalInput): Promise<void> {
    await this.query(
      'INSERT INTO approvals (run_id, pipeline, decision, who, why, at) VALUES ($1, $2, $3, $4, $5, $6)',
      [a.runId, a.pipeline, a.decision, a.who, a.why, a.at ?? Date.now()],
    );
  }

  async close(): Promise<void> {
    await this.db.end();
  }
}

/** The move itself, under the alias's lock: the same steps as the SQLite registry's. */
async function moveLocked(c: PoolClient, change: AliasMove): Promise<{ previous: string | null; changed: boolean }> {
  const rows = await c.query<{ model: string }>('SELECT model FROM aliases WHERE pipeline = $1 AND alias = $2', [
    change.pipeline,
    change.alias,
  ]);
  const current = rows.rows[0]?.model ?? null;
  if (change.runId && current === change.toModel) {
    const prior = await c.query<{ fromModel: string | null }>(
      `SELECT from_model AS "fromModel" FROM alias_history
       WHERE pipeline = $1 AND alias = $2 AND run_id = $3 AND to_model IS NOT DISTINCT FROM $4
       ORDER BY id DESC LIMIT 1`,
      [change.pipeline, change.alias, change.runId, change.toModel],
    );
    const [first] = prior.rows;
    if (first) return { previous: first.fromModel, changed: false };
  }
  const at = change.at ?? Date.now();
  if (change.toModel === null) {
    await c.query('DELETE FROM aliases WHERE pipeline = $1 AND alias = $2', [change.pipeline, change.alias]);
  } else {
    await c.query(
      `INSERT INTO aliases (pipeline, alias, model, updated_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (pipeline, alias) DO UPDATE SET model = excluded.model, updated_at = excluded.updated_at`,
      [change.pipeline, change.alias, change.toModel, at],
    );
  }
  await c.query(
    `INSERT INTO alias_history (pipeline, alias, from_model, to_model, who, why, run_id, at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [change.pipeline, change.alias, current, change.toModel, change.who, change.why, change.runId, at],
  );
  await promoteCanaryOnMove(c, change, at);
  return { previous: current, changed: true };
}

type StoredModel = Omit<ModelRecord, 'details'> & { details: string | null };

/** `details` only when recorded, so records of provider models look as they always did. */
function withDetails({ details, ...row }: StoredModel): ModelRecord {
  return details ? { ...row, details: JSON.parse(details) as Record<string, unknown> } : row;
}
