import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { registryPath } from '../../config/paths';
import type { AliasChange } from '../../core/deploy/aliasChange';
import * as canaries from './canaries';

export interface ModelRecord {
  model: string;
  pipeline: string;
  provider: string;
  baseModel: string;
  jobId: string | null;
  trainSha256: string | null;
  specSha256: string | null;
  runId: string;
  evalReportUri: string | null;
  score: number | null;
  createdAt: number;
  /** How it was trained, when known (self-hosted: method, base path, adapter sha256, hyperparameters). */
  details?: Record<string, unknown> | null;
}

export type { AliasChange };

const SCHEMA = `
CREATE TABLE IF NOT EXISTS models (
  model TEXT PRIMARY KEY, pipeline TEXT NOT NULL, provider TEXT NOT NULL, base_model TEXT NOT NULL,
  job_id TEXT, train_sha256 TEXT, spec_sha256 TEXT, run_id TEXT NOT NULL, eval_report_uri TEXT, score REAL,
  created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS aliases (
  pipeline TEXT NOT NULL, alias TEXT NOT NULL, model TEXT NOT NULL, updated_at INTEGER NOT NULL,
  PRIMARY KEY (pipeline, alias));
CREATE TABLE IF NOT EXISTS alias_history (
  id INTEGER PRIMARY KEY AUTOINCREMENT, pipeline TEXT NOT NULL, alias TEXT NOT NULL, from_model TEXT, to_model TEXT,
  who TEXT NOT NULL, why TEXT NOT NULL, run_id TEXT, at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS approvals (
  id INTEGER PRIMARY KEY AUTOINCREMENT, run_id TEXT NOT NULL, pipeline TEXT NOT NULL, decision TEXT NOT NULL,
  who TEXT NOT NULL, why TEXT NOT NULL, at INTEGER NOT NULL);
`;

/**
 * The model registry: models and their lineage, aliases per pipeline, the history of every alias move, approvals.
 * Every write is a transaction; alias moves take SQLite's write lock up front (BEGIN IMMEDIATE), so two promotions
 * of one alias serialise and both are recorded.
 */
export class Registry {
  readonly db: Database.Database;

