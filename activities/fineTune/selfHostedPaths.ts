import fs from 'node:fs';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { tailorHome } from '../../config/paths';
import type { ArtifactRef } from '../../core/artifacts/artifactRef';
import { trainingFolders, type TrainerPaths } from '../../core/fineTune/selfHosted';
import { ArtifactStore } from '../../stores/artifacts/artifactStore';
import { S3ArtifactStore } from '../../stores/artifacts/s3ArtifactStore';
import { artifactStore } from '../../stores/processStores';
import { Failure } from '../../core/failures/failureTypes';

/**
 * Where the trainer worker finds its training file and writes. With the artifact store on disk (the default), absolute
 * paths: the trainer reads and writes them directly, so it shares this filesystem. With the store on S3
 * (`TAILOR_ARTIFACTS=s3://…`), nothing host-local: the training file by reference (location, key, sha256), which the
 * trainer fetches, and folders relative to the trainer's own host; the trainer uploads what it trained to the store.
 */
export async function selfHostedTrainingPaths(input: {
  train: ArtifactRef;
  runTag: string;
  adaptersDir?: string;
}): Promise<TrainerPaths> {
  const store = artifactStore();
  if (store instanceof S3ArtifactStore) {
    if (!(await store.has(input.train))) {
      throw ApplicationFailure.nonRetryable(
        `training data ${input.train.uri} is not in the artifact store ${store.location}`,
        Failure.ArtifactMissing,
      );
    }
    const { sha256, bytes } = input.train;
    return {
      trainingArtifact: { location: store.location, key: store.keyFor(sha256), sha256, bytes },
      ...trainingFolders(undefined, input.runTag),
    };
  }
  const trainingFile = new ArtifactStore().resolve(input.train);
  if (!fs.existsSync(trainingFile)) {
    throw ApplicationFailure.nonRetryable(
      `training data ${input.train.uri} is not in the artifact store (${trainingFile})`,
      Failure.ArtifactMissing,
    );
  }
  const adaptersDir = path.resolve(input.adaptersDir ?? path.join(tailorHome(), 'adapters'));
  fs.mkdirSync(adaptersDir, { recursive: true });
  return { trainingFile, ...trainingFolders(adaptersDir, input.runTag) };
}
