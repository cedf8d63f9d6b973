import fs from 'node:fs';
import path from 'node:path';
import { isFailureType } from '../../core/failures/failureTypes';
import {
  ACTIVITY_RETRY_POLICIES,
  DEFAULT_ACTIVITY_TIMEOUTS,
  type ActivityKind,
} from '../../core/activityOptions/activityTimeouts';

/**
 * The design lives in the repository (docs/architecture.md) and stays true to it: no comment cites a document a
 * reader of this repository cannot open, every comment that points into the design names a section that exists, and
 * every path the design names exists, so a file moved without updating the page fails here.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const DOC = 'docs/architecture.md';
const doc = fs.readFileSync(path.join(ROOT, DOC), 'utf8');

/** Folders never scanned: installs, builds, tool venvs, run state, recorded histories and data. */
const SKIP_DIRS = new Set([
  'node_modules',
  'dist',
  '.tools',
  '.tailor',
  '.git',
  '__pycache__',
  'histories',
  'coverage',
]);
const SCANNED = /\.(ts|js|mjs|cjs|py|md|sh|ya?ml)$/;
const MAX_BYTES = 1 << 20;

function sourceFiles(dir = ROOT, out: string[] = []): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) sourceFiles(full, out);
    } else if (entry.isFile() && SCANNED.test(entry.name) && fs.statSync(full).size <= MAX_BYTES) {
      out.push(full);
    }
  }
  return out;
}

/**
 * Citations of documents outside the repository: the design notes the project started from, numbered invariants
 * or issue items, and section numbers of private reference notes. "by design" and the like are ordinary words.
 */
