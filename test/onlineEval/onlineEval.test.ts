/**
 * Online evaluation against the real dev server and a real worker: captured traffic of two models (a primary that
 * answers well and a canary that does not) graded by a suite's reference-free graders, one score per model per
 * tick in the score store, exactly one signed below-threshold event at a real local webhook receiver, the run
 * marked so `tailor runs` and `tailor status` show it, and a repeated tick that changes nothing.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { captureRow, type CaptureInput } from '../../core/capture/captureRow';
import { CaptureSettingsSchema } from '../../core/capture/captureSettings';
import { verifyWebhook } from '../../core/deploy/webhookSignature';
import { AssertionSchema } from '../../core/graders/assertionSpec';
import type { BelowThresholdEvent, OnlineEvalResult } from '../../core/onlineEval/onlineEvalTypes';
import { CaptureStore } from '../../stores/capture/captureStore';
import { ScoreStore } from '../../stores/onlineEval/scoreStore';
import { onlineEvalWorkflow } from '../../workflows/onlineEvalWorkflow';
import { cliEnv, uniqueName } from '../operations/support';
import { useHarness } from '../support/pipelineHarness';
import { maybeRecordHistories } from '../support/recordHistories';
import { runCli } from '../support/runCli';
import { eventually } from '../support/temporal';

const SECRET_ENV = 'TAILOR_ONLINE_EVAL_TEST_SECRET';
// Made up at run time: the worker (in this process) signs with it, the receiver below checks with it.
const secret = `whsec-${process.pid}-${Date.now().toString(36)}`;
process.env[SECRET_ENV] = secret;

const schedules: string[] = [];
const h = useHarness('online-eval', {
  beforeClose: async () => {
    for (const id of schedules)
      await h.client.schedule
        .getHandle(id)
        .delete()
        .catch(() => undefined);
  },
});

interface Delivery {
  headers: http.IncomingHttpHeaders;
  body: string;
}
const deliveries: Delivery[] = [];
let receiver: http.Server;
let hookUrl: string;

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      deliveries.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/tailor`;
});
afterAll(async () => {
  await new Promise((resolve) => receiver.close(resolve));
});

const alias = `${uniqueName('tickets')}@prod`;
const PRIMARY = 'gpt-4o-mini-2024-07-18';
const CANARY = 'ft:gpt-4o-mini-2024-07-18:acme::canary';
const settings = CaptureSettingsSchema.parse({});
let seq = 0;

/** One answered exchange as the gateway hands it to capture. */
function exchange(model: string, question: string, answer: string): CaptureInput {
  seq++;
  return {
    alias,
    requestedModel: alias,
    model,
    variant: model === CANARY ? 'canary' : 'primary',
    stream: false,
    request: { model: alias, messages: [{ role: 'user', content: question }] },
    response: {
      id: `chatcmpl-online-${process.pid}-${seq}`,
      object: 'chat.completion',
      model,
      choices: [{ index: 0, message: { role: 'assistant', content: answer }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 12, completion_tokens: 9, total_tokens: 21 },
    },
    latencyMs: 40,
  };
}

/** Writes rows through the capture store's writer API, each captured at the time given. */
function capture(rows: { input: CaptureInput; at: number }[]): void {
  const store = new CaptureStore(path.join(h.home, 'capture.db'));
  try {
    store.insert(rows.map((r) => captureRow(r.input, settings, r.at)!));
  } finally {
    store.close();
  }
}

function writeSuite(name: string, assert: unknown[]): string {
  const file = path.join(h.home, `${name}.yaml`);
  fs.writeFileSync(
    file,
    [`name: ${name}`, 'cases:', '  split: test', 'assert:', ...assert.map((a) => `  - ${JSON.stringify(a)}`)].join(
      '\n',
    ) + '\n',
  );
  return file;
}

const GRADERS = [
  { type: 'regex', name: 'polite', pattern: '^Thanks' },
  { type: 'contains', name: 'names-ticket', value: 'ticket' },
];
const now = Date.now();
const tickAt = now + 1_000;
let suiteFile: string;

beforeAll(() => {
  suiteFile = writeSuite('online-support', GRADERS);
  capture([
    // The primary: eight good answers in the window (five are sampled).
    ...Array.from({ length: 8 }, (_, i) => ({
      input: exchange(PRIMARY, `My order ${i} is late`, `Thanks for writing in: ticket T-${i} is open for you.`),
      at: now - 60_000 + i,
    })),
    // The canary: four poor answers in the window…
    ...Array.from({ length: 4 }, (_, i) => ({ input: exchange(CANARY, `Refund ${i}?`, 'no.'), at: now - 30_000 + i })),
    // …and three good ones two hours earlier, outside it: they must not lift its score.
    ...Array.from({ length: 3 }, (_, i) => ({
      input: exchange(CANARY, `Old ${i}`, `Thanks, ticket T-old-${i} is open.`),
      at: now - 2 * 3_600_000,
    })),
  ]);
});

const onceArgs = () => [
  'online-eval',
  'run-once',
  alias,
  '--suite',
  suiteFile,
  '--at',
  new Date(tickAt).toISOString(),
  '--window',
  '1h',
  '--sample',
  '5',
  '--threshold',
  '0.8',
  '--webhook-url',
  hookUrl,
  '--secret-env',
  SECRET_ENV,
  '--json',
];

type OnceJson = OnlineEvalResult & { ok: boolean; workflowId: string; earlier: boolean };
let first: OnceJson;

describe('tailor online-eval on the real dev server', () => {
  it('grades each model separately, records its score, and sends one signed event for the model below', async () => {
    const run = await runCli(onceArgs(), cliEnv(h));
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    first = JSON.parse(run.stdout) as OnceJson;
    expect(first).toMatchObject({ ok: true, earlier: false, outcome: 'below-threshold', rows: 12, unusable: 0 });
    const byModel = Object.fromEntries(first.scores.map((s) => [s.model, s]));
    expect(byModel[PRIMARY]).toMatchObject({ n: 5, errored: 0, score: 1, passRate: 1, below: false });
    expect(byModel[CANARY]).toMatchObject({ n: 4, errored: 0, score: 0, passRate: 0, below: true });
    expect(first.alerts).toEqual([{ model: CANARY, delivered: 'now' }]);

    const store = new ScoreStore(path.join(h.home, 'online-eval.db'));
    try {
      const rows = store.history({ alias });
      expect(rows.map((r) => [r.model, r.tick, r.score])).toEqual([
        [CANARY, tickAt, 0],
        [PRIMARY, tickAt, 1],
      ]);
      expect(rows.find((r) => r.model === CANARY)!.alertedAt).not.toBeNull();
    } finally {
      store.close();
    }

    expect(deliveries).toHaveLength(1);
    const [d] = deliveries;
    const ts = String(d!.headers['x-tailor-timestamp']);
    expect(verifyWebhook(secret, ts, d!.body, String(d!.headers['x-tailor-signature']))).toBe(true);
    expect(verifyWebhook('wrong', ts, d!.body, String(d!.headers['x-tailor-signature']))).toBe(false);
    const event = JSON.parse(d!.body) as BelowThresholdEvent;
    expect(event).toMatchObject({
      type: 'online-eval.below-threshold',
      alias,
      suite: 'online-support',
      model: CANARY,
      score: 0,
      threshold: 0.8,
      n: 4,
      tickAt: new Date(tickAt).toISOString(),
      runId: first.workflowId,
    });
    expect(d!.headers['idempotency-key']).toContain(CANARY);
    await maybeRecordHistories(h.client, 'online-eval-below-threshold', [first.workflowId]);
  });

  it('a second run-once on the same tick reports the first result and sends nothing', async () => {
    const again = await runCli(onceArgs(), cliEnv(h));
    expect(again.code).toBe(0);
    const second = JSON.parse(again.stdout) as OnceJson;
    expect(second).toMatchObject({ earlier: true, workflowId: first.workflowId, scores: first.scores });
    expect(deliveries).toHaveLength(1);
  });

  it('another run of the same tick (new workflow ID) reads the recorded scores and does not alert again', async () => {
    const result = await h.client.workflow.execute(onlineEvalWorkflow, {
      workflowId: `${first.workflowId}-rerun`,
      taskQueue: h.taskQueue,
      args: [
        {
          alias,
          suite: 'online-support',
          assertions: GRADERS.map((g) => AssertionSchema.parse(g)),
          windowMs: 3_600_000,
          sample: 5,
          threshold: 0.8,
          webhook: { type: 'webhook', url: hookUrl, secretEnv: SECRET_ENV },
          tickAt,
        },
      ],
    });
    expect(result.scores.map(({ model, score, n }) => ({ model, score, n }))).toEqual(
      first.scores.map(({ model, score, n }) => ({ model, score, n })),
    );
    // The alert the first run delivered is on record, so this run does not send it again.
    expect(result.scores.find((s) => s.model === CANARY)!.alertedAt).toEqual(expect.any(Number));
    expect(result.alerts).toEqual([{ model: CANARY, delivered: 'earlier' }]);
    expect(deliveries).toHaveLength(1);
    const store = new ScoreStore(path.join(h.home, 'online-eval.db'));
    try {
      expect(store.history({ alias })).toHaveLength(2);
    } finally {
      store.close();
    }
  });

  it('tailor runs lists the run by its outcome; tailor status shows the scores and the alert', async () => {
    // Each check starts the CLI, which alone takes seconds on a loaded machine: the bound is generous.
    const listed = await eventually(
      'the run in tailor runs',
      async () => {
        const r = await runCli(['runs', '--all', '--outcome', 'below-threshold', '--json'], cliEnv(h));
        const runs = (JSON.parse(r.stdout) as { runs: { runId: string; kind: string; outcome: string }[] }).runs;
        return runs.find((x) => x.runId === first.workflowId);
      },
      90_000,
    );
    expect(listed).toMatchObject({ kind: 'online eval', outcome: 'below-threshold' });
    // An alert is news: plain `tailor runs` (pipeline runs by default) lists it too.
    const plain = await runCli(['runs', '--json'], cliEnv(h));
    const plainRuns = (JSON.parse(plain.stdout) as { runs: { runId: string }[] }).runs;
    expect(plainRuns.map((x) => x.runId)).toContain(first.workflowId);

    const status = await runCli(['status', first.workflowId], cliEnv(h));
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`below threshold: ${CANARY}`);
    expect(status.stdout).toMatch(
      new RegExp(`${CANARY.replace(/[.:]/g, '\\$&')}  score 0\\.000 .*BELOW 0\\.8 \\(alert sent\\)`),
    );
    expect(status.stdout).toMatch(/gpt-4o-mini-2024-07-18 {2}score 1\.000 .* ok/);
    const json = await runCli(['status', first.workflowId, '--json'], cliEnv(h));
    expect(JSON.parse(json.stdout)).toMatchObject({ kind: 'online eval', outcome: 'below-threshold' });
  });

  it('tailor online-eval scores shows the history per model', async () => {
    const r = await runCli(['online-eval', 'scores', alias, '--json'], cliEnv(h));
    expect(r.code).toBe(0);
    const { models } = JSON.parse(r.stdout) as { models: Record<string, { tick: number; score: number }[]> };
    expect(Object.keys(models).sort()).toEqual([CANARY, PRIMARY].sort());
    expect(models[CANARY]!.map((s) => [s.tick, s.score])).toEqual([[tickAt, 0]]);
    const text = await runCli(['online-eval', 'scores', alias], cliEnv(h));
    expect(text.stdout).toContain(`${CANARY}\n  ${new Date(tickAt).toISOString()}  online-support  score 0.000`);
  });

  it('a Temporal Schedule runs a tick at its scheduled time and alerts for that tick', async () => {
    const started = await runCli(
      [
        'online-eval',
        'start',
        alias,
        '--suite',
        suiteFile,
        '--every',
        '1h',
        '--sample',
        '5',
        '--webhook-url',
        hookUrl,
        '--secret-env',
        SECRET_ENV,
      ],
      cliEnv(h),
    );
    expect(started.code).toBe(0);
    const scheduleId = `online-eval-${alias}-online-support`;
    schedules.push(scheduleId);
    expect(started.stdout).toContain(`schedule ${scheduleId}: every 1h`);
    const handle = h.client.schedule.getHandle(scheduleId);
    await handle.trigger();
    const workflowId = await eventually(
      'the triggered tick',
      async () => {
        const d = await handle.describe();
        return d.info.recentActions[0]?.action.workflow.workflowId;
      },
      90_000,
    );
    const result = await h.client.workflow.getHandle<typeof onlineEvalWorkflow>(workflowId).result();
    expect(result.tickAt).not.toBe(tickAt);
    expect(result.scores.find((s) => s.model === CANARY)).toMatchObject({ below: true, score: 0 });
    expect(result.alerts).toEqual([{ model: CANARY, delivered: 'now' }]);
    expect(deliveries).toHaveLength(2);
    expect(deliveries[1]!.headers['idempotency-key']).not.toBe(deliveries[0]!.headers['idempotency-key']);
    await maybeRecordHistories(h.client, 'online-eval-scheduled', [workflowId]);
    const stopped = await runCli(['online-eval', 'stop', alias, '--suite', suiteFile], cliEnv(h));
    expect(stopped).toMatchObject({ code: 0 });
    schedules.pop();
  });

  it('refuses a grader that needs a reference answer, naming file, line and assertion, before connecting', async () => {
    const bad = writeSuite('needs-reference', [GRADERS[0], { type: 'exact_match' }]);
    const r = await runCli(['online-eval', 'run-once', alias, '--suite', bad], {
      ...cliEnv(h),
      TEMPORAL_ADDRESS: '127.0.0.1:9',
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${bad}:6: assert.1: exact_match refers to item.expected`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    // One flag mistake end to end (the others: onlineEvalCore.test.ts); nothing reaches the (absent) server.
    const flag = await runCli(['online-eval', 'run-once', alias, '--suite', suiteFile, '--threshold', '2'], {
      ...cliEnv(h),
      TEMPORAL_ADDRESS: '127.0.0.1:9',
    });
    expect(flag).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--threshold expects a number from 0 to 1'),
    });
    const noAlias = await runCli(['online-eval', 'run-once', 'tickets', '--suite', suiteFile], cliEnv(h));
    expect(noAlias).toMatchObject({ code: 2, stderr: expect.stringContaining('expected NAME@ALIAS') });
  });
});
