import fs from 'node:fs';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { tailorHome } from '../../config/paths';
import type { ArtifactRef } from '../../core/artifacts/artifactRef';
import { trainingFolders } from '../../core/fineTune/selfHosted';
import { ArtifactStore } from '../../stores/artifacts/artifactStore';
import { Failure } from '../../core/failures/failureTypes';

/**
 * Absolute paths for the trainer worker: the training file in the artifact store and this run's output and
 * checkpoint folders. The trainer reads and writes them directly, so both workers must share this filesystem.
 */
export async function selfHostedTrainingPaths(input: { train: ArtifactRef; runTag: string; adaptersDir?: string }): Promise<{
  trainingFile: string;
  outputDir: string;
  checkpointDir: string;
}> {
  const trainingFile = new ArtifactStore().resolve(input.train);
  if (!fs.existsSync(trainingFile)) {
    throw ApplicationFailure.nonRetryable(`training data ${input.train.uri} is not in the artifact store (${trainingFile})`, Failure.ArtifactMissing);
  }
  const adaptersDir = path.resolve(input.adaptersDir ?? path.join(tailorHome(), 'adapters'));
  fs.mkdirSync(adaptersDir, { recursive: true });
  return { trainingFile, ...trainingFolders(adaptersDir, input.runTag) };
}
