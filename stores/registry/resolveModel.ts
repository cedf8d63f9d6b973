import { parseAliasRef } from '../../core/deploy/aliasRef';
import { isPostgresUrl, openRegistry } from './registryBackend';
import { Registry } from './registryDb';

/**
 * For applications: the model ID an alias names now, e.g. `resolveModel('support-tickets@prod')`. Reads the SQLite
 * registry (`registryFile`, else TAILOR_REGISTRY, else TAILOR_HOME/registry.db) synchronously; throws when the alias
 * is not set, and when the registry is PostgreSQL (TAILOR_REGISTRY=postgres://…): that one is `resolveModelAsync`.
 */
export function resolveModel(ref: string, registryFile?: string): string {
  const { pipeline, alias } = parseAliasRef(ref);
  if (registryFile === undefined && isPostgresUrl(process.env.TAILOR_REGISTRY)) {
    throw new Error(
      `resolveModel('${ref}'): TAILOR_REGISTRY names a PostgreSQL database, which is read asynchronously: ` +
        `use await resolveModelAsync('${ref}')`,
    );
  }
  const registry = new Registry(registryFile);
  try {
    return named(ref, registry.resolveAlias(pipeline, alias));
  } finally {
    registry.close();
  }
}

/**
 * `resolveModel` for any registry: `await resolveModelAsync('support-tickets@prod')` reads the one TAILOR_REGISTRY
 * names, a SQLite file or a PostgreSQL database (`registry` overrides it with either). Opens and closes the registry
 * per call; for many lookups open it once with `openRegistry()` and call `resolveAlias`. Rejects when the alias is
 * not set, and with the classified failure (RegistryUnavailable, RegistryAccessDenied…) when PostgreSQL fails.
 */
export async function resolveModelAsync(ref: string, registry?: string): Promise<string> {
  const { pipeline, alias } = parseAliasRef(ref);
  const backend = await openRegistry(registry === undefined ? process.env : { TAILOR_REGISTRY: registry });
  try {
    return named(ref, await backend.resolveAlias(pipeline, alias));
  } finally {
    await backend.close();
  }
}

function named(ref: string, model: string | undefined): string {
  if (!model) {
    const { pipeline, alias } = parseAliasRef(ref);
    throw new Error(`${pipeline}@${alias} names no model`);
  }
  return model;
}
