import { artifactsDir } from '../config/paths';
import { openArtifactStore, type ArtifactBackend } from './artifacts/artifactBackend';
import { ArtifactStore } from './artifacts/artifactStore';
import { openFeedbackStore, type FeedbackBackend } from './feedback/feedbackBackend';
import { openScoreStore, scoreLocation, type ScoreBackend } from './onlineEval/scoreBackend';
import { isPostgresUrl, openRegistry, SqliteRegistryBackend, type RegistryBackend } from './registry/registryBackend';
import { sharedRegistry } from './registry/registryDb';

/**
 * The stores this process is configured for, shared by every activity and command in it: one S3 client per bucket,
 * one PostgreSQL pool per database, the one SQLite handle. `TAILOR_ARTIFACTS` and `TAILOR_REGISTRY` are read on each
 * call, so a process (or a test) that changes them gets the store they now name; with both unset every call answers
 * exactly what the disk store and the SQLite registry always did.
 */

const artifactStores = new Map<string, ArtifactBackend>();
const registries = new Map<string, Promise<RegistryBackend>>();
const feedbackStores = new Map<string, Promise<FeedbackBackend>>();
const scoreStores = new Map<string, Promise<ScoreBackend>>();

/** The artifact store: the disk under TAILOR_HOME, or the bucket TAILOR_ARTIFACTS names. */
export function artifactStore(env: NodeJS.ProcessEnv = process.env): ArtifactBackend {
  const spec = env.TAILOR_ARTIFACTS?.trim();
  if (!spec) return new ArtifactStore();
  // The local cache and the endpoint are part of the identity: a test that moves TAILOR_HOME gets a fresh client.
  const identity = [spec, artifactsDir(), env.AWS_ENDPOINT_URL_S3, env.AWS_ENDPOINT_URL, env.AWS_REGION];
  const key = [...identity, env.AWS_ACCESS_KEY_ID].map((v) => v ?? '').join('\n');
  let store = artifactStores.get(key);
  if (!store) {
    store = openArtifactStore(env);
    artifactStores.set(key, store);
  }
  return store;
}

/** The model registry: the shared SQLite handle, or one pool on the PostgreSQL database TAILOR_REGISTRY names. */
export async function registryBackend(env: NodeJS.ProcessEnv = process.env): Promise<RegistryBackend> {
  const spec = env.TAILOR_REGISTRY?.trim();
  if (!spec || !isPostgresUrl(spec)) return new SqliteRegistryBackend(sharedRegistry());
  return memo(registries, spec, () => openRegistry(env));
}

/** The feedback store: the registry's SQLite file, or its PostgreSQL database. */
export async function feedbackBackend(env: NodeJS.ProcessEnv = process.env): Promise<FeedbackBackend> {
  const spec = env.TAILOR_REGISTRY?.trim();
  if (!spec || !isPostgresUrl(spec)) return openFeedbackStore(env);
  return memo(feedbackStores, spec, () => openFeedbackStore(env));
}

/**
 * Runs f on the online-evaluation score store: on PostgreSQL the process's one pool (opened and migrated once, not
 * per activity call); a SQLite file is opened for the call and closed after it.
 */
export async function withScoreStore<T>(
  f: (store: ScoreBackend) => Promise<T>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<T> {
  const where = scoreLocation(env);
  if ('postgres' in where) return f(await memo(scoreStores, where.postgres, () => openScoreStore(env)));
  const store = await openScoreStore(env);
  try {
    return await f(store);
  } finally {
    await store.close();
  }
}

/** Ends the PostgreSQL pools this process opened (a worker's shutdown, a test's teardown). */
export async function closeProcessStores(): Promise<void> {
  const open = [...registries.values(), ...feedbackStores.values(), ...scoreStores.values()];
  registries.clear();
  feedbackStores.clear();
  scoreStores.clear();
  artifactStores.clear();
  await Promise.all(open.map((p) => p.then((s) => s.close()).catch(() => undefined)));
}

/** One open per key; a failed open (database down) is forgotten, so the activity's retry connects again. */
function memo<T>(cache: Map<string, Promise<T>>, key: string, open: () => Promise<T>): Promise<T> {
  let p = cache.get(key);
  if (!p) {
    p = open();
    cache.set(key, p);
    p.catch(() => {
      if (cache.get(key) === p) cache.delete(key);
    });
  }
  return p;
}
