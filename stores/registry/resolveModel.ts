import { parseAliasRef } from '../../core/deploy/aliasRef';
import { Registry } from './registryDb';

/**
 * For applications: the model ID an alias names now, e.g. `resolveModel('support-tickets@prod')`. Reads the
 * registry (TAILOR_REGISTRY or TAILOR_HOME/registry.db); throws when the alias is not set.
 */
export function resolveModel(ref: string, registryFile?: string): string {
  const { pipeline, alias } = parseAliasRef(ref);
  const registry = new Registry(registryFile);
  try {
    const model = registry.resolveAlias(pipeline, alias);
    if (!model) throw new Error(`${pipeline}@${alias} names no model`);
    return model;
  } finally {
    registry.close();
  }
}
