/**
 * Where shadow answers go: one JSON line per shadowed request in `<store>/shadow.jsonl`. Lines are appended one at a
 * time through a queue, so concurrent shadows never interleave and a line is either whole or absent.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface ShadowRecord {
  at: string;
  alias: string | null;
  /** The model whose answer the client got. */
  servedModel: string;
  shadowModel: string;
  request: unknown;
  /** The shadow's answer (the whole completion), or null when it failed. */
  response: unknown;
  error: string | null;
  latencyMs: number;
}

export class ShadowLog {
  readonly file: string;
  private tail: Promise<void> = Promise.resolve();

  constructor(storeDir: string) {
    fs.mkdirSync(storeDir, { recursive: true });
    this.file = path.join(storeDir, 'shadow.jsonl');
  }

  append(record: ShadowRecord): Promise<void> {
    const line = `${JSON.stringify(record)}\n`;
    this.tail = this.tail.then(() => fs.promises.appendFile(this.file, line, 'utf8'));
    return this.tail;
  }

  /** Every record written so far (for tests and tools). */
  read(): ShadowRecord[] {
    if (!fs.existsSync(this.file)) return [];
    return fs
      .readFileSync(this.file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as ShadowRecord);
  }
}
