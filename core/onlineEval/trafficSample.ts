import { createHash } from 'node:crypto';
import type { ChatMessage } from '../chat/chatExample';
import { caseHash, type SuiteCase } from '../evalSuite/evalCase';
import { inputHash } from '../fewshot/fewShotExample';

/** The fields of a captured exchange the sample needs (a subset of the capture store's row). */
export interface CapturedExchange {
  responseId: string;
  alias: string;
  model: string;
  requestJson: string | null;
  answer: string | null;
  at: number;
}

/** The seed of one tick's sample: the same alias, suite and tick always pick the same rows. */
export function sampleSeed(alias: string, suite: string, tickAt: number): string {
  return `${alias}\u0000${suite}\u0000${tickAt}`;
}

/** Rows captured in the window that ends at the tick: (tick - window, tick]. */
export function inWindow<T extends { at: number }>(rows: readonly T[], tickAt: number, windowMs: number): T[] {
  return rows.filter((r) => r.at > tickAt - windowMs && r.at <= tickAt);
}

/**
 * At most `n` rows, chosen by a hash of the seed and each response ID (not by position or time), returned in
 * their original order: a retry of the tick, on any worker, picks exactly these rows.
 */
export function pickSample<T extends { responseId: string }>(rows: readonly T[], n: number, seed: string): T[] {
  if (rows.length <= n) return [...rows];
  const key = (r: T) => createHash('sha256').update(`${seed}\u0000${r.responseId}`).digest('hex');
  const keyed = rows.map((r) => ({ r, k: key(r) }));
  keyed.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : a.r.responseId < b.r.responseId ? -1 : 1));
  const keep = new Set(keyed.slice(0, n).map((x) => x.r));
  return rows.filter((r) => keep.has(r));
}

/** Rows grouped by the model that answered (a canary and the primary apart), models in name order. */
export function byModel<T extends { model: string }>(rows: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of [...rows].sort((a, b) => (a.model < b.model ? -1 : a.model > b.model ? 1 : 0))) {
    const list = out.get(r.model) ?? [];
    list.push(r);
    out.set(r.model, list);
  }
  return out;
}

function textOf(content: unknown): string | null {
  if (typeof content === 'string') return content;
  if (content === null || content === undefined) return null;
  if (Array.isArray(content)) {
    return content
      .map((p) => (p && typeof p === 'object' && typeof (p as { text?: unknown }).text === 'string' ? p.text : ''))
      .join('');
  }
  return JSON.stringify(content);
}

const ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool']);

/** The prompt the gateway was sent (scrubbed as captured), or undefined when it was over the cap or unreadable. */
function promptOf(requestJson: string | null): ChatMessage[] | undefined {
  if (!requestJson) return undefined;
  let request: unknown;
  try {
    request = JSON.parse(requestJson);
  } catch {
    return undefined;
  }
  const raw = (request as { messages?: unknown } | null)?.messages;
  if (!Array.isArray(raw)) return undefined;
  const messages = raw
    .filter((m): m is { role: string; content?: unknown } => Boolean(m) && ROLES.has((m as { role?: string }).role!))
    .map((m) => ({ role: m.role as ChatMessage['role'], content: textOf(m.content) }));
  return messages.length ? messages : undefined;
}

/**
 * A captured exchange as an eval-suite case whose sample is the answer the model gave: graded as is, with no model
 * call (activities/evalSuite/evaluateShard.ts). `item` holds what reference-free graders may use (./referenceFree.ts).
 */
export function exchangeCase(row: CapturedExchange & { answer: string }, index: number): SuiteCase {
  const messages = promptOf(row.requestJson);
  const input = [...(messages ?? [])].reverse().find((m) => m.role === 'user')?.content ?? '';
  const sample = { output_text: row.answer };
  return {
    index,
    id: row.responseId,
    line: index + 1,
    hash: caseHash({ messages: messages ?? null, sample }),
    input,
    inputHash: inputHash(input),
    item: { input, model: row.model, alias: row.alias, response_id: row.responseId },
    ...(messages ? { messages } : {}),
    sample,
    shape: 'item',
  };
}
