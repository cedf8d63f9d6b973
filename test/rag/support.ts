import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startLocalOpenAI, type LocalOpenAIServer } from '../../providers/local/server';

export const EXAMPLE_DOCS = path.join(__dirname, '..', '..', 'examples', 'rag-qa', 'docs');

/** Embedding inputs the local backend has computed since it started (`GET /v1/_admin/usage`). */
export async function embeddingInputs(baseURL: string): Promise<number> {
  const res = await fetch(`${baseURL}/_admin/usage`);
  if (!res.ok) throw new Error(`reading usage failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { embeddings: { inputs: number } }).embeddings.inputs;
}

export function copyDocs(from: string, to: string): void {
  fs.mkdirSync(to, { recursive: true });
  for (const f of fs.readdirSync(from)) fs.copyFileSync(path.join(from, f), path.join(to, f));
}

/**
 * A corpus of `docs` Markdown files with distinct facts, several sections each: enough chunks to kill a build mid-way.
 */
export function writeSyntheticCorpus(dir: string, docs: number): void {
  fs.mkdirSync(dir, { recursive: true });
  for (let d = 0; d < docs; d++) {
    const sections = Array.from(
      { length: 4 },
      (_, s) =>
        `## Topic ${s}\n\nPolicy ${d}-${s} says the limit for item ${d * 10 + s} is ${100 + d * 7 + s} ` +
        `units, reviewed by team ${String.fromCharCode(65 + (s % 26))}${d}. It applies to every region ` +
        `listed in appendix ${d}.${s}.`,
    );
    fs.writeFileSync(
      path.join(dir, `policy-${String(d).padStart(2, '0')}.md`),
      `# Policy ${d}\n\n${sections.join('\n\n')}\n`,
    );
  }
}

/** A temp TAILOR_HOME with a local backend in it; `close` stops the backend and removes the directory. */
export async function backendInTempHome(
  prefix: string,
): Promise<{ home: string; backend: LocalOpenAIServer; close(): Promise<void> }> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const backend = await startLocalOpenAI({ port: 0, dataDir: path.join(home, 'local-openai') });
  return {
    home,
    backend,
    async close() {
      await backend.close();
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}
