/**
 * Which of several remote copies of one thing (the jobs tagged with one run, the uploads of one file's content) to
 * keep, and which are extras. A request the provider accepted after the worker gave up on it cannot be recalled,
 * so a retry may leave two; every attempt settles them the same way: the oldest is kept (ties by ID), unless the
 * caller already holds one, which then stays kept and every other copy is an extra, whenever it turned up.
 */
export interface RemoteCopy {
  id: string;
  /** Seconds since the epoch, as the provider reports it. */
  createdAt: number;
}

export function oldestFirst<T extends RemoteCopy>(copies: readonly T[]): T[] {
  return [...copies].sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export function splitDuplicates<T extends RemoteCopy>(
  copies: readonly T[],
  keepId?: string,
): { kept?: T; extras: T[] } {
  const sorted = oldestFirst(copies);
  const kept = keepId !== undefined ? sorted.find((c) => c.id === keepId) : sorted[0];
  const keptId = keepId ?? kept?.id;
  return { kept, extras: sorted.filter((c) => c.id !== keptId) };
}
