import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/**
 * The repository's TypeScript import graph, read the way the compiler reads it (`ts.preProcessFile`: static imports,
 * `export ... from`, `import()` and `require()`), type-only imports included: a type cycle still ties two folders
 * together. Only relative specifiers are followed; packages are outside the graph.
 */

/** One import of one file by another, as repository-relative paths with forward slashes. */
export interface ImportEdge {
  from: string;
  to: string;
}

/** Folders never read: installs, builds, tool venvs and run state. */
const SKIP_DIRS = new Set(['node_modules', 'dist', '.tools', '.tailor', '.git', 'coverage']);

function tsFiles(root: string, dir = root, out: string[] = []): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) tsFiles(root, full, out);
    } else if (entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
      out.push(path.relative(root, full).split(path.sep).join('/'));
    }
  }
  return out;
}

/** The file a relative specifier names, as the compiler would find it, or undefined when none exists. */
function resolveSpecifier(root: string, fromFile: string, spec: string): string | undefined {
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(fromFile), spec));
  const stem = base.replace(/\.(js|ts)$/, '');
  for (const candidate of [`${stem}.ts`, `${stem}/index.ts`]) {
    if (fs.existsSync(path.join(root, candidate))) return candidate;
  }
  return undefined;
}

/** Every relative import between the repository's .ts files. */
export function importEdges(root: string): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const file of tsFiles(root)) {
    const info = ts.preProcessFile(fs.readFileSync(path.join(root, file), 'utf8'), true, true);
    for (const imported of info.importedFiles) {
      if (!imported.fileName.startsWith('.')) continue;
      const to = resolveSpecifier(root, file, imported.fileName);
      if (to !== undefined && to !== file) edges.push({ from: file, to });
    }
  }
  return edges;
}

/** A cycle between units (folders), each step with one file import that makes it. */
export interface UnitCycle {
  units: string[];
  steps: ImportEdge[];
  /** Every unit-to-unit import inside the tangle the cycle belongs to, one file import each: what to untie. */
  tangle: ImportEdge[];
}

/**
 * Cycles between the units `unitOf` assigns files to (undefined: the file is left out). One shortest cycle per
 * strongly connected group of units, so a report names every tangle once and stays short.
 */
export function unitCycles(edges: ImportEdge[], unitOf: (file: string) => string | undefined): UnitCycle[] {
  const example = new Map<string, ImportEdge>();
  const next = new Map<string, Set<string>>();
  for (const edge of edges) {
    const a = unitOf(edge.from);
    const b = unitOf(edge.to);
    if (a === undefined || b === undefined || a === b) continue;
    if (!next.has(a)) next.set(a, new Set());
    next.get(a)!.add(b);
    if (!example.has(`${a}\0${b}`)) example.set(`${a}\0${b}`, edge);
  }
  const cycles: UnitCycle[] = [];
  for (const group of stronglyConnected(next)) {
    if (group.length < 2) continue;
    const start = [...group].sort()[0]!;
    const units = shortestCycle(start, new Set(group), next);
    const steps = units.slice(0, -1).map((u, i) => example.get(`${u}\0${units[i + 1]}`)!);
    const members = new Set(group);
    const tangle = [...example]
      .filter(([key]) => key.split('\0').every((u) => members.has(u)))
      .map(([, edge]) => edge)
      .sort((x, y) => x.from.localeCompare(y.from) || x.to.localeCompare(y.to));
    cycles.push({ units, steps, tangle });
  }
  return cycles.sort((x, y) => x.units[0]!.localeCompare(y.units[0]!));
}

/** A readable report: per cycle, the units, the file imports that close it, and the rest of its tangle. */
export function describeCycles(cycles: UnitCycle[]): string {
  return cycles
    .map((c) => {
      const rest = c.tangle.filter((t) => !c.steps.includes(t));
      return [
        `cycle: ${c.units.join(' -> ')}`,
        ...c.steps.map((s) => `  ${s.from} imports ${s.to}`),
        ...(rest.length ? ['  other imports inside the same tangle:'] : []),
        ...rest.map((s) => `    ${s.from} imports ${s.to}`),
      ].join('\n');
    })
    .join('\n');
}

/** Tarjan's strongly connected components, iteration order fixed by sorting so a report is stable. */
function stronglyConnected(next: Map<string, Set<string>>): string[][] {
  const nodes = [...new Set([...next.keys(), ...[...next.values()].flatMap((s) => [...s])])].sort();
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  let counter = 0;
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of [...(next.get(v) ?? [])].sort()) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        group.push(w);
      } while (w !== v);
      groups.push(group);
    }
  };
  for (const v of nodes) if (!index.has(v)) visit(v);
  return groups;
}

/** Breadth-first from `start` back to itself inside its group: the cycle as units, `start` at both ends. */
function shortestCycle(start: string, group: Set<string>, next: Map<string, Set<string>>): string[] {
  const parent = new Map<string, string>();
  const queue = [start];
  while (queue.length) {
    const u = queue.shift()!;
    for (const w of [...(next.get(u) ?? [])].sort()) {
      if (!group.has(w)) continue;
      if (w === start) {
        const chain = [u];
        while (chain[0] !== start) chain.unshift(parent.get(chain[0]!)!);
        return [...chain, start];
      }
      if (!parent.has(w)) {
        parent.set(w, u);
        queue.push(w);
      }
    }
  }
  return [start, start];
}
