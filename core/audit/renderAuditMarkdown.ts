import type { AuditReport } from './auditTypes';
import {
  artifactsText,
  duration,
  headline,
  idsText,
  iso,
  lineageText,
  notableActivities,
  spendRows,
  spendSummary,
} from './auditFormat';

const cell = (s: string | number | undefined) =>
  String(s ?? '')
    .replace(/\|/g, '\\|')
    .replace(/\n/g, ' ');
const table = (head: string[], rows: (string | number | undefined)[][]) =>
  [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n');

/** The audit as Markdown: status, steps with attempts and failures, lineage, approvals, children, spend, artifacts. */
export function renderAuditMarkdown(r: AuditReport): string {
  const out: string[] = [`# Audit of ${r.runId}`, '', `**Status:** ${headline(r)}`, ''];
  out.push(
    `Started ${iso(r.startedAt)}` +
      `${r.closedAt ? `, closed ${iso(r.closedAt)} (${duration(r.startedAt, r.closedAt)})` : ', still open'}.`,
  );
  if (r.datasetSha256) out.push(`Dataset sha256 \`${r.datasetSha256}\`, spec sha256 \`${r.specSha256 ?? ''}\`.`);
  if (r.unreadablePayloads)
    out.push(
      '',
      `> ${r.unreadablePayloads} payload(s) are encrypted and were not read: set TAILOR_ENCRYPTION_KEYS to ` +
        `the run's keys.`,
    );
  if (r.lineage.length) out.push('', '## Lineage', '', lineageText(r.lineage));
  if (r.steps.length) {
    out.push('', '## Steps', '');
    out.push(
      table(
        ['step', 'status', 'start (UTC)', 'end (UTC)', 'duration', 'attempts', 'failures', 'detail'],
        r.steps.map((s) => [
          s.name,
          s.status,
          iso(s.startedAt),
          iso(s.endedAt),
          duration(s.startedAt, s.endedAt),
          s.attempts || '',
          s.failures.join('; '),
          s.detail ?? s.error ?? '',
        ]),
      ),
    );
  }
  const acts = notableActivities(r);
  if (acts.length) {
    out.push('', '## Activities (inputs and outputs)', '');
    out.push(
      table(
        ['time (UTC)', 'workflow', 'activity', 'status', 'attempts', 'failures', 'inputs', 'outputs'],
        acts.map((a) => [
          iso(a.scheduledAt),
          a.workflowId === r.runId ? '.' : a.workflowId.replace(`${r.runId}/`, ''),
          a.name,
          a.status,
          a.attempts,
          a.failures.join('; '),
          artifactsText(a.inputs),
          [artifactsText(a.outputs), idsText(a.ids)].filter(Boolean).join('; '),
        ]),
      ),
    );
  }
  if (r.children.length) {
    out.push('', '## Child runs', '');
    out.push(
      table(
        ['workflow', 'type', 'status', 'start (UTC)', 'duration', 'failure'],
        r.children.map((c) => [
          c.workflowId,
          c.type,
          c.status,
          iso(c.startedAt),
          duration(c.startedAt, c.endedAt),
          c.failure ?? '',
        ]),
      ),
    );
  }
  out.push('', '## Approvals', '');
  out.push(
    r.approvals.length
      ? table(
          ['time (UTC)', 'decision', 'who', 'reason', 'client identity'],
          r.approvals.map((a) => [iso(a.at), a.decision, a.who, a.why, a.identity ?? '']),
        )
      : 'None recorded.',
  );
  if (r.aliasMoves.length) {
    out.push('', '## Alias moves', '');
    out.push(
      table(
        ['time (UTC)', 'alias', 'from', 'to', 'who', 'why'],
        r.aliasMoves.map((m) => [
          iso(m.at),
          `${m.pipeline}@${m.alias}`,
          m.fromModel ?? '-',
          m.toModel ?? '-',
          m.who,
          m.why,
        ]),
      ),
    );
  }
  if (r.spend) {
    out.push('', '## Spend', '', `${spendSummary(r.spend)}.`, '');
    const rows = spendRows(r.spend);
    if (rows.length) out.push(table(['step', 'estimated', 'actual'], rows));
  }
  out.push('');
  return out.join('\n');
}
