/**
 * Uploaded files: metadata in the state store, bytes on disk. Fine-tune uploads are checked at
 * upload time, so `status` is final in the create response: `processed`, or `error` with the
 * reason in `status_details` for a file that is not JSONL (clients polling with
 * `files.waitForProcessing` stop at either).
 */
import { invalidRequest, fileNotFound } from '../http/apiError';
import { newFileId, nowSeconds } from '../store/ids';
import type { StateStore } from '../store/stateStore';
import { parseJsonl } from '../training/jsonl';

export const PURPOSES = ['assistants', 'batch', 'fine-tune', 'vision', 'user_data', 'evals'] as const;

export interface FileObject {
  id: string;
  object: 'file';
  bytes: number;
  created_at: number;
  expires_at: number | null;
  filename: string;
  purpose: string;
  status: 'uploaded' | 'processed' | 'error';
  status_details: string | null;
}

export class FileService {
  constructor(private readonly store: StateStore) {}

  create(filename: string, purpose: string, bytes: Buffer, expiresAfterSeconds: number | null): FileObject {
    if (!(PURPOSES as readonly string[]).includes(purpose) && purpose !== 'fine-tune-results') {
      throw invalidRequest(
        `'${purpose}' is not one of ${PURPOSES.map((p) => `'${p}'`).join(', ')} - 'purpose'`,
        'purpose',
        'invalid_value',
      );
    }
    let status: FileObject['status'] = 'processed';
    let details: string | null = null;
    if (purpose === 'fine-tune') {
      if (!filename.toLowerCase().endsWith('.jsonl')) {
        throw invalidRequest(`Invalid file format for Fine-Tuning API. Must be .jsonl`, 'file', 'invalid_file_format');
      }
      const parsed = parseJsonl(bytes);
      if (!parsed.ok) {
        status = 'error';
        details = parsed.reason;
      }
    }
    const created = nowSeconds();
    const file: FileObject = {
      id: newFileId(),
      object: 'file',
      bytes: bytes.byteLength,
      created_at: created,
      expires_at: expiresAfterSeconds ? created + expiresAfterSeconds : null,
      filename,
      purpose,
      status,
      status_details: details,
    };
    this.store.writeContent(file.id, bytes);
    this.store.put('file', file.id, file);
    return file;
  }

  get(id: string): FileObject | undefined {
    const f = this.store.get<FileObject>('file', id);
    if (f && f.expires_at !== null && f.expires_at <= nowSeconds()) return undefined;
    return f;
  }

  require(id: string): FileObject {
    const f = this.get(id);
    if (!f) throw fileNotFound(id);
    return f;
  }

  list(purpose: string | null, order: 'asc' | 'desc'): FileObject[] {
    const now = nowSeconds();
    return this.store
      .list<FileObject>('file', { order })
      .filter((f) => (purpose === null || f.purpose === purpose) && (f.expires_at === null || f.expires_at > now));
  }

  content(id: string): Buffer | undefined {
    return this.get(id) ? this.store.readContent(id) : undefined;
  }

  delete(id: string): boolean {
    if (!this.get(id)) return false;
    this.store.delete('file', id);
    this.store.deleteContent(id);
    return true;
  }
}
