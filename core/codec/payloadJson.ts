import type { RawPayload } from './payloadEnvelope';

/**
 * The codec-server protocol's wire form: Payloads as proto3 JSON, where every bytes field (each metadata value and
 * the data) is base64. Sending `encoding` as a plain string is the classic mistake; the Web UI expects base64.
 */
export interface JsonPayload {
  metadata?: Record<string, string> | null;
  data?: string | null;
}

export class PayloadJsonError extends Error {
  override name = 'PayloadJsonError';
}

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

function fromBase64(what: string, s: unknown): Uint8Array {
  if (typeof s !== 'string' || !BASE64.test(s)) throw new PayloadJsonError(`${what} must be a base64 string`);
  return Uint8Array.from(Buffer.from(s, 'base64'));
}

/** Parses `{ payloads: [...] }`; @throws PayloadJsonError naming the bad field. */
export function payloadsFromJson(body: unknown): RawPayload[] {
  const list = (body as { payloads?: unknown } | null)?.payloads;
  if (!Array.isArray(list)) throw new PayloadJsonError('body must be {"payloads": [...]}');
  return list.map((p: unknown, i) => {
    if (!p || typeof p !== 'object') throw new PayloadJsonError(`payloads[${i}] must be an object`);
    const { metadata, data } = p as JsonPayload;
    if (metadata != null && typeof metadata !== 'object')
      throw new PayloadJsonError(`payloads[${i}].metadata must be an object`);
    const meta = Object.fromEntries(
      Object.entries(metadata ?? {}).map(([k, v]) => [k, fromBase64(`payloads[${i}].metadata.${k}`, v)]),
    );
    return { metadata: meta, data: data == null ? new Uint8Array() : fromBase64(`payloads[${i}].data`, data) };
  });
}

export function payloadsToJson(payloads: RawPayload[]): { payloads: JsonPayload[] } {
  return {
    payloads: payloads.map((p) => ({
      metadata: Object.fromEntries(
        Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
      ),
      data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
    })),
  };
}
