import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { PipelineSpecSchema, type PipelineSpec } from '../core/pipeline/pipelineSpec';
import { confineSpecPath } from './allowedRoots';
import { tailorHome } from './paths';
import { loadPromptTemplate } from './promptSpec';
import type { LoadedTemplate } from '../core/evalSuite/evalSuiteTypes';
import {
  parseYamlWith,
  problemText,
  YamlSpecError,
  type SpecProblem,
  type YamlSource,
  readSpecText,
} from './yamlDiagnostics';

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
  /** The templates `baselines.prompts` names, loaded and versioned (in the spec's order). */
  prompts: LoadedTemplate[];
}

/** Reads, validates and resolves a pipeline spec; every path in the result is absolute and checked to exist. */
export function loadSpec(file: string): LoadedSpec {
  const abs = path.resolve(file);
  let text: string;
  try {
    text = readSpecText(file, abs, 'pipeline spec');
  } catch (err) {
    throw new SpecError(file, (err as YamlSpecError).problems);
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
  // A feedback source has no file yet: the run materialises one (activities/feedback/materializeFeedbackDataset.ts).
  // So has a capture source (activities/capture/materializeCaptureDataset.ts).
  // And so has a distill source: the teacher's answers (activities/distill/askTeacher.ts).
  const fromFeedback = ['feedback', 'capture', 'distill'].includes(spec.dataset.source ?? 'file');
  const datasetPath = fromFeedback ? '' : path.resolve(dir, spec.dataset.path);
  if (fromFeedback && spec.dataset.path !== '') {
    const message = `not used with source: ${spec.dataset.source} (the ${spec.dataset.source} export is the dataset)`;
    throw new SpecError(file, [{ key: 'dataset.path', line: parsed.source.lineOf(['dataset', 'path']), message }]);
  }
  const outside = confinementProblems(abs, spec, parsed.source);
  if (outside.length) throw new SpecError(file, outside);
  if (!fromFeedback && (!fs.existsSync(datasetPath) || !fs.statSync(datasetPath).isFile())) {
    throw new SpecError(file, [
      { key: 'dataset.path', line: parsed.source.lineOf(['dataset', 'path']), message: `no such file: ${datasetPath}` },
    ]);
  }
  const distill = resolveDistillPrompts(file, dir, spec, parsed.source);
  checkCanaryOnTeacher(file, spec, parsed.source);
  const prompts = loadBaselinePrompts(file, dir, spec, parsed.source);
  const rag = spec.baselines.rag
    ? { ...spec.baselines.rag, docs: path.resolve(dir, spec.baselines.rag.docs) }
    : undefined;
  if (rag && !fs.existsSync(rag.docs)) {
    throw new SpecError(file, [
      {
        key: 'baselines.rag.docs',
        line: parsed.source.lineOf(['baselines', 'rag', 'docs']),
        message: `no such file or folder: ${rag.docs}`,
      },
    ]);
  }
  const resolved: PipelineSpec = {
    ...spec,
    dataset: { ...spec.dataset, path: datasetPath },
    ...(distill ? { distill } : {}),
    baselines: {
      ...spec.baselines,
      ...(spec.baselines.prompts ? { prompts: prompts.map((p) => p.file) } : {}),
      ...(rag ? { rag } : {}),
    },
  };
  // A template's content is part of what a run is: editing a prompt names a new run.
  const hashed = prompts.length ? { ...spec, promptVersions: prompts.map((p) => p.version) } : spec;
  const specSha256 = createHash('sha256').update(stableStringify(hashed)).digest('hex');
  return {
    file: abs,
    spec: resolved,
    specSha256,
    prompts: prompts.map(({ name, version, template }) => ({ name, version, template })),
  };
}

/**
 * What the client resolves for the pipeline workflow besides the spec: the loaded templates, and where RAG indexes
 * live. Each field is absent when unused, so inputs of specs without them stay byte-identical to older ones.
 */
export function clientResolved(loaded: Pick<LoadedSpec, 'prompts' | 'spec'>): {
  prompts?: LoadedTemplate[];
  indexRoot?: string;
} {
  return {
    ...(loaded.prompts?.length ? { prompts: loaded.prompts } : {}),
    ...(loaded.spec?.baselines.rag ? { indexRoot: path.join(tailorHome(), 'indexes') } : {}),
  };
}

/** Every path the spec names that points outside the allowed roots (config/allowedRoots.ts), at its key and line. */
function confinementProblems(abs: string, spec: PipelineSpec, source: YamlSource): SpecProblem[] {
  const keys: [(string | number)[], string][] = [
    ...(['feedback', 'capture', 'distill'].includes(spec.dataset.source ?? 'file')
      ? []
      : [[['dataset', 'path'], spec.dataset.path] as [string[], string]]),
    ...(spec.distill?.prompts.from === 'file'
      ? [[['distill', 'prompts', 'path'], spec.distill.prompts.path] as [string[], string]]
      : []),
    ...(spec.baselines.prompts ?? []).map((p, i): [(string | number)[], string] => [['baselines', 'prompts', i], p]),
    ...(spec.baselines.rag ? [[['baselines', 'rag', 'docs'], spec.baselines.rag.docs] as [string[], string]] : []),
  ];
  return keys.flatMap(([key, rel]) => {
    const { outside } = confineSpecPath(abs, rel);
    return outside ? [{ key: key.join('.'), line: source.lineOf(key), message: outside }] : [];
  });
}

/** `distill.prompts.path` (from: file) made absolute and checked to exist; the spec's `distill:` otherwise as is. */
function resolveDistillPrompts(file: string, dir: string, spec: PipelineSpec, source: YamlSource) {
  const d = spec.distill;
  if (d?.prompts.from !== 'file') return d;
  const p = path.resolve(dir, d.prompts.path);
  if (!fs.existsSync(p) || !fs.statSync(p).isFile()) {
    const key = ['distill', 'prompts', 'path'];
    throw new SpecError(file, [{ key: key.join('.'), line: source.lineOf(key), message: `no such file: ${p}` }]);
  }
  return { ...d, prompts: { ...d.prompts, path: p } };
}

/** `deploy.canary.on: teacher` needs a `distill:` teacher given as NAME@ALIAS: that alias is where the canary goes. */
function checkCanaryOnTeacher(file: string, spec: PipelineSpec, source: YamlSource): void {
  if (spec.deploy.canary?.on !== 'teacher') return;
  const teacher = spec.distill?.teacher.model;
  if (teacher?.includes('@')) return;
  const message = teacher
    ? `the teacher '${teacher}' is a model ID, not NAME@ALIAS: there is no teacher alias to put the canary on`
    : 'needs a distill: section whose teacher is NAME@ALIAS';
  const key = ['deploy', 'canary', 'on'];
  throw new SpecError(file, [{ key: key.join('.'), line: source.lineOf(key), message }]);
}

/** Loads every `baselines.prompts` file; a bad one is reported at its list entry with the template's own problems. */
function loadBaselinePrompts(
  file: string,
  dir: string,
  spec: PipelineSpec,
  source: YamlSource,
): (LoadedTemplate & { file: string })[] {
  const problems: SpecProblem[] = [];
  const loaded: (LoadedTemplate & { file: string })[] = [];
  (spec.baselines.prompts ?? []).forEach((rel, i) => {
    const key = ['baselines', 'prompts', i];
    const p = path.resolve(dir, rel);
    try {
      const t = loadPromptTemplate(p);
      loaded.push({ file: p, name: t.template.name, version: t.version, template: t.template });
    } catch (err) {
      if (!(err instanceof YamlSpecError)) throw err;
      const detail = err.problems.map(problemText).join('; ');
      problems.push({ key: key.join('.'), line: source.lineOf(key), message: `prompt template ${p}: ${detail}` });
    }
  });
  const names = loaded.map((t) => t.name);
  names.forEach((n, i) => {
    if (names.indexOf(n) !== i)
      problems.push({
        key: `baselines.prompts.${i}`,
        line: source.lineOf(['baselines', 'prompts', i]),
        message: `two templates are named '${n}'; variant IDs come from template names`,
      });
  });
  if (problems.length) throw new SpecError(file, problems);
  return loaded;
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
