import fs from 'node:fs';
import { ArtifactStore } from '../../stores/artifacts/artifactStore';
import { Registry } from '../../stores/registry/registryDb';
import { registryPath } from '../../config/paths';
import { parseCaseFile, selectCases } from '../../core/evalSuite/evalCase';
import type { ResolvedEvalSuite } from '../../core/evalSuite/evalSuiteTypes';
import { trainingOverlap, trainingOverlapWarning } from '../../core/evalSuite/trainingOverlap';

/**
 * Warnings for the suite's models that were trained on some of its cases, from the registry's lineage (each
 * fine-tuned model's train split sha256) and this machine's artifact store. Models the registry does not know, and
 * splits or case sources this machine cannot read, are not judged: the check only ever adds a warning.
 */
export function trainingOverlapWarnings(suite: ResolvedEvalSuite, store = new ArtifactStore()): string[] {
  if (!fs.existsSync(registryPath())) return [];
  const cases = suiteCases(suite, store);
  if (!cases || cases.length === 0) return [];
  const registry = new Registry();
  try {
    const out: string[] = [];
    for (const model of new Set(suite.variants.map((v) => v.model))) {
      const rec = registry.getModel(model);
      if (!rec?.trainSha256) continue;
      const file = store.resolve({ sha256: rec.trainSha256 });
      if (!fs.existsSync(file)) continue;
      const overlap = trainingOverlap(cases, fs.readFileSync(file, 'utf8'));
      const { trainSha256, runId } = rec;
      const line = trainingOverlapWarning({ model, overlap, cases: cases.length, trainSha256, runId });
      if (line) out.push(line);
    }
    return out;
  } finally {
    registry.close();
  }
}

function suiteCases(suite: ResolvedEvalSuite, store: ArtifactStore) {
  const source = suite.cases;
  const file =
    source.type === 'file' ? source.path : source.type === 'artifact' ? store.resolve(source.ref) : undefined;
  if (!file) return undefined;
  try {
    return selectCases(parseCaseFile(fs.readFileSync(file, 'utf8'), file), source);
  } catch {
    return undefined; // the workflow reports a bad case file with its lines
  }
}
