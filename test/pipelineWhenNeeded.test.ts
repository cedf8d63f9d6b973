import path from 'node:path';
import { startPipeline } from '../cli/stack/startPipeline';
import { loadSpec, SpecError } from '../config/loadSpec';
import type { EvalSuiteResult } from '../core/evalSuite/evalSuiteRun';
import { jobsTagged, sdk } from './support/backendAdmin';
import { useHarness } from './support/pipelineHarness';
import { maybeRecordHistories } from './support/recordHistories';
import { exampleSpecWith } from './support/specFiles';

const PROMPTS = path.join(__dirname, '..', 'examples', 'support-tickets', 'prompts');
const prompts = [path.join(PROMPTS, 'classify.yaml'), path.join(PROMPTS, 'classify-strict.yaml')];
const CHEAPER = ['base-zero-shot', 'base-prompt-classify-ticket', 'base-prompt-classify-strict', 'base-few-shot-5'];

/**
 * "Start simple": prompt-template variants join the leaderboard, and with `fineTune.when: needed` the model is
 * fine-tuned only when no cheaper variant (zero-shot, prompts, few-shot) passes the gate. The local backend's
 * models are small CPU learners (base ≈ 0.2–0.3 accuracy here, fine-tuned ≈ 0.9), which is what the bars below use.
 */
describe('fineTune.when: needed and prompt variants', () => {
  const h = useHarness('when-needed');
  const baselines = { zeroShot: true, prompts, fewShot: { k: 5, seed: 'support-tickets' } };

  it('keeps the cheapest passing variant and never creates a fine-tune job', async () => {
    // A RAG variant joins the cheaper ones (its documents are another example's; here it only has to be scored).
    const rag = { docs: path.join(__dirname, '..', 'examples', 'rag-qa', 'docs'), k: 3 };
    const loaded = loadSpec(
      exampleSpecWith({
        name: 'when-needed-cheap',
        baselines: { ...baselines, rag },
        fineTune: { when: 'needed', suffix: 'cheap' },
        gate: { minScore: 0.05 },
      }),
    );
    const { handle, runId } = await startPipeline(h.client, loaded, { taskQueue: h.taskQueue });
    const result = await handle.result();

    expect(result.deploy.outcome).toBe('not_needed');
    expect(result.fineTune).toBeNull();
    expect(result.steps.find((s) => s.name === 'fine-tune')).toMatchObject({
      status: 'skipped',
      detail: expect.stringContaining('fine-tuning not needed'),
    });
    expect(result.steps.find((s) => s.name === 'deploy')?.status).toBe('skipped');
    // Counted at the backend: no upload, no job, for this run or at all.
    const api = sdk(h.backend.baseURL);
    expect(await jobsTagged(api, `${runId}/fine-tune`)).toHaveLength(0);
    expect((await api.fineTuning.jobs.list()).data).toHaveLength(0);

    // Every cheaper variant was judged by the same gate; the one kept passed and costs no more than any other that did.
    const verdicts = result.cheaper!.verdicts;
    expect(verdicts.map((v) => v.variantId)).toEqual([...CHEAPER.slice(0, 3), 'base-rag', CHEAPER[3]]);
    const chosen = result.cheaper!.chosen!;
    expect(chosen.gate.passed).toBe(true);
    for (const v of verdicts.filter((x) => x.gate.passed))
      expect(chosen.costPerCase).toBeLessThanOrEqual(v.costPerCase);
    // Zero-shot sends the fewest tokens, so it is kept whenever it passes.
    expect(chosen.variantId).toBe('base-zero-shot');

    // The prompt variants carry their template's content hash as the version.
    const strict = result.leaderboard.find((s) => s.variantId === 'base-prompt-classify-strict')!;
    expect(strict.promptVersion).toContain(
      loaded.prompts.find((p) => p.name === 'classify-strict')!.version.slice(0, 12),
    );
    // The RAG variant's index was built by a durable child of the evaluation, under TAILOR_HOME, and its prompt
    // version names the index; its passages made it the most expensive variant per case.
    const index = await h.client.workflow.getHandle(`${runId}/evaluate-baselines/index-base-rag`).result();
    expect(index).toMatchObject({
      dir: path.join(h.home, 'indexes', 'when-needed-cheap'),
      embedded: index.chunks,
      reused: 0,
    });
    expect(index.chunks).toBeGreaterThan(10);
    const ragVerdict = verdicts.find((v) => v.variantId === 'base-rag')!;
    expect(Math.max(...verdicts.map((v) => v.costPerCase))).toBe(ragVerdict.costPerCase);
    expect(result.leaderboard.find((s) => s.variantId === 'base-rag')?.promptVersion).toMatch(/^[0-9a-f]{64}$/);
    await maybeRecordHistories(h.client, 'pipeline-not-needed', [runId, `${runId}/evaluate-baselines`]);
  });

  it('fine-tunes when no cheaper variant passes, and re-scores the cheaper ones from the cache', async () => {
    const loaded = loadSpec(
      exampleSpecWith({
        name: 'when-needed-tune',
        baselines,
        fineTune: { when: 'needed', suffix: 'tune', poll: { initial: '500ms', max: '5s', factor: 2 } },
        gate: { minScore: 0.8 },
      }),
    );
    const { handle, runId } = await startPipeline(h.client, loaded, { taskQueue: h.taskQueue });
    const result = await handle.result();

    expect(result.cheaper!.chosen).toBeUndefined();
    expect(result.cheaper!.verdicts.every((v) => !v.gate.passed && /minimum 0\.800/.test(v.gate.reason))).toBe(true);
    expect(result.deploy.outcome).toBe('promoted');
    expect(result.fineTune?.model).toMatch(/^ft:/);
    expect(result.leaderboard.map((s) => s.variantId).sort()).toEqual([...CHEAPER, 'fine-tuned'].sort());
    expect(await jobsTagged(sdk(h.backend.baseURL), `${runId}/fine-tune`)).toHaveLength(1);

    // The full evaluation asked the provider only for the fine-tuned model; every cheaper case came from the cache.
    const full = (await h.client.workflow.getHandle(`${runId}/evaluate`).result()) as EvalSuiteResult;
    const n = result.leaderboard[0]!.n;
    expect(full.cacheHits).toBe(n * CHEAPER.length);
    expect(full.providerCalls).toBe(n);
  });

  it('refuses `needed` without a bar a cheaper variant must clear, and a prompt file that is not a template', () => {
    expect(() => loadSpec(exampleSpecWith({ name: 'when-needed-bad', fineTune: { when: 'needed' } }))).toThrow(
      /fineTune\.when: 'needed' requires a bar/,
    );
    const bad = path.join(__dirname, '..', 'examples', 'support-tickets', 'pipeline.yaml');
    let err: unknown;
    try {
      loadSpec(exampleSpecWith({ name: 'bad-prompt', baselines: { zeroShot: true, prompts: [bad] } }));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SpecError);
    expect((err as Error).message).toMatch(/:\d+: baselines\.prompts\.0: prompt template .*pipeline\.yaml: .*/);
  });
});
