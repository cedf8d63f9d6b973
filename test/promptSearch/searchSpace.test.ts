import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadPromptTemplate, parsePromptTemplate } from '../../config/promptSpec';
import { loadSearchSpace } from '../../config/promptSearchSpec';
import { YamlSpecError } from '../../config/yamlDiagnostics';
import { generateCandidates } from '../../core/promptSearch/candidates';
import { bestOutcome, budgetStop } from '../../core/promptSearch/searchBudget';
import { SearchSpaceSchema } from '../../core/promptSearch/searchSpace';
import type { CandidateOutcome, SearchSettings } from '../../core/promptSearch/searchTypes';
import { winnerTemplateYaml } from '../../core/promptSearch/winnerTemplate';

const PROMPTS = path.join(__dirname, '..', '..', 'examples', 'support-tickets', 'prompts');
const SPACE = path.join(PROMPTS, 'search.yaml');

function writeSpace(text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-space-'));
  fs.copyFileSync(path.join(PROMPTS, 'classify.yaml'), path.join(dir, 'classify.yaml'));
  const file = path.join(dir, 'search.yaml');
  fs.writeFileSync(file, text);
  return file;
}

function problemsOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof YamlSpecError) return err.message;
    throw err;
  }
  throw new Error('expected a YamlSpecError');
}

describe('prompt-search candidates', () => {
  it('starts with the starting prompt, then every combination once, in the same seeded order every time', () => {
    const a = loadSearchSpace(SPACE);
    const b = loadSearchSpace(SPACE);
    expect(a.candidates.map((c) => c.key)).toEqual(b.candidates.map((c) => c.key));
    // 3 instructions × 2 constraint sets × step-by-step on/off × 2 few-shot settings, one of them the start itself.
    expect(a.candidates).toHaveLength(24);
    expect(new Set(a.candidates.map((c) => c.key)).size).toBe(24);
    expect(a.candidates[0]!.origin).toBe('base');
    // The starting candidate is classify.yaml, version and all.
    expect(a.candidates[0]!.prompt.version).toBe(loadPromptTemplate(path.join(PROMPTS, 'classify.yaml')).version);
    // A zero-shot candidate's key is its template's content-hash version; a few-shot one's adds the setting.
    for (const c of a.candidates) {
      if (c.fewShot) expect(c.key).not.toBe(c.prompt.version);
      else expect(c.key).toBe(c.prompt.version);
    }
    expect(a.candidates.filter((c) => c.fewShot?.k === 3)).toHaveLength(12);
  });

  it('a different seed gives a different order; `sample` caps the combinations', () => {
    const loaded = loadSearchSpace(SPACE);
    const base = loaded.candidates[0]!.prompt;
    const reseeded = generateCandidates(base, SearchSpaceSchema.parse({ ...loaded.space, seed: 'other' }));
    expect(reseeded.map((c) => c.key)).not.toEqual(loaded.candidates.map((c) => c.key));
    // The same zero-shot prompts (the seed also seeds the random few-shot draws, so those keys change).
    const zeroShot = (cs: typeof reseeded) => new Set(cs.filter((c) => !c.fewShot).map((c) => c.key));
    expect(zeroShot(reseeded)).toEqual(zeroShot(loaded.candidates));
    expect(
      reseeded
        .filter((c) => c.fewShot)
        .every((c) => c.fewShot!.strategy.type === 'random' && c.fewShot!.strategy.seed === 'other'),
    ).toBe(true);
    expect(generateCandidates(base, SearchSpaceSchema.parse({ ...loaded.space, sample: 5 }))).toHaveLength(6);
  });

  it('reports a bad space with the file, the line and the key', () => {
    const unknown = writeSpace('name: s\nbase: classify.yaml\nparts:\n  instructions: [a]\n  tone: [b]\n');
    expect(problemsOf(() => loadSearchSpace(unknown))).toContain(`${unknown}:5: parts.tone: unknown key 'tone'`);
    const undeclared = writeSpace(
      'name: s\nbase: classify.yaml\nparts:\n  instructions:\n    - fine\n    - "Label {{language}} tickets"\n',
    );
    expect(problemsOf(() => loadSearchSpace(undeclared))).toMatch(
      new RegExp(`${undeclared}:6: parts\\.instructions\\.1: .*undeclared variable 'language'`),
    );
    const noBase = writeSpace('name: s\nbase: missing.yaml\n');
    expect(problemsOf(() => loadSearchSpace(noBase))).toMatch(
      new RegExp(`${noBase}:2: base: the starting template is invalid: cannot read the file \\(ENOENT\\)`),
    );
    const badBudget = writeSpace('name: s\nbase: classify.yaml\nbudget:\n  candidates: 0\n');
    expect(problemsOf(() => loadSearchSpace(badBudget))).toContain(`${badBudget}:4: budget.candidates:`);
  });

  it('writes the winner as a template a pipeline can name, with the same content', () => {
    const c = loadSearchSpace(SPACE).candidates.find(
      (x) => x.fewShot && x.prompt.template.instructions?.includes('- billing'),
    )!;
    const text = winnerTemplateYaml(c, 'classify-search', { searchId: 's1', devScore: 0.6, heldOutScore: 0.5 });
    const back = parsePromptTemplate(text, 'best.yaml').template;
    expect({ ...back, name: c.prompt.name, description: undefined }).toEqual({
      ...c.prompt.template,
      description: undefined,
    });
    expect(back.name).toBe('classify-search');
    expect(text).toContain('set baselines.fewShot to match');
  });
});

describe('prompt-search budget', () => {
  const outcome = (score: number, costUsd: number, tokens = 100): CandidateOutcome =>
    ({ score, costUsd, promptTokens: tokens, completionTokens: 0 }) as CandidateOutcome;
  const settings = (budget: SearchSettings['budget']): SearchSettings => ({
    name: 's',
    seed: 's',
    roundSize: 4,
    budget,
  });

  it('stops at the candidate count, counting those running', () => {
    expect(budgetStop(settings({ candidates: 3 }), [outcome(0.1, 0)], 1)).toBeUndefined();
    expect(budgetStop(settings({ candidates: 3 }), [outcome(0.1, 0)], 2)).toBe('candidates');
  });

  it('stops when the spend plus the expected cost of the next would pass the USD budget; the first always runs', () => {
    expect(budgetStop(settings({ candidates: 100, usd: 0.001 }), [], 0)).toBeUndefined();
    expect(budgetStop(settings({ candidates: 100, usd: 0.01 }), [outcome(0.1, 0.004)], 0)).toBeUndefined();
    expect(budgetStop(settings({ candidates: 100, usd: 0.01 }), [outcome(0.1, 0.004)], 1)).toBe('usd');
  });

  it('picks the best score, then the cheaper in tokens, then the earlier', () => {
    const a = outcome(0.5, 0, 300);
    const b = outcome(0.6, 0, 500);
    const c = outcome(0.6, 0, 200);
    const d = outcome(0.6, 0, 200);
    expect(bestOutcome([a, b, c, d])).toBe(c);
  });
});
