/**
 * `distill:` on real parts: the shared dev server, a real worker, the student's local backend and a second local
 * backend as the teacher's provider (both over loopback HTTP). The teacher (gpt-4o with a 5-shot prompt, a stand-in:
 * the local backend's few-shot learner) answers the example's tickets; its answers train the student
 * (gpt-4o-mini, asked zero-shot), and the result compares the two on the held-out prompts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { WorkflowFailedError } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { collectAuditSources } from '../../cli/stack/auditSources';
import { buildAuditReport } from '../../core/audit/auditReport';
import { startPipeline } from '../../cli/stack/startPipeline';
import { progressQuery } from '../../workflows/messages';
import { renderSummary, summarise } from '../../cli/stack/summarise';
import { loadSpec } from '../../config/loadSpec';
import { distillGate } from '../../core/distill/distillGate';
import { parsePromptLine, type DistillPrompt } from '../../core/distill/distillPrompts';
import { materializeDistillPrompts } from '../../activities/distill/materializeDistillPrompts';
import { captureRow } from '../../core/capture/captureRow';
import { CaptureSettingsSchema } from '../../core/capture/captureSettings';
import { CaptureStore, capturePath } from '../../stores/capture/captureStore';
import { artifactStore } from '../../stores/processStores';
import { Failure } from '../../core/failures/failureTypes';
import type { PipelineResult } from '../../core/pipeline/pipelineTypes';
import { startLocalOpenAI, type LocalOpenAIServer } from '../../providers/local/server';
import { sdk } from '../support/backendAdmin';
import { useHarness } from '../support/pipelineHarness';
import { maybeRecordHistories } from '../support/recordHistories';
import { connectTestClient, sharedBundle } from '../support/temporal';
import { EXAMPLE_SPEC, exampleSpecWith } from '../support/specFiles';
import { uniqueName } from '../operations/support';

const TICKETS = path.join(path.dirname(EXAMPLE_SPEC), 'data', 'tickets.jsonl');
const UNIQUE = 60;
const h = useHarness('distill');
let teacher: LocalOpenAIServer;
let prompts: string;

beforeAll(async () => {
  teacher = await startLocalOpenAI({ port: 0, dataDir: path.join(h.home, 'teacher-backend') });
  process.env.TEACHER_BASE_URL = teacher.baseURL;
  // 60 tickets (each ends in its label: the reference), two of them twice: 62 lines, 60 unique prompts.
  const rows = fs.readFileSync(TICKETS, 'utf8').split('\n').filter(Boolean).slice(0, UNIQUE);
  prompts = path.join(h.home, 'prompts.jsonl');
  fs.writeFileSync(prompts, [...rows, rows[3], rows[7]].join('\n') + '\n');
});
afterAll(async () => {
  delete process.env.TEACHER_BASE_URL;
  await teacher?.close();
});

/** Requests the teacher's backend has answered since it started. */
async function teacherRequests(): Promise<number> {
  const res = await fetch(`${teacher.baseURL}/_admin/usage`);
  return ((await res.json()) as { chat: { requests: number } }).chat.requests;
}

function distillSpec(name: string, teacherModel: string, suffix = 'student'): string {
  return exampleSpecWith({
    name,
    dataset: { source: 'distill', format: 'chat', split: { validation: 0.1, test: 0.2, seed: name } },
    distill: {
      teacher: {
        model: teacherModel,
        provider: { type: 'openai-compatible', baseUrlEnv: 'TEACHER_BASE_URL' },
        prompt: { fewShot: 5 },
      },
      prompts: { from: 'file', path: prompts },
      heldOut: 0.25,
      seed: 'distill-test',
    },
    baselines: { zeroShot: true },
    fineTune: {
      method: { type: 'supervised', hyperparameters: { n_epochs: 3 } },
      suffix,
      poll: { initial: '300ms', max: '2s' },
    },
    evaluation: { metric: 'exact_match', concurrency: 8, maxExamples: 10 },
    deploy: { alias: 'prod', approval: 'auto', smoke: { examples: 3, tolerance: 0.5 } },
  });
}