  constructor(file: string = registryPath()) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 10000');
    this.db.exec(SCHEMA);
    this.db.exec(canaries.CANARY_SCHEMA);
    migrate(this.db);
  }

  close(): void {
    this.db.close();
  }

  registerModel(rec: ModelRecord): void {
    this.db
      .prepare(
        `INSERT INTO models (model, pipeline, provider, base_model, job_id, train_sha256, spec_sha256, run_id,
           eval_report_uri, score, created_at, details)
         VALUES (@model, @pipeline, @provider, @baseModel, @jobId, @trainSha256, @specSha256, @runId, @evalReportUri,
           @score, @createdAt, @details)
         ON CONFLICT(model) DO UPDATE SET eval_report_uri = excluded.eval_report_uri, score = excluded.score,
           details = COALESCE(excluded.details, details)`,
      )
      .run({ ...rec, details: rec.details ? JSON.stringify(rec.details) : null });
  }

  getModel(model: string): ModelRecord | undefined {
    const row = this.db
      .prepare(
        `SELECT model, pipeline, provider, base_model AS baseModel, job_id AS jobId, train_sha256 AS trainSha256,
                spec_sha256 AS specSha256, run_id AS runId, eval_report_uri AS evalReportUri, score,
                  created_at AS createdAt, details
         FROM models WHERE model = ?`,
      )
      .get(model) as StoredModel | undefined;
    return row && withDetails(row);
  }

  resolveAlias(pipeline: string, alias: string): string | undefined {
    const row = this.db.prepare('SELECT model FROM aliases WHERE pipeline = ? AND alias = ?').get(pipeline, alias) as
      { model: string } | undefined;
    return row?.model;
  }

  /**
   * Points an alias at a model and records the move. Idempotent per run: repeating the same move for the same run
   * (an activity retry) changes nothing and reports the original previous model.
   */
  moveAlias(change: Omit<AliasChange, 'fromModel' | 'at'> & { at?: number }): {
    previous: string | null;
    changed: boolean;
  } {
    const tx = this.db.transaction(() => {
      const current = this.resolveAlias(change.pipeline, change.alias) ?? null;
      if (change.runId && current === change.toModel) {
        const prior = this.db
          .prepare(
            'SELECT from_model AS fromModel FROM alias_history WHERE pipeline = ? AND alias = ? AND run_id = ' +
              '? AND to_model IS ? ORDER BY id DESC LIMIT 1',
          )
          .get(change.pipeline, change.alias, change.runId, change.toModel) as { fromModel: string | null } | undefined;
        if (prior) return { previous: prior.fromModel, changed: false };
      }
      const at = change.at ?? Date.now();
      if (change.toModel === null) {
        this.db.prepare('DELETE FROM aliases WHERE pipeline = ? AND alias = ?').run(change.pipeline, change.alias);
      } else {
        this.db
          .prepare(
            `INSERT INTO aliases (pipeline, alias, model, updated_at) VALUES (?, ?, ?, ?)
             ON CONFLICT(pipeline, alias) DO UPDATE SET model = excluded.model, updated_at = excluded.updated_at`,
          )
          .run(change.pipeline, change.alias, change.toModel, at);
      }
      this.db
        .prepare(
          'INSERT INTO alias_history (pipeline, alias, from_model, to_model, who, why, run_id, at) VALUES ' +
            '(?, ?, ?, ?, ?, ?, ?, ?)',
        )
        .run(change.pipeline, change.alias, current, change.toModel, change.who, change.why, change.runId, at);
      // The alias now serves its canary's model to everyone: the canary is over, promoted.
      if (change.toModel !== null && this.getCanary(change.pipeline, change.alias)?.model === change.toModel) {
        const why = `alias moved to the canary's model: ${change.why}`;
        canaries.endCanaryIn(this.db, { ...change, action: 'promoted', why, at });
      }
      return { previous: current, changed: true };
    });
    return tx.immediate();
  }

  getCanary(pipeline: string, alias: string): canaries.Canary | undefined {
    return canaries.getCanary(this.db, pipeline, alias);
  }

  startCanary(start: canaries.CanaryStart): { replaced: canaries.Canary | null; changed: boolean } {
    return canaries.startCanary(this.db, start);
  }

  endCanary(end: canaries.CanaryEnd): canaries.Canary | null {
    return canaries.endCanary(this.db, end);
  }

  canaryHistory(pipeline: string, alias?: string): canaries.CanaryChange[] {
    return canaries.canaryHistory(this.db, pipeline, alias);
  }

  listCanaries(pipeline?: string): canaries.Canary[] {
    return canaries.listCanaries(this.db, pipeline);
  }

  aliasHistory(pipeline: string, alias?: string): AliasChange[] {
    const rows = this.db
      .prepare(
        `SELECT pipeline, alias, from_model AS fromModel, to_model AS toModel, who, why, run_id AS runId, at
         FROM alias_history WHERE pipeline = ? AND (? IS NULL OR alias = ?) ORDER BY id`,
      )
      .all(pipeline, alias ?? null, alias ?? null) as AliasChange[];
    return rows;
  }

  listModels(pipeline?: string): ModelRecord[] {
    const rows = this.db
      .prepare(
        `SELECT model, pipeline, provider, base_model AS baseModel, job_id AS jobId, train_sha256 AS trainSha256,
                spec_sha256 AS specSha256, run_id AS runId, eval_report_uri AS evalReportUri, score,
                  created_at AS createdAt, details
         FROM models WHERE (? IS NULL OR pipeline = ?) ORDER BY created_at, model`,
      )
      .all(pipeline ?? null, pipeline ?? null) as StoredModel[];
    return rows.map(withDetails);
  }

  listAliases(pipeline?: string): { pipeline: string; alias: string; model: string; updatedAt: number }[] {
    return this.db
      .prepare(
        'SELECT pipeline, alias, model, updated_at AS updatedAt FROM aliases WHERE (? IS NULL OR pipeline = ' +
          '?) ORDER BY pipeline, alias',
      )
      .all(pipeline ?? null, pipeline ?? null) as {
      pipeline: string;
      alias: string;
      model: string;
      updatedAt: number;
    }[];
  }

  /** Alias moves made by a run (its promotion and any rollback). */
  historyOfRun(runId: string): AliasChange[] {
    return this.db
      .prepare(
        `SELECT pipeline, alias, from_model AS fromModel, to_model AS toModel, who, why, run_id AS runId, at
         FROM alias_history WHERE run_id = ? OR run_id LIKE ? ORDER BY id`,
      )
      .all(runId, `${runId}#%`) as AliasChange[];
  }

  approvalsOfRun(runId: string): { decision: string; who: string; why: string; at: number }[] {
    return this.db.prepare('SELECT decision, who, why, at FROM approvals WHERE run_id = ? ORDER BY id').all(runId) as {
      decision: string;
      who: string;
      why: string;
      at: number;
    }[];
  }

  /** The model the alias pointed at before its current one: what a rollback returns to. */
  previousModel(pipeline: string, alias: string): string | null | undefined {
    const current = this.resolveAlias(pipeline, alias);
    if (current === undefined) return undefined;
    const row = this.db
      .prepare(
        'SELECT from_model AS fromModel FROM alias_history WHERE pipeline = ? AND alias = ? AND to_model = ? ' +
          'ORDER BY id DESC LIMIT 1',
      )
      .get(pipeline, alias, current) as { fromModel: string | null } | undefined;
    return row ? row.fromModel : undefined;
  }

  recordApproval(a: {
    runId: string;
    pipeline: string;
    decision: string;
    who: string;
    why: string;
    at?: number;
  }): void {
    this.db
      .prepare('INSERT INTO approvals (run_id, pipeline, decision, who, why, at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(a.runId, a.pipeline, a.decision, a.who, a.why, a.at ?? Date.now());
  }
}

type StoredModel = Omit<ModelRecord, 'details'> & { details: string | null };

/** `details` only when recorded, so records of provider models look as they always did. */
function withDetails({ details, ...row }: StoredModel): ModelRecord {
  return details ? { ...row, details: JSON.parse(details) as Record<string, unknown> } : row;
}

/** Columns added after the first release: added in place, so an older registry file keeps working. */
function migrate(db: Database.Database): void {
  const columns = (db.prepare('PRAGMA table_info(models)').all() as { name: string }[]).map((c) => c.name);
  if (columns.includes('details')) return;
  try {
    db.exec('ALTER TABLE models ADD COLUMN details TEXT');
  } catch (err) {
    // Another process opening the same file may have added it first.
    if (!/duplicate column/i.test(String(err))) throw err;
  }
}

let shared: Registry | undefined;
/** One connection per worker process (better-sqlite3 is synchronous; one handle is the fast path). */
export function sharedRegistry(): Registry {
  if (!shared || !shared.db.open) shared = new Registry();
  return shared;
}
