import type { Readable } from 'node:stream';
import type { ArtifactRef } from '../../core/artifacts/artifactRef';
import { ArtifactStore } from './artifactStore';
import { parseS3Location, S3ArtifactStore } from './s3ArtifactStore';

export interface ArtifactMeta {
  name?: string;
  count?: number;
}

/**
 * Where artifacts live, whatever the medium: the local disk (the default) or S3-compatible object storage. Content
 * addressed (the key is the sha256), written whole or not at all, read as a stream.
 */
export interface ArtifactBackend {
  /** A folder or `s3://bucket/prefix`, for messages. */
  readonly location: string;
  /** Stores bytes or text; `count` is recorded in the ref (e.g. JSONL lines). */
  put(content: string | Buffer, meta?: ArtifactMeta): Promise<ArtifactRef>;
  /** Stores a file already on disk, streamed, so any size works. */
  putFile(file: string, meta?: ArtifactMeta): Promise<ArtifactRef>;
  has(ref: Pick<ArtifactRef, 'sha256'>): Promise<boolean>;
  /** The artifact's bytes as a stream (S3: the stream fails, before it ends, when the bytes do not hash to the ref). */
  openRead(ref: Pick<ArtifactRef, 'sha256'>): Promise<Readable>;
  readText(ref: Pick<ArtifactRef, 'sha256'>): Promise<string>;
  readJson<T = unknown>(ref: Pick<ArtifactRef, 'sha256'>): Promise<T>;
  /** A local file holding the artifact, for tools that need a path (S3: fetched once into the local cache). */
  localPath(ref: Pick<ArtifactRef, 'sha256'>): Promise<string>;
}

/**
 * The artifact store this process is configured for: `TAILOR_ARTIFACTS=s3://bucket/prefix` selects S3 (endpoint,
 * region and credentials from the standard AWS environment); unset, the local disk under `TAILOR_HOME` as always.
 */
export function openArtifactStore(env: NodeJS.ProcessEnv = process.env): ArtifactBackend {
  const spec = env.TAILOR_ARTIFACTS?.trim();
  if (!spec) return new ArtifactStore();
  return new S3ArtifactStore(parseS3Location(spec, 'TAILOR_ARTIFACTS'));
}
