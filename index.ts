// Tailor as a library: what applications import.
export { resolveModel } from './activities/registry/resolveModel';
export { Registry } from './activities/registry/registryDb';
export { loadSpec } from './config/loadSpec';
export { PipelineSpecSchema, type PipelineSpec } from './config/pipelineSpec';
export { recordFeedback, FeedbackConflictError } from './activities/feedback/feedbackStore';
export { FeedbackBodySchema, type FeedbackInput } from './core/feedback/feedbackSchema';
