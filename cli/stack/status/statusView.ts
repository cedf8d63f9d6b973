import type { Client, WorkflowExecutionDescription, WorkflowHandle } from '@temporalio/client';

/** What `tailor status` knows about the run it shows. */
export interface StatusContext {
  client: Client;
  runId: string;
  handle: WorkflowHandle;
  desc: WorkflowExecutionDescription;
}

/** One run's status for a person (lines after the headline) and for `--json` (merged into the object). */
export interface StatusView {
  /** After `RUN: STATUS`, with its own separator: ` (stage fine-tune)` or `, promoted (support-tickets@prod → …)`. */
  headline: string;
  lines: string[];
  json: Record<string, unknown>;
}

/** How one kind of run is shown: while it runs (its query) and once it completed (its result). */
export interface KindStatus {
  running(ctx: StatusContext): Promise<StatusView>;
  completed(ctx: StatusContext, result: unknown): Promise<StatusView>;
}

export const view = (headline: string, lines: string[], json: Record<string, unknown>): StatusView => ({
  headline,
  lines,
  json,
});
export const iso = (ms: number) => new Date(ms).toISOString();
export const f3 = (x: number | undefined | null) => (typeof x === 'number' ? x.toFixed(3) : '-');
