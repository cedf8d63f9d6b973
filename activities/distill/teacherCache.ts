import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { tailorHome } from '../../config/paths';
import { S3ArtifactStore } from '../../stores/artifacts/s3ArtifactStore';
import { openResultCache } from '../../stores/cache/keyedCache';
import type { ResultCache } from '../../stores/cache/resultCache';
import { artifactStore } from '../../stores/processStores';

/** A teacher's answer as the cache keeps it. */
export interface CachedAnswer {
  text: string;
  promptTokens: number;
  completionTokens: number;
}

/** The result-cache namespace of the teacher's answers when they live in the artifact bucket. */
export const TEACHER_CACHE_NAMESPACE = 'distill/teacher';

/**
 * The teacher's answers by request content (endpoint, model, messages, sampling), so a retried activity or a rerun
 * asks nothing twice. In the artifact bucket when TAILOR_ARTIFACTS names one (every host finds what another paid
 * for), else one small JSON file each under `$TAILOR_HOME/distill-cache`.
 */
export class TeacherCache {
  constructor(private readonly cache: ResultCache = teacherResultCache()) {}

  /** The request's content hash. */
  static key(request: unknown): string {
    return createHash('sha256').update(JSON.stringify(request)).digest('hex');
  }

  /** The stored answer; undefined when there is none or it cannot be read (the teacher is asked again). */
  async get(key: string): Promise<CachedAnswer | undefined> {
    return this.cache.get<CachedAnswer>(key).catch(() => undefined);
  }

  async put(key: string, answer: CachedAnswer): Promise<void> {
    await this.cache.put(key, answer);
  }
}

/** Where this process keeps the teacher's answers (see TeacherCache). */
export function teacherResultCache(env: NodeJS.ProcessEnv = process.env): ResultCache {
  if (artifactStore(env) instanceof S3ArtifactStore) return openResultCache(TEACHER_CACHE_NAMESPACE, env);
  return new DiskTeacherCache(path.join(tailorHome(), 'distill-cache'));
}

/** `<dir>/<key>.json`, written whole by rename: the layout distillation has always used on one host. */
export class DiskTeacherCache implements ResultCache {
  readonly namespace = TEACHER_CACHE_NAMESPACE;
  constructor(readonly dir: string) {}

  async get<T>(key: string): Promise<T | undefined> {
    try {
      return JSON.parse(fs.readFileSync(this.file(key), 'utf8')) as T;
    } catch {
      return undefined;
    }
  }

  async put(key: string, value: unknown): Promise<void> {
    fs.mkdirSync(this.dir, { recursive: true });
    const tmp = `${this.file(key)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(value));
    fs.renameSync(tmp, this.file(key));
  }

  async count(): Promise<number> {
    try {
      return fs.readdirSync(this.dir).filter((f) => f.endsWith('.json')).length;
    } catch {
      return 0;
    }
  }

  private file(key: string): string {
    return path.join(this.dir, `${key}.json`);
  }
}
