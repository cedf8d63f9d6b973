import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { ArtifactStore } from '../../stores/artifacts/artifactStore';
import { startPipeline } from '../../cli/stack/startPipeline';
import { loadSpec } from '../../config/loadSpec';
import { loadEvalSuite } from '../../config/evalSuiteSpec';
import type { CaseResult } from '../../core/evalSuite/caseResult';
import type { EvalSuiteResult } from '../../core/evalSuite/evalSuiteRun';
import { ProviderSpecSchema } from '../../core/spec/providerSpec';
import { evalSuiteWorkflow } from '../../workflows/evalSuiteWorkflow';
import {
  distillationReport,
  reportMarkdown,
  teacherTrainingSet,
  type ChatLine,
} from '../../examples/prompt-distillation/distillation';
import { startHarness, type Harness } from '../support/pipelineHarness';
import { testTemporalAddress, uniqueTaskQueue } from '../support/temporal';
import { hasTrainerEnv, startModule, TRAINER_DIR, TRAINER_PYTHON, type PythonProcess } from './trainerProcesses';

const MODEL = 'smollm2-135m-instruct';
const LABELS = {
  teacher: 'teacher: base, 3-shot',
  student: 'student: base + LoRA, zero-shot',
  base: 'base, zero-shot',
};
const EXAMPLE = path.join(__dirname, '..', '..', 'examples', 'prompt-distillation');

/** The catalogue model is converted (`npm run setup:trainer`): `catalog path` prints its folder, else fails. */
function modelReady(): boolean {
  if (!hasTrainerEnv) return false;
  const r = spawnSync(TRAINER_PYTHON, ['-m', 'tailor_trainer.catalog', 'path', MODEL], {
    cwd: TRAINER_DIR,
    env: { ...process.env, PYTHONPATH: TRAINER_DIR },
    encoding: 'utf8',
  });
  return r.status === 0;
}
const ready = modelReady();
if (!ready) console.warn(`skipping prompt distillation: ${MODEL} is not installed (run \`npm run setup:trainer\`)`);
const describeWithModel = ready ? describe : describe.skip;

const jsonl = <T>(text: string) =>
  text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as T);

/**
 * examples/prompt-distillation on the catalogue's real model, as its README runs it: the teacher (SmolLM2-135M-
 * Instruct with a 3-shot prompt, on the trainer's chat server) answers 60 prompts through an eval suite; its answers
 * train a LoRA student through the self-hosted pipeline (one epoch); one suite scores teacher, student and base
 * zero-shot on 36 tickets from templates neither saw.
 */
