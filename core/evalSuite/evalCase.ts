import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { ChatMessage } from '../chat/chatExample';
import { canonicalJson } from '../dataset/canonicalJson';
import { inputHash } from '../fewshot/fewShotExample';
import { AssertionSchema, type Assertion } from '../graders/assertionSpec';
import type { Sample } from '../graders/gradeTypes';
import type { CaseSelection } from './evalSuiteTypes';
import { isPreferenceRow, preferredAnswerExample } from '../fineTune/preferredAnswers';

/**
 * One eval case, normalised from any of the three row shapes a case file may hold:
 *   chat rows        {"messages": [..., {"role": "assistant", "content": "<expected>"}]}   (a dataset split)
 *   preference rows  {"input": {"messages": [...]}, "preferred_output": [...], ...}  (a DPO split: scored on its
 * preferred answer)
 *   variable rows    {"vars": {...}, "expected": "...", "assert": [...]}                   (rendered through a
 * template)
 *   OpenAI rows      {"item": {...}, "sample": {...}?}                                      (Evals `jsonl` data source)
 * `item` is the grader templates' `item` namespace: the row's vars (plus `input` and `expected` for chat rows).
 */
export interface SuiteCase {
  /** Position among the selected cases (results align on it). */
  index: number;
  id: string;
  /** 1-based line in the source file. */
  line: number;
  /** sha256 of what the case asks (prompt, vars, expected, given sample): the case's part of every cache key. */
  hash: string;
  /** The text few-shot selection and the evaluation-split guard key on. */
  input: string;
  inputHash: string;
  item: Record<string, unknown>;
  messages?: ChatMessage[];
  expected?: string;
  assert?: Assertion[];
  /** A precomputed answer: graded as is, no model call. */
  sample?: Sample;
  shape: 'chat' | 'vars' | 'item';
}

