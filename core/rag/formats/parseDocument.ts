import { DocumentFormatError, type ParsedDocument } from '../documentTypes';
import { parseHtml } from './html';
import { parseJsonlDocuments, type JsonlOptions } from './jsonl';
import { parseMarkdown } from './markdown';
import { parsePlainText } from './plainText';

export const DOCUMENT_EXTENSIONS = ['.md', '.markdown', '.txt', '.text', '.html', '.htm', '.jsonl'] as const;

export function isDocumentFile(name: string): boolean {
  const lower = name.toLowerCase();
  return DOCUMENT_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

/** Parses a document by its file extension; an unsupported one is a DocumentFormatError naming the supported set. */
export function parseDocument(source: string, content: string, opts: JsonlOptions = {}): ParsedDocument {
  const lower = source.toLowerCase();
  const text = content.replace(/^\uFEFF/, '');
  if (lower.endsWith('.md') || lower.endsWith('.markdown')) return parseMarkdown(source, text);
  if (lower.endsWith('.txt') || lower.endsWith('.text')) return parsePlainText(source, text);
  if (lower.endsWith('.html') || lower.endsWith('.htm')) return parseHtml(source, text);
  if (lower.endsWith('.jsonl')) return parseJsonlDocuments(source, text, opts);
  throw new DocumentFormatError(
    source,
    undefined,
    `unsupported document type; expected one of ${DOCUMENT_EXTENSIONS.join(', ')}`,
  );
}
