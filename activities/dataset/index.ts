// The dataset activities the worker registers (everything exported here is registered).
export { prepareDataset } from './prepareDataset';
export type { PrepareDatasetInput, PreparedDataset } from './prepareDataset';
export { validateDataset } from './validateDataset';
export type { ValidateDatasetInput, ValidationSummary } from './validateDataset';
