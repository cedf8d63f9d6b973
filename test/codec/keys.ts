import { randomBytes } from 'node:crypto';

/** A fresh base64 AES-256 key, as `openssl rand -base64 32` would give. */
export function newKey(): string {
  return randomBytes(32).toString('base64');
}
