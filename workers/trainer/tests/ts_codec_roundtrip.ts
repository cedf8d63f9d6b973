/**
 * Runs Tailor's real TypeScript payload codec for the Python compatibility tests (tests/test_codec.py).
 * Reads one JSON request on stdin, writes one JSON answer on stdout:
 *   {op: 'encode' | 'decode', env, payloads: [proto3-JSON payloads]}  -> {payloads}
 *   {op: 'encodeValues', env, values: [...]}                          -> {payloads}  (default converter, then codec)
 *   {op: 'decodeValues', env, payloads}                               -> {values}    (codec, then default converter)
 * A thrown error becomes {error: {name, message}} so the test can check what the TS side would report.
 * A JSON array of requests gets an array of answers: one node start (~1 s) serves a whole test.
 * Run with: node_modules/.bin/tsx workers/trainer/tests/ts_codec_roundtrip.ts (cwd: the repo root).
 */
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { payloadsFromJson, payloadsToJson } from '../../../core/codec/payloadJson';
import { tailorDataConverter } from '../../dataConverter';

interface Request {
  op: 'encode' | 'decode' | 'encodeValues' | 'decodeValues';
  env: Record<string, string>;
  payloads?: unknown[];
  values?: unknown[];
}

async function handle(req: Request): Promise<unknown> {
  const codec = tailorDataConverter(req.env)?.payloadCodecs[0];
  if (!codec) throw new Error('no encryption key in env');
  const payloads = (): Payload[] => payloadsFromJson({ payloads: req.payloads ?? [] });
  switch (req.op) {
    case 'encode':
      return payloadsToJson(await codec.encode(payloads()));
    case 'decode':
      return payloadsToJson(await codec.decode(payloads()));
    case 'encodeValues':
      return payloadsToJson(await codec.encode((req.values ?? []).map((v) => defaultPayloadConverter.toPayload(v))));
    case 'decodeValues':
      return { values: (await codec.decode(payloads())).map((p) => defaultPayloadConverter.fromPayload(p)) };
    default:
      throw new Error(`unknown op ${String(req.op)}`);
  }
}

async function main(): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Request | Request[];
  const answer = async (req: Request): Promise<unknown> => {
    try {
      return await handle(req);
    } catch (err) {
      const e = err as Error;
      return { error: { name: e.name, message: e.message } };
    }
  };
  const out = Array.isArray(body) ? await Promise.all(body.map(answer)) : await answer(body);
  process.stdout.write(JSON.stringify(out));
}

void main();
