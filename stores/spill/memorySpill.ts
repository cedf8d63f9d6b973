import type { SpillFile, SpillStore } from '../../core/dataset/spillStore';

/** Spill files held in memory: for unit tests of what spills, and for inputs known to be small. */
export function memorySpill(): SpillStore {
  return { open: () => new MemoryFile() };
}

class MemoryFile implements SpillFile {
  private bytes = new Uint8Array(4096);
  private length = 0;
  private closed = false;

  write(bytes: Uint8Array, position: number): void {
    this.check();
    const end = position + bytes.length;
    if (end > this.bytes.length) {
      const grown = new Uint8Array(Math.max(end, this.bytes.length * 2));
      grown.set(this.bytes.subarray(0, this.length));
      this.bytes = grown;
    }
    this.bytes.set(bytes, position);
    this.length = Math.max(this.length, end);
  }

  read(bytes: Uint8Array, position: number): void {
    this.check();
    const end = position + bytes.length;
    if (end > this.length) throw new Error(`spill file: in-memory file ended at byte ${this.length}`);
    bytes.set(this.bytes.subarray(position, end));
  }

  close(): void {
    this.closed = true;
    this.bytes = new Uint8Array(0);
    this.length = 0;
  }

  private check(): void {
    if (this.closed) throw new Error('spill file used after close()');
  }
}
