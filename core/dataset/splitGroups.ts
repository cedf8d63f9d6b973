import { createHash } from 'node:crypto';
import { isJsonObject } from './jsonValue';

/**
 * `split.groupBy`: a dotted key into each source record (`metadata.template` in a JSONL line, or a column name of a
 * CSV/TSV row) whose value names the example's group. The value of that key (a string or number), or undefined
 * when the record has none there.
 */
export function groupValue(record: unknown, key: string): string | undefined {
  // A CSV column may itself contain dots: the whole key first.
  let at: unknown = isJsonObject(record) && key in record ? record[key] : record;
  for (const part of at === record ? key.split('.') : []) {
    if (!isJsonObject(at)) return undefined;
    at = at[part];
  }
  if (typeof at === 'string') return at === '' ? undefined : at;
  if (typeof at === 'number' && Number.isFinite(at)) return String(at);
  return undefined;
}

/** The split hash of every example of group `value`: 16 hex digits of a seeded sha256. */
export function groupSplitHash(seed: string, value: string): string {
  return createHash('sha256').update(seed).update('\ngroup\n').update(value).digest('hex').slice(0, 16);
}

/**
 * The groups of a grouped split. Every example of a group gets the group's seeded hash as its split hash, so
 * assignSplits (whose cuts never fall inside a run of equal hashes) puts whole groups in one split. When
 * stratifying, a group's stratum is its most frequent label (ties: the label that sorts first), so labels keep
 * roughly their shares while no group is cut in two.
 */
export class SplitGroups {
  private readonly labels = new Map<string, Map<string, number>>();

  constructor(private readonly seed: string) {}

  /** Records one kept example of group `value`; returns its split hash (the group's). */
  add(value: string, label: string | undefined): string {
    const hash = groupSplitHash(this.seed, value);
    let counts = this.labels.get(hash);
    if (!counts) this.labels.set(hash, (counts = new Map()));
    const key = label ?? '';
    counts.set(key, (counts.get(key) ?? 0) + 1);
    return hash;
  }

  get size(): number {
    return this.labels.size;
  }

  /** The stratum of the group whose split hash is `hash`: its most frequent label. */
  stratumOf(hash: string): string {
    let best = '';
    let bestCount = -1;
    for (const [label, n] of this.labels.get(hash) ?? []) {
      if (n > bestCount || (n === bestCount && label < best)) [best, bestCount] = [label, n];
    }
    return best;
  }
}
