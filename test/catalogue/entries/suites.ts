import type { CliEntry } from '../catalogueTypes';
import { DATA, promptYaml, suiteYaml } from './fixtures';

const MODEL = ['--model', 'gpt-4o-mini-2024-07-18'];

/** `tailor eval SUITE`: a bad suite is exit 2 with `file:line: key: …`, before any Temporal connection. */
const suite = (id: string, yaml: string, message: RegExp, opts: { argv?: string[]; binary?: true } = {}): CliEntry => ({
  id,
  kind: 'suite',
  files: { 'suite.yaml': yaml, 'data.jsonl': DATA },
  argv: ['eval', '{dir}/suite.yaml', ...(opts.argv ?? MODEL)],
  expect: { exitCode: 2, message },
  ...(opts.binary ? { binary: opts.binary } : {}),
});

export const SUITE_ENTRIES: CliEntry[] = [
  suite('suite-missing-cases', 'name: catalogue-nocases\n', /suite\.yaml(:1)?: cases: missing \(object expected\)/, {
    binary: true,
  }),
  suite(
    'suite-file-and-split',
    suiteYaml('both').replace('  file: data.jsonl', '  file: data.jsonl\n  split: test'),
    /suite\.yaml:3: cases: give exactly one of file and split/,
  ),
  suite(
    'suite-cases-file-missing',
    suiteYaml('nofile').replace('data.jsonl', 'nowhere.jsonl'),
    /suite\.yaml:3: cases\.file: no such file: .*nowhere\.jsonl/,
  ),
  suite(
    'suite-duplicate-variant',
    suiteYaml('dup', 'variants:', '  - id: a', '  - id: a'),
    /suite\.yaml:6: variants\.1\.id: duplicate variant id 'a'/,
  ),
  suite(
    'suite-unknown-candidate',
    suiteYaml('cand', 'variants:', '  - id: a', 'candidate: b'),
    /suite\.yaml:6: candidate: no variant 'b' \(variants: a\)/,
  ),
  suite(
    'suite-unknown-assertion',
    suiteYaml('assert', 'assert:', '  - type: telepathy'),
    /suite\.yaml:5: assert\.0(\.type)?: .*(exact_match|type)/,
  ),
  suite(
    'suite-bad-regex-assertion',
    suiteYaml('regex', 'assert:', '  - type: regex', '    pattern: "(unclosed"'),
    /suite\.yaml:6: assert\.0\.pattern: not a valid regular expression/,
  ),
  suite(
    'suite-bad-gate-rule',
    suiteYaml('gate', 'gate:', '  - accuracy is high'),
    /suite\.yaml:5: gate\.0: expected a rule such as "accuracy >= 0.85"/,
  ),
  suite(
    'suite-no-model',
    suiteYaml('nomodel'),
    /suite\.yaml(:1)?: variants: no variants: list some here or give --model/,
    { argv: [] },
  ),
  suite(
    'suite-bad-heartbeat-duration',
    suiteYaml('hb', 'execution:', '  heartbeatTimeout: forever'),
    /suite\.yaml:5: execution\.heartbeatTimeout: expected a duration such as "30 seconds"/,
  ),
  suite(
    'suite-bad-few-shot-k',
    suiteYaml('k', 'variants:', '  - id: a', '    fewShot: { k: 0, pool: { file: data.jsonl } }'),
    /suite\.yaml:6: variants\.0\.fewShot\.k: .*(>=1|1)/,
  ),
];

/** Prompt templates, reached through a suite's `prompt:` key: the suite line and the template's own line and key. */
const prompt = (id: string, template: string, message: RegExp, binary?: true): CliEntry => ({
  id,
  kind: 'prompt',
  files: { 'suite.yaml': suiteYaml(id, 'prompt: prompt.yaml'), 'prompt.yaml': template, 'data.jsonl': DATA },
  argv: ['eval', '{dir}/suite.yaml', ...MODEL],
  expect: { exitCode: 2, message },
  ...(binary ? { binary } : {}),
});

export const PROMPT_ENTRIES: CliEntry[] = [
  prompt(
    'prompt-undeclared-variable',
    promptYaml({ user: '"{{ticket}} {{customer}}"' }),
    /prompt template .*prompt\.yaml is invalid:\n\s+line 4: user: undeclared variable 'customer'/,
    true,
  ),
  prompt(
    'prompt-unused-variable',
    promptYaml({ variables: '[ticket, tone]' }),
    /line 3: variables\.tone: variable 'tone' is declared but never used/,
  ),
  prompt(
    'prompt-malformed-placeholder',
    promptYaml({ system: '"Classify {{item.x}}."' }),
    /line 2: system: malformed placeholder \{\{item\.x\}\}: expected \{\{name\}\}/,
  ),
  prompt('prompt-bad-name', promptYaml({ name: 'Classify Tickets' }), /line 1: name: expected lowercase letters/),
  prompt(
    'prompt-missing-user',
    promptYaml({ user: '', variables: '{}' }),
    /prompt\.yaml is invalid:\n.*user: missing \(string expected\)/,
  ),
  prompt(
    'prompt-bad-variable-name',
    promptYaml({ variables: '["ticket", "2nd"]' }),
    /line 3: variables\.1: expected a variable name/,
  ),
  prompt(
    'prompt-yaml-syntax',
    'name: classify\nsystem: "unterminated\n',
    /prompt\.yaml is invalid:\n\s+line 2: YAML syntax/,
  ),
  {
    id: 'prompt-file-missing',
    kind: 'prompt',
    files: { 'suite.yaml': suiteYaml('pmissing', 'prompt: nowhere.yaml'), 'data.jsonl': DATA },
    argv: ['eval', '{dir}/suite.yaml', ...MODEL],
    expect: {
      exitCode: 2,
      message: /suite\.yaml:4: prompt: prompt template .*nowhere\.yaml is invalid:\n.*cannot read the file \(ENOENT\)/,
    },
  },
];
