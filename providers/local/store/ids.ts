/** Object IDs in OpenAI's observed formats (prefix + random alphanumerics). */
import { randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Random bytes drawn 4 KB at a time: one crypto call per ~140 ids instead of one per id (hot path). */
let pool = randomBytes(4096);
let poolAt = 0;

export function randomId(length: number): string {
  if (poolAt + length > pool.length) {
    pool = randomBytes(4096);
    poolAt = 0;
  }
  let out = '';
  // 62 symbols: the tiny modulo bias is irrelevant for identifiers.
  for (let i = 0; i < length; i++) out += ALPHABET[pool[poolAt + i]! % ALPHABET.length];
  poolAt += length;
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
