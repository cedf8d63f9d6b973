import path from 'node:path';
import { loadEvalSuite } from '../../config/evalSuiteSpec';
import { ArtifactStore } from '../../stores/artifacts/artifactStore';
import { completionCache } from '../../stores/cache/keyedCache';
import type { CaseResult } from '../../core/evalSuite/caseResult';
import { evalSuiteWorkflow } from '../../workflows/evalSuiteWorkflow';
import { useHarness } from '../support/pipelineHarness';
import { historyText } from '../support/historyText';
import { Failure } from '../../core/failures/failureTypes';

const SUITE = path.join(__dirname, '..', '..', 'examples', 'support-tickets', 'eval', 'suite.yaml');
const MODEL_GRADERS = path.join(__dirname, '..', 'fixtures', 'eval', 'model-graders.yaml');
const BASE = 'gpt-4o-mini-2024-07-18';

/** The eval engine end to end: real dev server, real worker, the local backend over HTTP through the SDK. */
describe('evalSuiteWorkflow', () => {
  const h = useHarness('evalsuite');

  it(
    'scores zero-shot and few-shot on the example suite, compares them and passes the gate; a rerun pays ' + 'nothing',
    async () => {
      const suite = loadEvalSuite(SUITE, { models: [BASE] });
      const t0 = Date.now();
      const handle = await h.client.workflow.start(evalSuiteWorkflow, {
        taskQueue: h.taskQueue,
        workflowId: `eval-example-${Date.now()}`,
        args: [{ suite }],
      });
      const r = await handle.result();
      const took = Date.now() - t0;
      const byId = Object.fromEntries(r.leaderboard.map((s) => [s.variantId, s]));
      // The local backend's learners (providers/local/README.md): zero-shot ≈ 0.26, 5 nearest examples ≈ 0.9.
      expect(byId['zero-shot']!.score).toBeLessThan(0.5);
      expect(byId['few-shot']!.score).toBeGreaterThan(0.8);
      expect(r.leaderboard.map((s) => s.variantId)).toEqual(['few-shot', 'zero-shot']);
      expect(byId['few-shot']!.n).toBe(94);
      expect(byId['few-shot']!.metrics!['Match output to human label']).toBeCloseTo(byId['few-shot']!.score, 10);
      // The example's cases are the pipeline's test split and its pool the train split: nothing to drop.
      expect(r.fewShot['few-shot']!.excluded).toBe(0);
      expect(r.fewShot['few-shot']!.meanExamples).toBe(5);
      const cmp = r.comparisons.find(
        (c) => c.candidate === 'few-shot' && c.baseline === 'zero-shot' && c.metric === 'accuracy',
      )!;
      expect(cmp.low).toBeGreaterThan(0.3);
      expect(cmp.pValue).toBeLessThan(1e-6);
      expect(r.gate.passed).toBe(true);
      expect(r.gate.rules.map((x) => x.rule)).toEqual(['accuracy >= 0.8', 'better_than: zero-shot at 0.95']);
      expect(r.passed).toBe(true);
      expect(r.providerCalls).toBe(188);
      const store = new ArtifactStore();
      expect(await store.readText(r.reports.html)).toContain('<svg');
      const results = (await store.readText(r.results))
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as CaseResult);
      expect(results).toHaveLength(188);
      expect(results.every((x) => x.promptVersion === byId[x.variantId]!.promptVersion)).toBe(true);
      // Zero-shot results carry the template's own version; few-shot ones a version of template + examples.
      expect(byId['zero-shot']!.promptVersion).toBe(suite.variants[0]!.prompt!.version);
      expect(byId['few-shot']!.promptVersion).not.toBe(suite.variants[0]!.prompt!.version);
      // References, not payloads: no ticket text and no few-shot example in history.
      const history = historyText(await handle.fetchHistory());
      expect(history).not.toContain(results[0]!.input.slice(0, 40));
      expect(history.length).toBeLessThan(200_000);
      console.log(
        `example suite: 188 answers in ${took} ms; few-shot ${byId['few-shot']!.score.toFixed(3)}, zero-shot ` +
          `${byId['zero-shot']!.score.toFixed(3)}`,
      );

      const again = await h.client.workflow.execute(evalSuiteWorkflow, {
        taskQueue: h.taskQueue,
        workflowId: `eval-example-again-${Date.now()}`,
        args: [{ suite }],
      });
      expect(again.providerCalls).toBe(0);
      expect(again.cacheHits).toBe(188);
      expect(again.leaderboard.map((s) => s.score)).toEqual(r.leaderboard.map((s) => s.score));
      expect(await completionCache().count()).toBe(188);
    },
  );

  it(
    'runs every model-calling grader against the local backend (not a judge: the expectations say what its ' +
      'learners answer)',
    async () => {
      const suite = loadEvalSuite(MODEL_GRADERS, { models: [BASE] });
      const r = await h.client.workflow.execute(evalSuiteWorkflow, {
        taskQueue: h.taskQueue,
        workflowId: `eval-graders-${Date.now()}`,
        args: [{ suite }],
      });
      const results = (await new ArtifactStore().readText(r.results))
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as CaseResult);
      const hotel = results.find((x) => x.caseId === 'hotel')!;
      const grade = (c: CaseResult, name: string) => c.grades.find((g) => g.name === name)!;
      // The extractive learner answers with the passage sentence that best matches the question.
      expect(hotel.output).toContain('The Grand hotel is nearest the station.');
      expect(grade(hotel, 'contains').passed).toBe(true);
      // Near-identical texts have near-identical hashed n-gram embeddings.
      expect(grade(hotel, 'embedding_similarity').score).toBeGreaterThan(0.8);
      expect(grade(hotel, 'cosine').score).toBeGreaterThan(0.8);
      // Pairwise runs the judge twice with positions swapped and says whether its verdicts agreed.
      expect(grade(hotel, 'pairwise').detail).toMatch(
        /^A\/B verdict (A|B|tie), B\/A verdict (A|B|tie) \((consistent|position-dependent)\)$/,
      );
      // The swapped name is in the question only; the learner still picks the same sentence.
      expect(grade(hotel, 'counterfactual')).toMatchObject({ passed: true });
      expect(grade(hotel, 'counterfactual').detail).toMatch(/^1 term\(s\) swapped; equivalent/);
      // The lake question has no "John": not applicable, passes.
      expect(
        grade(
          results.find((x) => x.caseId === 'lake')!,
          'counterfactual',
        ).detail,
      ).toMatch(/not applicable/);
      for (const c of results) {
        // Structured outputs: the learner fills an enum with one of its values, so label and verdict always parse.
        expect(grade(c, 'correctness').errored).toBe(false);
        expect(['label correct', 'label incorrect']).toContain(grade(c, 'correctness').detail);
        expect(grade(c, 'pairwise').errored).toBe(false);
        // A number named `score` gets the learner's confidence in its reply, in [0, 1]: a number, not a judgement.
        expect(grade(c, 'judge').errored).toBe(false);
        expect(grade(c, 'judge').score).toBeGreaterThanOrEqual(0);
        expect(grade(c, 'judge').score).toBeLessThanOrEqual(1);
        // OpenAI's `result` field has no confidence-like name: the learner fills 0, so score_model scores 0 (parsed,
        // not errored).
        expect(grade(c, 'closeness')).toMatchObject({ score: 0, errored: false, passed: false });
      }
      // The precomputed answer is graded without a model call.
      const given = results.find((x) => x.caseId === 'given')!;
      expect(given.output).toBe('Paris');
      expect(grade(given, 'contains').passed).toBe(true);
      expect(r.providerCalls).toBe(2);
    },
  );

  it('fails fast, non-retryably, on a case file with bad lines (each line named)', async () => {
    const bad = path.join(__dirname, '..', 'fixtures', 'eval', 'bad-cases.jsonl');
    const suite = loadEvalSuite(MODEL_GRADERS, { models: [BASE] });
    const err = await h.client.workflow
      .execute(evalSuiteWorkflow, {
        taskQueue: h.taskQueue,
        workflowId: `eval-bad-${Date.now()}`,
        args: [{ suite: { ...suite, cases: { type: 'file', path: bad } } }],
      })
      .catch((e: unknown) => e as Error);
    const cause = (err as { cause?: { cause?: Error } }).cause?.cause;
    expect(cause?.message).toContain(`${bad}:2: not JSON`);
    expect(cause?.message).toContain(`${bad}:3: expected {"messages": [...]}`);
    expect(cause?.message).toMatch(/bad-cases.jsonl:4: assert.0.type: unknown assertion type "nope"/);
  });

  it('fails fast when a prompt template needs variables the cases do not give', async () => {
    const qa = loadEvalSuite(MODEL_GRADERS, { models: [BASE] });
    const tickets = loadEvalSuite(SUITE, { models: [BASE] });
    const suite = {
      ...tickets,
      variants: [{ ...tickets.variants[0]!, prompt: qa.variants[0]!.prompt }],
      gate: [],
      baseline: undefined,
      candidate: undefined,
    };
    const err = await h.client.workflow
      .execute(evalSuiteWorkflow, {
        taskQueue: h.taskQueue,
        workflowId: `eval-mismatch-${Date.now()}`,
        args: [{ suite }],
      })
      .catch((e: unknown) => e as Error);
    const cause = (err as { cause?: { cause?: { message: string; type: string } } }).cause?.cause;
    expect(cause?.type).toBe(Failure.InvalidSuite);
    expect(cause?.message).toMatch(
      /variant zero-shot: case line-\d+ \(line \d+\): prompt 'passage-qa' needs variables 'passage', 'question'/,
    );
  });
});
