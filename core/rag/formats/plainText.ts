import type { ParsedDocument } from '../documentTypes';

/** Plain text: one section with no heading; the chunker splits it by tokens alone. */
export function parsePlainText(source: string, text: string): ParsedDocument {
  return {
    source,
    text,
    sections: text.length ? [{ heading: [], level: 0, start: 0, end: text.length }] : [],
    boundaryLevel: 0,
  };
}
