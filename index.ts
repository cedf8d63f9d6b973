// Tailor as a library: what applications import.
export { resolveModel, resolveModelAsync } from './stores/registry/resolveModel';
export { Registry } from './stores/registry/registryDb';
export { openRegistry, type RegistryBackend } from './stores/registry/registryBackend';
export { openArtifactStore, type ArtifactBackend } from './stores/artifacts/artifactBackend';
export { openFeedbackStore, recordFeedbackAsync, type FeedbackBackend } from './stores/feedback/feedbackBackend';
export { loadSpec } from './config/loadSpec';
export { PipelineSpecSchema, type PipelineSpec } from './core/pipeline/pipelineSpec';
export { recordFeedback, FeedbackConflictError } from './stores/feedback/feedbackStore';
export { FeedbackBodySchema, type FeedbackInput } from './core/feedback/feedbackSchema';
