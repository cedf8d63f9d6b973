import fs from 'node:fs/promises';

/** Appends lines to a file through a 1 MB buffer: one syscall per megabyte instead of per example. */
export class JsonlWriter {
  private buf: string[] = [];
  private bufChars = 0;
  lines = 0;

  private constructor(private readonly fh: fs.FileHandle) {}

  static async open(file: string): Promise<JsonlWriter> {
    return new JsonlWriter(await fs.open(file, 'w'));
  }

  write(line: string): void {
    this.buf.push(line, '\n');
    this.bufChars += line.length + 1;
    this.lines++;
  }

  /** Writes the buffer out once it is large; call between input chunks. */
  async maybeFlush(): Promise<void> {
    if (this.bufChars >= 1 << 20) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.buf.length === 0) return;
    const text = this.buf.join('');
    this.buf = [];
    this.bufChars = 0;
    await this.fh.write(text);
  }

  async close(): Promise<void> {
    await this.flush();
    await this.fh.close();
  }
}
