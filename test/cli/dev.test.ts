import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, isListening } from '../../workers/freePort';
import { resolveTemporalBinary } from '../../workers/temporalBinary';
import { runCli, TAILOR_BIN } from '../support/runCli';
import { exampleSpecWith } from '../support/specFiles';
import { eventually } from '../support/temporal';

/**
 * `tailor dev` as a user runs it: its own dev server (UI on), backend and worker; `tailor demo` attaches to it; the
 * official Temporal CLI sees the demo's run and its activities; Ctrl-C leaves no process and no port behind.
 */
describe('tailor dev', () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-dev-'));
  let dev: ChildProcess;
  let out = '';
  let ports: { port: number; ui: number; backend: number };
  const binary = resolveTemporalBinary();
  const temporalCli = binary.type === 'path' ? binary.path : 'temporal';

  beforeAll(async () => {
    ports = { port: await freePort(), ui: await freePort(), backend: await freePort() };
    dev = spawn(
      process.execPath,
      [
        TAILOR_BIN,
        'dev',
        '--port',
        String(ports.port),
        '--ui-port',
        String(ports.ui),
        '--backend-port',
        String(ports.backend),
      ],
      {
        env: { ...process.env, TAILOR_HOME: home, TEMPORAL_ADDRESS: '', OPENAI_BASE_URL: '', OPENAI_API_KEY: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    dev.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    dev.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`tailor dev did not get ready:\n${out}`)), 90_000);
      const check = () => (out.includes('Ready.') ? (clearTimeout(timer), resolve()) : setTimeout(check, 100));
      dev.once('exit', (code) => reject(new Error(`tailor dev exited ${code}:\n${out}`)));
      check();
    });
  });

  afterAll(() => {
    if (dev && dev.exitCode === null) dev.kill('SIGKILL');
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('prints the UI address and listens on every port', async () => {
    expect(out).toContain(`Temporal Web UI: http://127.0.0.1:${ports.ui}`);
    for (const p of [ports.port, ports.ui, ports.backend]) expect(await isListening(p)).toBe(true);
  });

  it('runs the demo, and the official Temporal CLI sees the run and its activities', async () => {
    const demo = await runCli(['demo', '--json'], {
      TAILOR_HOME: home,
      TEMPORAL_ADDRESS: '',
      OPENAI_BASE_URL: '',
      OPENAI_API_KEY: '',
    });
    expect(demo.code).toBe(0);
    const summary = JSON.parse(demo.stdout) as { runId: string; ok: boolean };
    expect(summary.ok).toBe(true);
    expect(demo.stderr).toContain('Temporal: tailor dev');

    const address = `127.0.0.1:${ports.port}`;
    const list = execFileSync(temporalCli, ['workflow', 'list', '--address', address, '--output', 'json'], {
      encoding: 'utf8',
    });
    expect(list).toContain(summary.runId);
    const show = execFileSync(
      temporalCli,
      ['workflow', 'show', '--address', address, '-w', summary.runId, '--output', 'json'],
      { encoding: 'utf8' },
    );
    expect(show).toContain('prepareDataset');
    expect(show).toContain('validateDataset');
    const child = execFileSync(
      temporalCli,
      ['workflow', 'show', '--address', address, '-w', `${summary.runId}/fine-tune`, '--output', 'json'],
      { encoding: 'utf8' },
    );
    expect(child).toContain('findOrCreateJob');
  });

  it(
    'tailor run starts a pipeline that its worker ' +
      'executes, tailor status reports it, and a repeat is ' +
      'a no-op',
    async () => {
      const env = { TAILOR_HOME: home, TEMPORAL_ADDRESS: '', OPENAI_BASE_URL: '', OPENAI_API_KEY: '' };
      const spec = exampleSpecWith({ name: 'cli-run', baselines: { zeroShot: true } });
      const started = await runCli(['run', spec, '--json'], env);
      expect(started.code).toBe(0);
      const { runId, existing } = JSON.parse(started.stdout) as { runId: string; existing: boolean };
      expect(runId).toMatch(/^cli-run-[0-9a-f]{12}-[0-9a-f]{12}$/);
      expect(existing).toBe(false);

      const again = await runCli(['run', spec, '--json'], env);
      expect(JSON.parse(again.stdout)).toEqual({ runId, existing: true });

      const waited = await runCli(['run', spec, '--wait', '--json'], env);
      expect(waited.code).toBe(0);
      const summary = JSON.parse(waited.stdout) as { ok: boolean; runId: string; deployed: { outcome: string } };
      expect(summary).toMatchObject({ ok: true, runId, deployed: { outcome: 'promoted' } });

      const status = await runCli(['status', runId, '--json'], env);
      expect(status.code).toBe(0);
      expect(JSON.parse(status.stdout)).toMatchObject({ runId, status: 'COMPLETED' });
      const human = await runCli(['status', runId], env);
      expect(human.stdout).toContain('COMPLETED, promoted');

      const unknown = await runCli(['status', 'no-such-run'], env);
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain("no run named 'no-such-run'");
    },
  );

  it('manual approval, promote, rollback, resolve, registry and audit from the CLI', async () => {
    const env = { TAILOR_HOME: home, TEMPORAL_ADDRESS: '', OPENAI_BASE_URL: '', OPENAI_API_KEY: '' };
    const spec = exampleSpecWith({
      name: 'cli-manual',
      deploy: { alias: 'prod', approval: { type: 'manual', approvers: ['alice'], timeout: '10 minutes' } },
    });
    const { runId } = JSON.parse((await runCli(['run', spec, '--json'], env)).stdout) as { runId: string };
    const waiting = await eventually(
      'the run to wait for approval',
      async () => {
        const s = JSON.parse((await runCli(['status', runId, '--json'], env)).stdout) as {
          pendingApproval?: { approvers: string[] } | null;
        };
        return s.pendingApproval ?? undefined;
      },
      90_000,
    );
    expect(waiting.approvers).toEqual(['alice']);
    expect((await runCli(['status', runId], env)).stdout).toContain(`tailor approve ${runId} --by NAME --reason TEXT`);

    const refused = await runCli(['approve', runId, '--by', 'mallory', '--reason', 'x'], env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("'mallory' is not an approver");
    const approved = await runCli(['approve', runId, '--by', 'alice', '--reason', 'looks right'], env);
    expect(approved.code).toBe(0);
    expect(approved.stdout).toContain('approved by alice');
    const done = await eventually(
      'the run to complete',
      async () => {
        const s = JSON.parse((await runCli(['status', runId, '--json'], env)).stdout) as {
          status: string;
          result?: { deploy: { outcome: string; model: string } };
        };
        return s.status === 'COMPLETED' ? s.result : undefined;
      },
      60_000,
    );
    expect(done.deploy.outcome).toBe('promoted');
    const m1 = done.deploy.model;
    expect((await runCli(['resolve', 'cli-manual@prod'], env)).stdout.trim()).toBe(m1);

    // Promote another registered model by hand, then roll back: both are audited workflow runs.
    const listed = JSON.parse((await runCli(['registry', 'list', '--json'], env)).stdout) as {
      models: { model: string }[];
    };
    const other = listed.models.map((m) => m.model).find((m) => m !== m1)!;
    const promoted = await runCli(
      ['promote', 'cli-manual@prod', other, '--reason', 'try the other one', '--by', 'bob', '--json'],
      env,
    );
    expect(promoted.code).toBe(0);
    expect((await runCli(['resolve', 'cli-manual@prod'], env)).stdout.trim()).toBe(other);
    const rolled = await runCli(
      ['rollback', 'cli-manual@prod', '--reason', 'worse answers', '--by', 'carol', '--json'],
      env,
    );
    expect(rolled.code).toBe(0);
    const { runId: rollbackRun, to } = JSON.parse(rolled.stdout) as { runId: string; to: string };
    expect(to).toBe(m1);
    expect((await runCli(['resolve', 'cli-manual@prod'], env)).stdout.trim()).toBe(m1);

    const audit = await runCli(['audit', rollbackRun], env);
    expect(audit.code).toBe(0);
    expect(audit.stdout).toContain('rollbackAlias');
    expect(audit.stdout).toContain('rollback: worse answers');
    expect(audit.stdout).toContain('carol');
    const pipelineAudit = JSON.parse((await runCli(['audit', runId, '--json'], env)).stdout) as {
      timeline: { name: string; kind: string }[];
      approvals: { who: string }[];
    };
    expect(pipelineAudit.timeline.some((t) => t.kind === 'update' && t.name === 'approve')).toBe(true);
    expect(pipelineAudit.approvals.map((a) => a.who)).toContain('alice');

    const history = JSON.parse((await runCli(['registry', 'history', 'cli-manual@prod', '--json'], env)).stdout) as {
      who: string;
    }[];
    expect(history.map((h) => h.who)).toEqual(['alice', 'bob', 'carol']);
  });

  it('stops every part on Ctrl-C: no process and no listening port remain', async () => {
    const exited = new Promise<number | null>((r) => dev.once('exit', (code) => r(code)));
    dev.kill('SIGINT');
    expect(await exited).toBe(0);
    for (const p of [ports.port, ports.ui, ports.backend]) expect(await isListening(p)).toBe(false);
    // The dev server's command line names its SQLite file under this TAILOR_HOME; nothing with it may survive.
    const left = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l.includes(home));
    expect(left).toEqual([]);
  });
});
