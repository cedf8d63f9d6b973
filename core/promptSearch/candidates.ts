import { createHash } from 'node:crypto';
import { canonicalJson } from '../dataset/canonicalJson';
import type { LoadedTemplate } from '../evalSuite/evalSuiteTypes';
import type { FewShotSpec } from '../fewshot/fewShotSpec';
import { PromptTemplateSchema, type PromptTemplate } from '../prompts/promptTemplate';
import { promptVersion } from '../prompts/promptVersion';
import { PART_NAMES, type FewShotChoice, type PartName, type SearchSpace } from './searchSpace';
import type { PromptCandidate } from './searchTypes';

/** Above this many combinations the order is a seeded sample instead of a seeded shuffle of all of them. */
const FULL_RANK_LIMIT = 20_000;

/** A candidate's identity: the template's version, plus the few-shot setting when there is one. */
export function candidateKey(version: string, fewShot?: FewShotSpec): string {
  return fewShot
    ? createHash('sha256')
        .update(`${version}\u0000${canonicalJson(fewShot)}`)
        .digest('hex')
    : version;
}

/** A template and few-shot setting as a candidate (validated: a part may not bring an undeclared variable). */
export function makeCandidate(
  template: PromptTemplate,
  fewShot: FewShotSpec | undefined,
  origin: PromptCandidate['origin'],
  parts: Record<string, string>,
): PromptCandidate {
  const parsed = PromptTemplateSchema.parse(template);
  const version = promptVersion(parsed);
  const prompt: LoadedTemplate = { name: parsed.name, version, template: parsed };
  return { key: candidateKey(version, fewShot), origin, parts, prompt, ...(fewShot ? { fewShot } : {}) };
}

/** How many combinations the space holds. */
export function combinationCount(space: SearchSpace): number {
  return PART_NAMES.reduce((n, p) => n * (space.parts[p]?.length ?? 1), 1);
}

/**
 * The candidates in the order the search tries them: the starting template first, then up to `space.sample`
 * distinct combinations in a seeded order (the same space and seed always give the same list), duplicates of an
 * earlier candidate (same key) dropped. Pure; throws a ZodError when a combination is not a valid template.
 */
export function generateCandidates(base: LoadedTemplate, space: SearchSpace): PromptCandidate[] {
  const first = makeCandidate(base.template, undefined, 'base', {});
  const out: PromptCandidate[] = [first];
  const seen = new Set([first.key]);
  for (const index of combinationOrder(combinationCount(space), space.seed, space.sample)) {
    const c = combination(base.template, space, index);
    if (seen.has(c.key)) continue;
    seen.add(c.key);
    out.push(c);
    if (out.length > space.sample) break;
  }
  return out;
}

/** The combination with mixed-radix index `index` (one digit per listed part). */
export function combination(base: PromptTemplate, space: SearchSpace, index: number): PromptCandidate {
  const template: PromptTemplate = { ...base };
  const parts: Record<string, string> = {};
  let fewShot: FewShotSpec | undefined;
  let rest = index;
  for (const part of PART_NAMES) {
    const alts = space.parts[part];
    if (!alts) continue;
    const i = rest % alts.length;
    rest = Math.floor(rest / alts.length);
    if (alts.length > 1) parts[part] = describeChoice(part, alts[i]!, i);
    if (part === 'fewShot') fewShot = fewShotSpec(alts[i] as FewShotChoice, space.seed);
    else Object.assign(template, { [part]: alts[i] });
  }
  return makeCandidate(template, fewShot, 'combination', parts);
}

function fewShotSpec(choice: FewShotChoice, seed: string): FewShotSpec | undefined {
  return choice.k === 0 ? undefined : { k: choice.k, strategy: choice.strategy ?? { type: 'random', seed } };
}

function describeChoice(part: PartName, value: unknown, i: number): string {
  if (part === 'fewShot') {
    const c = value as FewShotChoice;
    return c.k === 0 ? 'zero-shot' : `k=${c.k} ${c.strategy?.type ?? 'random'}`;
  }
  if (part === 'stepByStep') return value === false ? 'off' : value === true ? 'on' : `cue #${i + 1}`;
  if (part === 'constraints') {
    const n = (value as string[]).length;
    return `set #${i + 1} (${n === 0 ? 'none' : n === 1 ? '1 rule' : `${n} rules`})`;
  }
  return `#${i + 1}`;
}

/** Combination indices in seeded order: all of them shuffled when few, else distinct seeded draws. */
function combinationOrder(total: number, seed: string, want: number): number[] {
  const key = (i: number) => createHash('sha256').update(`${seed}\u0000${i}`).digest('hex');
  if (total <= FULL_RANK_LIMIT) {
    return Array.from({ length: total }, (_, i) => ({ i, k: key(i) }))
      .sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0))
      .map((x) => x.i);
  }
  const picked = new Set<number>();
  for (let draw = 0; picked.size < Math.min(want + 1, total) && draw < want * 20; draw++) {
    picked.add(Number(BigInt(`0x${key(draw)}`) % BigInt(total)));
  }
  return [...picked];
}
