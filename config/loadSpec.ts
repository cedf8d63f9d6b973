import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { isMap, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { z } from 'zod';
import { PipelineSpecSchema, type PipelineSpec } from './pipelineSpec';

/** A spec the user wrote that cannot run: carries the file, the key path and the line, for an exit-2 message. */
export class SpecError extends Error {
  override name = 'SpecError';
  constructor(
    readonly file: string,
    readonly problems: { key: string; line?: number; message: string }[],
  ) {
    super(
      `${file}: invalid pipeline spec\n` +
        problems.map((p) => `  ${file}${p.line ? `:${p.line}` : ''}: ${p.key ? `${p.key}: ` : ''}${p.message}`).join('\n'),
    );
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
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new SpecError(
      file,
      doc.errors.map((e) => ({ key: '', line: e.linePos?.[0]?.line, message: `YAML syntax: ${e.message.split('\n')[0]}` })),
    );
  }
  const raw: unknown = doc.toJS();
  const parsed = PipelineSpecSchema.safeParse(raw);
  if (!parsed.success) {
    throw new SpecError(file, parsed.error.issues.map((issue) => describeIssue(issue, doc.contents, lines)));
  }
  const spec = parsed.data;
  const dir = path.dirname(abs);
  const datasetPath = path.resolve(dir, spec.dataset.path);
  if (!fs.existsSync(datasetPath) || !fs.statSync(datasetPath).isFile()) {
    throw new SpecError(file, [
      { key: 'dataset.path', line: lineOf(doc.contents, ['dataset', 'path'], lines), message: `no such file: ${datasetPath}` },
    ]);
  }
  const resolved: PipelineSpec = { ...spec, dataset: { ...spec.dataset, path: datasetPath } };
  const specSha256 = createHash('sha256').update(stableStringify({ ...spec })).digest('hex');
  return { file: abs, spec: resolved, specSha256 };
}

function describeIssue(issue: z.core.$ZodIssue, root: unknown, lines: LineCounter): { key: string; line?: number; message: string } {
  const keyPath = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') {
    const [first] = issue.keys;
    const full = [...keyPath, ...(first ? [first] : [])];
    return {
      key: full.join('.'),
      line: lineOf(root, full, lines, true),
      message: `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')}`,
    };
  }
  let message = issue.message;
  if (issue.code === 'invalid_type' && /received undefined/.test(message)) message = `missing (${issue.expected} expected)`;
  return { key: keyPath.join('.'), line: lineOf(root, keyPath, lines), message };
}

/** The 1-based line of the value (or key) at a path in the YAML tree, for messages; undefined when absent. */
function lineOf(root: unknown, keyPath: string[], lines: LineCounter, wantKey = false): number | undefined {
  let node = root as Node | null | undefined;
  let last: number | undefined;
  for (const key of keyPath) {
    if (isMap(node)) {
      const pair = node.items.find((p) => String((p.key as { value?: unknown } | null)?.value ?? p.key) === key);
      if (!pair) return last;
      const keyNode = pair.key as Node | null;
      if (wantKey && keyNode?.range) last = lines.linePos(keyNode.range[0]).line;
      node = pair.value as Node | null;
      const range = node?.range ?? keyNode?.range;
      if (!wantKey && range) last = lines.linePos(range[0]).line;
    } else if (isSeq(node)) {
      node = node.items[Number(key)] as Node | null;
      if (node?.range) last = lines.linePos(node.range[0]).line;
    } else {
      return last;
    }
  }
  return last;
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
