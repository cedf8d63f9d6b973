export { uploadTrainingFile, getFileStatus } from './uploadTrainingFile';
export { findOrCreateJob } from './findOrCreateJob';
export { getJobStatus, cancelJob, pauseOrResumeJob } from './jobStatus';
export { settleRunDuplicates } from './runDuplicates';
export { preflightCheck } from './preflight';
export { saveJobMetrics } from './saveJobMetrics';
export { preferredAnswersDataset } from './preferredAnswersDataset';
export { selfHostedTrainingPaths } from './selfHostedPaths';
export { registerServedAdapter } from './registerServedAdapter';
