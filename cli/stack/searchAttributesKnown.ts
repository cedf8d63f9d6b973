import type { Client } from '@temporalio/client';
import { TailorPipeline } from '../../core/operations/searchAttributes';

/**
 * Whether the server has Tailor's search attributes registered (`tailor dev` and the test server do), so a workflow
 * may tag the runs it starts with them; starting a child with an unknown attribute would fail its workflow task.
 */
export async function serverKnowsTailorAttributes(client: Client, namespace: string): Promise<boolean> {
  try {
    const res = await client.connection.operatorService.listSearchAttributes({ namespace });
    return Object.keys(res.customAttributes ?? {}).includes(TailorPipeline.name);
  } catch {
    return false; // e.g. Temporal Cloud without operator rights: run untagged rather than fail
  }
}
