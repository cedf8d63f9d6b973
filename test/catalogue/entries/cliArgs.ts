import type { CliEntry } from '../catalogueTypes';
import { DATA } from './fixtures';

/** Arguments: exit 2 naming the option (or argument) and what it expects, before any file is read or server reached. */
const cli = (id: string, argv: string[], message: RegExp, binary?: true): CliEntry => ({
  id,
  kind: 'cli',
  files: { 'd.jsonl': DATA },
  argv,
  expect: { exitCode: 2, message },
  ...(binary ? { binary } : {}),
});

export const CLI_ENTRIES: CliEntry[] = [
  cli('cli-no-command', [], /Usage: tailor COMMAND \[options\]/),
  cli('cli-unknown-command', ['trian'], /tailor: unknown command 'trian'/, true),
  cli(
    'cli-unknown-flag',
    ['validate', '{dir}/d.jsonl', '--modle', 'x'],
    /^tailor validate: Unknown option '--modle'/m,
    true,
  ),
  cli(
    'cli-flag-missing-value',
    ['validate', '{dir}/d.jsonl', '--model'],
    /^tailor validate: Option '--model <value>' argument missing/m,
  ),
  cli('cli-missing-positional', ['validate'], /tailor validate: expected exactly one FILE/),
  cli('cli-extra-positional', ['run', '{dir}/a.yaml', '{dir}/b.yaml'], /tailor run: expected exactly one SPEC file/),
  cli(
    'cli-bad-method',
    ['validate', '{dir}/d.jsonl', '--method', 'rlhf'],
    /--method must be one of supervised, dpo, reinforcement; got 'rlhf'/,
  ),
  cli(
    'cli-bad-epochs',
    ['validate', '{dir}/d.jsonl', '--epochs', 'three'],
    /--epochs expects an integer 1\.\.50, got 'three'/,
  ),
  cli(
    'cli-bad-share',
    ['prep', '{dir}/d.jsonl', '--validation', '0.9'],
    /--validation expects a number 0\.\.0\.5, got '0\.9'/,
  ),
  cli('cli-bad-format', ['prep', '{dir}/d.jsonl', '--format', 'xml'], /--format must be one of chat, .*; got 'xml'/),
  cli('cli-user-without-assistant', ['prep', '{dir}/d.jsonl', '--user', 'q'], /--user and --assistant go together/),
  cli('cli-bad-pricing-file', ['validate', '{dir}/d.jsonl', '--pricing', '{dir}/d.jsonl'], /--pricing .*d\.jsonl: /),
  cli(
    'cli-bad-duration-since',
    ['runs', '--since', 'lately'],
    /--since expects a duration like 7d or 12h, got 'lately'/,
  ),
  cli('cli-bad-duration-horizon', ['sunset', '--horizon', 'soon'], /--horizon expects a duration like 90d, got 'soon'/),
  cli(
    'cli-bad-duration-every',
    ['schedule', 'create', 'nightly', '--spec', '{dir}/p.yaml', '--every', 'often'],
    /--every expects a duration like 2s, 5m or 1h, got 'often'/,
  ),
  cli('cli-bad-number-limit', ['runs', '--limit', 'many'], /--limit expects an integer, got 'many'/),
  cli('cli-bad-number-port', ['local-openai', '--port', '70000'], /--port must be 0-65535, got 70000/),
  cli('cli-bad-dataset-sha', ['runs', '--dataset', 'not-hex'], /--dataset expects a hex sha256/),
  cli('cli-bad-fault-spec', ['local-openai', '--faults', 'chat=explode'], /--faults: .*explode/),
  cli(
    'cli-schedule-unknown-verb',
    ['schedule', 'create-now', 'x'],
    /unknown sub-command 'create-now' \(one of create, list/,
  ),
  cli('cli-approve-without-reason', ['approve', 'run-1', '--by', 'alice'], /--reason TEXT is required/),
  cli(
    'cli-resolve-not-alias',
    ['resolve', 'Support Tickets@prod'],
    /tailor resolve: 'Support Tickets@prod' is not NAME@ALIAS \(e\.g\. support-tickets@prod\)/,
  ),
];
