import { isJsonObject } from '../../dataset/jsonValue';
import { DocumentFormatError, type DocSection, type ParsedDocument } from '../documentTypes';

export interface JsonlOptions {
  /** The field holding each record's text. @default 'text' */
  textField?: string;
  /** A field naming the record, used as its heading. @default 'title', else 'id', else `line N` */
  titleField?: string;
}

/**
 * JSONL: one record per line, each with a text field. Records become independent sections (a chunk never joins
 * two records unless both are tiny); the document text is the records' texts joined by blank lines, so offsets
 * point into that text, and the heading names the record and its line.
 */
export function parseJsonlDocuments(source: string, content: string, opts: JsonlOptions = {}): ParsedDocument {
  const field = opts.textField ?? 'text';
  let text = '';
  const sections: DocSection[] = [];
  const lines = content.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.trim();
    if (!raw) continue;
    const record = parseRecord(source, i + 1, raw);
    const value = record[field];
    if (typeof value !== 'string')
      throw new DocumentFormatError(
        source,
        i + 1,
        `expected a string field '${field}'${value === undefined ? ' (missing)' : ` (got ${typeof value})`}`,
      );
    if (!value.trim()) continue;
    const name = [opts.titleField, 'title', 'id']
      .map((k) => (k ? record[k] : undefined))
      .find((v) => typeof v === 'string' || typeof v === 'number');
    if (text.length) text += '\n\n';
    sections.push({
      heading: [name !== undefined ? String(name) : `line ${i + 1}`],
      level: 1,
      start: text.length,
      end: text.length + value.length,
    });
    text += value;
  }
  return { source, text, sections, boundaryLevel: 0 };
}

function parseRecord(source: string, line: number, raw: string): Record<string, unknown> {
  let row: unknown;
  try {
    row = JSON.parse(raw);
  } catch (err) {
    throw new DocumentFormatError(source, line, `not JSON (${(err as Error).message})`);
  }
  if (!isJsonObject(row)) throw new DocumentFormatError(source, line, 'expected a JSON object');
  return row;
}