const Message = z
  .object({ role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']), content: z.string().nullable() })
  .loose();
const SampleSchema = z
  .object({
    output_text: z.string().optional(),
    output_json: z.unknown().optional(),
    output_tools: z.array(z.unknown()).optional(),
    choices: z.array(z.unknown()).optional(),
  })
  .loose();
const common = {
  id: z.union([z.string(), z.number()]).optional(),
  assert: z.array(AssertionSchema).optional(),
  metadata: z.unknown().optional(),
};
const RowSchema = z.union([
  z.object({ messages: z.array(Message).min(2), ...common }).strict(),
  z
    .object({
      vars: z.record(z.string(), z.unknown()),
      expected: z.union([z.string(), z.number(), z.boolean()]).optional(),
      ...common,
    })
    .strict(),
  z.object({ item: z.record(z.string(), z.unknown()), sample: SampleSchema.optional(), ...common }).strict(),
]);

export class CaseFileError extends Error {
  override name = 'CaseFileError';
  constructor(
    readonly file: string,
    readonly problems: { line: number; message: string }[],
  ) {
    super(
      `${file}: invalid eval cases\n${problems
        .slice(0, 20)
        .map((p) => `  ${file}:${p.line}: ${p.message}`)
        .join('\n')}${problems.length > 20 ? `\n  … and ${problems.length - 20} more` : ''}`,
    );
  }
}

/** Parses a JSONL case file; every bad line is reported with its number, not just the first. */
export function parseCaseFile(text: string, file: string): SuiteCase[] {
  const out: SuiteCase[] = [];
  const problems: { line: number; message: string }[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = i + 1;
    const trimmed = raw.replace(/^\uFEFF/, '').trim();
    if (!trimmed) return;
    let row: unknown;
    try {
      row = JSON.parse(trimmed);
    } catch (err) {
      problems.push({ line, message: `not JSON (${(err as Error).message})` });
      return;
    }
    // A preference (DPO) split is scored like chat: the prompt, and its preferred answer as the expected one.
    if (isPreferenceRow(row)) row = preferredAnswerExample(row);
    const parsed = RowSchema.safeParse(row);
    if (!parsed.success) {
      problems.push({ line, message: rowProblem(row, parsed.error) });
      return;
    }
    try {
      out.push(toCase(parsed.data, line, out.length));
    } catch (err) {
      problems.push({ line, message: (err as Error).message });
    }
  });
  if (problems.length > 0) throw new CaseFileError(file, problems);
  return out;
}

function rowProblem(row: unknown, err: z.ZodError): string {
  if (!row || typeof row !== 'object' || Array.isArray(row)) return 'expected a JSON object';
  const r = row as Record<string, unknown>;
  const shape = 'messages' in r ? 'chat' : 'vars' in r ? 'vars' : 'item' in r ? 'item' : undefined;
  if (!shape) return 'expected {"messages": [...]}, {"vars": {...}, "expected": ...} or {"item": {...}}';
  // Report the issues of the shape the row was meant to be, not of every alternative.
  const union = err.issues[0];
  const branch =
    union && union.code === 'invalid_union' ? union.errors[['chat', 'vars', 'item'].indexOf(shape)] : err.issues;
  const first = branch?.[0];
  if (!first) return 'invalid row';
  const where = first.path.length ? `${first.path.join('.')}: ` : '';
  const message = first.code === 'unrecognized_keys' ? `unknown key(s) ${first.keys.join(', ')}` : first.message;
  return `${where}${message}`;
}

function toCase(row: z.output<typeof RowSchema>, line: number, index: number): SuiteCase {
  const id = row.id !== undefined ? String(row.id) : `line-${line}`;
  const base = { index, id, line, ...(row.assert ? { assert: row.assert } : {}) };
  if ('messages' in row) {
    const msgs = row.messages as ChatMessage[];
    const last = msgs[msgs.length - 1]!;
    if (last.role !== 'assistant' || typeof last.content !== 'string')
      throw new Error('a chat case must end with the assistant answer');
    const prompt = msgs.slice(0, -1);
    const input = [...prompt].reverse().find((m) => m.role === 'user')?.content;
    if (typeof input !== 'string') throw new Error('a chat case needs a user message before its answer');
    const expected = last.content;
    return {
      ...base,
      shape: 'chat',
      input,
      inputHash: inputHash(input),
      item: { input, expected },
      messages: prompt,
      expected,
      hash: caseHash({ messages: prompt, expected }),
    };
  }
  if ('vars' in row) {
    const expected = row.expected !== undefined ? String(row.expected) : undefined;
    if (expected !== undefined && 'expected' in row.vars)
      throw new Error('"expected" is given twice (in vars and at the top level)');
    const item = { ...row.vars, ...(expected !== undefined ? { expected } : {}) };
    const input = inputOf(row.vars);
    return {
      ...base,
      shape: 'vars',
      input,
      inputHash: inputHash(input),
      item,
      ...(expected !== undefined ? { expected } : {}),
      hash: caseHash({ vars: row.vars, expected }),
    };
  }
  const item = row.item;
  const input = inputOf(item);
  const sample = row.sample ? toSample(row.sample) : undefined;
  const expected = typeof item.expected === 'string' ? item.expected : undefined;
  return {
    ...base,
    shape: 'item',
    input,
    inputHash: inputHash(input),
    item,
    ...(expected ? { expected } : {}),
    ...(sample ? { sample } : {}),
    hash: caseHash({ item, sample }),
  };
}

/** The input text of a vars/item row: `input`, else the only string value, else the values joined. */
function inputOf(vars: Record<string, unknown>): string {
  if (typeof vars.input === 'string') return vars.input;
  const strings = Object.entries(vars)
    .filter(([k, v]) => k !== 'expected' && typeof v === 'string')
    .map(([, v]) => v as string);
  return strings.length === 1 ? strings[0]! : canonicalJson(vars);
}

/** OpenAI rows: output_text, else the first choice's message content (a recorded choice). */
function toSample(s: z.output<typeof SampleSchema>): Sample {
  const fromChoice = (s.choices?.[0] as { message?: { content?: unknown } } | undefined)?.message?.content;
  const output_text = s.output_text ?? (typeof fromChoice === 'string' ? fromChoice : '');
  return { ...(s as object), output_text } as Sample;
}

export function caseHash(content: unknown): string {
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}

/** Applies `limit` (the first N) or `sample` (a seeded subset, file order kept), then renumbers. */
export function selectCases(cases: readonly SuiteCase[], sel: CaseSelection): SuiteCase[] {
  let picked: SuiteCase[] = [...cases];
  if (sel.limit) picked = picked.slice(0, sel.limit);
  else if (sel.sample) {
    const seed = sel.sample.seed;
    const keyed = picked.map((c) => ({
      c,
      k: createHash('sha256').update(`${seed}\u0000${c.hash}\u0000${c.line}`).digest('hex'),
    }));
    keyed.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
    const keep = new Set(keyed.slice(0, sel.sample.n).map((x) => x.c));
    picked = picked.filter((c) => keep.has(c));
  }
  return picked.map((c, index) => ({ ...c, index }));
}
