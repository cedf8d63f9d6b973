import type { ProviderSpec } from '../../core/spec/providerSpec';
import { createReadStream } from 'node:fs';
import { heartbeat } from '@temporalio/activity';
import { toFile } from 'openai';
import type { ArtifactRef } from '../../core/artifacts/artifactRef';
import { providerClient } from '../../providers/openai/client';
import { callProvider } from '../../providers/openai/errors';
import { artifactStore } from '../../stores/processStores';
import { settleUploads, uploadName } from './runDuplicates';

export { uploadName } from './runDuplicates';

/**
 * Uploads a dataset artifact for fine-tuning unless the provider already holds a file with the same content hash
 * (see docs/architecture.md, Exactly-once remote side effects): a crash between the upload and the activity's
 * completion never pays for a second upload.
 * An upload the worker gave up on (aborted when its attempt ends) may still land: before and after uploading, the
 * oldest copy is kept and the others are deleted, named in the result.
 */
export async function uploadTrainingFile(input: {
  artifact: ArtifactRef;
  provider?: ProviderSpec;
}): Promise<{ fileId: string; reused: boolean; deletedFileIds: string[] }> {
  const client = providerClient(input.provider);
  const name = uploadName(input.artifact.sha256);
  const before = await settleUploads(client, input.artifact);
  if (before.kept) return { fileId: before.kept.id, reused: true, deletedFileIds: before.deletedFileIds };
  const path = await artifactStore().localPath(input.artifact);
  // One request can outlast the heartbeat timeout on a big file: beat while it runs, so only a lost worker times out.
  heartbeat({ uploading: name });
  const beat = setInterval(() => heartbeat({ uploading: name }), 5_000);
  let file;
  try {
    file = await callProvider('upload training file', async (opts) =>
      client.files.create({ file: await toFile(createReadStream(path), name), purpose: 'fine-tune' }, opts),
    );
  } finally {
    clearInterval(beat);
  }
  const after = await settleUploads(client, input.artifact);
  const fileId = after.kept?.id ?? file.id;
  return { fileId, reused: fileId !== file.id, deletedFileIds: after.deletedFileIds };
}

export async function getFileStatus(input: {
  fileId: string;
  provider?: ProviderSpec;
}): Promise<{ status: string; details: string | null }> {
  const client = providerClient(input.provider);
  const file = await callProvider('retrieve file', () => client.files.retrieve(input.fileId));
  return { status: file.status, details: file.status_details ?? null };
}
