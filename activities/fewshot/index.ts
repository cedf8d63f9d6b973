// Few-shot activities the worker registers (re-exported through activities/evalSuite).
export { selectFewShotExamples } from './selectFewShotExamples';
