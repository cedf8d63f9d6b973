import fs from 'node:fs';
import path from 'node:path';
import type { CaseResult } from '../../core/evalSuite/caseResult';
import {
  distillationReport,
  splitTickets,
  teacherTrainingSet,
  type ChatLine,
} from '../../examples/prompt-distillation/distillation';

const EXAMPLE = path.join(__dirname, '..', '..', 'examples', 'prompt-distillation');
const lines = (file: string) => fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);

function result(variantId: string, index: number, output: string, pass: boolean, promptTokens: number): CaseResult {
  return {
    variantId,
    model: 'm',
    promptVersion: 'v',
    index,
    caseId: `c${index}`,
    caseHash: `h${index}`,
    input: `ticket ${index}`,
    output,
    usage: { prompt_tokens: promptTokens, completion_tokens: 2 },
    cached: false,
    grades: [],
    status: pass ? 'pass' : 'fail',
    score: pass ? 1 : 0,
  };
}

const line = (user: string, answer: string): ChatLine => ({
  messages: [
    { role: 'system', content: 'Classify.' },
    { role: 'user', content: user },
    { role: 'assistant', content: answer },
  ],
  metadata: { template: 't-1' },
});

describe('prompt distillation (examples/prompt-distillation)', () => {
  it('the committed data is what makeData.ts cuts from the tickets; the held-out templates are nobody else’s', () => {
    const tickets = lines(path.join(EXAMPLE, '..', 'support-tickets-llm', 'data', 'tickets.jsonl'));
    const data = splitTickets(tickets);
    expect(lines(path.join(EXAMPLE, 'data', 'pool.jsonl'))).toEqual(data.pool);
    expect(lines(path.join(EXAMPLE, 'data', 'prompts.jsonl'))).toEqual(data.prompts);
    expect(lines(path.join(EXAMPLE, 'data', 'heldout.jsonl'))).toEqual(data.heldOut);
    const templates = (ls: string[]) => new Set(ls.map((l) => (JSON.parse(l) as ChatLine).metadata!.template));
    const held = templates(data.heldOut);
    expect([...templates([...data.pool, ...data.prompts])].filter((t) => held.has(t))).toEqual([]);
    expect([data.pool.length, data.prompts.length, data.heldOut.length]).toEqual([36, 60, 36]);
  });

  it("trains on the teacher's answers, never the references, and drops prompts without one", () => {
    const prompts = [line('a', 'billing'), line('b', 'shipping'), line('c', 'refund_request')];
    const set = teacherTrainingSet(prompts, [
      result('teacher', 2, '', false, 10),
      result('teacher', 0, ' billing\n', true, 10),
      result('teacher', 1, 'refund_request', false, 10),
    ]);
    const trained = set.jsonl
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as ChatLine);
    expect(trained.map((l) => l.messages.at(-1)!.content)).toEqual(['billing', 'refund_request']);
    expect(trained[1]!.metadata).toEqual({ template: 't-1' });
    expect(set).toMatchObject({ kept: 2, dropped: 1, matchingReference: 1 });
    expect(() => teacherTrainingSet(prompts, [result('teacher', 0, 'x', true, 1)])).toThrow(/1 case\(s\) for 3/);
  });

  it('reports accuracy, prompt tokens per request, agreement and paired tests from the cases', () => {
    const cases = [
      ...[0, 1, 2, 3].map((i) => result('teacher', i, i < 3 ? 'billing' : 'x', i < 3, 100)),
      ...[0, 1, 2, 3].map((i) => result('student', i, i < 2 ? 'billing' : 'y', i < 2, 40)),
      ...[0, 1, 2, 3].map((i) => result('base', i, 'long answer', false, 40)),
    ];
    const r = distillationReport(cases, { teacher: 'teacher', student: 'student', base: 'base' });
    expect(r.teacher).toMatchObject({ n: 4, correct: 3, accuracy: 0.75, promptTokensPerRequest: 100 });
    expect(r.student).toMatchObject({ n: 4, correct: 2, accuracy: 0.5, promptTokensPerRequest: 40 });
    expect(r.agreement).toBe(2);
    expect(r.studentVsTeacher).toMatchObject({ b: 1, c: 0 });
    expect(r.studentVsBase).toMatchObject({ b: 0, c: 2 });
    expect(() => distillationReport(cases.slice(0, 7), { teacher: 'teacher', student: 'student' })).toThrow(
      /teacher scored 4 case\(s\), student 3/,
    );
  });
});