describeWithModel(`prompt distillation on a real model (${MODEL})`, () => {
  let h: Harness;
  let dir: string;
  let trainer: PythonProcess;
  let server: PythonProcess;
  let servingUrl: string;
  const trainerQueue = uniqueTaskQueue('trainer-distill');

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-distill-'));
    h = await startHarness('prompt-distillation');
    [trainer, server] = await Promise.all([
      startModule(
        'tailor_trainer.worker',
        ['--address', testTemporalAddress(), '--task-queue', trainerQueue, '--progress-every', '0.5'],
        /polling task queue/,
      ),
      startModule('tailor_trainer.chat_server', ['--base', MODEL, '--port', '0'], /listening on http:\S+/, 180_000),
    ]);
    servingUrl = /listening on (http:\S+)/.exec(server.output())![1]!;
  }, 240_000);
  afterAll(async () => {
    await Promise.all([trainer?.stop(), server?.stop()]);
    await h?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const provider = () => ProviderSpecSchema.parse({ type: 'self-hosted', servingBaseUrl: servingUrl });
  const runSuite = async (file: string, models?: string[]) => {
    const suite = loadEvalSuite(path.join(EXAMPLE, file), models ? { models } : {});
    const result: EvalSuiteResult = await h.client.workflow.execute(evalSuiteWorkflow, {
      workflowId: `${suite.name}-${Date.now().toString(36)}`,
      taskQueue: h.taskQueue,
      args: [{ suite, provider: provider() }],
    });
    return { result, cases: jsonl<CaseResult>(await new ArtifactStore().readText(result.results)) };
  };

  /** Runs one of the example's scripts against the harness's artifact store; its stdout. */
  const script = (file: string, args: string[]) => {
    const r = spawnSync(process.execPath, ['bin/run-ts.js', path.join(EXAMPLE, file), ...args], {
      cwd: path.join(__dirname, '..', '..'),
      env: { ...process.env, TAILOR_HOME: h.home },
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`${file} exited ${r.status}: ${r.stderr}`);
    return r.stdout;
  };
  /** An example pipeline spec as the test's servers run it: its chat server URL and trainer queue, absolute paths. */
  const servedSpec = (file: string, over: (spec: Record<string, object>) => Record<string, object>) => {
    const spec = parse(fs.readFileSync(path.join(EXAMPLE, file), 'utf8')) as Record<string, object>;
    const served: Record<string, unknown> = { ...spec.provider, servingBaseUrl: servingUrl, taskQueue: trainerQueue };
    delete served.servingBaseUrlEnv;
    const out = path.join(dir, file);
    fs.writeFileSync(out, stringify({ ...spec, provider: served, ...over(spec) }));
    return loadSpec(out);
  };

  it('the student drops the k-shot prompt and still beats base zero-shot: both rows from the cases', async () => {
    const started = Date.now();
    // 1. The teacher answers the prompts (their references only measure the teacher).
    const teacher = await runSuite('teacher.yaml');
    const prompts = jsonl<ChatLine>(fs.readFileSync(path.join(EXAMPLE, 'data', 'prompts.jsonl'), 'utf8'));
    const set = teacherTrainingSet(prompts, teacher.cases);
    expect(set.kept + set.dropped).toBe(prompts.length);
    const teacherOnPrompts = teacher.result.leaderboard[0]!;
    const labelled = (Date.now() - started) / 1000;

    // 2. The student: the same base model + LoRA, trained on the teacher's answers by the example's pipeline spec.
    // The example's script writes the same file from what `tailor eval --json` prints.
    const teacherJson = path.join(dir, 'teacher.json');
    fs.writeFileSync(teacherJson, JSON.stringify({ ok: true, ...teacher.result }));
    script('teacherSet.ts', [teacherJson, path.join(dir, 'teacher-answers.jsonl')]);
    expect(fs.readFileSync(path.join(dir, 'teacher-answers.jsonl'), 'utf8')).toBe(set.jsonl);
    const loaded = servedSpec('student.yaml', (spec) => ({
      dataset: { ...spec.dataset, path: path.join(dir, 'teacher-answers.jsonl') },
    }));
    const { handle } = await startPipeline(h.client, loaded, { taskQueue: h.taskQueue });
    const pipeline = await handle.result();
    const student = pipeline.fineTune!.model;
    const trained = (Date.now() - started) / 1000;

    // 3. Teacher, student and base zero-shot on the same held-out tickets.
    const compare = await runSuite('compare.yaml', [student]);
    const ids = { teacher: 'teacher', student: 'student', base: 'base-zero-shot' };
    const report = distillationReport(compare.cases, ids);
    const took = (Date.now() - started) / 1000;
    const compareJson = path.join(dir, 'compare.json');
    fs.writeFileSync(compareJson, JSON.stringify({ ok: true, ...compare.result }));
    expect(script('report.ts', [compareJson])).toBe(reportMarkdown(report, LABELS) + '\n');
    console.log(
      `prompt distillation on ${MODEL}: teacher answered ${set.kept}/${prompts.length} prompts ` +
        `(${teacherOnPrompts.correct}/${teacherOnPrompts.n} right; ${set.dropped} without an answer), student trained ` +
        `on ${pipeline.prepared.counts.train} of them, ${pipeline.fineTune!.selfHosted!.steps} steps; labelled at ` +
        `${labelled.toFixed(0)} s, trained at ${trained.toFixed(0)} s, compared at ${took.toFixed(0)} s\n` +
        reportMarkdown(report, LABELS),
    );

    // Both rows come from the same 36 held-out cases, and match what the suite itself counted.
    expect(report.teacher.n).toBe(36);
    expect(report.student.n).toBe(36);
    for (const row of [report.teacher, report.student]) {
      const scored = compare.result.leaderboard.find((s) => s.variantId === row.variantId)!;
      expect(row.correct).toBe(scored.correct);
      expect(row.promptTokensPerRequest * row.n).toBe(scored.promptTokens);
      expect(row.promptTokensPerRequest).toBeGreaterThan(0);
    }
    // The k-shot turns are gone: the student's prompt is the base zero-shot prompt, token for token.
    expect(report.student.promptTokensPerRequest).toBe(report.base!.promptTokensPerRequest);
    expect(report.student.promptTokensPerRequest).toBeLessThan(report.teacher.promptTokensPerRequest / 2);
    // Accuracy: the student, with the short prompt, beats the base model's zero-shot (paired, from the cases).
    expect(report.studentVsBase!.c).toBeGreaterThan(report.studentVsBase!.b);
    expect(report.studentVsBase!.pValue).toBeLessThan(0.05);
  }, 1_200_000);

  it('the distill stage: teacher and student on its held-out prompts, accuracy and tokens from the pairs', async () => {
    const started = Date.now();
    const loaded = servedSpec('distill-stage.yaml', (spec) => ({
      distill: {
        ...spec.distill,
        prompts: { from: 'file', path: path.join(EXAMPLE, 'data', 'prompts.jsonl') },
      },
    }));
    const { handle } = await startPipeline(h.client, loaded, { taskQueue: h.taskQueue });
    const result = await handle.result();
    const took = (Date.now() - started) / 1000;
    const { teacher, comparison } = result.distill!;
    const pairs = jsonl<{ teacher: string; student: string; reference?: string; agrees: boolean }>(
      await new ArtifactStore().readText(comparison.outputs),
    );
    const right = (pick: 'teacher' | 'student') => pairs.filter((p) => p[pick].trim() === p.reference).length;
    const perRequest = (tokensPer1k: number) => (tokensPer1k / 1000).toFixed(1);
    console.log(
      `distill stage on ${MODEL}: teacher asked ${teacher.calls} (cached ${teacher.cached}) of ${teacher.unique} ` +
        `prompts, student trained on ${teacher.trainExamples}; on ${comparison.heldOut} held-out prompts: teacher ` +
        `${right('teacher')}/${pairs.length}, ${perRequest(comparison.teacher.tokensPer1k)} tokens/request; student ` +
        `${right('student')}/${pairs.length}, ${perRequest(comparison.student.tokensPer1k)} tokens/request; ` +
        `agreement ${pairs.filter((p) => p.agrees).length}/${pairs.length}; run ${took.toFixed(0)} s`,
    );

    expect(teacher.unique).toBe(60);
    expect(teacher.calls + teacher.cached).toBe(teacher.unique);
    expect(comparison.heldOut).toBe(pairs.length);
    expect(comparison.withReference).toBe(pairs.length);
    expect(pairs.length).toBeGreaterThanOrEqual(20);
    // The stage's accuracies are the pairs' (exact match against each reference).
    expect(comparison.teacher.accuracy).toBeCloseTo(right('teacher') / pairs.length, 10);
    expect(comparison.student.accuracy).toBeCloseTo(right('student') / pairs.length, 10);
    // The 3-shot turns are gone from every student request: well under half the teacher's tokens.
    expect(comparison.student.tokensPer1k).toBeLessThan(comparison.teacher.tokensPer1k / 2);
  }, 1_200_000);
});
