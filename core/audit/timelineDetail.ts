import { artifactsText, idsText } from './auditFormat';
import type { AuditReport } from './auditTypes';
import type { TimelineEntry } from './timeline';

/**
 * What one timeline row says in its detail column: a failure or a sender when history recorded one; otherwise
 * what the row produced: an activity's provider IDs and output artifacts, a child run's step detail or outputs.
 */
export function timelineDetail(
  t: TimelineEntry,
  r: Pick<AuditReport, 'runId' | 'activities' | 'children' | 'steps'>,
): string {
  if (t.detail) return t.detail;
  if (t.kind === 'activity') {
    const a = r.activities.find((x) => x.workflowId === t.workflowId && x.name === t.name && x.scheduledAt === t.at);
    return a ? [idsText(a.ids), artifactsText(a.outputs)].filter(Boolean).join('; ') : '';
  }
  if (t.kind === 'child') {
    const within = (id: string) => id === t.name || id.startsWith(`${t.name}/`);
    const inside = r.activities.find((a) => a.step && within(a.workflowId));
    const step = r.steps.find((s) => s.name === inside?.step);
    if (step?.detail) return step.detail;
    const child = r.children.find((c) => c.workflowId === t.name);
    return child ? artifactsText(child.outputs) : '';
  }
  if (t.kind === 'workflow' && t.status === 'completed' && t.workflowId !== r.runId) {
    const child = r.children.find((c) => c.workflowId === t.workflowId);
    return child ? artifactsText(child.outputs) : '';
  }
  return '';
}
