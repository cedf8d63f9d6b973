import path from 'node:path';

/** Where Tailor keeps its state: `TAILOR_HOME`, default `.tailor` under the current directory. */
export function tailorHome(): string {
  return path.resolve(process.env.TAILOR_HOME ?? '.tailor');
}

export function artifactsDir(): string {
  return process.env.TAILOR_ARTIFACTS_DIR
    ? path.resolve(process.env.TAILOR_ARTIFACTS_DIR)
    : path.join(tailorHome(), 'artifacts');
}

/**
 * The SQLite registry file. A PostgreSQL URL in TAILOR_REGISTRY is refused here rather than taken for a path (which
 * would create a file named after it, password included): that registry is opened with openRegistry()
 * (stores/registry/registryBackend.ts), which code reading the registry synchronously does not use.
 */
export function registryPath(): string {
  if (/^postgres(ql)?:\/\//i.test(process.env.TAILOR_REGISTRY?.trim() ?? '')) {
    throw new Error(
      'TAILOR_REGISTRY names a PostgreSQL database, and this code path reads the SQLite registry only: ' +
        'open the registry with openRegistry(), or point TAILOR_REGISTRY at a SQLite file',
    );
  }
  return process.env.TAILOR_REGISTRY
    ? path.resolve(process.env.TAILOR_REGISTRY)
    : path.join(tailorHome(), 'registry.db');
}
