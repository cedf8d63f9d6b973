// Activities of the operations layer: schedules, data-change watchers and the sunset watch.
export { fingerprintDataset } from './fingerprintDataset';
export { lastSuccessfulDataset } from './lastSuccessfulDataset';
export { findSunsets } from './findSunsets';
export { materializeFeedbackDataset } from '../feedback/materializeFeedbackDataset';
export { materializeCaptureDataset } from '../capture/materializeCaptureDataset';
