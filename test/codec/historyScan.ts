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
        sites.push({
          eventId,
          eventKind,
          path: path.join('.'),
          encoding: utf8(v.metadata.encoding),
          text: utf8(v.data),
          payload: v,
        });
      } else if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, String(i)]));
      else if (v && typeof v === 'object' && !(v instanceof Uint8Array)) {
        for (const [k, x] of Object.entries(v as Record<string, unknown>))
          if (k !== 'searchAttributes') walk(x, [...path, k]);
      }
    };
    walk(e[eventKind], []);
  }
  return sites;
}

/**
 * The payloads anyone with server access can read (not `binary/encrypted`). The SDK's own patch markers
 * (`patched()`) are left out: the SDK writes them without the codec, and they hold only the patch's name.
 */
export function plaintextPayloads(history: { events?: unknown[] | null }): PayloadSite[] {
  return payloadSites(history).filter((s) => s.encoding !== 'binary/encrypted' && !isPatchMarker(s));
}

function isPatchMarker(s: PayloadSite): boolean {
  return s.eventKind === 'markerRecordedEventAttributes' && s.path.startsWith('details.patch-data.');
}

/** `event 5 activityTaskScheduledEventAttributes input.payloads.0 (json/plain)`: what a failing assertion lists. */
export function describeSite(s: PayloadSite): string {
  return `event ${s.eventId} ${s.eventKind} ${s.path} (${s.encoding})`;
}

/** A Temporal failure in a history: where it is and the text it shows to someone without the key. */
export interface FailureSite {
  eventId: string;
  path: string;
  message: string;
  stackTrace: string;
}

const isFailure = (v: Record<string, unknown>) =>
  typeof v.message === 'string' && ('stackTrace' in v || 'encodedAttributes' in v || 'source' in v);

/** Every failure (and each cause in its chain) in the history, with its message and stack trace as stored. */
export function failureSites(history: { events?: unknown[] | null }): FailureSite[] {
  const sites: FailureSite[] = [];
  for (const event of history.events ?? []) {
    const e = event as Record<string, unknown>;
    const eventId = String(e.eventId);
    const walk = (v: unknown, path: string[]): void => {
      if (!v || typeof v !== 'object' || v instanceof Uint8Array) return;
      if (Array.isArray(v)) return v.forEach((x, i) => walk(x, [...path, String(i)]));
      const o = v as Record<string, unknown>;
      if (isFailure(o)) {
        sites.push({
          eventId,
          path: path.join('.'),
          message: String(o.message),
          stackTrace: String(o.stackTrace ?? ''),
        });
      }
      for (const [k, x] of Object.entries(o)) if (k !== 'searchAttributes') walk(x, [...path, k]);
    };
    walk(e, []);
  }
  return sites;
}

/** Failures whose message or stack trace is readable: not the SDK's `Encoded failure` placeholder. */
export function readableFailures(history: { events?: unknown[] | null }): FailureSite[] {
  return failureSites(history).filter((f) => f.message !== 'Encoded failure' || f.stackTrace !== '');
}
