import fs from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';

export const HISTORIES_DIR = path.join(__dirname, '..', 'replay', 'histories');

/**
 * With TAILOR_RECORD_HISTORIES=1, saves the event histories of a finished run (and its children) as replay fixtures:
 * `npm test` then replays them, so a workflow change that is not replay-safe fails CI.
 */
export async function maybeRecordHistories(client: Client, name: string, workflowIds: string[]): Promise<void> {
  if (!process.env.TAILOR_RECORD_HISTORIES) return;
  fs.mkdirSync(HISTORIES_DIR, { recursive: true });
  for (const id of workflowIds) {
    const history = await client.workflow.getHandle(id).fetchHistory();
    const suffix = id.includes('/') ? `-${id.split('/').pop()}` : '';
    fs.writeFileSync(path.join(HISTORIES_DIR, `${name}${suffix}.json`), historyToJSON(history));
  }
}
