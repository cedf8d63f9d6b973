import type { ColumnMapping, DatasetFormat } from '../spec/datasetSpec';
import { templateColumns } from './columnTemplate';
import { CsvParser } from './csvParser';
import { DEFAULT_DATASET_LIMITS, lineTooLongMessage } from './datasetLimits';
import type { Issue } from './errorCategories';
import { LineSplitter, type LineStats } from './lineSplitter';
import { defaultColumnMapping } from './sourceFormat';

/** One record of a source file: a parsed value (JSON value or CSV row object) or why it could not be read. */
export type SourceRecord = { line: number; value: unknown } | { line: number; issue: Issue };

/** A mistake in the whole source (e.g. a CSV mapping naming absent columns), as opposed to one bad record. */
export class SourceFormatError extends Error {
  override name = 'SourceFormatError';
}

/**
 * Turns pushed byte chunks of a source file into records, for every format: JSONL through the line splitter
 * (blank lines skipped), CSV/TSV through the RFC 4180 parser with its header row and column mapping resolved
 * once. Pure: the caller does the reading, so the same code serves files, tests and streams.
 */
export class SourceRecordReader {
  private readonly splitter?: LineSplitter;
  private readonly csv?: CsvParser;
  // Fatal: a CSV with invalid UTF-8 is rejected rather than silently trained on U+FFFD characters.
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private bytesSeen = 0;
  private header?: string[];
  mapping?: ColumnMapping;
  private out: SourceRecord[] = [];

  constructor(
    private readonly format: DatasetFormat,
    private readonly columns?: ColumnMapping,
    maxLineBytes?: number,
  ) {
    if (format === 'csv' || format === 'tsv') {
      this.csv = new CsvParser(format === 'csv' ? ',' : '\t', (fields, line) => this.onRow(fields, line));
    } else {
      this.splitter = new LineSplitter(
        (raw) => {
          if (raw.kind === 'too_long')
            this.out.push({
              line: raw.line,
              issue: {
                category: 'line_too_long',
                message: lineTooLongMessage(raw.bytes, maxLineBytes ?? DEFAULT_DATASET_LIMITS.maxLineBytes),
              },
            });
          else if (raw.kind === 'invalid_utf8')
            this.out.push({
              line: raw.line,
              issue: { category: 'invalid_utf8', message: `invalid UTF-8 at byte ${raw.badByteOffset}` },
            });
          else if (raw.text.trim() !== '') {
            try {
              this.out.push({ line: raw.line, value: JSON.parse(raw.text) });
            } catch (err) {
              this.out.push({
                line: raw.line,
                issue: { category: 'invalid_json', message: err instanceof Error ? err.message : String(err) },
              });
            }
          }
        },
        maxLineBytes,
        true,
      );
    }
  }

  /** Line statistics (BOM, CRLF) for JSONL sources. */
  get lineStats(): LineStats | undefined {
    return this.splitter?.stats;
  }

  /** Feeds a chunk and returns the records it completed. */
  push(chunk: Uint8Array): SourceRecord[] {
    if (this.splitter) this.splitter.push(chunk);
    else {
      this.csv!.push(this.decodeCsv(chunk));
      this.bytesSeen += chunk.length;
    }
    return this.take();
  }

  end(): SourceRecord[] {
    if (this.splitter) this.splitter.end();
    else {
      this.csv!.push(this.decodeCsv());
      this.csv!.end();
    }
    return this.take();
  }

  private decodeCsv(chunk?: Uint8Array): string {
    try {
      return chunk ? this.decoder.decode(chunk, { stream: true }) : this.decoder.decode();
    } catch {
      throw new SourceFormatError(
        `the ${this.format.toUpperCase()} file is not valid UTF-8 (in the bytes after offset ` +
          `${this.bytesSeen}); re-save it as UTF-8`,
      );
    }
  }

  private take(): SourceRecord[] {
    const r = this.out;
    this.out = [];
    return r;
  }

  private onRow(fields: string[], line: number): void {
    if (!this.header) {
      // A BOM would otherwise become part of the first column's name.
      this.header = fields.map((f, i) => (i === 0 ? f.replace(/^\uFEFF/, '') : f).trim());
      this.mapping = this.columns ?? defaultColumnMapping(this.header);
      if (!this.mapping) {
        throw new SourceFormatError(
          `CSV header (${this.header.join(', ')}) has neither user/assistant nor prompt/completion columns; ` +
            `set dataset.columns`,
        );
      }
      const missing = [this.mapping.system, this.mapping.user, this.mapping.assistant]
        .filter((t): t is string => t !== undefined)
        .flatMap((t) => templateColumns(t, this.header!).missing);
      if (missing.length > 0)
        throw new SourceFormatError(
          `dataset.columns names column(s) not in the header: ${missing.join(', ')} (header: ` +
            `${this.header.join(', ')})`,
        );
      return;
    }
    if (fields.length === 1 && fields[0]!.trim() === '') return;
    if (fields.length !== this.header.length) {
      this.out.push({
        line,
        issue: {
          category: 'data_type',
          message: `row has ${fields.length} fields; the header has ${this.header.length}`,
        },
      });
      return;
    }
    const row: Record<string, string> = {};
    this.header.forEach((h, i) => (row[h] = fields[i]!));
    this.out.push({ line, value: row });
  }
}
