import type { CliEntry } from '../catalogueTypes';
import { DATA, specYaml } from './fixtures';

/** `tailor run SPEC`: every mistake is exit 2 with `file:line: key: what was expected`, and nothing starts. */
const spec = (id: string, yaml: string, message: RegExp, binary?: true): CliEntry => ({
  id,
  kind: 'spec',
  files: { 'pipeline.yaml': yaml, 'data.jsonl': DATA },
  argv: ['run', '{dir}/pipeline.yaml'],
  expect: { exitCode: 2, message },
  ...(binary ? { binary } : {}),
});

export const SPEC_ENTRIES: CliEntry[] = [
  spec(
    'spec-yaml-syntax',
    specYaml('syntax', 'evaluation: { metric: exact_match', ''),
    /pipeline\.yaml:7: YAML syntax: /,
    true,
  ),
  spec('spec-tab-indent', specYaml('tab', 'gate:', '\tminScore: 0.5'), /pipeline\.yaml:8: YAML syntax: .*[Tt]ab/),
  spec(
    'spec-unknown-key',
    specYaml('unknown', 'fineTunning: {}'),
    /pipeline\.yaml:7: fineTunning: unknown key 'fineTunning'/,
  ),
  spec(
    'spec-wrong-type',
    specYaml('type', 'evaluation:', '  concurrency: lots'),
    /pipeline\.yaml:8: evaluation\.concurrency: .*expected number/,
  ),
  spec(
    'spec-missing-base-model',
    specYaml('nobase').replace('baseModel: gpt-4o-mini-2024-07-18\n', ''),
    /pipeline\.yaml:1: baseModel: missing \(string expected\)/,
  ),
  spec(
    'spec-missing-dataset-file',
    specYaml('nofile').replace('data.jsonl', 'nowhere.jsonl'),
    /pipeline\.yaml:4: dataset\.path: no such file: .*nowhere\.jsonl/,
    true,
  ),
  spec(
    'spec-bad-name',
    specYaml('x').replace('name: catalogue-x', 'name: Catalogue Bad'),
    /pipeline\.yaml:1: name: .*lowercase/,
  ),
  spec(
    'spec-bad-duration',
    specYaml('duration').replace('  suffix: x', '  suffix: x\n  poll: { initial: soon }'),
    /pipeline\.yaml:7: fineTune\.poll\.initial: .*duration/,
  ),
  spec(
    'spec-unknown-method',
    specYaml('method').replace('  suffix: x', '  suffix: x\n  method: { type: rlhf }'),
    /pipeline\.yaml:7: fineTune\.method(\.type)?: .*(supervised|dpo|reinforcement)/,
  ),
  spec(
    'spec-bad-gate-rule',
    specYaml('gate', 'gate:', '  rules: ["accuracy >> 0.8"]'),
    /pipeline\.yaml:8: gate\.rules\.0: expected a rule such as "accuracy >= 0.85"/,
  ),
  spec(
    'spec-split-share-too-big',
    specYaml('split').replace('  path: data.jsonl', '  path: data.jsonl\n  split: { validation: 0.9 }'),
    /pipeline\.yaml:5: dataset\.split\.validation: .*(0\.5|<=)/,
  ),
  spec(
    'spec-api-key-value',
    specYaml('key', 'provider: { type: openai, apiKey: sk-123 }'),
    /pipeline\.yaml:7: provider\.apiKey: unknown key 'apiKey'/,
  ),
  spec(
    'spec-manual-approval-without-approvers',
    specYaml('approval', 'deploy:', '  approval: { type: manual }'),
    /pipeline\.yaml:8: deploy\.approval\.approvers: missing/,
  ),
  spec(
    'spec-unresolved-alias',
    specYaml('alias', 'gate: *defaults'),
    /pipeline\.yaml:7: YAML aliases: Unresolved alias .*defaults/,
  ),
  spec(
    'spec-alias-bomb',
    specYaml(
      'bomb',
      'a: &a [x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
    ),
    /pipeline\.yaml:8: YAML aliases: Excessive alias count/,
  ),
  spec(
    'spec-register-adapters-with-full',
    specYaml(
      'regfull',
      'provider:',
      '  type: self-hosted',
      '  baseModelPath: /models/base',
      '  servingBaseUrl: http://127.0.0.1:8000/v1',
      '  peft: full',
      '  registerAdapters: true',
    ),
    /pipeline\.yaml:12: provider\.registerAdapters: registerAdapters loads LoRA adapters only/,
  ),
  spec(
    'spec-negative-usd-per-hour',
    specYaml(
      'usdhour',
      'provider:',
      '  type: self-hosted',
      '  baseModelPath: /models/base',
      '  servingBaseUrl: http://127.0.0.1:8000/v1',
      '  usdPerHour: -2',
    ),
    /pipeline\.yaml:11: provider\.usdPerHour: expected a cost in USD per hour, 0 or more, got -2/,
  ),
  spec(
    'spec-self-hosted-unknown-base-model',
    specYaml('catalog', 'provider: { type: self-hosted, servingBaseUrl: "http://127.0.0.1:8000/v1" }'),
    /pipeline\.yaml:2: baseModel: 'gpt-4o-mini-2024-07-18' is not in the self-hosted catalogue \(known: smollm2-135m-instruct\)/,
  ),
  spec(
    'spec-bad-group-key',
    specYaml('group').replace('  path: data.jsonl', '  path: data.jsonl\n  split: { groupBy: "a..b" }'),
    /pipeline\.yaml:5: dataset\.split\.groupBy: expected a dotted key/,
  ),
  spec(
    'spec-not-a-mapping',
    '- name: catalogue-list\n- baseModel: x\n',
    /pipeline\.yaml:1: expected a mapping of keys at the top level, got a list/,
  ),
  spec('spec-empty-file', '', /pipeline\.yaml: expected a mapping of keys at the top level, got an empty document/),
  {
    id: 'spec-file-missing',
    kind: 'spec',
    argv: ['run', '{dir}/nowhere.yaml'],
    expect: { exitCode: 2, message: /nowhere\.yaml: invalid pipeline spec\n.*cannot read the file \(ENOENT\)/ },
  },
];
