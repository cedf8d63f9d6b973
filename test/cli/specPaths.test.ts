/**
 * A spec's paths stay inside the spec's folder, the current project or TAILOR_ALLOWED_ROOTS (config/allowedRoots.ts):
 * `dataset.path: ../../../../etc/passwd`, `/etc/shadow` or a symlink leading out exits 2 naming file:line:key and the
 * allowed roots, and nothing starts. The repository's own examples keep loading.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadSpec, SpecError } from '../../config/loadSpec';
import { loadEvalSuite } from '../../config/evalSuiteSpec';
import { ALLOWED_ROOTS_VAR, insideRoots, specRoots } from '../../config/allowedRoots';
import { runCli } from '../support/runCli';
import { connectTestClient, testTemporalAddress } from '../support/temporal';

const ROOT = path.join(__dirname, '..', '..');
const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-specpaths-')));
const line = {
  messages: [
    { role: 'user', content: 'hi' },
    { role: 'assistant', content: 'b' },
  ],
};
fs.writeFileSync(path.join(dir, 'data.jsonl'), JSON.stringify(line) + '\n');
fs.symlinkSync('/etc/passwd', path.join(dir, 'innocent.jsonl'));
const escape =
  path
    .relative(dir, '/')
    .split(path.sep)
    .map(() => '..')
    .join('/') + '/../etc/passwd';
const spec = (name: string, datasetPath: string, extra = '') =>
  [
    `name: ${name}`,
    'baseModel: gpt-4o-mini-2024-07-18',
    'dataset:',
    `  path: ${datasetPath}`,
    'fineTune:',
    '  suffix: x',
    extra,
  ].join('\n');

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('tailor run refuses spec paths outside the allowed roots', () => {
  const cases = [
    { name: 'relative escape', datasetPath: escape, shown: '/etc/passwd' },
    { name: 'absolute system file', datasetPath: '/etc/shadow', shown: '/etc/shadow' },
    { name: 'symlink out', datasetPath: 'innocent.jsonl', shown: 'resolves to /etc/passwd' },
  ];

  it.each(cases)('$name → exit 2 naming file:line:key and the roots', async ({ name, datasetPath, shown }) => {
    const file = path.join(dir, `${name.replace(/ /g, '-')}.yaml`);
    fs.writeFileSync(file, spec(`paths-${name.replace(/ /g, '-')}`, datasetPath));
    const { code, stderr, stdout } = await runCli(['run', file], { TEMPORAL_ADDRESS: testTemporalAddress() }, ROOT);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(`${file}:4:`);
    expect(stderr).toContain('dataset.path:');
    expect(stderr).toContain(shown);
    expect(stderr).toContain('outside the allowed roots');
    expect(stderr).toContain(dir);
    expect(stderr).toContain(ALLOWED_ROOTS_VAR);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(stderr).not.toContain('root:x:0:0');
  });

  it('started nothing on the server', async () => {
    const { client, connection } = await connectTestClient();
    try {
      expect((await client.workflow.count(`WorkflowId STARTS_WITH 'paths-'`)).count).toBe(0);
    } finally {
      await connection.close();
    }
  });

  it('checks prompts and RAG docs too, each at its key and line', () => {
    const file = path.join(dir, 'more.yaml');
    const baselines = 'baselines:\n  prompts: [/etc/hostname]\n  rag:\n    docs: /etc\n';
    fs.writeFileSync(file, spec('paths-more', 'data.jsonl', baselines));
    let err: unknown;
    try {
      loadSpec(file);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SpecError);
    const problems = (err as SpecError).problems.map((p) => `${p.line}: ${p.key}`);
    expect(problems).toEqual(['8: baselines.prompts.0', '10: baselines.rag.docs']);
  });

  it('allows a root the operator lists in TAILOR_ALLOWED_ROOTS', () => {
    const outside = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-outside-')));
    try {
      expect(insideRoots(path.join(outside, 'x.jsonl'), specRoots(dir, { [ALLOWED_ROOTS_VAR]: '' }, ROOT))).toBe(false);
      const env = { [ALLOWED_ROOTS_VAR]: ['/nonexistent', outside].join(path.delimiter) };
      expect(insideRoots(path.join(outside, 'x.jsonl'), specRoots(dir, env, ROOT))).toBe(true);
      expect(insideRoots('/etc/passwd', specRoots(dir, env, ROOT))).toBe(false);
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });
});

describe("the repository's examples still load under the rule", () => {
  const saved = process.cwd();
  beforeAll(() => process.chdir(ROOT));
  afterAll(() => process.chdir(saved));

  const pipelines = [
    'support-tickets/pipeline.yaml',
    'support-tickets/pipeline.manual.yaml',
    'support-tickets-llm/pipeline.yaml',
  ];
  it.each(pipelines)('%s', (rel) => {
    expect(() => loadSpec(path.join(ROOT, 'examples', rel))).not.toThrow();
  });

  it.each(['support-tickets/eval/suite.yaml', 'rag-qa/suite.yaml'])('eval suite %s', (rel) => {
    expect(() => loadEvalSuite(path.join(ROOT, 'examples', rel), { models: ['gpt-4o-mini'] })).not.toThrow();
  });
});
