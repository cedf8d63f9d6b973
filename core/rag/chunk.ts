import { createHash } from 'node:crypto';

/** One retrievable passage of a document, with what a citation needs to point back into it. */
export interface Chunk {
  /** sha256(source, text): equal text in the same document is the same chunk, whatever else changed around it. */
  id: string;
  source: string;
  /** Heading path joined with ' > ' ('' before the first heading). */
  heading: string;
  text: string;
  /** Character offsets in the parsed document's text. */
  charStart: number;
  charEnd: number;
  /** Token offsets in the document (the chunker's encoding). */
  tokenStart: number;
  tokenEnd: number;
}

export function chunkId(source: string, text: string): string {
  return createHash('sha256').update(`${source}\u0000${text}`).digest('hex');
}

/** `source#heading`, the label passages are cited by and relevance labels match against. */
export function chunkLabel(c: { source: string; heading: string }): string {
  return c.heading ? `${c.source}#${c.heading}` : c.source;
}
