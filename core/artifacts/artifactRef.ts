import { z } from 'zod';

/**
 * What workflow history carries instead of a payload (see docs/architecture.md, References, not payloads): a
 * content address plus the facts a decision needs, never the bytes themselves.
 */
export const ArtifactRefSchema = z.object({
  /** `artifact:sha256:<hex>`; resolved by the artifact store of the worker that reads it. */
  uri: z.string().regex(/^artifact:sha256:[0-9a-f]{64}$/),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().nonnegative(),
  /** Records (lines, examples, rows) when the artifact is a collection; omitted otherwise. */
  count: z.number().int().nonnegative().optional(),
  /** A hint for humans and tools (`train.jsonl`, `report.json`); never part of the address. */
  name: z.string().optional(),
});
export type ArtifactRef = z.infer<typeof ArtifactRefSchema>;

export function artifactUri(sha256: string): string {
  return `artifact:sha256:${sha256}`;
}
