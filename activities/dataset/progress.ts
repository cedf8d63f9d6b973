import { Context } from '@temporalio/activity';

/**
 * A heartbeat callback when running inside a Temporal activity (so a long validation can be cancelled and its
 * worker's death noticed), a no-op when called from the CLI or a test. Heartbeats are throttled by the SDK.
 */
export function activityHeartbeat(): (details: unknown) => void {
  try {
    const ctx = Context.current();
    return (details) => ctx.heartbeat(details);
  } catch {
    return () => {};
  }
}
