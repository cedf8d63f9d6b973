import { execFileSync } from 'node:child_process';
import path from 'node:path';

/**
 * The layer rules in eslint.config.mjs catch what they exist for: ESLint's Node API lints in-memory snippets as if
 * they were files in the layer folders (nothing is written), and the import rule must report exactly the imports
 * that cross a layer. ESLint loads its ES-module config with `import()`, which Jest's module system does not run,
 * so the API runs in a plain Node child process.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const RULE = '@typescript-eslint/no-restricted-imports';

interface Probe {
  filePath: string;
  code: string;
}
interface Finding {
  filePath: string;
  line: number;
  ruleId: string | null;
  message: string;
}

const LINT = `
const { ESLint } = require('eslint');
const probes = JSON.parse(process.argv[1]);
(async () => {
  const eslint = new ESLint({ cwd: process.cwd() });
  const findings = [];
  for (const p of probes) {
    const [result] = await eslint.lintText(p.code, { filePath: p.filePath });
    for (const m of result.messages) findings.push({ filePath: p.filePath, line: m.line, ruleId: m.ruleId, message: m.message });
  }
  process.stdout.write(JSON.stringify(findings));
})().catch((err) => { process.stderr.write(String(err && err.stack || err)); process.exit(1); });
`;

function lint(probes: Probe[]): Finding[] {
  const out = execFileSync(process.execPath, ['-e', LINT, JSON.stringify(probes)], { cwd: ROOT, encoding: 'utf8' });
  return JSON.parse(out) as Finding[];
}

/** The import-rule findings for one probe, as `line: message`. */
const importFindings = (findings: Finding[], filePath: string) =>
  findings.filter((f) => f.filePath === filePath && f.ruleId === RULE).map((f) => `${f.line}: ${f.message}`);

describe('layer rules (eslint.config.mjs)', () => {
  const probes: Probe[] = [
    {
      filePath: 'workflows/lintProbe.ts',
      code: [
        "import { prepareDataset } from '../activities/dataset/prepareDataset';",
        "import type * as activities from '../activities';",
        "import fs from 'node:fs';",
        "import { proxyActivities } from '@temporalio/workflow';",
        "import { pipelineRunId } from '../core/operations/pipelineRunId';",
        'export const probe = [prepareDataset, fs, proxyActivities<typeof activities>, pipelineRunId];',
        '',
      ].join('\n'),
    },
    {
      filePath: 'workflows/pipeline/lintProbe.ts',
      code: [
        "import { registryDb } from '../../stores/registry/registryDb';",
        "import { proxyFor } from '../activityProxies';",
        'export const probe = [registryDb, proxyFor];',
        '',
      ].join('\n'),
    },
    {
      filePath: 'core/gate/lintProbe.ts',
      code: [
        "import { command } from '../../cli/commands/run';",
        "import { spawn } from 'node:child_process';",
        "import { budget } from '../pipeline/budget';",
        'export const probe = [command, spawn, budget];',
        '',
      ].join('\n'),
    },
    {
      filePath: 'activities/lintProbe.ts',
      code: "import { command } from '../cli/commands/run';\nexport const probe = command;\n",
    },
  ];
  let findings: Finding[];

  beforeAll(() => {
    findings = lint(probes);
  }, 60_000);

  it('rejects a value import of an activity module, and Node built-ins, in workflow code', () => {
    const found = importFindings(findings, 'workflows/lintProbe.ts');
    expect(found).toEqual([
      expect.stringMatching(/^1: '\.\.\/activities\/dataset\/prepareDataset' import is restricted .*only as types/),
      expect.stringMatching(/^3: 'node:fs' import is restricted .*@temporalio\/workflow/),
    ]);
  });

  it('measures layer crossings from the repository root in nested workflow folders', () => {
    const found = importFindings(findings, 'workflows/pipeline/lintProbe.ts');
    expect(found).toEqual([
      expect.stringMatching(/^1: '\.\.\/\.\.\/stores\/registry\/registryDb' import is restricted/),
    ]);
  });

  it('rejects an import of cli/ and of child processes from core/', () => {
    const found = importFindings(findings, 'core/gate/lintProbe.ts');
    expect(found).toEqual([
      expect.stringMatching(/^1: '\.\.\/\.\.\/cli\/commands\/run' import is restricted .*core\/ is pure logic/),
      expect.stringMatching(/^2: 'node:child_process' import is restricted .*core\/ is pure logic/),
    ]);
  });

  it('rejects an import of cli/ from activities/', () => {
    expect(importFindings(findings, 'activities/lintProbe.ts')).toEqual([
      expect.stringMatching(/^1: '\.\.\/cli\/commands\/run' import is restricted .*Activities do not import the CLI/),
    ]);
  });
});
