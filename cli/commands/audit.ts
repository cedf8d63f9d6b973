import fs from 'node:fs';
import { buildAuditReport } from '../../core/audit/auditReport';
import type { AuditReport } from '../../core/audit/auditTypes';
import { headline, iso, lineageText } from '../../core/audit/auditFormat';
import { timelineDetail } from '../../core/audit/timelineDetail';
import { renderAuditHtml } from '../../core/audit/renderAuditHtml';
import { renderAuditMarkdown } from '../../core/audit/renderAuditMarkdown';
import { textTable } from '../../core/text/textTable';
import { parseCommandArgs } from '../args';
import { UsageError, type CliCommand } from '../command';
import { collectAuditSources } from '../stack/auditSources';
import { connectClient } from '../temporalConnection';
import { clientTarget } from './run';

/** The terminal view: the status line, the lineage, then every event in order. */
function renderText(r: AuditReport): string {
  const lines = [`Audit of ${r.runId}: ${headline(r)}`];
  if (r.lineage.length) lines.push(`Lineage: ${lineageText(r.lineage)}`);
  lines.push(
    '',
    textTable(
      ['time (UTC)', 'workflow', 'kind', 'name', 'status', 'attempt', 'duration', 'detail'],
      r.timeline.map((t) => [
        iso(t.at),
        t.workflowId === r.runId ? '.' : t.workflowId.slice(r.runId.length),
        t.kind,
        t.name,
        t.status,
        t.attempt ? String(t.attempt) : '',
        t.durationMs !== undefined ? `${t.durationMs} ms` : '',
        timelineDetail(t, r).slice(0, 100),
      ]),
    ),
  );
  if (r.approvals.length)
    lines.push(
      '',
      'Approvals',
      textTable(
        ['time (UTC)', 'decision', 'who', 'why'],
        r.approvals.map((a) => [iso(a.at), a.decision, a.who, a.why]),
      ),
    );
  if (r.aliasMoves.length) {
    lines.push(
      '',
      'Alias moves',
      textTable(
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
  return lines.join('\n') + '\n';
}

export const command: CliCommand = {
  name: 'audit',
  summary: "a run's step history from Temporal plus the registry's record",
  help: `Usage: tailor audit RUN [--json | --md | --html] [--out FILE]

Rebuilds what happened in a run from Temporal's event history (the run and every child workflow) and the
registry, for running, completed, failed and cancelled runs alike:
  - status, and each step with start, end, attempts and the failures between them (the provider's words);
  - inputs and outputs of every activity: artifact references {uri, sha256, bytes, count} and provider IDs,
    decoded through the payload codec (TAILOR_ENCRYPTION_KEYS) when history is encrypted;
  - approvals and rejections with who, why and the sending client's identity; child runs with their status;
  - spend (estimated and actual USD per step); lineage dataset → train split → upload → job → model →
    eval report → alias move.
Works for pipeline runs and for \`tailor promote\` / \`tailor rollback\` runs. A running pipeline's steps and spend
come from its progress query, which needs a worker; without one the audit falls back to history alone.

Options:
  --json       the whole report as JSON
  --md         the report as Markdown
  --html       the report as one self-contained HTML file (no scripts, no external assets)
  --out FILE   write the report to FILE instead of stdout (with --json, --md or --html)

Example: tailor audit support-tickets-3f2a9c1d0b7e-8e1f0a2b3c4d --html --out audit.html`,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, {
      json: { type: 'boolean', default: false },
      md: { type: 'boolean', default: false },
      html: { type: 'boolean', default: false },
      out: { type: 'string' },
    });
    if (positionals.length !== 1) throw new UsageError('expected exactly one RUN id');
    const formats = (['json', 'md', 'html'] as const).filter((f) => values[f]);
    if (formats.length > 1)
      throw new UsageError(`choose one of --json, --md and --html (got ${formats.map((f) => `--${f}`).join(' and ')})`);
    if (values.out !== undefined && formats.length === 0)
      throw new UsageError('--out needs one of --json, --md or --html');
    const runId = positionals[0]!;
    const { client, connection } = await connectClient(await clientTarget());
    let report: AuditReport;
    try {
      report = buildAuditReport(await collectAuditSources(client, connection, runId));
    } finally {
      await connection.close();
    }
    const format = formats[0];
    const text =
      format === 'json'
        ? JSON.stringify(report) + '\n'
        : format === 'md'
          ? renderAuditMarkdown(report)
          : format === 'html'
            ? renderAuditHtml(report)
            : renderText(report);
    if (values.out !== undefined) {
      try {
        fs.writeFileSync(values.out, text);
      } catch (err) {
        throw new UsageError(
          `cannot write --out ${values.out}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
        );
      }
      console.log(`audit of ${runId} (${report.status}) written to ${values.out}`);
    } else process.stdout.write(text);
    return 0;
  },
};
