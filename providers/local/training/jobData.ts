/**
 * Reads and checks a job's training (and validation) file for its method; the result is what the
 * trainer learns from, or the failure the job ends with. Called at validation and again whenever a
 * trainer is rebuilt (after a pause or a restart), so nothing parsed needs to be persisted.
 */
import type { FileService } from '../files/fileService';
import { countChatTokens } from '../inference/tokens';
import type { JobRecord } from './jobRecord';
import { isFailure, prepareTrainingData, type JobFailure, type MethodType, type TrainingData } from './trainingData';

export function loadJobData(
  files: FileService,
  rec: JobRecord,
): { train: TrainingData; valid: TrainingData | null } | JobFailure {
  const method = rec.job.method.type as MethodType;
  const read = (fileId: string, which: 'training_file' | 'validation_file'): TrainingData | JobFailure => {
    const code = which === 'training_file' ? 'invalid_training_file' : 'invalid_validation_file';
    const file = files.get(fileId);
    const bytes = file && files.content(fileId);
    if (!file || !bytes) return { code, message: `File ${fileId} not found.`, param: which };
    if (file.status === 'error')
      return { code, message: `${file.status_details ?? 'Invalid file format.'} (file ${fileId})`, param: which };
    return prepareTrainingData(bytes, fileId, method, which, countChatTokens, rec.progress.grader);
  };
  const train = read(rec.job.training_file, 'training_file');
  if (isFailure(train)) return train;
  let valid: TrainingData | null = null;
  if (rec.job.validation_file) {
    const v = read(rec.job.validation_file, 'validation_file');
    if (isFailure(v)) return v;
    valid = v;
  }
  return { train, valid };
}
