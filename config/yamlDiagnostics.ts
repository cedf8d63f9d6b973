import { isMap, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { z } from 'zod';

/**
 * YAML → zod with messages that name the file, the line and the key: what the pipeline-spec, prompt and eval-suite
 * loaders share (text in, data or a `YamlSpecError` out — the caller reads the file).
 */
export interface SpecProblem {
  key: string;
  line?: number;
  message: string;
}

export class YamlSpecError extends Error {
  override name = 'YamlSpecError';
  constructor(
    readonly file: string,
    readonly what: string,
    readonly problems: SpecProblem[],
  ) {
    super(
      `${file}: invalid ${what}\n` +
        problems.map((p) => `  ${file}${p.line ? `:${p.line}` : ''}: ${p.key ? `${p.key}: ` : ''}${p.message}`).join('\n'),
    );
  }
}

/** A parsed document that can still answer "which line holds this key?" after validation. */
export interface YamlSource {
  data: unknown;
  lineOf(keyPath: (string | number)[]): number | undefined;
}

export function readYamlSource(text: string, file: string, what: string): YamlSource {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new YamlSpecError(
      file,
      what,
      doc.errors.map((e) => ({ key: '', line: e.linePos?.[0]?.line, message: `YAML syntax: ${e.message.split('\n')[0]}` })),
    );
  }
  return { data: doc.toJS(), lineOf: (keyPath) => lineOf(doc.contents, keyPath.map(String), lines) };
}

/** Validates YAML text against a schema; every zod issue becomes a problem with its key path and line. */
export function parseYamlWith<S extends z.ZodType>(schema: S, text: string, file: string, what: string): { value: z.output<S>; source: YamlSource } {
  const source = readYamlSource(text, file, what);
  const parsed = schema.safeParse(source.data);
  if (!parsed.success) throw new YamlSpecError(file, what, parsed.error.issues.map((i) => describeIssue(i, source)));
  return { value: parsed.data, source };
}

export function describeIssue(issue: z.core.$ZodIssue, source: YamlSource): SpecProblem {
  const keyPath = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') {
    const [first] = issue.keys;
    const full = [...keyPath, ...(first ? [first] : [])];
    return {
      key: full.join('.'),
      line: source.lineOf(full),
      message: `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')}`,
    };
  }
  let message = issue.message;
  if (issue.code === 'invalid_type' && /received undefined/.test(message)) message = `missing (${issue.expected} expected)`;
  if (issue.code === 'invalid_union' && 'note' in issue && issue.note === 'No matching discriminator') {
    message = `unknown type (${message})`;
  }
  return { key: keyPath.join('.'), line: source.lineOf(keyPath), message };
}

/** The 1-based line of the value at a key path (the deepest existing ancestor when the key is absent). */
function lineOf(root: unknown, keyPath: string[], lines: LineCounter): number | undefined {
  let node = root as Node | null | undefined;
  let last: number | undefined = node?.range ? lines.linePos(node.range[0]).line : undefined;
  for (const key of keyPath) {
    if (isMap(node)) {
      const pair = node.items.find((p) => String((p.key as { value?: unknown } | null)?.value ?? p.key) === key);
      if (!pair) return last;
      const keyNode = pair.key as Node | null;
      node = pair.value as Node | null;
      const range = node?.range ?? keyNode?.range;
      if (range) last = lines.linePos(range[0]).line;
    } else if (isSeq(node)) {
      node = node.items[Number(key)] as Node | null;
      if (node?.range) last = lines.linePos(node.range[0]).line;
    } else {
      return last;
    }
  }
  return last;
}
