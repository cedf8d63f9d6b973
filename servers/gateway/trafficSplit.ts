/**
 * Which model of an alias serves a request: pure and deterministic. A user key hashes (with the alias, so two
 * aliases split one user independently) to a bucket in [0, 100); buckets under the canary's percentage go to the
 * candidate, so a user keeps the same model for as long as the policy stands.
 */
import { createHash } from 'node:crypto';

/** The user's bucket in [0, 100), two decimals of resolution. */
export function userBucket(aliasRef: string, userKey: string): number {
  const digest = createHash('sha256').update(`${aliasRef}\n${userKey}`).digest();
  return (digest.readUInt32BE(0) % 10_000) / 100;
}

/** True when a request falls into a `percent` share; with no user key, `random` (in [0, 1)) decides. */
export function inShare(percent: number, aliasRef: string, userKey: string | undefined, random: () => number): boolean {
  if (percent <= 0) return false;
  if (percent >= 100) return true;
  const bucket = userKey === undefined ? random() * 100 : userBucket(aliasRef, userKey);
  return bucket < percent;
}
