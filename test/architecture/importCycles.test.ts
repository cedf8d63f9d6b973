import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeCycles, importEdges, unitCycles, type ImportEdge } from './importGraph';

/**
 * The layers import one way. No two top-level folders import each other, even through a third or through a type
 * (`config/` may import `core/`, `core/` never imports `config/`; `activities/` use `stores/`, never the reverse),
 * and the same holds between `core/`'s subfolders (`core/pipeline/` may import `core/gate/`, never the reverse).
 * A failure prints each cycle with the file imports that close it.
 */
const ROOT = path.resolve(__dirname, '..', '..');

/** The top-level folder a file belongs to; files at the root (index.ts) form their own unit. */
const layerOf = (file: string): string => (file.includes('/') ? file.slice(0, file.indexOf('/')) : file);

/** The subfolder of core/ a file belongs to, or undefined outside core/. */
const coreFolderOf = (file: string): string | undefined => {
  const parts = file.split('/');
  return parts[0] === 'core' && parts.length > 2 ? `core/${parts[1]}` : undefined;
};

describe('import graph', () => {
  const edges = importEdges(ROOT);
  const has = (from: string, to: string) => edges.some((e) => e.from === from && e.to === to);

  test('reads static, type-only and type-position import() edges', () => {
    expect(edges.length).toBeGreaterThan(1000);
    expect(has('cli/commands/codecServer.ts', 'servers/codec/codecServer.ts')).toBe(true);
    // `import type * as activities from '../activities'`: a type-only import of a folder's index.
    expect(has('workflows/activityProxies.ts', 'activities/index.ts')).toBe(true);
    // `timeouts?: import('../activityOptions/activityTimeouts').ActivityTimeoutOverrides`
    expect(has('core/pipeline/pipelineTypes.ts', 'core/activityOptions/activityTimeouts.ts')).toBe(true);
  });

  test('no cycle between top-level folders', () => {
    expect(describeCycles(unitCycles(edges, layerOf))).toBe('');
  });

  test("no cycle between core/'s subfolders", () => {
    expect(describeCycles(unitCycles(edges, coreFolderOf))).toBe('');
  });
});

describe('cycle report', () => {
  const edge = (from: string, to: string): ImportEdge => ({ from, to });

  test('names every unit of a cycle and the file imports that close it', () => {
    const edges = [
      edge('config/spec.ts', 'core/rules.ts'),
      edge('core/types.ts', 'config/spec.ts'),
      edge('cli/main.ts', 'config/spec.ts'),
      edge('core/rules.ts', 'core/types.ts'),
    ];
    expect(describeCycles(unitCycles(edges, layerOf))).toBe(
      [
        'cycle: config -> core -> config',
        '  config/spec.ts imports core/rules.ts',
        '  core/types.ts imports config/spec.ts',
      ].join('\n'),
    );
    expect(unitCycles(edges.slice(1), layerOf)).toEqual([]);
  });

  test('a three-folder cycle through type-only imports, read from real files', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-cycles-'));
    try {
      const write = (file: string, text: string) => {
        fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        fs.writeFileSync(path.join(dir, file), text);
      };
      write('core/a/x.ts', "import type { Y } from '../b/y';\nexport type X = Y;\n");
      write('core/b/y.ts', "export type Y = import('../c').Z;\n");
      write('core/c/index.ts', "import { type X } from '../a/x';\nexport type Z = string | X[];\n");
      write('core/c/free.ts', "import { readFileSync } from 'node:fs';\nexport const f = readFileSync;\n");
      const cycles = unitCycles(importEdges(dir), coreFolderOf);
      expect(cycles.map((c) => c.units)).toEqual([['core/a', 'core/b', 'core/c', 'core/a']]);
      expect(describeCycles(cycles)).toContain('core/c/index.ts imports core/a/x.ts');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
