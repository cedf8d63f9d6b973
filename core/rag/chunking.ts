import type { EncodingName } from '../dataset/modelProfile';
import { tokenCounter } from '../dataset/tokenCounter';
import { chunkId, type Chunk } from './chunk';
import type { DocSection, ParsedDocument } from './documentTypes';

export interface ChunkingOptions {
  /** Most tokens in one chunk. @default 200 */
  chunkTokens?: number;
  /** Tokens a chunk repeats from the end of the previous one in the same section group. @default 40 */
  overlap?: number;
  /** The tokenizer (the embedding models' is cl100k_base). @default 'cl100k_base' */
  encoding?: EncodingName;
}

export const DEFAULT_CHUNKING = { chunkTokens: 200, overlap: 40, encoding: 'cl100k_base' as EncodingName };

/** A word with its leading whitespace: the BPE pre-tokenizer splits there too, so token counts add up closely. */
interface Unit {
  start: number;
  end: number;
  tokens: number;
  /** Tokens of the document before this unit. */
  before: number;
}

interface Group {
  sections: DocSection[];
  units: Unit[];
  tokens: number;
}

/**
 * Splits a document into token windows with overlap. Sections are grouped at the document's boundary level, and
 * a window never crosses a group boundary, except that a tiny group (under a quarter of a chunk) is merged with
 * its neighbour when both fit in one chunk. Inside a group, a window ends at the last sentence or line end in its
 * final 40% when there is one, so passages rarely stop mid-sentence.
 */
export function chunkDocument(doc: ParsedDocument, opts: ChunkingOptions = {}): Chunk[] {
  const chunkTokens = opts.chunkTokens ?? DEFAULT_CHUNKING.chunkTokens;
  const overlap = opts.overlap ?? DEFAULT_CHUNKING.overlap;
  if (!Number.isInteger(chunkTokens) || chunkTokens < 8)
    throw new RangeError(`chunkTokens must be an integer ≥ 8 (got ${chunkTokens})`);
  if (!Number.isInteger(overlap) || overlap < 0 || overlap >= chunkTokens / 2)
    throw new RangeError(`overlap must be an integer from 0 to under half of chunkTokens (got ${overlap})`);
  const counter = tokenCounter(opts.encoding ?? DEFAULT_CHUNKING.encoding);
  let before = 0;
  const groups: Group[] = [];
  for (const section of doc.sections) {
    const units: Unit[] = [];
    for (const m of doc.text.slice(section.start, section.end).matchAll(/\s*\S+/g)) {
      const tokens = counter.count(m[0]);
      units.push({ start: section.start + m.index, end: section.start + m.index + m[0].length, tokens, before });
      before += tokens;
    }
    if (!units.length) continue;
    const tokens = units.reduce((s, u) => s + u.tokens, 0);
    const last = groups[groups.length - 1];
    const joins = last && doc.boundaryLevel > 0 && (section.level === 0 || section.level > doc.boundaryLevel);
    if (joins) {
      last.sections.push(section);
      last.units.push(...units);
      last.tokens += tokens;
    } else groups.push({ sections: [section], units, tokens });
  }
  const out: Chunk[] = [];
  const seen = new Set<string>();
  for (const g of mergeTiny(groups, chunkTokens)) {
    for (const [i, j] of windows(doc.text, g.units, chunkTokens, overlap)) {
      const first = g.units[i]!;
      const last = g.units[j]!;
      const start =
        first.start +
        (doc.text.slice(first.start, first.end).length - doc.text.slice(first.start, first.end).trimStart().length);
      const text = doc.text.slice(start, last.end);
      const id = chunkId(doc.source, text);
      if (seen.has(id)) continue; // the same passage twice in one document is one chunk
      seen.add(id);
      const section = [...g.sections].reverse().find((s) => s.start <= start) ?? g.sections[0]!;
      out.push({
        id,
        source: doc.source,
        heading: section.heading.join(' > '),
        text,
        charStart: start,
        charEnd: last.end,
        tokenStart: first.before,
        tokenEnd: last.before + last.tokens,
      });
    }
  }
  return out;
}

function mergeTiny(groups: Group[], chunkTokens: number): Group[] {
  const tiny = chunkTokens / 4;
  const out: Group[] = [];
  for (const g of groups) {
    const prev = out[out.length - 1];
    if (prev && (prev.tokens < tiny || g.tokens < tiny) && prev.tokens + g.tokens <= chunkTokens) {
      out[out.length - 1] = {
        sections: [...prev.sections, ...g.sections],
        units: [...prev.units, ...g.units],
        tokens: prev.tokens + g.tokens,
      };
    } else out.push(g);
  }
  return out;
}

/** [first, last] unit index pairs of each window. */
function windows(text: string, units: readonly Unit[], chunkTokens: number, overlap: number): [number, number][] {
  const out: [number, number][] = [];
  let i = 0;
  while (i < units.length) {
    let j = i;
    let tokens = units[i]!.tokens;
    while (j + 1 < units.length && tokens + units[j + 1]!.tokens <= chunkTokens) tokens += units[++j]!.tokens;
    if (j + 1 < units.length) {
      // Prefer ending at a sentence or line end within the window's last 40%.
      let acc = tokens;
      for (let k = j; k > i && acc >= 0.6 * tokens; k--) {
        if (endsSentence(text, units[k]!)) {
          j = k;
          break;
        }
        acc -= units[k]!.tokens;
      }
    }
    out.push([i, j]);
    if (j + 1 >= units.length) break;
    let s = j + 1;
    let back = 0;
    while (s - 1 > i && back + units[s - 1]!.tokens <= overlap) back += units[--s]!.tokens;
    i = s;
  }
  return out;
}

function endsSentence(text: string, u: Unit): boolean {
  const ch = text[u.end - 1];
  return ch === '.' || ch === '!' || ch === '?' || ch === ':' || text[u.end] === '\n' || text[u.end] === '\r';
}