async function run(specFile: string): Promise<PipelineResult> {
  const { handle } = await startPipeline(h.client, loadSpec(specFile), { taskQueue: h.taskQueue });
  return (await handle.result()) as PipelineResult;
}

describe('distill', () => {
  const name = uniqueName('distill');
  let first: PipelineResult;

  test('the teacher answers each unique prompt once; its answers train the student; both are compared', async () => {
    const before = await teacherRequests();
    first = await run(distillSpec(name, 'gpt-4o'));
    const d = first.distill!;
    expect(await teacherRequests()).toBe(before + UNIQUE);
    expect(d.teacher).toMatchObject({ requested: 'gpt-4o', model: 'gpt-4o', prompts: UNIQUE + 2, unique: UNIQUE });
    expect(d.teacher).toMatchObject({ calls: UNIQUE, cached: 0 });
    expect(d.comparison.heldOut).toBe(15);
    expect(d.teacher.trainExamples).toBe(UNIQUE - 15);
    // The teacher's answers are the dataset: prepared, validated, token-counted and priced like any file.
    expect(first.prepared.counts.input).toBe(UNIQUE - 15);
    expect(first.validation.valid).toBe(true);
    expect(first.validation.tokens.total).toBeGreaterThan(0);
    expect(first.validation.estimate.usd).toBeGreaterThan(0);
    expect(first.fineTune?.model).toMatch(/^ft:gpt-4o-mini-2024-07-18:/);
    // Every held-out ticket has its label as the reference, so both sides have an accuracy.
    const c = d.comparison;
    expect(c.student.model).toBe(first.fineTune!.model);
    expect(c.withReference).toBe(15);
    expect(c.agreement).toBeGreaterThanOrEqual(0);
    expect(c.agreement).toBeLessThanOrEqual(1);
    expect(c.teacher.accuracy).toEqual(expect.any(Number));
    expect(c.student.accuracy).toEqual(expect.any(Number));
    // Cost per 1,000 requests: the teacher's 5-shot prompt on gpt-4o costs more than the zero-shot student.
    expect(c.teacher.usdPer1k).toBeGreaterThan(c.student.usdPer1k!);
    expect(c.teacher.tokensPer1k).toBeGreaterThan(c.student.tokensPer1k);
    expect(d.teacher.usd).toBeGreaterThan(0);
    // What the teacher's requests cost counts in the run's spend, beside the fine-tune's.
    expect(d.teacher.spentUsd).toBe(d.teacher.usd);
    expect(first.spend.totalUsd).toBeCloseTo(d.teacher.usd! + (first.spend.actualUsd['fine-tune'] ?? 0), 10);
    // The answers the comparison scored are stored; the run report has the comparison.
    expect(c.outputs.count).toBe(15);
    const dir = path.join(h.home, 'reports', first.runId.replace(/[^A-Za-z0-9._-]+/g, '_'));
    const report = fs.readFileSync(path.join(dir, 'report.md'), 'utf8');
    expect(report).toContain('## Distillation');
    await maybeRecordHistories(h.client, 'pipeline-distill', [first.runId]);
    expect(report).toContain(`| \`${c.student.model}\` | student | ${(c.student.accuracy! * 100).toFixed(1)}% |`);
    // The teacher's phase and the comparison are steps of their own, with their figures, in the run's order.
    expect(first.steps.map((s) => [s.name, s.status])).toEqual([
      ['distill', 'completed'],
      ['prepare', 'completed'],
      ['validate', 'completed'],
      ['fine-tune', 'completed'],
      ['evaluate', 'completed'],
      ['compare', 'completed'],
      ['deploy', 'completed'],
    ]);
    const step = (name: string) => first.steps.find((s) => s.name === name)!;
    const tokens = d.teacher.promptTokens + d.teacher.completionTokens;
    expect(step('distill').detail).toBe(
      `teacher answered ${UNIQUE} prompts (0 cached), ${tokens} tokens, $${d.teacher.usd!.toFixed(4)}`,
    );
    const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
    const interval = `${pct(c.agreementInterval.low)}–${pct(c.agreementInterval.high)}`;
    expect(step('compare').detail).toBe(
      `student agrees with teacher on ${pct(c.agreement)} (95% ${interval}) of 15 held-out prompts`,
    );
    expect(step('distill').endedAt).toBeLessThanOrEqual(step('prepare').startedAt!);
    // The terminal summary (`tailor run --wait`, `tailor demo`): the steps with their attempts, and the comparison.
    const summary = await summarise(h.client, first, dir);
    expect(summary.steps.find((s) => s.name === 'distill')).toMatchObject({ attempts: 1 });
    expect(summary.steps.find((s) => s.name === 'compare')).toMatchObject({ attempts: 1 });
    // `--json`: the comparison's figures as the Distillation lines print them.
    expect(summary.distill).toEqual({
      ...{ agreement: c.agreement, agreementInterval: c.agreementInterval, metric: 'exact_match', heldOut: 15 },
      ...{ teacher: c.teacher, student: c.student, minAgreement: null },
    });
    const text = renderSummary(summary, first);
    expect(text).toMatch(/^distill +completed +1 .* teacher answered 60 prompts \(0 cached\)/m);
    expect(text).toMatch(/^compare +completed +1 .* student agrees with teacher on /m);
    // `tailor audit` has the same steps, from the run's record or, without it, from the activities in its history.
    const own = await connectTestClient();
    const sources = await collectAuditSources(own.client, own.connection, first.runId).finally(() =>
      own.connection.close(),
    );
    const order = first.steps.map((s) => s.name);
    for (const src of [sources, { ...sources, progress: undefined }]) {
      const audit = buildAuditReport(src);
      expect(audit.steps.map((s) => s.name)).toEqual(order);
      expect(audit.steps.find((s) => s.name === 'distill')).toMatchObject({ status: 'completed', attempts: 1 });
      expect(audit.steps.find((s) => s.name === 'compare')).toMatchObject({ status: 'completed', attempts: 1 });
    }
    const per1k = (x: number) => x.toLocaleString('en-US');
    expect(text).toContain(`Distillation: agreement ${pct(c.agreement)} (95% interval ${interval}, exact_match, n=15)`);
    expect(text).toContain(
      `  teacher gpt-4o: accuracy ${pct(c.teacher.accuracy!)}, ${per1k(c.teacher.tokensPer1k)} tokens and ` +
        `$${c.teacher.usdPer1k!.toFixed(4)} per 1,000 requests`,
    );
    expect(text).toContain(
      `  student ${c.student.model}: accuracy ${pct(c.student.accuracy!)}, ` +
        `${per1k(c.student.tokensPer1k)} tokens and ` +
        `$${c.student.usdPer1k!.toFixed(4)} per 1,000 requests`,
    );
  }, 240_000);

  test('a rerun (another run of the same teacher and prompts) asks the teacher nothing', async () => {
    const before = await teacherRequests();
    const again = await run(distillSpec(name, 'gpt-4o', 'student-two'));
    expect(again.runId).not.toBe(first.runId);
    expect(await teacherRequests()).toBe(before);
    expect(again.distill!.teacher).toMatchObject({ calls: 0, cached: UNIQUE, spentUsd: 0 });
    expect(again.steps[0]).toMatchObject({ name: 'distill', status: 'completed' });
    expect(again.steps[0]!.detail).toMatch(/^teacher answered 60 prompts \(60 cached\), \d+ tokens, \$/);
    // The same answers: the same training set.
    expect(again.datasetSha256).toBe(first.datasetSha256);
    // The distill run's history replays against today's workflow code.
    const history = await h.client.workflow.getHandle(again.runId).fetchHistory();
    await Worker.runReplayHistory({ workflowBundle: await sharedBundle() }, history, again.runId);
  }, 240_000);

  test('a teacher alias that names no model fails at preflight: no upload, no job', async () => {
    const api = sdk(h.backend.baseURL);
    const jobs = (await api.fineTuning.jobs.list()).data.length;
    const files = (await api.files.list({ purpose: 'fine-tune' })).data.length;
    const before = await teacherRequests();
    const { handle } = await startPipeline(h.client, loadSpec(distillSpec(uniqueName('distill-bad'), 'nobody@prod')), {
      taskQueue: h.taskQueue,
    });
    const err = await handle.result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    let cause = err as { message: string; type?: string; nonRetryable?: boolean; cause?: unknown };
    while (cause.cause) cause = cause.cause as typeof cause;
    expect(cause.type).toBe(Failure.PreflightFailed);
    expect(cause.nonRetryable).toBe(true);
    expect(cause.message).toBe(
      "preflight: distill.teacher.model nobody@prod names no model (pipeline nobody has no 'prod' alias yet); " +
        'nothing was uploaded or trained',
    );
    // The table says where it stopped: the teacher's step failed with the cause, nothing after it ran.
    const progress = await handle.query(progressQuery);
    expect(progress.steps.map((s) => [s.name, s.status])).toEqual([
      ['distill', 'failed'],
      ['prepare', 'skipped'],
      ['validate', 'skipped'],
      ['fine-tune', 'skipped'],
      ['evaluate', 'skipped'],
      ['compare', 'skipped'],
      ['deploy', 'skipped'],
    ]);
    expect(progress.steps[0]!.error).toBe(cause.message);
    expect((await api.fineTuning.jobs.list()).data).toHaveLength(jobs);
    expect((await api.files.list({ purpose: 'fine-tune' })).data).toHaveLength(files);
    expect(await teacherRequests()).toBe(before);
  }, 60_000);
});

