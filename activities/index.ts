// Every activity the Tailor worker registers. Workflows import only the types of these (`import type`).
export * from './dataset';
export * from './fineTune';
export { evaluateVariant } from './evaluate/evaluateVariant';
export { smokeCheckAlias } from './evaluate/smokeCheck';
export { registerModel, resolveAlias, moveAlias, recordApproval, rollbackAlias } from './registry/registryActivities';
export { storeJson } from './artifacts/storeJson';
export { writeRunReport } from './report/writeRunReport';
export { notifyWebhook } from './deploy/notifyWebhook';
export { startCanary } from './deploy/startCanary';
export * from './operations';
export * from './evalSuite';
export { buildIndex } from './rag/buildIndex';
export * from './promptSearch';
export * from './distill';
export * from './onlineEval';
