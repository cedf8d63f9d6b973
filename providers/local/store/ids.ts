/** Object IDs in OpenAI's observed formats (prefix + random alphanumerics). */
import { randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function randomId(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  // 62 symbols: the tiny modulo bias is irrelevant for identifiers.
  for (let i = 0; i < length; i++) out += ALPHABET[bytes[i]! % ALPHABET.length];
  return out;
}

export const newFileId = () => `file-${randomId(24)}`;
export const newJobId = () => `ftjob-${randomId(24)}`;
export const newEventId = () => `ftevent-${randomId(24)}`;
export const newCheckpointId = () => `ftckpt_${randomId(24)}`;
export const newModelSuffixId = () => randomId(8);
export const newCompletionId = () => `chatcmpl-${randomId(29)}`;

/** Request ids are hot (one per request), so they come from a counter behind a random per-process prefix. */
const prefix = randomBytes(8).toString('hex');
let counter = 0;
export function newRequestId(): string {
  counter = (counter + 1) >>> 0;
  return `req_${prefix}${counter.toString(16).padStart(16, '0')}`;
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);
