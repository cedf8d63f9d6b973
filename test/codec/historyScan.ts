/**
 * Reads a raw workflow history (as fetched by a client WITHOUT the codec) the way someone with access to the
 * Temporal server, but not the key, would: every payload with its event, and whether it is readable.
 */

export interface PayloadSite {
  eventId: string;
  /** The event's attributes field, e.g. `activityTaskScheduledEventAttributes`. */
  eventKind: string;
  /** Where in the event the payload sits, e.g. `input.payloads.0`. */
  path: string;
  encoding: string;
  /** The payload bytes as UTF-8: readable JSON when plaintext, noise when encrypted. */
  text: string;
  /** The payload as stored, for a codec to decode. */
  payload: { metadata: Record<string, Uint8Array>; data?: Uint8Array };
}

const utf8 = (b: unknown) => (b instanceof Uint8Array ? Buffer.from(b).toString('utf8') : '');

function isPayload(v: unknown): v is { metadata: Record<string, Uint8Array>; data?: Uint8Array } {
  const meta = (v as { metadata?: unknown } | null)?.metadata;
  return !!meta && typeof meta === 'object' && (meta as Record<string, unknown>).encoding instanceof Uint8Array;
}

/**
 * Every payload in the history. Search attributes are skipped: the server must index them, so no codec can
 * encrypt them, and Tailor puts only pipeline names, hashes and stages there (never data).
 */
export function payloadSites(history: { events?: unknown[] | null }): PayloadSite[] {
  const sites: PayloadSite[] = [];
  for (const event of history.events ?? []) {
    const e = event as Record<string, unknown>;
    const eventId = String(e.eventId);
    const eventKind = Object.keys(e).find((k) => k.endsWith('Attributes') && e[k]) ?? 'unknown';
    const walk = (v: unknown, path: string[]): void => {
      if (isPayload(v)) {
        sites.push({ eventId, eventKind, path: path.join('.'), encoding: utf8(v.metadata.encoding), text: utf8(v.data), payload: v });
      } else if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, String(i)]));
      else if (v && typeof v === 'object' && !(v instanceof Uint8Array)) {
        for (const [k, x] of Object.entries(v as Record<string, unknown>)) if (k !== 'searchAttributes') walk(x, [...path, k]);
      }
    };
    walk(e[eventKind], []);
  }
  return sites;
}

/** The payloads anyone with server access can read (not `binary/encrypted`). */
export function plaintextPayloads(history: { events?: unknown[] | null }): PayloadSite[] {
  return payloadSites(history).filter((s) => s.encoding !== 'binary/encrypted');
}

/** `event 5 activityTaskScheduledEventAttributes input.payloads.0 (json/plain)`: what a failing assertion lists. */
export function describeSite(s: PayloadSite): string {
  return `event ${s.eventId} ${s.eventKind} ${s.path} (${s.encoding})`;
}
