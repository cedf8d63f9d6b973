import fs from 'node:fs';
import { isMap, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
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
        problems
          .map((p) => `  ${file}${p.line ? `:${p.line}` : ''}: ${p.key ? `${p.key}: ` : ''}${p.message}`)
          .join('\n'),
    );
  }
}

/** One problem as `line N: key: message`, for quoting a nested file's problems inside another's (no file name). */
export function problemText(p: SpecProblem): string {
  return `${p.line ? `line ${p.line}: ` : ''}${p.key ? `${p.key}: ` : ''}${p.message}`;
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
    // With prettyErrors off, `linePos` is not filled in: the line comes from the error's offset. An error found at
    // the end of the input (an unclosed quote or bracket) points at the last line with text, not the empty one after.
    const lastLine = text.trimEnd().split('\n').length;
    const lineOfError = (pos: number) => Math.max(1, Math.min(lines.linePos(pos).line, lastLine));
    throw new YamlSpecError(
      file,
      what,
      doc.errors.map((e) => ({
        key: '',
        line: e.linePos?.[0]?.line ?? lineOfError(e.pos[0]),
        message: `YAML syntax: ${e.message.split('\n')[0]}`,
      })),
    );
  }
  return {
    data: toData(doc, lines, file, what),
    lineOf: (keyPath) => lineOf(doc.contents, keyPath.map(String), lines),
  };
}

/**
 * The document as plain data. `toJS` throws (a ReferenceError) for an alias with no anchor and for an alias bomb;
 * those become problems at the offending alias's line instead of a stack trace.
 */
function toData(doc: Document, lines: LineCounter, file: string, what: string): unknown {
  try {
    return doc.toJS();
  } catch (err) {
    let unresolved: number | undefined;
    let first: number | undefined;
    visit(doc, {
      Alias(_, node) {
        const line = node.range ? lines.linePos(node.range[0]).line : undefined;
        first ??= line;
        if (unresolved === undefined && node.resolve(doc) === undefined) unresolved = line;
      },
    });
    throw new YamlSpecError(file, what, [
      { key: '', line: unresolved ?? first, message: `YAML aliases: ${(err as Error).message}` },
    ]);
  }
}

/** Validates YAML text against a schema; every zod issue becomes a problem with its key path and line. */
export function parseYamlWith<S extends z.ZodType>(
  schema: S,
  text: string,
  file: string,
  what: string,
): { value: z.output<S>; source: YamlSource } {
  const source = readYamlSource(text, file, what);
  const parsed = schema.safeParse(source.data);
  if (!parsed.success)
    throw new YamlSpecError(
      file,
      what,
      parsed.error.issues.map((i) => describeIssue(i, source)),
    );
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
  if (issue.code === 'invalid_type' && /received undefined/.test(message))
    message = `missing (${issue.expected} expected)`;
  if (issue.code === 'invalid_type' && keyPath.length === 0 && issue.expected === 'object') {
    const data = source.data;
    message =
      `expected a mapping of keys at the top level, got ` +
      `${data == null ? 'an empty document' : Array.isArray(data) ? 'a list' : `a ${typeof data}`}`;
  }
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

/** A spec file's text; an unreadable file is a YamlSpecError naming it (what a user can fix), never a stack trace. */
export function readSpecText(file: string, readPath: string, what: string): string {
  try {
    return fs.readFileSync(readPath, 'utf8');
  } catch (err) {
    throw new YamlSpecError(file, what, [
      { key: '', message: `cannot read the file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` },
    ]);
  }
}
