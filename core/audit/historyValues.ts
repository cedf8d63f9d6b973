import type { temporal } from '@temporalio/proto';
import { ArtifactRefSchema, type ArtifactRef } from '../artifacts/artifactRef';

export type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
type Payloads = temporal.api.common.v1.IPayloads | null | undefined;

/** A payload the audit could not read: still ciphertext (no key configured) or in an encoding it does not know. */
export const UNREADABLE = Symbol('unreadable');

const text = (b: Uint8Array | null | undefined) => (b ? new TextDecoder().decode(b) : '');

/**
 * The values in a history payload list, read as the SDK's default converter writes them (`json/plain`,
 * `binary/null`). Payloads must already have gone through the codec; one that is still encrypted reads as
 * UNREADABLE, so the report can say so instead of guessing.
 */
export function payloadValues(p: Payloads): unknown[] {
  return (p?.payloads ?? []).map((payload) => {
    const encoding = text(payload.metadata?.encoding);
    if (encoding === 'binary/null') return undefined;
    if (encoding !== 'json/plain') return UNREADABLE;
    try {
      return JSON.parse(text(payload.data)) as unknown;
    } catch {
      return UNREADABLE;
    }
  });
}

export function firstValue(p: Payloads): unknown {
  return payloadValues(p)[0];
}

/** Milliseconds since the epoch of an event, from the server's clock. */
export function eventMs(e: HistoryEvent): number {
  const t = e.eventTime;
  return t ? Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1e6) : 0;
}

/** The innermost message of a failure chain: an activity failure wraps the provider's own words. */
export function failureMessage(f: temporal.api.failure.v1.IFailure | null | undefined): string | undefined {
  let cur = f;
  let msg = cur?.message ?? undefined;
  while (cur?.cause) {
    cur = cur.cause;
    msg = cur.message || msg;
  }
  return msg || undefined;
}

/** An artifact reference found inside a value, with where it was found (`train`, `prepared.test`). */
export interface FoundArtifact extends ArtifactRef {
  path: string;
}

/** Every `{uri, sha256, bytes, count}` reference inside a decoded value, depth-first, each address once. */
export function artifactRefsIn(value: unknown, path = ''): FoundArtifact[] {
  const out: FoundArtifact[] = [];
  const seen = new Set<string>();
  const walk = (v: unknown, at: string, depth: number) => {
    if (depth > 12 || v === null || typeof v !== 'object') return;
    const ref = ArtifactRefSchema.safeParse(v);
    if (ref.success) {
      if (!seen.has(ref.data.uri)) out.push({ ...ref.data, path: at });
      seen.add(ref.data.uri);
      return;
    }
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${at}[${i}]`, depth + 1));
    else for (const [k, x] of Object.entries(v)) walk(x, at ? `${at}.${k}` : k, depth + 1);
  };
  walk(value, path, 0);
  return out;
}
