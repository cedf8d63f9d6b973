import path from 'node:path';

/** Where Tailor keeps its state: `TAILOR_HOME`, default `.tailor` under the current directory. */
export function tailorHome(): string {
  return path.resolve(process.env.TAILOR_HOME ?? '.tailor');
}

export function artifactsDir(): string {
  return process.env.TAILOR_ARTIFACTS_DIR ? path.resolve(process.env.TAILOR_ARTIFACTS_DIR) : path.join(tailorHome(), 'artifacts');
}

export function registryPath(): string {
  return process.env.TAILOR_REGISTRY ? path.resolve(process.env.TAILOR_REGISTRY) : path.join(tailorHome(), 'registry.db');
}
