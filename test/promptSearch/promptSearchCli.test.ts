import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { loadSpec } from '../../config/loadSpec';
import { loadPromptTemplate } from '../../config/promptSpec';
import type { PromptSearchResult } from '../../core/promptSearch/searchTypes';
import { runCli } from '../support/runCli';
import { EXAMPLE_SPEC, exampleSpecWith } from '../support/specFiles';
import { testTemporalAddress, uniqueTaskQueue } from '../support/temporal';

const SPACE = path.join(path.dirname(EXAMPLE_SPEC), 'prompts', 'search.yaml');

/**
 * `tailor prompt-search` as a user runs it: a child process against the test's Temporal server, with the local backend.
 */
describe('tailor prompt-search', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-promptsearch-cli-'));
    env = {
      TEMPORAL_ADDRESS: testTemporalAddress(),
      TAILOR_TASK_QUEUE: uniqueTaskQueue('promptsearchcli'),
      TAILOR_HOME: path.join(dir, 'home'),
      OPENAI_BASE_URL: '',
      OPENAI_API_KEY: '',
    };
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('rejects a bad space file with its line and exit 2, starting nothing', async () => {
    const bad = path.join(dir, 'bad.yaml');
    fs.writeFileSync(
      bad,
      stringify({ name: 'bad', base: path.join(path.dirname(SPACE), 'classify.yaml'), budget: { candidates: 'many' } }),
    );
    const r = await runCli(['prompt-search', EXAMPLE_SPEC, '--space', bad], {
      ...env,
      TEMPORAL_ADDRESS: '127.0.0.1:1',
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`${bad}:4: budget\\.candidates: .*expected number`));
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const noSpace = await runCli(['prompt-search', EXAMPLE_SPEC], env);
    expect(noSpace.code).toBe(2);
    expect(noSpace.stderr).toContain('--space FILE is required');
  });

  it(
    'searches within the budget, writes the winner for baselines.prompts, and prints the same result when run ' +
      'again',
    async () => {
      const out = path.join(dir, 'prompts', 'best.yaml');
      const args = [
        'prompt-search',
        EXAMPLE_SPEC,
        '--space',
        SPACE,
        '--candidates',
        '3',
        '--dev-examples',
        '24',
        '--test-examples',
        '24',
        '--out',
        out,
      ];
      const r = await runCli([...args, '--json'], env);
      expect(r.code).toBe(0);
      const result = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as PromptSearchResult & { ok: boolean };
      expect(result.ok).toBe(true);
      expect(result.outcomes).toHaveLength(3);
      expect(result.heldOut.cases).toBe(24);
      // The written template is a valid prompt a pipeline's baselines.prompts can name: the journey's leaderboard
      // variant.
      const best = loadPromptTemplate(out);
      expect(best.template.name).toBe('classify-search');
      const spec = exampleSpecWith({ baselines: { zeroShot: true, prompts: [out] } });
      expect(loadSpec(spec).prompts.map((p) => p.name)).toEqual(['classify-search']);

      const again = await runCli(args, env);
      expect(again.code).toBe(0);
      expect(again.stdout).toContain('(already running or finished: attached)');
      expect(again.stdout).toMatch(/# +candidate +origin +parts +dev score +95% CI +tokens +cost/);
      expect(again.stdout).toContain(`${result.winnerKey.slice(0, 12)} (winner`);
      expect(again.stdout).toMatch(/held-out \(test split, 24 cases, not used to choose\): winner \d\.\d{3}/);
    },
  );
});
