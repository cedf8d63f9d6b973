import { chatLines } from '../../dataset/support';

/** Twelve valid chat examples with `bad` replacing the line at `lineNo` (1-based), so only that line is wrong. */
export function chatWithBadLine(lineNo: number, bad: string | object): string {
  const lines = chatLines(12);
  lines[lineNo - 1] = typeof bad === 'string' ? bad : JSON.stringify(bad);
  return lines.join('\n') + '\n';
}

/** A chat example with the given messages (for building one bad line). */
export const example = (...messages: object[]) => ({ messages });
export const user = (content: unknown) => ({ role: 'user', content });
export const assistant = (content: unknown) => ({ role: 'assistant', content });

/** A valid dataset the specs and suites below point at. */
export const DATA = chatLines(12).join('\n') + '\n';

/** The smallest valid pipeline spec; `extra` lines are appended at the top level. */
export function specYaml(name: string, ...extra: string[]): string {
  return (
    [
      `name: catalogue-${name}`,
      'baseModel: gpt-4o-mini-2024-07-18',
      'dataset:',
      '  path: data.jsonl',
      'fineTune:',
      '  suffix: x',
      ...extra,
    ].join('\n') + '\n'
  );
}

/** The smallest valid eval suite over data.jsonl; `extra` lines are appended at the top level. */
export function suiteYaml(name: string, ...extra: string[]): string {
  return [`name: catalogue-${name}`, 'cases:', '  file: data.jsonl', ...extra].join('\n') + '\n';
}

/** A valid prompt template whose lines can be swapped out. */
export function promptYaml(overrides: Record<string, string> = {}): string {
  const parts: Record<string, string> = {
    name: 'classify',
    system: 'You are a classifier.',
    variables: '[ticket]',
    user: '"{{ticket}}"',
    ...overrides,
  };
  return (
    Object.entries(parts)
      .filter(([, v]) => v !== '')
      .map(([k, v]) => `${k}: ${v}`)
      .join('\n') + '\n'
  );
}
