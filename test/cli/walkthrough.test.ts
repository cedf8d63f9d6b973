import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { parse } from 'yaml';
import { freePort } from '../../workers/freePort';
import { runCli, TAILOR_BIN } from '../support/runCli';
import { EXAMPLE_SPEC, exampleSpecWith } from '../support/specFiles';
import { eventually } from '../support/temporal';

const NO_STACK = /\n\s+at |TypeError|QueryNotRegisteredError|ValueError|DecryptionError/;

/**
 * The README's "Dev-stack walkthrough" on a fresh TAILOR_HOME: `tailor dev` as a subprocess, `tailor run --wait`,
 * an eval suite and an index build that attach to it through TEMPORAL_ADDRESS, a scheduled run that skips, a
 * watcher holding a change in its debounce window and the evaluation it then starts, a sunset check, a run that
 * fails; then `tailor status` on every ID that `tailor runs --all` prints: no stack trace, exit 0 (1 for the failed
 * run) and each kind's own summary.
 */
describe('the dev-stack walkthrough', () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-walk-'));
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-walk-data-'));
  let dev: ChildProcess;
  let out = '';
  let address = '';
  const env = () => ({
    TAILOR_HOME: home,
    TEMPORAL_ADDRESS: '',
    OPENAI_BASE_URL: '',
    OPENAI_API_KEY: '',
    TAILOR_ENCRYPTION_KEYS: '',
    TAILOR_ENCRYPTION_KEY: '',
  });
  // A copy of the example's tickets, so the watcher can see it change.
  const dataFile = path.join(work, 'tickets.jsonl');
  const tickets = path.join(path.dirname(EXAMPLE_SPEC), 'data', 'tickets.jsonl');
  const lines = fs.readFileSync(tickets, 'utf8').split('\n').filter(Boolean);
  fs.writeFileSync(dataFile, lines.slice(0, 200).join('\n') + '\n');
  const example = parse(fs.readFileSync(EXAMPLE_SPEC, 'utf8')) as { dataset: Record<string, unknown> };
  const name = `walk-${Date.now().toString(36)}`;
  const dataset = { ...example.dataset, path: dataFile };
  const spec = exampleSpecWith({ name, dataset, baselines: { zeroShot: true } });
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    const port = await freePort();
    const ui = await freePort();
    const backend = await freePort();
    address = `127.0.0.1:${port}`;
    const args = ['dev', '--port', String(port), '--ui-port', String(ui), '--backend-port', String(backend)];
    dev = spawn(process.execPath, [TAILOR_BIN, ...args], {
      env: { ...process.env, ...env() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    dev.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    dev.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`tailor dev did not get ready:\n${out}`)), 120_000);
      const check = () => (out.includes('Ready.') ? (clearTimeout(timer), resolve()) : setTimeout(check, 100));
      dev.once('exit', (code) => reject(new Error(`tailor dev exited ${code}:\n${out}`)));
      check();
    });
  }, 150_000);

  afterAll(async () => {
    if (dev && dev.exitCode === null) {
      const exited = new Promise((r) => dev.once('exit', r));
      dev.kill('SIGINT');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))]);
      if (dev.exitCode === null) dev.kill('SIGKILL');
    }
    fs.rmSync(home, { recursive: true, force: true });
    fs.rmSync(work, { recursive: true, force: true });
  });

  const statusJson = async (id: string) =>
    JSON.parse((await runCli(['status', id, '--json'], env())).stdout) as Record<string, unknown>;
  type Listed = { runs: { runId: string; type: string; status: string }[] };
  const listRuns = async () => (JSON.parse((await runCli(['runs', '--all', '--json'], env())).stdout) as Listed).runs;
  const closed = async (type: string) =>
    (await listRuns()).find((r) => r.type === type && r.status === 'completed')?.runId;
  const ok = { code: 0 };

  it('tailor run --wait trains, evaluates and deploys; its reports are under $TAILOR_HOME/reports/RUN', async () => {
    const run = await runCli(['run', spec, '--wait'], env());
    expect(run.stderr).not.toMatch(NO_STACK);
    expect(run.code).toBe(0);
    ids.pipeline = /^run (\S+)/m.exec(run.stdout)![1]!;
    const dir = path.join(home, 'reports', ids.pipeline);
    expect(fs.existsSync(path.join(dir, 'report.md'))).toBe(true);
    expect(fs.existsSync(path.join(dir, 'evaluation.html'))).toBe(true);
    const audit = await runCli(['audit', ids.pipeline], env());
    expect(audit.code).toBe(0);
    expect(audit.stdout).toContain('prepareDataset');
  }, 600_000);

  it('tailor eval with TEMPORAL_ADDRESS naming the running tailor dev attaches: its worker runs it', async () => {
    const suite = path.join(work, 'suite.yaml');
    fs.writeFileSync(
      suite,
      [
        `name: ${name}-suite`,
        `cases: { file: ${dataFile}, sample: { n: 24, seed: walk } }`,
        `prompt: ${path.join(path.dirname(EXAMPLE_SPEC), 'prompts', 'classify.yaml')}`,
        'variants:',
        '  - id: zero-shot',
        'assert:',
        '  - type: classification',
        '    labels: [billing, technical_issue, account_access, shipping, refund_request, product_question]',
      ].join('\n') + '\n',
    );
    const model = 'gpt-4o-mini-2024-07-18';
    const evalRun = await runCli(['eval', suite, '--model', model], { ...env(), TEMPORAL_ADDRESS: address });
    expect(evalRun.stderr).not.toMatch(NO_STACK);
    expect(evalRun.code).toBe(0);
    expect(evalRun.stdout).toContain(`Temporal: tailor dev at ${address}`);
    expect(evalRun.stdout).toMatch(/workers: tailor dev's worker \(pid \d+\) runs the work/);
    expect(evalRun.stdout).not.toContain('local OpenAI-compatible backend');
    expect(evalRun.stdout).not.toContain('starting the Temporal dev server');
    ids.evalSuite = /^run (\S+)/m.exec(evalRun.stdout)![1]!;
    // Every task of the run was taken by tailor dev's worker: its identity is `pid@host`.
    const connection = await Connection.connect({ address });
    try {
      const history = await new Client({ connection }).workflow.getHandle(ids.evalSuite).fetchHistory();
      const identities = new Set(
        (history.events ?? [])
          .flatMap((e) => [e.workflowTaskStartedEventAttributes, e.activityTaskStartedEventAttributes])
          .map((a) => a?.identity)
          .filter((i): i is string => Boolean(i)),
      );
      expect([...identities].map((i) => i.split('@')[0])).toEqual([String(dev.pid)]);
    } finally {
      await connection.close();
    }
  }, 300_000);

  it('tailor index attaches the same way', async () => {
    const docs = path.join(path.dirname(EXAMPLE_SPEC), '..', 'rag-qa', 'docs');
    const out = path.join(work, 'index');
    const index = await runCli(['index', docs, '--out', out], { ...env(), TEMPORAL_ADDRESS: address });
    expect(index.stderr).not.toMatch(NO_STACK);
    expect(index.code).toBe(0);
    expect(index.stdout).toMatch(/workers: tailor dev's worker \(pid \d+\)/);
    expect(index.stdout).not.toContain('local OpenAI-compatible backend');
  }, 300_000);

  it('a scheduled run on unchanged data ends skipped', async () => {
    const sched = `${name}-nightly`;
    const create = ['schedule', 'create', sched, '--spec', spec, '--cron', '0 3 * * *', '--skip-if-unchanged'];
    expect(await runCli(create, env())).toMatchObject(ok);
    try {
      expect(await runCli(['schedule', 'trigger', sched], env())).toMatchObject(ok);
      ids.scheduled = await eventually(
        'the triggered scheduled run to finish',
        async () => {
          return closed('scheduledPipelineWorkflow');
        },
        120_000,
      );
    } finally {
      await runCli(['schedule', 'delete', sched], env());
    }
  }, 180_000);

  it('a watcher holds a change through its debounce window, then starts one evaluation', async () => {
    expect(await runCli(['watch', '--spec', spec, '--every', '1h', '--debounce', '1h'], env())).toMatchObject(ok);
    ids.watcher = `watch-${name}`;
    type Watched = { datasetSha256?: string; pendingSha256?: string | null };
    const watched = async () => (await statusJson(ids.watcher!)).watcher as Watched;
    await eventually('the watcher baseline', async () => (await watched())?.datasetSha256 ?? undefined, 60_000);
    const extra = JSON.parse(lines[200]!) as { messages: { content: string }[] };
    extra.messages[1]!.content += ' (sent twice)';
    fs.appendFileSync(dataFile, JSON.stringify(extra) + '\n');
    expect(await runCli(['notify-change', '--spec', spec], env())).toMatchObject(ok);
    const pending = await eventually(
      'the change to wait in the debounce window',
      async () => (await watched())?.pendingSha256 ?? undefined,
      60_000,
    );
    const text = await runCli(['status', ids.watcher], env());
    expect(text.code).toBe(0);
    const when = '\\d{4}-\\d\\d-\\d\\dT';
    expect(text.stdout).toMatch(new RegExp(`pending change: dataset ${pending.slice(0, 12)} triggers at ${when}`));
    // A signal with the data unchanged since ends the window: the change triggers now.
    expect(await runCli(['notify-change', '--spec', spec], env())).toMatchObject(ok);
    ids.evaluation = `${name}-eval-${pending.slice(0, 12)}`;
    const finished = async () => ((await statusJson(ids.evaluation!)).status === 'COMPLETED' ? true : undefined);
    await eventually('the evaluation to finish', finished, 240_000);
  }, 360_000);

  it('a failing run: run --wait prints the root cause as status does; cancel says it is finished', async () => {
    const failing = exampleSpecWith({ name: `${name}-tiny`, dataset: { ...dataset, limits: { maxFileBytes: 100 } } });
    const run = await runCli(['run', failing, '--wait'], env());
    expect(run.code).toBe(1);
    ids.failed = /^run (\S+)/m.exec(run.stdout)![1]!;
    expect(run.stdout).toMatch(/failed: .*exceeds the 100-byte limit \(dataset\.limits\.maxFileBytes\)/);
    expect(run.stdout).not.toContain('Activity task failed');
    const status = await runCli(['status', ids.failed], env());
    expect(status.code).toBe(1);
    expect(status.stdout).toMatch(/FAILED: .*exceeds the 100-byte limit/);
    const cancel = await runCli(['cancel', ids.failed], env());
    expect(cancel.code).toBe(1);
    expect(cancel.stderr).toContain(`run ${ids.failed} has already finished (FAILED): nothing to cancel`);
    expect(cancel.stdout).not.toContain('cancellation requested');
  }, 300_000);

  it('tailor status works on every ID tailor runs --all prints, with a summary of its kind', async () => {
    // The sunset check, once here (tailor dev's backend answers /v1/models) and once as a scheduled workflow.
    expect((await runCli(['sunset'], env())).stderr).not.toMatch(NO_STACK);
    expect(await runCli(['sunset', '--schedule', '1h', '--name', `${name}-sunset`], env())).toMatchObject(ok);
    try {
      expect(await runCli(['schedule', 'trigger', `${name}-sunset`], env())).toMatchObject(ok);
      await eventually(
        'the sunset check to finish',
        async () => {
          return closed('sunsetWatchWorkflow');
        },
        120_000,
      );
    } finally {
      await runCli(['schedule', 'delete', `${name}-sunset`], env());
    }
    const listed = await eventually(
      'every run in visibility',
      async () => {
        const r = await runCli(['runs', '--all'], env());
        const shown = r.stdout
          .split('\n')
          .filter(Boolean)
          .map((l) => l.split(/\s+/)[0]!);
        return Object.values(ids).every((id) => shown.includes(id)) ? shown : undefined;
      },
      60_000,
    );
    const expected: Record<string, RegExp> = {
      [ids.pipeline!]: /COMPLETED, promoted .*\[pipeline\][\s\S]*Report: .*evaluation\.html/,
      [ids.evalSuite!]: /COMPLETED, gate passed: .* \[eval suite\]/,
      [ids.scheduled!]: new RegExp(
        `COMPLETED, skipped: dataset unchanged since run ${ids.pipeline} \\[scheduled run\\]`,
      ),
      [ids.watcher!]: /RUNNING \(watching\) \[watcher\][\s\S]*pending change: none[\s\S]*→ .*-eval-.* started/,
      [ids.evaluation!]: /COMPLETED, .* \[evaluation\][\s\S]*score/,
      [ids.failed!]: /FAILED: .*100-byte limit/,
    };
    const kinds = new Set<string>();
    for (const id of listed) {
      const s = await runCli(['status', id], env());
      expect({ id, stderr: s.stderr }).not.toMatchObject({ stderr: expect.stringMatching(NO_STACK) });
      expect({ id, code: s.code }).toEqual({ id, code: id === ids.failed ? 1 : 0 });
      if (expected[id]) expect(s.stdout).toMatch(expected[id]!);
      kinds.add(/\[([a-z -]+)\]$/.exec(s.stdout.split('\n')[0]!)?.[1] ?? `no kind: ${s.stdout.split('\n')[0]}`);
      expect((await statusJson(id)).runId).toBe(id);
    }
    const all = ['eval suite', 'evaluation', 'index build', 'pipeline', 'scheduled run', 'sunset check', 'watcher'];
    expect([...kinds].sort()).toEqual(all);
    // A pipeline's children (the Web UI links to them) have their own kinds too.
    const children: [string, RegExp][] = [
      [`${ids.pipeline}/fine-tune`, /COMPLETED, model \S+ \[fine-tune\]\n.*trained tokens/],
      [`${ids.pipeline}/evaluate`, /COMPLETED, gate .* \[eval suite\]/],
      [`${ids.pipeline}/deploy`, /COMPLETED, promoted \(prod → \S+\) \[deploy\]\nprevious: /],
    ];
    for (const [id, summary] of children) {
      const s = await runCli(['status', id], env());
      expect({ id, code: s.code, stderr: s.stderr }).toEqual({ id, code: 0, stderr: '' });
      expect(s.stdout).toMatch(summary);
    }
    await runCli(['watch', '--stop', '--spec', spec], env());
  }, 300_000);
});
