/**
 * The shape of a bad-input catalogue entry: what a user gives Tailor, and the clear error they must get back.
 * CLI entries name files by their key in `files` (written to a fresh directory; `{dir}` in argv is that directory);
 * HTTP entries are one request to the local OpenAI-compatible backend.
 */
export type CliKind = 'dataset' | 'spec' | 'suite' | 'prompt' | 'cli';

export interface CliEntry {
  id: string;
  kind: CliKind;
  /** File name → content, written under `{dir}` before the command runs. */
  files?: Record<string, string | Buffer>;
  /** `tailor` arguments; `{dir}` is replaced by the entry's directory. */
  argv: string[];
  expect: {
    exitCode: number;
    /** Must name the file:line (or the option / field) and what was expected. */
    message: RegExp;
  };
  /** Also run through the real `tailor` binary (exit code and no stack trace from a separate process). */
  binary?: true;
}

export interface HttpRequest {
  method: 'GET' | 'POST' | 'DELETE';
  /** Under the base URL's origin, e.g. `/v1/chat/completions`. */
  path: string;
  /** JSON-encoded with `content-type: application/json`. */
  json?: unknown;
  /** Sent as is, with `contentType` when given. */
  raw?: string | Buffer;
  contentType?: string;
  /** multipart/form-data: strings are fields, `{filename, content}` are files. */
  form?: Record<string, string | { filename: string; content: string }>;
  /** Default true: `Authorization: Bearer local`. */
  auth?: boolean;
}

export interface HttpEntry {
  id: string;
  kind: 'http';
  request: HttpRequest;
  expect: {
    httpStatus: number;
    message: RegExp;
    /** OpenAI's `error.param`: the field at fault (checked when given, `null` included). */
    param?: string | null;
    code?: string | null;
  };
}

export type CatalogueEntry = CliEntry | HttpEntry;
