import fs from 'node:fs';
import type { ArtifactBackend } from '../../stores/artifacts/artifactBackend';
import { artifactStore } from '../../stores/processStores';
import { isPostgresUrl, openRegistry } from '../../stores/registry/registryBackend';
import { registryPath } from '../../config/paths';
import { parseCaseFile, selectCases } from '../../core/evalSuite/evalCase';
import type { ResolvedEvalSuite } from '../../core/evalSuite/evalSuiteTypes';
import { trainingOverlap, trainingOverlapWarning } from '../../core/evalSuite/trainingOverlap';

/**
 * Warnings for the suite's models that were trained on some of its cases, from the registry's lineage (each
 * fine-tuned model's train split sha256) and this machine's artifact store. Models the registry does not know, and
 * splits or case sources this machine cannot read, are not judged: the check only ever adds a warning.
 */
export async function trainingOverlapWarnings(
  suite: ResolvedEvalSuite,
  store: ArtifactBackend = artifactStore(),
): Promise<string[]> {
  if (!isPostgresUrl(process.env.TAILOR_REGISTRY) && !fs.existsSync(registryPath())) return [];
  const cases = await suiteCases(suite, store);
  if (!cases || cases.length === 0) return [];
  const registry = await openRegistry();
  try {
    const out: string[] = [];
    for (const model of new Set(suite.variants.map((v) => v.model))) {
      const rec = await registry.getModel(model);
      if (!rec?.trainSha256) continue;
      const train = await readIfStored(store, { sha256: rec.trainSha256 });
      if (train === undefined) continue;
      const overlap = trainingOverlap(cases, train);
      const { trainSha256, runId } = rec;
      const line = trainingOverlapWarning({ model, overlap, cases: cases.length, trainSha256, runId });
      if (line) out.push(line);
    }
    return out;
  } finally {
    await registry.close();
  }
}

/** The artifact's text, or undefined when the store does not hold it or cannot be read (no warning then). */
async function readIfStored(store: ArtifactBackend, ref: { sha256: string }): Promise<string | undefined> {
  try {
    return (await store.has(ref)) ? await store.readText(ref) : undefined;
  } catch {
    return undefined;
  }
}

async function suiteCases(suite: ResolvedEvalSuite, store: ArtifactBackend) {
  const source = suite.cases;
  try {
    if (source.type === 'file') {
      return selectCases(parseCaseFile(fs.readFileSync(source.path, 'utf8'), source.path), source);
    }
    if (source.type !== 'artifact') return undefined;
    const text = await readIfStored(store, source.ref);
    return text === undefined ? undefined : selectCases(parseCaseFile(text, source.ref.uri), source);
  } catch {
    return undefined; // the workflow reports a bad case file with its lines
  }
}
