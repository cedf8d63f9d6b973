import type { CliEntry } from '../catalogueTypes';
import { assistant, chatWithBadLine, DATA, example, user } from './fixtures';

const SYSTEM = { role: 'system', content: 'Classify.' };

/** `tailor validate` reports every bad line by number (exit 1); `tailor prep` refuses data it cannot use (exit 1). */
export const DATASET_ENTRIES: CliEntry[] = [
  {
    id: 'dataset-broken-json',
    kind: 'dataset',
    files: { 'd.jsonl': chatWithBadLine(3, '{"messages": [{"role": "user", "content": "hi"}') },
    argv: ['validate', '{dir}/d.jsonl'],
    expect: { exitCode: 1, message: /line 3: \[invalid_json\] .*JSON/ },
    binary: true,
  },
  {
    id: 'dataset-line-not-object',
    kind: 'dataset',
    files: { 'd.jsonl': chatWithBadLine(5, '["user", "hi"]') },
    argv: ['validate', '{dir}/d.jsonl'],
    expect: { exitCode: 1, message: /line 5: \[data_type\] .*not an object|line 5: \[data_type\]/ },
  },
  {
    id: 'dataset-missing-messages',
    kind: 'dataset',
    files: { 'd.jsonl': chatWithBadLine(2, { prompt: 'hi', completion: 'billing' }) },
    argv: ['validate', '{dir}/d.jsonl'],
    expect: { exitCode: 1, message: /line 2: \[missing_messages_list\] .*messages/ },
  },
  {
    id: 'dataset-unknown-role',
    kind: 'dataset',
    files: { 'd.jsonl': chatWithBadLine(4, example(SYSTEM, { role: 'bot', content: 'hi' }, assistant('billing'))) },
    argv: ['validate', '{dir}/d.jsonl'],
    expect: { exitCode: 1, message: /line 4: \[unrecognized_role\] message 2 has role "bot"/ },
  },
  {
    id: 'dataset-message-without-content',
    kind: 'dataset',
    files: { 'd.jsonl': chatWithBadLine(6, example(SYSTEM, { role: 'user' }, assistant('billing'))) },
    argv: ['validate', '{dir}/d.jsonl'],
    expect: { exitCode: 1, message: /line 6: \[message_missing_key\] message 2 has no 'content'/ },
  },
  {
    id: 'dataset-no-assistant',
    kind: 'dataset',
    files: { 'd.jsonl': chatWithBadLine(7, example(SYSTEM, user('hi'))) },
    argv: ['validate', '{dir}/d.jsonl'],
    expect: { exitCode: 1, message: /line 7: \[example_missing_assistant_message\]/ },
  },
  {
    id: 'dataset-bad-weight',
    kind: 'dataset',
    files: {
      'd.jsonl': chatWithBadLine(8, example(SYSTEM, user('hi'), { role: 'assistant', content: 'billing', weight: 2 })),
    },
    argv: ['validate', '{dir}/d.jsonl'],
    expect: { exitCode: 1, message: /line 8: \[invalid_weight\] message 3 has weight 2; only 0 or 1/ },
  },
  {
    id: 'dataset-special-token',
    kind: 'dataset',
    files: { 'd.jsonl': chatWithBadLine(9, example(SYSTEM, user('hi <|endoftext|> there'), assistant('billing'))) },
    argv: ['validate', '{dir}/d.jsonl'],
    expect: { exitCode: 1, message: /line 9: \[special_token\] message 2 contains <\|endoftext\|>/ },
  },
  {
    id: 'dataset-tool-arguments-not-json',
    kind: 'dataset',
    files: {
      'd.jsonl': chatWithBadLine(
        10,
        example(SYSTEM, user('weather?'), {
          role: 'assistant',
          tool_calls: [{ id: 'c1', type: 'function', function: { name: 'weather', arguments: '{city:' } }],
        }),
      ),
    },
    argv: ['validate', '{dir}/d.jsonl'],
    expect: { exitCode: 1, message: /line 10: \[invalid_tool_call\] .*arguments that are not valid JSON/ },
  },
  {
    id: 'dataset-invalid-utf8',
    kind: 'dataset',
    files: {
      'd.jsonl': Buffer.concat([
        Buffer.from(DATA.split('\n').slice(0, 10).join('\n') + '\n'),
        Buffer.from([0x7b, 0xff, 0xfe, 0x7d, 0x0a]),
      ]),
    },
    argv: ['validate', '{dir}/d.jsonl'],
    expect: { exitCode: 1, message: /line 11: \[invalid_utf8\] invalid UTF-8 at byte 1/ },
  },
  {
    id: 'dataset-empty-file',
    kind: 'dataset',
    files: { 'd.jsonl': '' },
    argv: ['validate', '{dir}/d.jsonl'],
    expect: { exitCode: 1, message: /\[empty_file\]/ },
  },
  {
    id: 'dataset-too-few-examples',
    kind: 'dataset',
    files: { 'd.jsonl': DATA.split('\n').slice(0, 3).join('\n') + '\n' },
    argv: ['validate', '{dir}/d.jsonl'],
    expect: { exitCode: 1, message: /\[too_few_examples\] 3 examples; the provider requires at least 10/ },
  },
  {
    id: 'dataset-dpo-missing-output',
    kind: 'dataset',
    files: {
      'd.jsonl': chatWithBadLine(1, { input: { messages: [user('hi')] }, preferred_output: [assistant('yes')] }),
    },
    argv: ['validate', '--method', 'dpo', '{dir}/d.jsonl'],
    expect: { exitCode: 1, message: /line 1: \[dpo_invalid_output\] 'non_preferred_output' is missing/ },
  },
  {
    id: 'dataset-missing-file',
    kind: 'dataset',
    argv: ['validate', '{dir}/nowhere.jsonl'],
    expect: { exitCode: 2, message: /tailor validate: no such file: .*nowhere\.jsonl/ },
  },
  {
    id: 'prep-no-usable-examples',
    kind: 'dataset',
    files: { 'd.jsonl': '{not json\n[1, 2]\n' },
    argv: ['prep', '{dir}/d.jsonl'],
    expect: {
      exitCode: 1,
      message: /tailor prep: no usable examples in d\.jsonl \(2 read; removed invalid_json: 1, data_type: 1\)/,
    },
    binary: true,
  },
  {
    id: 'prep-csv-missing-columns',
    kind: 'dataset',
    files: { 'd.csv': 'question,answer\nhi,billing\n' },
    argv: ['prep', '{dir}/d.csv'],
    expect: { exitCode: 1, message: /tailor prep: .*(user|prompt).*question, answer|tailor prep: .*columns/ },
  },
  {
    id: 'prep-csv-mapping-unknown-column',
    kind: 'dataset',
    files: { 'd.csv': 'ticket,label\nhi,billing\n' },
    argv: ['prep', '{dir}/d.csv', '--user', '{{ticket}}', '--assistant', '{{category}}'],
    expect: {
      exitCode: 1,
      message: /tailor prep: dataset\.columns names column\(s\) not in the header: category \(header: ticket, label\)/,
    },
  },
  {
    id: 'prep-csv-invalid-utf8',
    kind: 'dataset',
    files: {
      'd.csv': Buffer.concat([
        Buffer.from('user,assistant\nhi,billing\nbad'),
        Buffer.from([0xff, 0xfe]),
        Buffer.from(',billing\n'),
      ]),
    },
    argv: ['prep', '{dir}/d.csv'],
    expect: { exitCode: 1, message: /tailor prep: .*UTF-8/ },
  },
];
