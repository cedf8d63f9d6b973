import { runIdFor } from '../../cli/stack/startPipeline';
import { formatDuration, parseDuration } from '../../core/operations/duration';
import { pipelineRunId } from '../../core/operations/pipelineRunId';
import { runsQuery } from '../../core/operations/runsQuery';
import { sunsetFindings } from '../../core/operations/sunsetReport';

describe('operations: pure parts', () => {
  it('names scheduled and watcher-started runs exactly as `tailor run` does', () => {
    const a = 'a'.repeat(64);
    const b = 'b'.repeat(64);
    expect(pipelineRunId('p', a, b)).toBe(runIdFor('p', a, b));
  });

  it('parses the CLI durations and rejects anything else', () => {
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('2s')).toBe(2000);
    expect(parseDuration('90d')).toBe(90 * 86_400_000);
    for (const bad of ['', '2', 's', '-1s', '0s', '1 day', '2S']) expect(parseDuration(bad)).toBeUndefined();
  });

  it('writes durations back humanly, in units --every takes', () => {
    expect(formatDuration(60_000)).toBe('1m');
    expect(formatDuration(2_000)).toBe('2s');
    expect(formatDuration(90_000)).toBe('90s');
    expect(formatDuration(86_400_000)).toBe('1d');
    expect(formatDuration(1_500)).toBe('1500ms');
    for (const ms of [500, 2_000, 90_000, 3_600_000, 604_800_000]) expect(parseDuration(formatDuration(ms))).toBe(ms);
  });

  it('builds visibility queries over the search attributes, quoting values', () => {
    expect(runsQuery({})).toBe(
      `(WorkflowType = 'customizationPipeline' OR ` +
        `(WorkflowType = 'onlineEvalWorkflow' AND TailorOutcome = 'below-threshold'))`,
    );
    expect(runsQuery({ pipeline: "o'neil", outcome: 'promoted', all: true })).toBe(
      `TailorPipeline IS NOT NULL AND TailorPipeline = 'o\\'neil' AND TailorOutcome = 'promoted'`,
    );
    expect(runsQuery({ all: true })).toBe(
      `(TailorPipeline IS NOT NULL OR (ParentWorkflowId IS NULL AND WorkflowType IN ('evalSuiteWorkflow', ` +
        `'promptSearchWorkflow', ` +
        `'rollbackWorkflow', 'buildIndexWorkflow', 'sunsetWatchWorkflow')))`,
    );
    expect(runsQuery({ datasetSha: 'abc123' })).toContain(`TailorDatasetSha STARTS_WITH 'abc123'`);
    expect(runsQuery({ datasetSha: 'f'.repeat(64), sinceMs: 0 })).toContain(
      `TailorDatasetSha = '${'f'.repeat(64)}' AND StartTime >= '1970-01-01T00:00:00.000Z'`,
    );
  });

  it('reports only base models shutting down within the horizon (or already shut down)', () => {
    const now = Date.parse('2026-11-28T00:00:00Z');
    const dates = new Map<string, string | null>([
      ['old', '2026-10-23'],
      ['soon', '2027-01-15'],
      ['later', '2027-12-01'],
      ['forever', null],
    ]);
    const aliases = ['old', 'soon', 'later', 'forever', 'unknown'].map((b) => ({
      pipeline: b,
      alias: 'prod',
      model: `ft:${b}:x`,
      baseModel: b,
    }));
    const found = sunsetFindings(aliases, dates, now, 90 * 86_400_000);
    expect(found.map((f) => [f.pipeline, f.daysLeft])).toEqual([
      ['old', -36],
      ['soon', 48],
    ]);
  });
});
