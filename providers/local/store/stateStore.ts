/**
 * Durable state of the backend in one SQLite file (better-sqlite3, WAL) under the data dir:
 * files' metadata, jobs, events, checkpoints, fine-tuned models and their weights. File contents
 * live next to it as plain files, written via temp file + rename so a crash never leaves half a file.
 *
 * Why SQLite: events are appended at every training step and listed newest-first with cursors;
 * a single table with an insertion sequence gives that ordering and atomic writes for free.
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';

export type ObjectKind = 'file' | 'job' | 'event' | 'checkpoint' | 'model';

export interface ListOptions {
  parent?: string;
  /** Newest first (default) or oldest first. */
  order?: 'desc' | 'asc';
}

export class StateStore {
  private readonly db: Database.Database;
  private readonly stmts;
  readonly filesDir: string;

  constructor(readonly dataDir: string) {
    fs.mkdirSync(dataDir, { recursive: true });
    this.filesDir = path.join(dataDir, 'files');
    fs.mkdirSync(this.filesDir, { recursive: true });
    this.db = new Database(path.join(dataDir, 'state.db'));
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS objects (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL,
        id TEXT NOT NULL,
        parent TEXT,
        data TEXT NOT NULL,
        UNIQUE(kind, id)
      );
      CREATE INDEX IF NOT EXISTS objects_kind_parent ON objects(kind, parent, seq);
      CREATE TABLE IF NOT EXISTS weights (model TEXT PRIMARY KEY, data TEXT NOT NULL);
    `);
    this.stmts = {
      put: this.db.prepare(
        'INSERT INTO objects(kind, id, parent, data) VALUES (?, ?, ?, ?) ON CONFLICT(kind, id) DO UPDATE SET ' +
          'data = excluded.data',
      ),
      get: this.db.prepare('SELECT data FROM objects WHERE kind = ? AND id = ?'),
      del: this.db.prepare('DELETE FROM objects WHERE kind = ? AND id = ?'),
      listDesc: this.db.prepare('SELECT data FROM objects WHERE kind = ? ORDER BY seq DESC'),
      listAsc: this.db.prepare('SELECT data FROM objects WHERE kind = ? ORDER BY seq ASC'),
      listParentDesc: this.db.prepare('SELECT data FROM objects WHERE kind = ? AND parent = ? ORDER BY seq DESC'),
      listParentAsc: this.db.prepare('SELECT data FROM objects WHERE kind = ? AND parent = ? ORDER BY seq ASC'),
      putWeights: this.db.prepare('INSERT OR REPLACE INTO weights(model, data) VALUES (?, ?)'),
      getWeights: this.db.prepare('SELECT data FROM weights WHERE model = ?'),
      delWeights: this.db.prepare('DELETE FROM weights WHERE model = ?'),
    };
  }

  put(kind: ObjectKind, id: string, data: unknown, parent: string | null = null): void {
    this.stmts.put.run(kind, id, parent, JSON.stringify(data));
  }

  get<T>(kind: ObjectKind, id: string): T | undefined {
    const row = this.stmts.get.get(kind, id) as { data: string } | undefined;
    return row ? (JSON.parse(row.data) as T) : undefined;
  }

  delete(kind: ObjectKind, id: string): boolean {
    return this.stmts.del.run(kind, id).changes > 0;
  }

  list<T>(kind: ObjectKind, opts: ListOptions = {}): T[] {
    const asc = opts.order === 'asc';
    const rows = (
      opts.parent !== undefined
        ? (asc ? this.stmts.listParentAsc : this.stmts.listParentDesc).all(kind, opts.parent)
        : (asc ? this.stmts.listAsc : this.stmts.listDesc).all(kind)
    ) as { data: string }[];
    return rows.map((r) => JSON.parse(r.data) as T);
  }

  /** Several writes as one transaction (a step's event and the job's progress land together). */
  transaction(fn: () => void): void {
    this.db.transaction(fn)();
  }

  putWeights(model: string, data: unknown): void {
    this.stmts.putWeights.run(model, JSON.stringify(data));
  }

  getWeights<T>(model: string): T | undefined {
    const row = this.stmts.getWeights.get(model) as { data: string } | undefined;
    return row ? (JSON.parse(row.data) as T) : undefined;
  }

  deleteWeights(model: string): void {
    this.stmts.delWeights.run(model);
  }

  writeContent(id: string, bytes: Buffer): void {
    const target = path.join(this.filesDir, id);
    const tmp = `${target}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, bytes);
    fs.renameSync(tmp, target);
  }

  readContent(id: string): Buffer | undefined {
    try {
      return fs.readFileSync(path.join(this.filesDir, id));
    } catch {
      return undefined;
    }
  }

  deleteContent(id: string): void {
    fs.rmSync(path.join(this.filesDir, id), { force: true });
  }

  close(): void {
    this.db.close();
  }
}