describe('distill prompts', () => {
  test('from: capture takes the user turns of the alias traffic, without the answers the alias gave', async () => {
    const tickets = fs.readFileSync(TICKETS, 'utf8').split('\n').filter(Boolean).slice(0, 12);
    const store = new CaptureStore(capturePath());
    const settings = CaptureSettingsSchema.parse({});
    store.insert(
      tickets.map((line, i) => {
        const { messages } = JSON.parse(line) as { messages: { role: string; content: string }[] };
        const exchange = {
          ...{ alias: i < 10 ? 'tickets@prod' : 'tickets@dev', requestedModel: 'tickets@prod', model: 'gpt-4o-mini' },
          ...{ variant: 'primary', stream: false, latencyMs: 3 },
          request: { model: 'gpt-4o-mini', messages: messages.slice(0, -1) },
          response: { id: `chatcmpl-d${i}`, choices: [{ message: { role: 'assistant', content: 'billing' } }] },
        };
        return captureRow(exchange, settings, Date.now() - 1000 + i)!;
      }),
    );
    store.close();
    const out = await materializeDistillPrompts({ prompts: { from: 'capture', alias: 'tickets@prod', sample: 8 } });
    expect(out).toMatchObject({ count: 8, withReference: 0 });
    const rows = (await artifactStore().readText(out.prompts)).trim().split('\n');
    const prompt = JSON.parse(rows[0]!) as DistillPrompt;
    expect(prompt.reference).toBeUndefined();
    expect(prompt.messages.at(-1)?.role).toBe('user');
  });

  test('a bad line of a prompts file fails the run naming its file and line; nothing is stored', async () => {
    const file = path.join(h.home, 'bad-prompts.jsonl');
    const good = fs.readFileSync(TICKETS, 'utf8').split('\n')[0]!;
    fs.writeFileSync(file, `${good}\n\n{"messages": [{"role": "user", "content": 7}]}\n`);
    const err = await materializeDistillPrompts({ prompts: { from: 'file', path: file } }).catch((e: unknown) => e);
    expect(err).toMatchObject({
      type: Failure.InvalidDataset,
      nonRetryable: true,
      message: `${file}:3: messages.0.content: expected a string`,
    });
  });
});

