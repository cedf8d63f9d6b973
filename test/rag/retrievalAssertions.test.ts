import { AssertionSchema, type Assertion } from '../../core/graders/assertionSpec';
import { gradeAll } from '../../core/graders/gradeCase';
import type { GradeInput, GraderServices } from '../../core/graders/gradeTypes';
import { assembleRagPrompt } from '../../core/rag/ragPrompt';

const services: GraderServices = {
  judge: async () => ({ text: '', model: 'none' }),
  embed: async (texts) => texts.map(() => [1]),
  generate: async () => '',
};
const { messages } = assembleRagPrompt({
  question: 'How long is the refund window?',
  passages: [
    { id: 'a', source: 'shipping.md', heading: 'Shipping', text: 'Standard shipping takes 2 business days.' },
    {
      id: 'b',
      source: 'refunds.md',
      heading: 'Refunds > Window',
      text: 'Customers may request a full refund within 45 days of delivery.',
    },
  ],
});
const input = (
  output: string,
  item: Record<string, unknown> = { relevant: ['refunds.md'] },
  msgs = messages,
): GradeInput => ({ item, sample: { output_text: output }, messages: msgs });
const grade = (spec: unknown[], gi: GradeInput) =>
  gradeAll(
    spec.map((a) => AssertionSchema.parse(a) as Assertion),
    gi,
    services,
  );

describe('retrieval and faithfulness assertions', () => {
  it('recall@k and MRR read the retrieved passages from the RAG prompt, relevant labels from the case', async () => {
    const g = await grade(
      [
        { type: 'retrieval_recall_at_k', k: 1 },
        { type: 'retrieval_recall_at_k', k: 2 },
        { type: 'retrieval_mrr' },
        { type: 'retrieval_mrr', relevant: ['warranty.md'] },
      ],
      input('within 45 days'),
    );
    expect(g.map((x) => [x.name, x.score, x.passed])).toEqual([
      ['retrieval_recall_at_k', 0, false],
      ['retrieval_recall_at_k#2', 1, true],
      ['retrieval_mrr', 0.5, true],
      ['retrieval_mrr#2', 0, false],
    ]);
    expect(g[0]!.detail).toBe(
      'recall@1 0.00 < 1: relevant refunds.md; retrieved shipping.md#Shipping, refunds.md#Refunds > Window',
    );
  });

  it('faithfulness: the answer against the passages it cites (all of them when it cites none)', async () => {
    const g = await grade(
      [{ type: 'faithfulness' }, { type: 'faithfulness' }, { type: 'faithfulness', min: 0.5 }],
      input('Customers may request a full refund within 45 days of delivery.'),
    );
    expect(g[0]!.score).toBe(1);
    const cited = await grade([{ type: 'faithfulness' }], input('A full refund within 45 days [1].'));
    expect(cited[0]!.passed).toBe(false); // [1] is the shipping passage: the refund words are not in it
    expect(cited[0]!.detail).toMatch(/unsupported: full, refund, within, 45$/);
    const invented = await grade([{ type: 'faithfulness' }], input('Refunds within 90 days, ask Bob.'));
    expect(invented[0]!.detail).toMatch(/unsupported: .*90.*bob/);
  });

  it(
    'a prompt without passages scores 0 (not an error), a bad relevant list is an error, and bad specs are ' +
      'refused by field',
    async () => {
      // Variants without retrieval share a leaderboard with RAG variants: they retrieved nothing relevant.
      const noRag = await grade(
        [{ type: 'retrieval_mrr' }],
        input('x', { relevant: ['a.md'] }, [{ role: 'user', content: 'What is 2+2?' }]),
      );
      expect(noRag[0]).toMatchObject({ errored: false, score: 0, passed: false });
      const recorded = await grade(
        [{ type: 'retrieval_recall_at_k', min: 0 }],
        input('x', { relevant: ['a.md'] }, [{ role: 'user', content: 'What is 2+2?' }]),
      );
      expect(recorded[0]).toMatchObject({ errored: false, score: 0, passed: true });
      const bad = await grade([{ type: 'retrieval_recall_at_k' }], input('x', { relevant: 3 }));
      expect(bad[0]).toMatchObject({ errored: true, errors: ['invalid_variable_error'] });
      const r = AssertionSchema.safeParse({ type: 'faithfulness', min: 2 });
      expect(r.success).toBe(false);
      expect(r.error!.issues[0]!.path).toEqual(['min']);
    },
  );
});
