/**
 * Byte files that a core/ data structure spills to when what it holds would not fit in memory (the near-duplicate
 * index's fingerprints and sorted runs). core/ only sees this interface; the I/O layer passes in an implementation:
 * temporary files in production (stores/spill/tempFileSpill.ts), an in-memory buffer in unit tests
 * (stores/spill/memorySpill.ts).
 */
export interface SpillStore {
  /** A new, empty file, private to the caller, freed by its close(). */
  open(): SpillFile;
}

/** A file written and read at byte positions, synchronously (the structures using it answer synchronously). */
export interface SpillFile {
  /** Writes all of `bytes` at `position` (the file grows as needed). */
  write(bytes: Uint8Array, position: number): void;
  /** Fills all of `bytes` from `position`; throws if the file ends first. */
  read(bytes: Uint8Array, position: number): void;
  /** Frees the file; it is not used afterwards. */
  close(): void;
}
