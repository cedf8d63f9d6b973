/**
 * Checks a fine-tune file against the job's method the way OpenAI's `validating_files` stage does,
 * and extracts what the learners train on. Failures carry OpenAI's job error codes:
 * `invalid_n_examples` (fewer than 10), `invalid_training_file` / `invalid_validation_file`
 * (bad JSON, wrong format for the method: a chat file for DPO, a preference file for SFT).
 */
import { pairsFromMessages, type TrainingPair, type WeightedMessage } from '../learners/trainingPairs';
import type { PreferencePair } from '../learners/preferenceTrainer';
import { parseJsonl } from './jsonl';

export type MethodType = 'supervised' | 'dpo' | 'reinforcement';
export type DataFormat = 'chat' | 'preference' | 'unknown';

export interface JobFailure {
  code: string;
  message: string;
  param: string | null;
}

export interface TrainingData {
  pairs: TrainingPair[];
  preferences: PreferencePair[];
  /** Per-example token counts, summed for `trained_tokens`. */
  tokens: number;
  examples: number;
}

export const MIN_EXAMPLES = 10;

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content))
    return content
      .map((p) => (p && typeof p === 'object' && 'text' in p ? String((p as { text: unknown }).text) : ''))
      .join('\n');
  return '';
}

function toMessages(raw: unknown): WeightedMessage[] | null {
  if (!Array.isArray(raw) || raw.length === 0) return null;
  const out: WeightedMessage[] = [];
  for (const m of raw) {
    if (!m || typeof m !== 'object' || typeof (m as { role?: unknown }).role !== 'string') return null;
    const msg = m as { role: string; content?: unknown; weight?: unknown };
    out.push({
      role: msg.role,
      content: textOf(msg.content),
      weight: typeof msg.weight === 'number' ? msg.weight : undefined,
    });
  }
  return out;
}

export function formatOf(row: Record<string, unknown>): DataFormat {
  if ('preferred_output' in row || 'non_preferred_output' in row || ('input' in row && typeof row.input === 'object'))
    return 'preference';
  if (Array.isArray(row.messages)) return 'chat';
  return 'unknown';
}

const FORMAT_NAME: Record<DataFormat, string> = {
  chat: 'fine-tune-chat',
  preference: 'preference',
  unknown: 'an unrecognised',
};

/** Reads the grader's `{{item.X}}` reference so RFT rows can be learned from their reference answers. */
export function graderReferenceField(grader: unknown): string | null {
  const text = JSON.stringify(grader ?? {});
  const m = /\{\{\s*item\.([A-Za-z0-9_]+)\s*\}\}/.exec(text);
  return m ? m[1]! : null;
}

export function prepareTrainingData(
  bytes: Buffer,
  fileId: string,
  method: MethodType,
  which: 'training_file' | 'validation_file',
  countTokens: (messages: { role: string; content: string }[]) => number,
  grader?: unknown,
): TrainingData | JobFailure {
  const code = which === 'training_file' ? 'invalid_training_file' : 'invalid_validation_file';
  const parsed = parseJsonl(bytes);
  if (!parsed.ok) return { code, message: `${parsed.reason} (file ${fileId})`, param: which };
  const rows = parsed.rows;
  if (which === 'training_file' && rows.length < MIN_EXAMPLES) {
    return {
      code: 'invalid_n_examples',
      message: `Training file has ${rows.length} example(s), but must have at least ${MIN_EXAMPLES} examples`,
      param: which,
    };
  }
  const expected: DataFormat = method === 'dpo' ? 'preference' : 'chat';
  const data: TrainingData = { pairs: [], preferences: [], tokens: 0, examples: rows.length };
  const refField = method === 'reinforcement' ? graderReferenceField(grader) : null;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const format = formatOf(row);
    if (format !== expected) {
      return {
        code,
        message:
          `Invalid file format. Input file ${fileId} is in ${FORMAT_NAME[format]} format (line ${i + 1}), but ` +
          `the fine-tuning method is ${method}, which requires the ${FORMAT_NAME[expected]} format.`,
        param: which,
      };
    }
    const bad = (why: string): JobFailure => ({
      code,
      message: `Invalid file format. Line ${i + 1}: ${why}`,
      param: which,
    });
    if (format === 'chat') {
      const messages = toMessages(row.messages);
      if (!messages) return bad("'messages' must be a non-empty array of {role, content} objects.");
      if (method === 'reinforcement') {
        if (messages.some((m) => m.role === 'system'))
          return bad("role 'system' is not supported for reinforcement fine-tuning; use 'developer'.");
        const lastUser = [...messages].reverse().find((m) => m.role === 'user');
        const reference = refField ? row[refField] : undefined;
        if (lastUser && reference !== undefined)
          data.pairs.push({
            input: lastUser.content,
            output: typeof reference === 'string' ? reference : JSON.stringify(reference),
          });
      } else {
        if (!messages.some((m) => m.role === 'assistant')) return bad('example is missing an assistant message.');
        data.pairs.push(...pairsFromMessages(messages));
      }
      data.tokens += countTokens(messages);
    } else {
      const input = row.input as { messages?: unknown };
      const messages = toMessages(input?.messages);
      const preferred = toMessages(row.preferred_output);
      const rejected = toMessages(row.non_preferred_output);
      if (!messages || !preferred || !rejected)
        return bad("preference examples need 'input.messages', 'preferred_output' and 'non_preferred_output'.");
      if (
        preferred[preferred.length - 1]!.role !== 'assistant' ||
        rejected[rejected.length - 1]!.role !== 'assistant'
      ) {
        return bad('preferred and non-preferred outputs must end with an assistant message.');
      }
      const lastUser = [...messages].reverse().find((m) => m.role === 'user');
      data.preferences.push({
        input: lastUser?.content ?? '',
        preferred: preferred[preferred.length - 1]!.content.trim(),
        rejected: rejected[rejected.length - 1]!.content.trim(),
      });
      data.tokens += countTokens([...messages, ...preferred]) + countTokens(rejected);
    }
  }
  return data;
}

export function isFailure(x: TrainingData | JobFailure): x is JobFailure {
  return 'code' in x;
}
