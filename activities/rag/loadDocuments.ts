import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DocumentFormatError, type ParsedDocument } from '../../core/rag/documentTypes';
import { isDocumentFile, parseDocument } from '../../core/rag/formats/parseDocument';

/**
 * A corpus manifest (`*.json`): the documents to index, relative to the manifest's folder (or `root`), and how to
 * read JSONL records. The other way to name a corpus is a folder, read recursively.
 */
export const CorpusManifestSchema = z
  .object({
    root: z.string().optional(),
    documents: z.array(z.string().min(1)).min(1),
    jsonl: z
      .object({ textField: z.string().min(1).optional(), titleField: z.string().min(1).optional() })
      .strict()
      .optional(),
  })
  .strict();

export interface LoadedDocument extends ParsedDocument {
  /** sha256 of the file's bytes: what a re-index compares. */
  sha256: string;
}

/** Files under a folder with a supported extension, sorted; dot-folders and node_modules are skipped. */
function walk(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(full));
    else if (entry.isFile() && isDocumentFile(entry.name)) out.push(full);
  }
  return out;
}

/**
 * Reads a corpus: a folder (every supported document under it), one document file, or a manifest `.json`.
 * Sources are paths relative to the corpus root with `/` separators, so an index built on one machine cites the
 * same names on another. Bad input throws a DocumentFormatError naming the file (and line).
 */
export function loadDocuments(target: string): LoadedDocument[] {
  const abs = path.resolve(target);
  if (!fs.existsSync(abs)) throw new DocumentFormatError(target, undefined, 'no such file or folder');
  let root: string;
  let files: string[];
  let jsonl: z.infer<typeof CorpusManifestSchema>['jsonl'];
  if (fs.statSync(abs).isDirectory()) {
    root = abs;
    files = walk(abs);
  } else if (abs.toLowerCase().endsWith('.json')) {
    let raw: unknown;
    try {
      raw = JSON.parse(fs.readFileSync(abs, 'utf8'));
    } catch (err) {
      throw new DocumentFormatError(target, undefined, `not a JSON corpus manifest (${(err as Error).message})`);
    }
    const parsed = CorpusManifestSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new DocumentFormatError(
        target,
        undefined,
        `corpus manifest: ${issue.path.join('.') || '(root)'}: ${issue.message} (expected {"documents": ` +
          `["file.md", ...], "root"?: "dir", "jsonl"?: {"textField": "text"}})`,
      );
    }
    root = path.resolve(path.dirname(abs), parsed.data.root ?? '.');
    files = parsed.data.documents.map((d) => path.resolve(root, d));
    jsonl = parsed.data.jsonl;
    const missing = files.find((f) => !fs.existsSync(f));
    if (missing)
      throw new DocumentFormatError(target, undefined, `document ${path.relative(root, missing)} does not exist`);
  } else {
    root = path.dirname(abs);
    files = [abs];
  }
  if (!files.length)
    throw new DocumentFormatError(
      target,
      undefined,
      'no documents found (.md, .markdown, .txt, .html, .htm or .jsonl)',
    );
  return files.map((file) => {
    const bytes = fs.readFileSync(file);
    const source = path.relative(root, file).split(path.sep).join('/');
    return {
      ...parseDocument(source, bytes.toString('utf8'), jsonl),
      sha256: createHash('sha256').update(bytes).digest('hex'),
    };
  });
}
