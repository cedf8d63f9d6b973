import { createHash } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import type { SunsetSuccessor } from '../core/operations/sunsetFollowUp';
import { requireFileDataset } from './fileDatasetOnly';
import { loadSpec, clientResolved } from './loadSpec';
import { ProviderSpecSchema } from '../core/spec/providerSpec';
import { confineSpecPath } from './allowedRoots';
import { parseYamlWith, readSpecText, YamlSpecError } from './yamlDiagnostics';

/**
 * One rule of a successor file: "when a model behind an alias of this spec's pipeline stands on a base model that
 * is being shut down (optionally only base `onBase`), run this spec, with `baseModel` / `provider` replaced".
 */
const SuccessorRuleSchema = z
  .object({
    /** The pipeline spec to run, relative to this file. Its `name` is the pipeline whose aliases it serves. */
    spec: z.string().min(1, 'expected the path of a pipeline spec'),
    /** Only on the sunset of this base model. @default any base model of the pipeline */
    onBase: z.string().min(1).optional(),
    /** The successor base model. @default the spec's own baseModel */
    baseModel: z.string().min(1).optional(),
    /** Another provider. @default the spec's own provider */
    provider: ProviderSpecSchema.optional(),
  })
  .strict();

export const SuccessorFileSchema = z
  .object({ successors: z.array(SuccessorRuleSchema).min(1, 'expected at least one successor') })
  .strict();
export type SuccessorRule = z.infer<typeof SuccessorRuleSchema>;

/**
 * A rule made runnable: the spec loaded and checked, the overrides applied. A rule with overrides is named by the
 * spec's hash and the overrides together, so the successor run never shares an ID with the original pipeline's runs.
 */
export function resolveSuccessor(rule: SuccessorRule, baseDir: string): SunsetSuccessor {
  const loaded = requireFileDataset(loadSpec(path.resolve(baseDir, rule.spec)), 'successor');
  const overrides = {
    ...(rule.baseModel ? { baseModel: rule.baseModel } : {}),
    ...(rule.provider ? { provider: rule.provider } : {}),
  };
  const specSha256 = Object.keys(overrides).length
    ? createHash('sha256')
        .update(`${loaded.specSha256}\n${JSON.stringify(overrides)}`)
        .digest('hex')
    : loaded.specSha256;
  return {
    pipeline: loaded.spec.name,
    onBase: rule.onBase,
    spec: { ...loaded.spec, ...overrides },
    specSha256,
    ...clientResolved(loaded),
    file: loaded.file,
  };
}

/** Reads a successor file (YAML or JSON); errors name the file, the line and the key (a YamlSpecError). */
export function loadSuccessorFile(file: string): SunsetSuccessor[] {
  const text = readSpecText(file, file, 'successor file');
  const parsed = parseYamlWith(SuccessorFileSchema, text, file, 'successor file');
  const { value, source } = parsed;
  const outside = value.successors.flatMap((rule, i) => {
    const problem = confineSpecPath(file, rule.spec).outside;
    const line = source.lineOf(['successors', i, 'spec']);
    return problem ? [{ key: `successors.${i}.spec`, line, message: problem }] : [];
  });
  if (outside.length) throw new YamlSpecError(file, 'successor file', outside);
  return value.successors.map((rule) => resolveSuccessor(rule, path.dirname(path.resolve(file))));
}
