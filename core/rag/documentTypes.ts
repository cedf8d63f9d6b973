/**
 * A document as the chunker sees it: its plain text plus contiguous sections, each with its heading path. Offsets
 * are characters in `text`, which for Markdown and plain text is the file itself, so a citation points into the
 * file a user can open.
 */
export interface DocSection {
  /** Heading path, outermost first (`['Refunds', 'Window']`); empty before the first heading. */
  heading: string[];
  /** Heading level that opened the section (1–6), 0 for text before any heading or a headingless format. */
  level: number;
  start: number;
  end: number;
}

export interface ParsedDocument {
  /** Path relative to the corpus root, `/`-separated: what citations and filters name. */
  source: string;
  text: string;
  sections: DocSection[];
  /**
   * The heading level whose sections a chunk never crosses (0: no such boundaries; every section its own group,
   * for formats like JSONL whose records are independent).
   */
  boundaryLevel: number;
}

/** Bad input in a document: names the file, the line when known, and what was expected. */
export class DocumentFormatError extends Error {
  override name = 'DocumentFormatError';
  constructor(
    readonly source: string,
    readonly line: number | undefined,
    readonly problem: string,
  ) {
    super(`${source}${line !== undefined ? `:${line}` : ''}: ${problem}`);
  }
}

/** The shallowest heading level that occurs at least twice (0 when none does): where chunks must not cross. */
export function boundaryLevelOf(sections: readonly DocSection[]): number {
  const counts = new Map<number, number>();
  for (const s of sections) if (s.level > 0) counts.set(s.level, (counts.get(s.level) ?? 0) + 1);
  const levels = [...counts].filter(([, n]) => n >= 2).map(([l]) => l);
  return levels.length ? Math.min(...levels) : 0;
}
