import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SpillFile, SpillStore } from '../../core/dataset/spillStore';

/**
 * Spill files as temporary files in `dir` (default: the OS temp dir). Each is created in a fresh folder that is
 * removed as soon as the file is open, so the file has no name left: it vanishes when closed, even after a crash.
 */
export function tempFileSpill(dir: string = os.tmpdir()): SpillStore {
  return {
    open(): SpillFile {
      const folder = fs.mkdtempSync(path.join(dir, 'spill-'));
      let fd: number;
      try {
        fd = fs.openSync(path.join(folder, 'spill.bin'), 'w+');
      } finally {
        fs.rmSync(folder, { recursive: true, force: true });
      }
      return new TempFile(fd);
    },
  };
}

class TempFile implements SpillFile {
  private closed = false;
  constructor(private readonly fd: number) {}

  write(bytes: Uint8Array, position: number): void {
    for (let done = 0; done < bytes.length;) {
      done += fs.writeSync(this.fd, bytes, done, bytes.length - done, position + done);
    }
  }

  read(bytes: Uint8Array, position: number): void {
    for (let done = 0; done < bytes.length;) {
      const n = fs.readSync(this.fd, bytes, done, bytes.length - done, position + done);
      if (n === 0) throw new Error(`spill file: temporary file ended at byte ${position + done}`);
      done += n;
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    fs.closeSync(this.fd);
  }
}
