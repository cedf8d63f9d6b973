import { CSS, esc } from '../report/htmlReport';
import type { AuditReport, AuditStep, RunStatus } from './auditTypes';
import {
  artifactsText,
  duration,
  headline,
  idsText,
  iso,
  notableActivities,
  spendRows,
  spendSummary,
} from './auditFormat';

const GOOD: readonly string[] = ['completed', 'approved', 'promoted'];
const BAD: readonly string[] = ['failed', 'timed_out', 'terminated', 'rejected', 'cancelled'];

function badge(status: RunStatus | AuditStep['status'] | string): string {
  const cls = GOOD.includes(status) ? 'pass' : BAD.includes(status) ? 'fail' : 'error';
  return `<span class="badge ${cls}">${esc(status)}</span>`;
}

function table(head: string[], rows: string[][]): string {
  return (
    `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>` +
    `${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</tbody></table>`
  );
}

const AUDIT_CSS =
  `.chain{display:flex;flex-wrap:wrap;gap:6px;align-items:center}.chain .link{border:1px solid ` +
  `var(--line);border-radius:6px;padding:4px 8px;background:var(--soft)}.chain ` +
  `.arrow{color:var(--muted)}code{font-size:12px}`;

/**
 * The audit as one self-contained HTML file (inline CSS, no scripts, no external assets), with every value escaped:
 * status, lineage, steps, activities with their artifacts, child runs, approvals, alias moves and spend.
 */
export function renderAuditHtml(r: AuditReport): string {
  const sections: string[] = [];
  sections.push(
    `<header><h1>Audit of ${esc(r.runId)}</h1><p>${badge(r.status)} ${esc(headline(r))}</p><p ` +
      `class="muted">Started ${esc(iso(r.startedAt))}` +
      `${r.closedAt ? ` · closed ${esc(iso(r.closedAt))} (${esc(duration(r.startedAt, r.closedAt))})` : ' · still open'}` +
      `${r.datasetSha256 ? ` · dataset <code>${esc(r.datasetSha256)}</code>` : ''}</p></header>`,
  );
  if (r.unreadablePayloads)
    sections.push(
      `<div class="gate no">${r.unreadablePayloads} payload(s) are encrypted and were not read: set ` +
        `TAILOR_ENCRYPTION_KEYS to the run's keys.</div>`,
    );
  if (r.lineage.length) {
    const links = r.lineage.map(
      (l) =>
        `<span class="link"><b>${esc(l.kind)}</b> <code>${esc(l.id)}</code>` +
        `${l.detail ? ` <span class="small">${esc(l.detail)}</span>` : ''}</span>`,
    );
    sections.push(
      `<section><h2>Lineage</h2><div class="chain">${links.join('<span class="arrow">→</span>')}</div></section>`,
    );
  }
  if (r.steps.length) {
    sections.push(
      `<section><h2>Steps</h2>${table(
        ['step', 'status', 'start (UTC)', 'end (UTC)', 'duration', 'attempts', 'failures', 'detail'],
        r.steps.map((s) => [
          esc(s.name),
          badge(s.status),
          esc(iso(s.startedAt)),
          esc(iso(s.endedAt)),
          esc(duration(s.startedAt, s.endedAt)),
          String(s.attempts || ''),
          `<span class="out">${esc(s.failures.join('\n'))}</span>`,
          esc(s.detail ?? s.error ?? ''),
        ]),
      )}</section>`,
    );
  }
  const acts = notableActivities(r);
  if (acts.length) {
    sections.push(
      `<section><h2>Activities: inputs and outputs</h2>${table(
        ['time (UTC)', 'workflow', 'activity', 'status', 'attempts', 'failures', 'inputs', 'outputs'],
        acts.map((a) => [
          esc(iso(a.scheduledAt)),
          esc(a.workflowId === r.runId ? '.' : a.workflowId.replace(`${r.runId}/`, '')),
          esc(a.name),
          badge(a.status),
          String(a.attempts),
          `<span class="out">${esc(a.failures.join('\n'))}</span>`,
          `<span class="out">${esc(artifactsText(a.inputs))}</span>`,
          `<span class="out">${esc([artifactsText(a.outputs), idsText(a.ids)].filter(Boolean).join('; '))}</span>`,
        ]),
      )}</section>`,
    );
  }
  if (r.children.length) {
    sections.push(
      `<section><h2>Child runs</h2>${table(
        ['workflow', 'type', 'status', 'start (UTC)', 'duration', 'failure'],
        r.children.map((c) => [
          `<code>${esc(c.workflowId)}</code>`,
          esc(c.type),
          badge(c.status),
          esc(iso(c.startedAt)),
          esc(duration(c.startedAt, c.endedAt)),
          esc(c.failure ?? ''),
        ]),
      )}</section>`,
    );
  }
  sections.push(
    `<section><h2>Approvals</h2>${
      r.approvals.length
        ? table(
            ['time (UTC)', 'decision', 'who', 'reason', 'client identity'],
            r.approvals.map((a) => [esc(iso(a.at)), badge(a.decision), esc(a.who), esc(a.why), esc(a.identity ?? '')]),
          )
        : '<p class="muted">None recorded.</p>'
    }</section>`,
  );
  if (r.aliasMoves.length) {
    sections.push(
      `<section><h2>Alias moves</h2>${table(
        ['time (UTC)', 'alias', 'from', 'to', 'who', 'why'],
        r.aliasMoves.map((m) => [
          esc(iso(m.at)),
          esc(`${m.pipeline}@${m.alias}`),
          `<code>${esc(m.fromModel ?? '-')}</code>`,
          `<code>${esc(m.toModel ?? '-')}</code>`,
          esc(m.who),
          esc(m.why),
        ]),
      )}</section>`,
    );
  }
  if (r.spend) {
    const rows = spendRows(r.spend).map((row) => row.map(esc));
    sections.push(
      `<section><h2>Spend</h2><p>${esc(spendSummary(r.spend))}</p>` +
        `${rows.length ? table(['step', 'estimated', 'actual'], rows) : ''}</section>`,
    );
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Audit: ${esc(r.runId)}</title>
<style>${CSS}${AUDIT_CSS}</style></head>
<body>${sections.join('\n')}</body></html>
`;
}
