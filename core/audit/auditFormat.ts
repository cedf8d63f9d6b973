import type { Spend } from '../pipeline/pipelineTypes';
import type { AuditActivity, AuditReport, LineageLink } from './auditTypes';

/** Shared wording of the Markdown and HTML audits, so both say the same thing. */
export const iso = (ms: number | undefined) =>
  ms === undefined
    ? ''
    : new Date(ms)
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, 'Z');

export function duration(from: number | undefined, to: number | undefined): string {
  if (from === undefined || to === undefined) return '';
  const ms = to - from;
  return ms < 1000 ? `${ms} ms` : ms < 120_000 ? `${(ms / 1000).toFixed(1)} s` : `${(ms / 60_000).toFixed(1)} min`;
}

export const usd = (x: number | undefined) => (x === undefined ? 'n/a' : `$${x.toFixed(4)}`);

export function headline(r: AuditReport): string {
  const what = r.pipeline ? `pipeline ${r.pipeline}` : r.workflowType;
  const stage = r.stage ? ` (stage ${r.stage})` : '';
  return `${what}, ${r.status}${stage}${r.failure && r.status !== 'completed' ? ` — ${r.failure}` : ''}`;
}

export function lineageText(chain: LineageLink[]): string {
  return chain.map((l) => `${l.kind} ${l.id}${l.detail ? ` (${l.detail})` : ''}`).join(' → ');
}

/** The spend table's rows: every priced step with its estimate and what it cost. */
export function spendRows(s: Spend): string[][] {
  const steps = [
    ...new Set([...Object.keys(s.estimatedUsd), ...Object.keys(s.actualUsd)]),
  ] as (keyof Spend['actualUsd'])[];
  return steps.map((step) => [step, usd(s.estimatedUsd[step]), usd(s.actualUsd[step])]);
}

export function spendSummary(s: Spend): string {
  return `budget ${s.budgetUsd === null ? 'none' : usd(s.budgetUsd)}; spent ${usd(s.totalUsd)}`;
}

export function artifactsText(a: AuditActivity['inputs']): string {
  return a
    .map(
      (x) =>
        `${x.path || x.name || 'artifact'} sha256:${x.sha256.slice(0, 12)} ${x.bytes} B` +
        `${x.count !== undefined ? ` ×${x.count}` : ''}`,
    )
    .join('; ');
}

export function idsText(ids: Record<string, string> | undefined): string {
  return ids
    ? Object.entries(ids)
        .map(([k, v]) => `${k} ${v}`)
        .join('; ')
    : '';
}

/** Status checks repeat every few seconds; they matter only when they failed or were retried. */
const POLLS = new Set(['getJobStatus', 'getFileStatus']);

/** Activities that moved data or the provider: those with artifacts, ids, retries or failures (polls are noise). */
export function notableActivities(r: AuditReport): AuditActivity[] {
  return r.activities.filter((a) => {
    const troubled = a.attempts > 1 || a.failures.length > 0 || a.status !== 'completed';
    return troubled || (!POLLS.has(a.name) && (a.inputs.length > 0 || a.outputs.length > 0 || a.ids !== undefined));
  });
}
