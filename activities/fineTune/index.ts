export { uploadTrainingFile, getFileStatus } from './uploadTrainingFile';
export { findOrCreateJob } from './findOrCreateJob';
export { getJobStatus, cancelJob } from './jobStatus';
export { saveJobMetrics } from './saveJobMetrics';
