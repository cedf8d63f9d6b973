import type { AuditReport } from '../../core/audit/auditTypes';
import { timelineDetail } from '../../core/audit/timelineDetail';
import type { TimelineEntry } from '../../core/audit/timeline';

const RUN = 'support-tickets-abc';
const sha = 'b'.repeat(64);
const train = { uri: `artifact:sha256:${sha}`, sha256: sha, bytes: 1200, count: 329, path: 'train' };
type Activity = AuditReport['activities'][number];
const act = (a: Pick<Activity, 'workflowId' | 'name' | 'step' | 'scheduledAt'> & Partial<Activity>): Activity => ({
  activityId: '1',
  status: 'completed',
  attempts: 1,
  failures: [],
  inputs: [],
  outputs: [],
  ...a,
});
const report: Pick<AuditReport, 'runId' | 'activities' | 'children' | 'steps'> = {
  runId: RUN,
  activities: [
    act({ workflowId: RUN, name: 'prepareDataset', step: 'prepare', scheduledAt: 10, outputs: [train] }),
    act({ workflowId: `${RUN}/fine-tune`, name: 'createJob', step: 'fine-tune', scheduledAt: 3, ids: { jobId: 'j1' } }),
    act({ workflowId: `${RUN}/evaluate`, name: 'evaluateShard', step: 'evaluate', scheduledAt: 50 }),
  ],
  children: [],
  steps: [{ name: 'evaluate', status: 'completed', attempts: 1, failures: [], detail: 'fine-tuned 0.894 · base 0.5' }],
};
const row = (t: Partial<TimelineEntry>): TimelineEntry => ({
  workflowId: RUN,
  at: 0,
  kind: 'activity',
  name: '',
  status: 'completed',
  ...t,
});

describe("the audit timeline's detail column", () => {
  it('says what each completed row produced, not only failures', () => {
    const prepared = timelineDetail(row({ name: 'prepareDataset', at: 10 }), report);
    expect(prepared).toBe('train sha256:bbbbbbbbbbbb 1200 B ×329');
    const job = timelineDetail(row({ workflowId: `${RUN}/fine-tune`, name: 'createJob', at: 3 }), report);
    expect(job).toBe('jobId j1');
    const child = timelineDetail(row({ kind: 'child', name: `${RUN}/evaluate`, at: 45 }), report);
    expect(child).toBe('fine-tuned 0.894 · base 0.5');
    // A failure recorded in history still wins.
    const failed = row({ name: 'prepareDataset', at: 10, status: 'failed', detail: 'boom' });
    expect(timelineDetail(failed, report)).toBe('boom');
  });
});
