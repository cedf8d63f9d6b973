import path from 'node:path';
import { loadSpec } from '../../config/loadSpec';
import { loadSearchSpace } from '../../config/promptSearchSpec';
import { ArtifactStore } from '../../stores/artifacts/artifactStore';
import { promptSearchInput, searchSettings, startPromptSearch } from '../../cli/stack/startPromptSearch';
import type { PromptSearchInput } from '../../core/promptSearch/searchTypes';
import { evalSuiteWorkflow } from '../../workflows/evalSuiteWorkflow';
import { promptSearchProgressQuery, promptSearchWorkflow } from '../../workflows/promptSearchWorkflow';
import { useHarness } from '../support/pipelineHarness';
import { eventually } from '../support/temporal';

const EXAMPLE = path.join(__dirname, '..', '..', 'examples', 'support-tickets');

/** Chat completions the local backend has answered since it started (`GET /v1/_admin/usage`). */
async function chatRequests(baseURL: string): Promise<number> {
  const res = await fetch(`${baseURL}/_admin/usage`);
  return ((await res.json()) as { chat: { requests: number } }).chat.requests;
}

/** The prompt search end to end: real dev server, real worker, the local backend over HTTP. */
describe('promptSearchWorkflow', () => {
  const h = useHarness('promptsearch');
  let input: (overrides: Parameters<typeof searchSettings>[1]) => PromptSearchInput;
  beforeAll(() => {
    const loaded = loadSpec(path.join(EXAMPLE, 'pipeline.yaml'));
    const space = loadSearchSpace(path.join(EXAMPLE, 'prompts', 'search.yaml'));
    input = (overrides) => promptSearchInput(loaded, space, searchSettings(space.space, overrides));
  });

  it(
    'finds a prompt that beats the starting one on the dev split, within the candidate budget, and scores the ' +
      'winner on the held-out split',
    async () => {
      const args = input({ candidates: 6, testExamples: 60 });
      expect(args.candidates.length).toBeGreaterThan(6);
      const searchId = `search-${Date.now()}`;
      const r = await h.client.workflow.execute(promptSearchWorkflow, {
        taskQueue: h.taskQueue,
        workflowId: searchId,
        args: [args],
      });
      // The budget caps the search: 6 of the space's 24 candidates.
      expect(r.outcomes).toHaveLength(6);
      expect(r.stoppedBy).toBe('candidates');
      const base = r.outcomes.find((o) => o.candidate.key === r.baseKey)!;
      const winner = r.outcomes.find((o) => o.candidate.key === r.winnerKey)!;
      expect(base.candidate.origin).toBe('base');
      expect(winner.score).toBeGreaterThan(base.score + 0.15);
      expect(Math.max(...r.outcomes.map((o) => o.score))).toBe(winner.score);
      // Dev cases are the validation split; the held-out score comes from the test split, reported apart.
      const dev = await h.client.workflow
        .getHandle<typeof evalSuiteWorkflow>(`${searchId}/candidate-${r.baseKey.slice(0, 12)}`)
        .result();
      const held = await h.client.workflow
        .getHandle<typeof evalSuiteWorkflow>(`${searchId}/held-out-${r.winnerKey.slice(0, 12)}`)
        .result();
      expect(dev.cases.ref.sha256).not.toBe(held.cases.ref.sha256);
      expect(r.split.devCases).toBe(dev.cases.count);
      expect(r.heldOut.cases).toBe(60);
      expect(r.heldOut.winner.n).toBe(60);
      expect(r.heldOut.base!.n).toBe(60);
      expect(r.heldOut.winner.score).toBeGreaterThan(r.heldOut.base!.score);
      const md = await new ArtifactStore().readText(r.reports.markdown);
      expect(md).toContain('| # | candidate | origin | parts | dev score | 95% CI | tokens | cost |');
      expect(md).toContain(`${r.winnerKey.slice(0, 12)} (winner`);
      expect(md).toMatch(/held-out \(test split, 60 cases, not used to choose\): winner 0\.\d{3}/);
      console.log(
        `prompt search: start ${base.score.toFixed(3)} → winner ${winner.score.toFixed(3)} on dev; held-out ` +
          `${r.heldOut.winner.score.toFixed(3)} vs ${r.heldOut.base!.score.toFixed(3)}`,
      );
    },
  );

  it('cancelled mid-search and started again, does not evaluate finished candidates again', async () => {
    const args = input({ candidates: 6, roundSize: 1, devExamples: 30, testExamples: 20 });
    const searchId = `search-resume-${Date.now()}`;
    const first = await startPromptSearch(h.client, searchId, args, h.taskQueue);
    expect(first.mode).toBe('new');
    await eventually(
      'two candidates scored',
      async () => ((await first.handle.query(promptSearchProgressQuery)).finished.length >= 2 ? true : undefined),
      60_000,
    );
    await first.handle.cancel();
    await expect(first.handle.result()).rejects.toThrow();
    const done = (await first.handle.query(promptSearchProgressQuery)).finished;
    expect(done.length).toBeGreaterThanOrEqual(2);
    expect(done.length).toBeLessThan(6);
    const childRuns = await Promise.all(
      done.map(
        async (o) =>
          (await h.client.workflow.getHandle(`${searchId}/candidate-${o.candidate.key.slice(0, 12)}`).describe()).runId,
      ),
    );

    const before = await chatRequests(h.backend.baseURL);
    const second = await startPromptSearch(h.client, searchId, args, h.taskQueue);
    expect(second.mode).toBe('resumed');
    expect(second.resumed.map((o) => o.candidate.key)).toEqual(done.map((o) => o.candidate.key));
    const r = await second.handle.result();
    const after = await chatRequests(h.backend.baseURL);

    expect(r.outcomes).toHaveLength(6);
    for (const o of done) {
      const again = r.outcomes.find((x) => x.candidate.key === o.candidate.key)!;
      expect(again.source).toBe('resumed');
      expect(again.providerCalls).toBe(0);
      expect(again.score).toBe(o.score);
    }
    // Their child workflows were not started again...
    const runsNow = await Promise.all(
      done.map(
        async (o) =>
          (await h.client.workflow.getHandle(`${searchId}/candidate-${o.candidate.key.slice(0, 12)}`).describe()).runId,
      ),
    );
    expect(runsNow).toEqual(childRuns);
    // ...and every chat request the backend answered in the second run belongs to a candidate not finished before, or
    // to the held-out scoring.
    const held = await h.client.workflow
      .getHandle<typeof evalSuiteWorkflow>(`${searchId}/held-out-${r.winnerKey.slice(0, 12)}`)
      .result();
    const newCalls = r.outcomes.filter((o) => o.source === 'evaluated').reduce((s, o) => s + o.providerCalls, 0);
    expect(after - before).toBe(newCalls + held.providerCalls);
    expect(newCalls).toBeLessThanOrEqual((6 - done.length) * 30);
  });

  it(
    'with a rewriter configured, asks the model to rewrite the best candidate from its failures and scores the ' +
      'rewrite next',
    async () => {
      // The local backend's base model is a small CPU learner, not an LLM: it answers the rewrite request with a
      // label, so the rewrite is mechanical here (a valid candidate, a poor one). With OpenAI it is a real rewrite.
      const base = input({ candidates: 2, roundSize: 1, devExamples: 12, testExamples: 12 });
      const args: PromptSearchInput = {
        ...base,
        settings: { ...base.settings, rewriter: { model: base.baseModel, rounds: 1, failures: 4 } },
      };
      const before = await chatRequests(h.backend.baseURL);
      const searchId = `search-rewrite-${Date.now()}`;
      const r = await h.client.workflow.execute(promptSearchWorkflow, {
        taskQueue: h.taskQueue,
        workflowId: searchId,
        args: [args],
      });
      const after = await chatRequests(h.backend.baseURL);
      expect(r.outcomes.map((o) => o.candidate.origin)).toEqual(['base', 'rewrite']);
      const rewrite = r.outcomes[1]!.candidate;
      expect(rewrite.prompt.template.instructions).not.toBe(r.outcomes[0]!.candidate.prompt.template.instructions);
      expect(rewrite.parts.instructions).toBe(`rewritten from ${r.baseKey.slice(0, 12)}`);
      // One request for the rewrite, on top of the two candidates' and the held-out answers.
      const held = await h.client.workflow
        .getHandle<typeof evalSuiteWorkflow>(`${searchId}/held-out-${r.winnerKey.slice(0, 12)}`)
        .result();
      expect(after - before).toBe(r.outcomes.reduce((s, o) => s + o.providerCalls, 0) + held.providerCalls + 1);
    },
  );
});
