import path from 'node:path';
import { registryPath } from '../../config/paths';
import type { AliasChange } from '../../core/deploy/aliasChange';
import { PostgresRegistry } from './postgresRegistry';
import { Registry, type ModelRecord } from './registryDb';
import type { Canary, CanaryChange, CanaryEnd, CanaryStart } from './canaries';

export type AliasMove = Omit<AliasChange, 'fromModel' | 'at'> & { at?: number };
export interface AliasRow {
  pipeline: string;
  alias: string;
  model: string;
  updatedAt: number;
}
export interface ApprovalRow {
  decision: string;
  who: string;
  why: string;
  at: number;
}
export interface ApprovalInput {
  runId: string;
  pipeline: string;
  decision: string;
  who: string;
  why: string;
  at?: number;
}

/**
 * The model registry whatever holds it: SQLite (one file, the default) or PostgreSQL (shared by workers on many
 * hosts). Same tables, same guarantees: moves of one alias are serialised, each recorded with the model it replaced,
 * so the history is a chain; repeating a run's move changes nothing.
 */
export interface RegistryBackend {
  /** A file path or postgres://user@host/db (never a password), for messages. */
  readonly location: string;
  registerModel(rec: ModelRecord): Promise<void>;
  getModel(model: string): Promise<ModelRecord | undefined>;
  resolveAlias(pipeline: string, alias: string): Promise<string | undefined>;
  moveAlias(change: AliasMove): Promise<{ previous: string | null; changed: boolean }>;
  aliasHistory(pipeline: string, alias?: string): Promise<AliasChange[]>;
  listModels(pipeline?: string): Promise<ModelRecord[]>;
  listAliases(pipeline?: string): Promise<AliasRow[]>;
  historyOfRun(runId: string): Promise<AliasChange[]>;
  approvalsOfRun(runId: string): Promise<ApprovalRow[]>;
  previousModel(pipeline: string, alias: string): Promise<string | null | undefined>;
  recordApproval(a: ApprovalInput): Promise<void>;
  /** The alias's canary (stores/registry/canaries.ts): a candidate served to a share of its users. */
  getCanary(pipeline: string, alias: string): Promise<Canary | undefined>;
  startCanary(start: CanaryStart): Promise<{ replaced: Canary | null; changed: boolean }>;
  endCanary(end: CanaryEnd): Promise<Canary | null>;
  canaryHistory(pipeline: string, alias?: string): Promise<CanaryChange[]>;
  listCanaries(pipeline?: string): Promise<Canary[]>;
  close(): Promise<void>;
}

/** The SQLite registry (stores/registry/registryDb.ts) behind the asynchronous interface. */
export class SqliteRegistryBackend implements RegistryBackend {
  constructor(readonly registry: Registry = new Registry()) {}

  get location(): string {
    return this.registry.db.name;
  }

  async registerModel(rec: ModelRecord) {
    this.registry.registerModel(rec);
  }
  async getModel(model: string) {
    return this.registry.getModel(model);
  }
  async resolveAlias(pipeline: string, alias: string) {
    return this.registry.resolveAlias(pipeline, alias);
  }
  async moveAlias(change: AliasMove) {
    return this.registry.moveAlias(change);
  }
  async aliasHistory(pipeline: string, alias?: string) {
    return this.registry.aliasHistory(pipeline, alias);
  }
  async listModels(pipeline?: string) {
    return this.registry.listModels(pipeline);
  }
  async listAliases(pipeline?: string) {
    return this.registry.listAliases(pipeline);
  }
  async historyOfRun(runId: string) {
    return this.registry.historyOfRun(runId);
  }
  async approvalsOfRun(runId: string) {
    return this.registry.approvalsOfRun(runId);
  }
  async previousModel(pipeline: string, alias: string) {
    return this.registry.previousModel(pipeline, alias);
  }
  async recordApproval(a: ApprovalInput) {
    this.registry.recordApproval(a);
  }
  async getCanary(pipeline: string, alias: string) {
    return this.registry.getCanary(pipeline, alias);
  }
  async startCanary(start: CanaryStart) {
    return this.registry.startCanary(start);
  }
  async endCanary(end: CanaryEnd) {
    return this.registry.endCanary(end);
  }
  async canaryHistory(pipeline: string, alias?: string) {
    return this.registry.canaryHistory(pipeline, alias);
  }
  async listCanaries(pipeline?: string) {
    return this.registry.listCanaries(pipeline);
  }
  async close() {
    this.registry.close();
  }
}

/** True when TAILOR_REGISTRY names a PostgreSQL database rather than a SQLite file. */
export function isPostgresUrl(value: string | undefined): boolean {
  return /^postgres(ql)?:\/\//i.test(value?.trim() ?? '');
}

/**
 * The registry this process is configured for: `TAILOR_REGISTRY=postgres://…` opens PostgreSQL (migrated to the
 * newest schema on open); otherwise the SQLite file as always (`TAILOR_REGISTRY` a path, default under TAILOR_HOME).
 */
export async function openRegistry(env: NodeJS.ProcessEnv = process.env): Promise<RegistryBackend> {
  const spec = env.TAILOR_REGISTRY;
  if (spec && isPostgresUrl(spec)) return PostgresRegistry.open(spec.trim());
  return new SqliteRegistryBackend(new Registry(spec?.trim() ? path.resolve(spec.trim()) : registryPath()));
}
