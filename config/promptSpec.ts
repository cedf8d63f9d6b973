import path from 'node:path';
import { parseYamlWith, readSpecText } from './yamlDiagnostics';
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
  const text = readSpecText(file, abs, 'prompt template');
  return { ...parsePromptTemplate(text, abs), file: abs };
}