describe('distill spec and prompts', () => {
  test('distill: and dataset.source: distill go together; errors name the file, line and key', () => {
    const write = (text: string) => {
      const f = path.join(fs.mkdtempSync(path.join(h.home, 'spec-')), 'pipeline.yaml');
      fs.writeFileSync(f, text);
      return f;
    };
    const head = 'name: d\nbaseModel: gpt-4o-mini-2024-07-18\nfineTune: {}\n';
    const distill = `distill:\n  teacher: { model: gpt-4o }\n  prompts: { from: file, path: ${prompts} }\n`;
    const ok = loadSpec(write(`${head}dataset: { source: distill }\n${distill}`));
    expect(ok.spec.distill).toMatchObject({ heldOut: 0.2, prompts: { from: 'file', path: prompts } });
    expect(() => loadSpec(write(`${head}dataset: { source: distill }\n`))).toThrow(
      /pipeline\.yaml:\d+: distill: source: distill needs a distill: section/,
    );
    expect(() => loadSpec(write(`${head}dataset: { path: ${prompts} }\n${distill}`))).toThrow(
      /dataset\.source: distill: needs dataset: \{ source: distill \}/,
    );
    expect(() =>
      loadSpec(write(`${head}dataset: { source: distill }\n${distill.replace(prompts, 'nope.jsonl')}`)),
    ).toThrow(/pipeline\.yaml:7: distill\.prompts\.path: no such file: .*nope\.jsonl/);
    expect(() => loadSpec(write(`${head}dataset: { source: distill }\n${distill.replace('gpt-4o', 'a@b@c')}`))).toThrow(
      /distill\.teacher\.model: expected a model ID or NAME@ALIAS/,
    );
  });

  test('the example spec loads', () => {
    const loaded = loadSpec(path.join(__dirname, '..', '..', 'examples', 'distillation', 'pipeline.yaml'));
    expect(loaded.spec.distill).toMatchObject({ teacher: { model: 'support-tickets@prod' }, minAgreement: 0.8 });
    expect(loaded.spec.distill?.prompts).toMatchObject({ from: 'file', path: TICKETS });
  });

  test('minAgreement fails a passed gate when the student agrees with the teacher too rarely', () => {
    const gate = {
      passed: true,
      candidate: { variantId: 'fine-tuned', model: 'ft:s', score: 0.9 },
      baseline: { variantId: 'base', model: 'b', score: 0.5, kind: 'base' as const },
      minImprovement: 0,
      minScore: 0,
      reason: 'fine-tuned 0.900 ≥ base 0.500',
    };
    const side = { model: 'm', tokensPer1k: 1 };
    const comparison = {
      ...{ metric: 'exact_match' as const, heldOut: 10, withReference: 0, agreement: 0.7 },
      ...{ agreementInterval: { low: 0.4, high: 0.9 }, teacher: side, student: side },
      outputs: { uri: 'artifact:sha256:x', sha256: 'x', bytes: 1 },
    };
    const teacherSummary = {
      ...{ requested: 't', model: 't', prompts: 10, unique: 10, calls: 10, cached: 0, heldOutCount: 10 },
      ...{ promptTokens: 1, completionTokens: 1, trainExamples: 0 },
    };
    const result = { teacher: teacherSummary, comparison };
    expect(distillGate(gate, result, undefined).gate).toBe(gate);
    expect(distillGate(gate, result, 0.7)).toMatchObject({ gate, distill: { minAgreement: { passed: true } } });
    const failed = distillGate(gate, result, 0.8);
    expect(failed.gate.passed).toBe(false);
    expect(failed.gate.reason).toBe(
      'fine-tuned 0.900 ≥ base 0.500; the student agrees with the teacher on 70.0% of held-out prompts < ' +
        'minAgreement 80.0%',
    );
    expect(failed.distill.minAgreement).toEqual({ required: 0.8, passed: false });
  });

  test('a prompt line is checked, naming its file and line', () => {
    const line = (o: unknown) => parsePromptLine(JSON.stringify(o), 'p.jsonl', 3);
    const user = { role: 'user', content: 'hi' };
    expect(line({ messages: [user, { role: 'assistant', content: 'billing' }] })).toEqual({
      messages: [user],
      reference: 'billing',
    });
    expect(line({ messages: [user], reference: 'x' })).toEqual({ messages: [user], reference: 'x' });
    expect(line({ messages: [user] })).toEqual({ messages: [user] });
    expect(() => parsePromptLine('{', 'p.jsonl', 3)).toThrow(/^p\.jsonl:3: not JSON/);
    expect(() => line({ messages: [{ role: 'user' }] })).toThrow('p.jsonl:3: messages.0.content: expected a string');
    expect(() => line({ messages: [{ role: 'system', content: 's' }] })).toThrow(/p\.jsonl:3: .*end in a user turn/);
  });
});
