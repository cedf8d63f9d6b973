import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { EXAMPLE_SPEC } from '../support/specFiles';
import { testTemporalAddress } from '../support/temporal';
import type { Harness } from '../support/pipelineHarness';

const TICKETS = path.join(path.dirname(EXAMPLE_SPEC), 'data', 'tickets.jsonl');

/**
 * A small copy of the example pipeline under its own name, on its own copy of `lines` tickets (so a test can
 * change the data), evaluating at most a few examples so each run takes seconds.
 */
export function smallSpec(
  name: string,
  opts: { lines?: number; offset?: number; distinct?: boolean } = {},
): { specFile: string; dataFile: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `tailor-ops-${name}-`));
  const rows = fs.readFileSync(TICKETS, 'utf8').split('\n').filter(Boolean);
  const offset = opts.offset ?? 0;
  const dataFile = path.join(dir, 'tickets.jsonl');
  const picked = rows.slice(offset, offset + (opts.lines ?? 120));
  // Suites share one dev server, so a test that looks runs up by dataset hash needs a dataset no other suite has:
  // `distinct` names this test in the first ticket's text, which changes the hash and nothing else that matters.
  if (opts.distinct) {
    const row = JSON.parse(picked[0]!) as { messages: { role: string; content: string }[] };
    const user = row.messages.find((m) => m.role === 'user')!;
    user.content += ` (ref ${name})`;
    picked[0] = JSON.stringify(row);
  }
  fs.writeFileSync(dataFile, picked.join('\n') + '\n');
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a parsed YAML spec, edited in place
  const spec = parse(fs.readFileSync(EXAMPLE_SPEC, 'utf8')) as Record<string, any>;
  spec.name = name;
  spec.dataset.path = dataFile;
  spec.baselines = { zeroShot: true };
  spec.evaluation = { metric: 'exact_match', concurrency: 8, maxExamples: 12 };
  spec.deploy.smoke = { examples: 5, tolerance: 0.5 };
  spec.fineTune.method.hyperparameters.n_epochs = 1; // the runs only need to exist, not to be good
  const specFile = path.join(dir, 'pipeline.yaml');
  fs.writeFileSync(specFile, stringify(spec));
  return { specFile, dataFile };
}

/** The environment a `tailor` child process needs to reach the test server and the harness's worker. */
export function cliEnv(h: Harness): NodeJS.ProcessEnv {
  return {
    TEMPORAL_ADDRESS: testTemporalAddress(),
    TEMPORAL_NAMESPACE: 'default',
    TAILOR_TASK_QUEUE: h.taskQueue,
    TAILOR_HOME: h.home,
  };
}

/** A name no other test run on this server uses (schedules and watchers live server-wide). */
export function uniqueName(prefix: string): string {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}`;
}

export async function backendJobs(
  baseURL: string,
): Promise<{ id: string; metadata?: Record<string, string> | null }[]> {
  const res = await fetch(`${baseURL}/fine_tuning/jobs?limit=100`, { headers: { authorization: 'Bearer test' } });
  return ((await res.json()) as { data: { id: string; metadata?: Record<string, string> | null }[] }).data;
}
