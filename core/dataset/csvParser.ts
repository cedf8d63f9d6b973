/**
 * A streaming RFC 4180 reader: quoted fields may hold delimiters, doubled quotes and newlines; CRLF or LF ends a
 * record. Text is pushed in chunks of any size and rows come out through the callback with the line they start
 * on, so memory holds one record at a time.
 */
export class CsvParser {
  private field = '';
  private row: string[] = [];
  private inQuotes = false;
  private quoteSeen = false; // just saw a quote inside a quoted field: either an escaped quote or the closing one
  private line = 1;
  private rowStartLine = 1;
  private rowHasContent = false;
  private pendingCr = false;

  constructor(
    private readonly delimiter: string,
    private readonly onRow: (fields: string[], line: number) => void,
  ) {}

  push(text: string): void {
    const d = this.delimiter;
    for (let i = 0; i < text.length; i++) {
      const c = text[i]!;
      if (this.pendingCr) {
        this.pendingCr = false;
        if (c === '\n') continue; // CRLF already ended the record
      }
      if (this.inQuotes) {
        if (this.quoteSeen) {
          this.quoteSeen = false;
          if (c === '"') {
            this.field += '"';
            continue;
          }
          this.inQuotes = false; // the quote closed the field; fall through to handle c unquoted
        } else if (c === '"') {
          this.quoteSeen = true;
          continue;
        } else {
          if (c === '\n') this.line++;
          this.field += c;
          continue;
        }
      }
      if (c === '"' && this.field === '') {
        this.inQuotes = true;
        this.rowHasContent = true;
      } else if (c === d) {
        this.row.push(this.field);
        this.field = '';
        this.rowHasContent = true;
      } else if (c === '\n' || c === '\r') {
        this.endRecord();
        this.line++;
        this.rowStartLine = this.line;
        if (c === '\r') this.pendingCr = true;
      } else {
        this.field += c;
        this.rowHasContent = true;
      }
    }
  }

  end(): void {
    if (this.quoteSeen) {
      this.quoteSeen = false;
      this.inQuotes = false;
    }
    if (this.rowHasContent || this.field !== '') this.endRecord();
  }

  private endRecord(): void {
    if (this.rowHasContent || this.field !== '') {
      this.row.push(this.field);
      this.onRow(this.row, this.rowStartLine);
    }
    this.row = [];
    this.field = '';
    this.rowHasContent = false;
  }
}
