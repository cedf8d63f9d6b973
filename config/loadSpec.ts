import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { PipelineSpecSchema, type PipelineSpec } from './pipelineSpec';
import { parseYamlWith, YamlSpecError, type SpecProblem, type YamlSource } from './yamlDiagnostics';

/** A spec the user wrote that cannot run: carries the file, the key path and the line, for an exit-2 message. */
export class SpecError extends YamlSpecError {
  override name = 'SpecError';
  constructor(file: string, problems: SpecProblem[]) {
    super(file, 'pipeline spec', problems);
  }
}

export interface LoadedSpec {
  file: string;
  spec: PipelineSpec;
  /** sha256 of the normalised spec (after defaults), so formatting changes do not rename runs. */
  specSha256: string;
}

/** Reads, validates and resolves a pipeline spec; every path in the result is absolute and checked to exist. */
export function loadSpec(file: string): LoadedSpec {
  const abs = path.resolve(file);
  let text: string;
  try {
    text = fs.readFileSync(abs, 'utf8');
  } catch (err) {
    throw new SpecError(file, [{ key: '', message: `cannot read the file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` }]);
  }
  let parsed: { value: PipelineSpec; source: YamlSource };
  try {
    parsed = parseYamlWith(PipelineSpecSchema, text, file, 'pipeline spec');
  } catch (err) {
    if (err instanceof YamlSpecError) throw new SpecError(file, err.problems);
    throw err;
  }
  const spec = parsed.value;
  const dir = path.dirname(abs);
  const datasetPath = path.resolve(dir, spec.dataset.path);
  if (!fs.existsSync(datasetPath) || !fs.statSync(datasetPath).isFile()) {
    throw new SpecError(file, [
      { key: 'dataset.path', line: parsed.source.lineOf(['dataset', 'path']), message: `no such file: ${datasetPath}` },
    ]);
  }
  const resolved: PipelineSpec = { ...spec, dataset: { ...spec.dataset, path: datasetPath } };
  const specSha256 = createHash('sha256').update(stableStringify({ ...spec })).digest('hex');
  return { file: abs, spec: resolved, specSha256 };
}

/** JSON with sorted keys: the same spec always hashes the same. */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
