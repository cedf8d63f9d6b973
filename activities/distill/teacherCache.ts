import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { tailorHome } from '../../config/paths';

/** A teacher's answer as the cache keeps it. */
export interface CachedAnswer {
  text: string;
  promptTokens: number;
  completionTokens: number;
}

/**
 * The teacher's answers by request content (endpoint, model, messages, sampling): one small JSON file each under
 * `$TAILOR_HOME/distill-cache`, written whole by rename, so a retried activity or a rerun asks nothing twice.
 */
export class TeacherCache {
  constructor(private readonly dir = path.join(tailorHome(), 'distill-cache')) {}

  /** The request's content hash. */
  static key(request: unknown): string {
    return createHash('sha256').update(JSON.stringify(request)).digest('hex');
  }

  get(key: string): CachedAnswer | undefined {
    try {
      return JSON.parse(fs.readFileSync(this.file(key), 'utf8')) as CachedAnswer;
    } catch {
      return undefined;
    }
  }

  put(key: string, answer: CachedAnswer): void {
    fs.mkdirSync(this.dir, { recursive: true });
    const tmp = `${this.file(key)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(answer));
    fs.renameSync(tmp, this.file(key));
  }

  private file(key: string): string {
    return path.join(this.dir, `${key}.json`);
  }
}
