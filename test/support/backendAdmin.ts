import fs from 'node:fs';
import path from 'node:path';
import OpenAI from 'openai';
import { ArtifactStore } from '../../stores/artifacts/artifactStore';
import { uploadName } from '../../activities/fineTune/uploadTrainingFile';
import type { ArtifactRef } from '../../core/artifacts/artifactRef';

/** Replaces the local backend's faults through its admin endpoint (see providers/local/README.md). */
export async function setFaults(baseURL: string, spec: string): Promise<void> {
  const res = await fetch(`${baseURL}/_admin/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ spec }),
  });
  if (!res.ok) throw new Error(`setting faults failed: ${res.status} ${await res.text()}`);
}

/** The official SDK against the local backend, with its own retries off so tests see each answer. */
export function sdk(baseURL: string): OpenAI {
  return new OpenAI({ baseURL, apiKey: 'test', maxRetries: 0 });
}

export async function uploadsOf(client: OpenAI, ref: ArtifactRef): Promise<number> {
  let n = 0;
  for await (const f of client.files.list({ purpose: 'fine-tune' })) if (f.filename === uploadName(ref.sha256)) n++;
  return n;
}

export async function jobsTagged(client: OpenAI, tag: string): Promise<OpenAI.FineTuning.FineTuningJob[]> {
  const out: OpenAI.FineTuning.FineTuningJob[] = [];
  for await (const j of client.fineTuning.jobs.list({ metadata: { tailor_run: tag } })) out.push(j);
  return out;
}

/** A small training set from the example, stored in the harness's artifact store (TAILOR_HOME must be set). */
export async function exampleTrainingArtifact(lines = 120, offset = 0): Promise<ArtifactRef> {
  const file = path.join(__dirname, '..', '..', 'examples', 'support-tickets', 'data', 'tickets.jsonl');
  const rows = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .slice(offset, offset + lines);
  return new ArtifactStore().put(rows.join('\n') + '\n', { name: 'train.jsonl', count: rows.length });
}

/** How many times the backend's current fault rules have fired (read it before `setFaults` resets them). */
export async function faultsFired(baseURL: string): Promise<number> {
  const res = await fetch(`${baseURL}/_admin/faults`);
  if (!res.ok) throw new Error(`reading faults failed: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { rules: { fired: number }[] };
  return body.rules.reduce((n, r) => n + r.fired, 0);
}
