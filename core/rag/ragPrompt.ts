import type { EncodingName } from '../dataset/modelProfile';
import { tokenCounter } from '../dataset/tokenCounter';
import { takeWithinBudget } from '../fewshot/tokenBudget';
import { chunkLabel } from './chunk';

/** A retrieved passage as prompts and reports show it. */
export interface Passage {
  id: string;
  source: string;
  heading: string;
  text: string;
  /** The retriever's score (fused, cosine or BM25); for display only. */
  score?: number;
}

export interface CitedPassage extends Passage {
  /** The number the prompt cites it by, from 1. */
  n: number;
  label: string;
}

export const RAG_INSTRUCTIONS =
  'Answer the question using only the numbered passages. Cite the passages you use by their numbers, like [1]. ' +
  'If the passages do not contain the answer, say that you do not know.';

export interface RagPromptOptions {
  question: string;
  /** Best first. */
  passages: readonly Passage[];
  /** Most passages to include. @default all */
  k?: number;
  /** Most tokens the passages may take together (a passage that does not fit is skipped, not cut). @default none */
  budgetTokens?: number;
  encoding?: EncodingName;
  instructions?: string;
}

/**
 * A passage's text as the prompt shows it: Markdown heading lines dropped (the label names the heading; a bare
 * heading line reads like an answer to a question that repeats its words), blank lines squeezed.
 */
function passageBody(text: string): string {
  return text
    .replace(/^ {0,3}#{1,6}[ \t]+.*$/gm, '')
    .replace(/\n{2,}/g, '\n')
    .trim();
}

export function formatPassage(p: Passage, n: number): string {
  return `[${n}] (${chunkLabel(p)}) ${passageBody(p.text)}`;
}

/**
 * The chat messages of a RAG answer: instructions as the system message, then the numbered, cited passages and
 * the question in the user message (`[1] (source#heading) text`, … `Question: …`), within a token budget.
 */
export function assembleRagPrompt(opts: RagPromptOptions): {
  messages: { role: 'system' | 'user'; content: string }[];
  cited: CitedPassage[];
  passageTokens: number;
} {
  const counter = tokenCounter(opts.encoding ?? 'o200k_base');
  // Cost is measured on the passage as it will be written, with a placeholder number of the same width class.
  const { items, tokens } = takeWithinBudget(
    opts.passages,
    opts.k ?? opts.passages.length,
    (p) => counter.count(formatPassage(p, 10)) + 1,
    opts.budgetTokens,
  );
  const cited = items.map((p, i) => ({ ...p, n: i + 1, label: chunkLabel(p) }));
  const body = cited.length
    ? `Passages:\n${cited.map((p) => formatPassage(p, p.n)).join('\n')}\n\n`
    : 'Passages: (none found)\n\n';
  return {
    messages: [
      { role: 'system', content: opts.instructions ?? RAG_INSTRUCTIONS },
      { role: 'user', content: `${body}Question: ${opts.question.trim()}` },
    ],
    cited,
    passageTokens: tokens,
  };
}

const PASSAGE_LINE = /^\[(\d+)\] \(([^)\n]*)\) ?(.*)$/;

/**
 * Reads the passages and the question back out of a RAG user message (graders see only the prompt and the answer).
 * A passage runs from its `[n] (label)` line to the next one, or to the blank line before the question.
 */
export function parseRagPrompt(userText: string): {
  question: string;
  passages: { n: number; label: string; text: string }[];
} {
  const passages: { n: number; label: string; text: string }[] = [];
  let question = '';
  let open: { n: number; label: string; lines: string[] } | null = null;
  const close = () => {
    if (open) passages.push({ n: open.n, label: open.label, text: open.lines.join('\n').trim() });
    open = null;
  };
  for (const line of userText.split(/\r?\n/)) {
    const m = PASSAGE_LINE.exec(line);
    if (m) {
      close();
      open = { n: Number(m[1]), label: m[2]!, lines: [m[3]!] };
    } else if (/^Question:\s*/i.test(line)) {
      close();
      question = line.replace(/^Question:\s*/i, '');
    } else if (!line.trim()) close();
    else if (open) open.lines.push(line);
  }
  close();
  return { question, passages };
}

/** The passages an answer cites by `[n]`; all of them when it cites none (a reader that quotes without markers). */
export function citedBy<T extends { n: number }>(answer: string, passages: readonly T[]): T[] {
  const numbers = new Set([...answer.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1])));
  const cited = passages.filter((p) => numbers.has(p.n));
  return cited.length ? cited : [...passages];
}
