import { createHash } from 'node:crypto';
import { canonicalJson } from '../dataset/canonicalJson';
import type { PromptTemplate } from './promptTemplate';

/**
 * A template's version: sha256 of its normalised content, so comments, key order, YAML quoting and trailing
 * spaces do not make a new version, while any change a model could see does. Recorded in every eval result.
 */
export function promptVersion(template: PromptTemplate): string {
  return createHash('sha256')
    .update(canonicalJson(normaliseValue(template)))
    .digest('hex');
}

/** The first 12 hex digits: enough for humans and tables. */
export function shortVersion(version: string): string {
  return version.slice(0, 12);
}

function normaliseValue(v: unknown): unknown {
  if (typeof v === 'string') return normaliseText(v);
  if (Array.isArray(v)) return v.map(normaliseValue);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v)
        .filter(([, x]) => x !== undefined)
        .map(([k, x]) => [k, normaliseValue(x)]),
    );
  return v;
}

/** NFC, LF line ends, no trailing spaces on any line: invisible differences that editors introduce. */
function normaliseText(s: string): string {
  return s
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => l.replace(/[ \t]+$/u, ''))
    .join('\n');
}
