// The prompt search's activities (exported from activities/index.ts for the worker).
export { rewritePromptCandidate } from './rewritePromptCandidate';
export { writePromptSearchReport } from './writePromptSearchReport';
