import fs from 'node:fs';
import path from 'node:path';
import { parseYamlWith, YamlSpecError } from './yamlDiagnostics';
import { PromptTemplateSchema, type PromptTemplate } from '../core/prompts/promptTemplate';
import { promptVersion } from '../core/prompts/promptVersion';

export interface LoadedPrompt {
  /** Absolute path of the file it came from. */
  file: string;
  template: PromptTemplate;
  /** sha256 of the normalised template (see core/prompts/promptVersion.ts). */
  version: string;
}

/** Parses prompt-template YAML text; `file` only names the source in errors (`file:line: key: message`). */
export function parsePromptTemplate(text: string, file: string): LoadedPrompt {
  const { value } = parseYamlWith(PromptTemplateSchema, text, file, 'prompt template');
  return { file, template: value, version: promptVersion(value) };
}

/** Reads and validates a prompt template file; throws YamlSpecError naming the file, line and key. */
export function loadPromptTemplate(file: string): LoadedPrompt {
  const abs = path.resolve(file);
  let text: string;
  try {
    text = fs.readFileSync(abs, 'utf8');
  } catch (err) {
    throw new YamlSpecError(file, 'prompt template', [{ key: '', message: `cannot read the file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` }]);
  }
  return { ...parsePromptTemplate(text, abs), file: abs };
}
