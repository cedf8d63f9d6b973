import type { ProviderSpec } from '../../config/providerSpec';
import { createReadStream } from 'node:fs';
import { cancellationSignal, heartbeat } from '@temporalio/activity';
import { toFile } from 'openai';
import type { ArtifactRef } from '../../core/artifacts/artifactRef';
import { providerClient } from '../../providers/openai/client';
import { callProvider } from '../../providers/openai/errors';
import { ArtifactStore } from '../artifacts/artifactStore';

/** The provider-side name that makes an upload findable by content: a retry or a second run reuses it. */
export function uploadName(sha256: string): string {
  return `tailor-${sha256}.jsonl`;
}

/**
 * Uploads a dataset artifact for fine-tuning unless the provider already holds a file with the same content hash
 * (DESIGN invariant 3): a crash between the upload and the activity's completion never pays for a second upload.
 */
export async function uploadTrainingFile(input: { artifact: ArtifactRef; provider?: ProviderSpec }): Promise<{ fileId: string; reused: boolean }> {
  const client = providerClient(input.provider);
  const name = uploadName(input.artifact.sha256);
  const existing = await callProvider('list files', async () => {
    for await (const f of client.files.list({ purpose: 'fine-tune', limit: 1000 })) {
      if (f.filename === name && f.status !== 'error' && f.bytes === input.artifact.bytes) return f;
    }
    return undefined;
  });
  if (existing) return { fileId: existing.id, reused: true };
  const path = new ArtifactStore().resolve(input.artifact);
  // One request can outlast the heartbeat timeout on a big file: beat while it runs, so only a lost worker times out.
  heartbeat({ uploading: name });
  const beat = setInterval(() => heartbeat({ uploading: name }), 5_000);
  try {
    const file = await callProvider('upload training file', async () =>
      client.files.create({ file: await toFile(createReadStream(path), name), purpose: 'fine-tune' }, { signal: cancellationSignal() }),
    );
    return { fileId: file.id, reused: false };
  } finally {
    clearInterval(beat);
  }
}

export async function getFileStatus(input: { fileId: string; provider?: ProviderSpec }): Promise<{ status: string; details: string | null }> {
  const client = providerClient(input.provider);
  const file = await callProvider('retrieve file', () => client.files.retrieve(input.fileId));
  return { status: file.status, details: file.status_details ?? null };
}
