import type { ColumnMapping, DatasetFormat } from '../spec/datasetSpec';
import { renderTemplate } from './columnTemplate';
import type { Issue } from './errorCategories';
import { checkExample } from './exampleChecks';
import { isJsonObject, preview, type JsonObject } from './jsonValue';
import type { TrainingMethod } from './messageChecks';

/** The training method a source format feeds: preference and reinforcement data keep their own shapes. */
export function methodForFormat(format: DatasetFormat): TrainingMethod {
  return format === 'dpo' ? 'dpo' : format === 'reinforcement' ? 'reinforcement' : 'supervised';
}

/** The header-less default mapping: `system`/`user`/`assistant` columns, or legacy `prompt`/`completion`. */
export function defaultColumnMapping(header: readonly string[]): ColumnMapping | undefined {
  if (header.includes('user') && header.includes('assistant')) {
    return { user: 'user', assistant: 'assistant', ...(header.includes('system') ? { system: 'system' } : {}) };
  }
  if (header.includes('prompt') && header.includes('completion')) return { user: 'prompt', assistant: 'completion' };
  return undefined;
}

/**
 * One source record (a parsed JSONL value or a CSV row) as an example of its method, plus what is wrong with it.
 * Legacy prompt/completion and CSV rows become chat examples; a record with issues is not to be used.
 */
export function recordToExample(
  value: unknown,
  format: DatasetFormat,
  mapping?: ColumnMapping,
): { example?: JsonObject; issues: Issue[] } {
  let candidate: unknown = value;
  if (format === 'prompt_completion') {
    if (!isJsonObject(value))
      return { issues: [{ category: 'data_type', message: `line is ${preview(value)}, not an object` }] };
    if (typeof value.prompt !== 'string' || typeof value.completion !== 'string') {
      return {
        issues: [
          { category: 'message_missing_key', message: "prompt/completion lines need string 'prompt' and 'completion'" },
        ],
      };
    }
    candidate = {
      messages: [
        { role: 'user', content: value.prompt },
        { role: 'assistant', content: value.completion },
      ],
    };
  } else if (format === 'csv' || format === 'tsv') {
    if (!mapping) return { issues: [{ category: 'data_type', message: 'no column mapping' }] };
    const row = value as Record<string, string>;
    const messages: JsonObject[] = [];
    const system = mapping.system !== undefined ? renderTemplate(mapping.system, row) : '';
    if (system.trim() !== '') messages.push({ role: 'system', content: system });
    messages.push({ role: 'user', content: renderTemplate(mapping.user, row) });
    messages.push({ role: 'assistant', content: renderTemplate(mapping.assistant, row) });
    candidate = { messages };
  }
  const check = checkExample(candidate, methodForFormat(format));
  if (check.issues.length > 0) return { issues: check.issues };
  return { example: candidate as JsonObject, issues: [] };
}
