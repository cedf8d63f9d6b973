// The eval engine's activities (exported from activities/index.ts for the worker).
export { prepareEvalCases } from './prepareEvalCases';
export { prepareEvalVariant } from './prepareEvalVariant';
export { evaluateShard } from './evaluateShard';
export { summariseEvalRun } from './summariseEvalRun';
export { renderEvalReport } from './renderEvalReport';
export * from '../fewshot';