const OUTSIDE_CITATIONS: { name: string; pattern: RegExp }[] = [
  { name: 'the design notes', pattern: /\bDESIGN\b/ },
  { name: 'a numbered invariant', pattern: /\binvariants? \d/i },
  { name: 'an issue number', pattern: /\bissues? #?\d+/i },
  { name: 'an issue item', pattern: /\bitems? \d+(?:,? (?:and )?\d+)* of issue\b/i },
  { name: 'a reference note', pattern: /shared\/reference|\b[\w-]+\.md §|reference §|openai-(?:api|graders)\.md/ },
  { name: 'a section sign', pattern: /§/ },
];

/** A comment's text with the line breaks and comment markers of a wrapped comment taken out. */
const unwrapped = (text: string) => text.replace(/\n[ \t]*(?:\*(?!\/)|\/\/|#)?[ \t]*/g, ' ');

const headings = new Set(
  doc
    .split('\n')
    .filter((l) => /^#{2,4} /.test(l))
    .map((l) => l.replace(/^#+ /, '').trim()),
);

/** The page's text from one heading to the next of the same level. */
function section(heading: string): string {
  const start = doc.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`${DOC} has no heading "${heading}"`);
  const level = heading.split(' ')[0]!;
  const next = doc.slice(start + heading.length + 2).search(new RegExp(`\\n#{2,${level.length}} `));
  return next < 0 ? doc.slice(start) : doc.slice(start, start + heading.length + 2 + next);
}

/** Backticked spans of the page that name a file or folder of the repository. */
const TOP_LEVEL = ['core', 'config', 'workflows', 'activities', 'stores', 'servers', 'providers', 'workers', 'cli'];
const OTHER_TOP = ['bench', 'test', 'docs', 'scripts', 'examples', 'bin', '.ci'];
const ROOT_FILES = /^(?:\.[\w-]+|[\w-]+\.config\.m?js|tsconfig(?:\.[\w-]+)?\.json|package\.json|index\.ts)$/;
function pathsInDoc(): string[] {
  const spans = [...doc.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!.trim());
  const isPath = (s: string) => {
    if (/[\s<>$:*…]/.test(s)) return false;
    const first = s.split('/')[0]!;
    return s.includes('/') ? [...TOP_LEVEL, ...OTHER_TOP].includes(first) : ROOT_FILES.test(s);
  };
  return [...new Set(spans.filter(isPath))];
}

describe('the design is in the repository', () => {
  const files = sourceFiles().filter((f) => f !== __filename);

  it('scans the source tree', () => {
    expect(files.length).toBeGreaterThan(500);
    expect(files).toContain(path.join(ROOT, DOC));
  });

  it('no comment or text cites a document outside the repository', () => {
    const found: string[] = [];
    for (const file of files) {
      const lines = fs.readFileSync(file, 'utf8').split('\n');
      lines.forEach((line, i) => {
        for (const { name, pattern } of OUTSIDE_CITATIONS) {
          if (pattern.test(line)) found.push(`${path.relative(ROOT, file)}:${i + 1}: ${name}: ${line.trim()}`);
        }
      });
    }
    expect(found).toEqual([]);
  });

  it('every pointer into docs/architecture.md names one of its sections', () => {
    const broken: string[] = [];
    let pointers = 0;
    for (const file of files) {
      const text = unwrapped(fs.readFileSync(file, 'utf8'));
      for (const m of text.matchAll(/docs\/architecture\.md, ([^)]+)\)/g)) {
        pointers++;
        const section = m[1]!.trim();
        if (!headings.has(section)) broken.push(`${path.relative(ROOT, file)}: "${section}"`);
      }
    }
    expect(broken).toEqual([]);
    expect(pointers).toBeGreaterThan(10);
  });

  it('every file and folder the page names exists', () => {
    const paths = pathsInDoc();
    expect(paths.length).toBeGreaterThan(60);
    const missing = paths.filter((p) => !fs.existsSync(path.join(ROOT, p)));
    expect(missing).toEqual([]);
  });

  it('the run-kind table lists every workflow the worker registers', () => {
    const index = fs.readFileSync(path.join(ROOT, 'workflows/index.ts'), 'utf8');
    const workflows = [...index.matchAll(/export \{ (\w+) \} from/g)].map((m) => m[1]!);
    expect(workflows.length).toBeGreaterThan(5);
    const table = section('## Kinds of run');
    expect(workflows.filter((w) => !table.includes(`| \`${w}\` |`))).toEqual([]);
  });

  it('the retry and timeout table has every kind of activity, with its timeout and attempts', () => {
    const rows = new Map(
      [...section('## Retries and timeouts').matchAll(/^\| `(\w+)` \|(.*)$/gm)].map((m) => [m[1]!, m[2]!]),
    );
    const wrong: string[] = [];
    for (const [kind, policy] of Object.entries(ACTIVITY_RETRY_POLICIES)) {
      const row = rows.get(kind);
      const timeouts: { startToClose?: string } = DEFAULT_ACTIVITY_TIMEOUTS[kind as ActivityKind] ?? {};
      if (row === undefined) wrong.push(`${kind}: no row`);
      else if (timeouts.startToClose && !row.includes(timeouts.startToClose))
        wrong.push(`${kind}: not ${timeouts.startToClose}`);
      else if (policy.maximumAttempts && !row.includes(`${policy.maximumAttempts} attempts`)) {
        wrong.push(`${kind}: not ${policy.maximumAttempts} attempts`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('the failure table names only types of the failure map', () => {
    const names = [...section('## Failure types').matchAll(/`([A-Z]\w+)`/g)].map((m) => m[1]!);
    expect(names.length).toBeGreaterThan(10);
    expect(names.filter((n) => n !== 'ApplicationFailure' && !isFailureType(n))).toEqual([]);
  });

  it('the page lists every patch marker the workflows use', () => {
    const markers = new Set<string>();
    for (const file of sourceFiles(path.join(ROOT, 'workflows'))) {
      for (const m of fs.readFileSync(file, 'utf8').matchAll(/\bpatched\('([^']+)'\)/g)) markers.add(m[1]!);
    }
    expect(markers.size).toBeGreaterThan(0);
    const text = section('### Deterministic workflows');
    expect([...markers].filter((m) => !text.includes(`\`${m}\``))).toEqual([]);
  });
});
