import fs from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import type { WorkflowHandle } from '@temporalio/client';
import { startPipeline } from '../../cli/stack/startPipeline';
import { loadSpec } from '../../config/loadSpec';
import type { AuditReport } from '../../core/audit/auditTypes';
import type { customizationPipeline } from '../../workflows/customizationPipeline';
import { pendingApprovalQuery } from '../../workflows/deployMessages';
import { newKey } from '../codec/keys';
import { cliEnv, smallSpec, uniqueName } from '../operations/support';
import { jobsTagged, sdk, setFaults } from '../support/backendAdmin';
import { useHarness } from '../support/pipelineHarness';
import { runCli } from '../support/runCli';
import { eventually } from '../support/temporal';

// Everything this file runs is encrypted in history: the audit must read it through the codec.
process.env.TAILOR_ENCRYPTION_KEYS = `audit-${process.pid}:${newKey()}`;

/** A small pipeline under a fresh name, with `patch` applied to the parsed spec. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a parsed YAML spec, edited in place
function specFile(prefix: string, patch: (spec: Record<string, any>) => void = () => undefined): string {
  const { specFile: file } = smallSpec(uniqueName(prefix), { lines: 60 });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a parsed YAML spec, edited in place
  const spec = parse(fs.readFileSync(file, 'utf8')) as Record<string, any>;
  patch(spec);
  fs.writeFileSync(file, stringify(spec));
  return file;
}

describe('tailor audit: failed, approved, running and cancelled runs, rebuilt from encrypted history', () => {
  const h = useHarness('audit');
  let env: NodeJS.ProcessEnv;
  const audit = async (runId: string, ...args: string[]) => {
    const out = await runCli(['audit', runId, ...args], env);
    expect({ code: out.code, stderr: out.stderr }).toEqual({ code: 0, stderr: '' });
    return out.stdout;
  };
  const auditJson = async (runId: string) => JSON.parse(await audit(runId, '--json')) as AuditReport;
  const start = async (file: string) =>
    startPipeline(h.client, loadSpec(file), { taskQueue: h.taskQueue, rerun: true });

  beforeAll(() => {
    env = cliEnv(h);
  });
  afterEach(async () => {
    await setFaults(h.backend.baseURL, '');
  });

  it(
    'a failed run names the failing step, its attempts, the provider errors between them, and the lineage so ' + 'far',
    async () => {
      // Job creation fails twice with a 500 (retried by Temporal), then the provider fails the job itself.
      await setFaults(h.backend.baseURL, 'jobs.create=500#2,train.fail_after=3');
      const { handle, runId } = await start(specFile('audit-fail'));
      await expect(handle.result()).rejects.toThrow();
      const [job] = await jobsTagged(sdk(h.backend.baseURL), `${runId}/fine-tune`);

      // History really is ciphertext: without the audit's decoding no artifact reference could be read.
      const raw = await h.client.workflow.getHandle(runId).fetchHistory();
      const scheduled = raw.events!.find((e) => e.activityTaskScheduledEventAttributes)!;
      expect(
        Buffer.from(
          scheduled.activityTaskScheduledEventAttributes!.input!.payloads![0]!.metadata!.encoding!,
        ).toString(),
      ).toBe('binary/encrypted');

      const r = await auditJson(runId);
      expect(r.status).toBe('failed');
      expect(r.failure).toMatch(/fine-tuning job ftjob-\S+ failed/);
      expect(r.unreadablePayloads).toBe(0);
      const step = r.steps.find((s) => s.name === 'fine-tune')!;
      expect(step.status).toBe('failed');
      expect(step.error).toMatch(new RegExp(`fine-tuning job ${job!.id} failed: `));
      expect(step.attempts).toBe(3);
      const create = r.activities.find((a) => a.name === 'findOrCreateJob')!;
      expect(create).toMatchObject({
        workflowId: `${runId}/fine-tune`,
        status: 'completed',
        attempts: 3,
        ids: { jobId: job!.id },
      });
      expect(create.failures).toEqual([expect.stringMatching(/^attempt 2: .*500/)]);
      expect(step.failures).toEqual(
        expect.arrayContaining([
          `findOrCreateJob ${create.failures[0]}`,
          expect.stringMatching(/fine-tune: fine-tuning job .* failed/),
        ]),
      );
      expect(r.steps.map((s) => s.status)).toEqual(['completed', 'completed', 'failed', 'skipped', 'skipped']);
      // Inputs and outputs: the train split went from prepareDataset into the upload, by reference.
      const train = r.activities.find((a) => a.name === 'prepareDataset')!.outputs.find((o) => o.path === 'train')!;
      expect(train).toMatchObject({
        uri: `artifact:sha256:${train.sha256}`,
        bytes: expect.any(Number),
        count: expect.any(Number),
      });
      expect(r.activities.find((a) => a.name === 'uploadTrainingFile')!.inputs).toEqual([
        expect.objectContaining({ path: 'artifact', sha256: train.sha256 }),
      ]);
      expect(r.lineage.map((l) => l.kind)).toEqual(['dataset', 'train', 'upload', 'job']);
      expect(r.lineage[3]!.id).toBe(job!.id);
      expect(r.spend?.estimatedUsd['fine-tune']).toBeGreaterThan(0);

      const md = await audit(runId, '--md');
      expect(md).toMatch(/\| fine-tune \| failed \|.*\| 3 \|.*attempt 2: /);
      // Without the key the audit still works and says what it could not read.
      const locked = await runCli(['audit', runId, '--json'], { ...env, TAILOR_ENCRYPTION_KEYS: '' });
      expect(locked.code).toBe(0);
      expect((JSON.parse(locked.stdout) as AuditReport).unreadablePayloads).toBeGreaterThan(0);
    },
  );

  it(
    'an approved run shows approver and reason, spend, and the lineage chain with the real job and model (md ' +
      'and html)',
    async () => {
      const file = specFile(
        'audit-approve',
        (s) => (s.deploy.approval = { type: 'manual', approvers: ['alice'], timeout: '10 minutes' }),
      );
      const { handle, runId } = await start(file);
      await eventually(
        'the approval wait',
        async () =>
          (await h.client.workflow
            .getHandle(`${runId}/deploy`)
            .query(pendingApprovalQuery)
            .catch(() => null)) ?? undefined,
        90_000,
      );
      expect(
        await runCli(['approve', runId, '--by', 'alice', '--reason', 'checked <the> "numbers"'], env),
      ).toMatchObject({ code: 0 });
      const result = await handle.result();
      expect(result.deploy.outcome).toBe('promoted');
      const jobId = result.fineTune!.jobId;
      const model = result.deploy.model!;

      const r = await auditJson(runId);
      expect(r.status).toBe('completed');
      expect(r.approvals).toEqual([
        expect.objectContaining({
          decision: 'approved',
          who: 'alice',
          why: 'checked <the> "numbers"',
          source: 'registry',
          identity: expect.any(String),
        }),
      ]);
      expect(r.children.map((c) => [c.workflowId, c.status])).toEqual([
        [`${runId}/fine-tune`, 'completed'],
        [`${runId}/evaluate`, 'completed'],
        [`${runId}/deploy`, 'completed'],
      ]);
      expect(r.spend!.actualUsd['fine-tune']).toBeGreaterThan(0);
      expect(r.steps.every((s) => s.status === 'completed')).toBe(true);
      expect(r.lineage.map((l) => l.kind)).toEqual(['dataset', 'train', 'upload', 'job', 'model', 'eval', 'alias']);

      const mdFile = path.join(h.home, 'audit.md');
      expect(await audit(runId, '--md', '--out', mdFile)).toContain(mdFile);
      const md = fs.readFileSync(mdFile, 'utf8');
      const chain = md.split('\n').find((l) => l.startsWith('dataset sha256:'))!;
      expect(chain).toContain(`→ job ${jobId}`);
      expect(chain).toContain(`→ model ${model}`);
      expect(chain).toMatch(
        new RegExp(
          `→ alias ${result.pipeline}@prod \\(none → ${model.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} by alice\\)`,
        ),
      );
      expect(md).toContain('| approved | alice | checked <the> "numbers"');

      const html = await audit(runId, '--html');
      expect(html.startsWith('<!doctype html>')).toBe(true);
      expect(html.trimEnd().endsWith('</html>')).toBe(true);
      expect(html).not.toMatch(/<script|<link|src=|https?:\/\//i);
      expect(html).toContain('checked &lt;the&gt; &quot;numbers&quot;');
      expect(html).not.toContain('<the>');
      for (const tag of ['section', 'table', 'tr', 'td', 'code']) {
        expect([tag, html.split(`<${tag}>`).length + html.split(`<${tag} `).length - 2]).toEqual([
          tag,
          html.split(`</${tag}>`).length - 1,
        ]);
      }
      expect(html).toContain(jobId);
    },
  );

  it('a running run reports its status, stage and spend; cancelled, it reports that, not a crash', async () => {
    // Slow steps, and the job is paused at the provider as soon as it exists: the run then stays in its fine-tune
    // stage for as long as the audits below take, however loaded the machine is.
    await setFaults(h.backend.baseURL, 'train.slow=800');
    const { handle, runId } = (await start(specFile('audit-running'))) as {
      handle: WorkflowHandle<typeof customizationPipeline>;
      runId: string;
    };
    const job = await eventually(
      'the remote job to exist',
      async () => {
        const [j] = await jobsTagged(sdk(h.backend.baseURL), `${runId}/fine-tune`);
        return j && (j.status === 'running' || j.status === 'queued') ? j : undefined;
      },
      60_000,
    );
    await sdk(h.backend.baseURL).fineTuning.jobs.pause(job.id);
    const running = await auditJson(runId);
    expect(running).toMatchObject({ status: 'running', stage: 'fine-tune' });
    expect(running.closedAt).toBeUndefined();
    expect(running.steps.map((s) => s.status)).toEqual(['completed', 'completed', 'running', 'pending', 'pending']);
    expect(running.spend!.estimatedUsd['fine-tune']).toBeGreaterThan(0);
    expect(running.lineage.find((l) => l.kind === 'job')?.id).toBe(job.id);
    expect(running.children).toEqual([
      expect.objectContaining({ workflowId: `${runId}/fine-tune`, status: 'running' }),
    ]);
    expect(await audit(runId, '--md')).toContain('running (stage fine-tune)');

    await handle.cancel();
    await expect(handle.result()).rejects.toThrow();
    const cancelled = await auditJson(runId);
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.steps.find((s) => s.name === 'fine-tune')!.status).toBe('cancelled');
    expect(cancelled.children[0]!.status).toBe('cancelled');
    expect(await audit(runId)).toContain(`Audit of ${runId}: pipeline `);
  });

  it('bad calls get a clear message and exit 2', async () => {
    const unknown = await runCli(['audit', 'no-such-run'], env);
    expect(unknown).toMatchObject({ code: 2, stderr: expect.stringContaining("no run named 'no-such-run'") });
    const two = await runCli(['audit', 'x', '--md', '--html'], env);
    expect(two).toMatchObject({ code: 2, stderr: expect.stringContaining('choose one of --json, --md and --html') });
    const out = await runCli(['audit', 'x', '--out', 'f.txt'], env);
    expect(out).toMatchObject({ code: 2, stderr: expect.stringContaining('--out needs one of') });
  });
});
