import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { answerQuestion } from '../../activities/rag/answerQuestion';
import { IndexNotFoundError, OpenIndex } from '../../activities/rag/openIndex';
import { intOption, parseCommandArgs } from '../args';
import { UsageError, type CliCommand } from '../command';
import { withProvider } from '../stack/providerOnly';

export const DEFAULT_ASK_MODEL = 'gpt-4o-mini-2024-07-18';

export const command: CliCommand = {
  name: 'ask',
  summary: 'answer a question from a RAG index, citing the passages used',
  help: `Usage: tailor ask INDEX "question" [--model M] [--k N] [--hybrid] [--mmr] [--lambda X] [--source PREFIX] [--exact] [--json]

Embeds the question with the index's embedding model, retrieves the nearest chunks (cosine; optionally fused with
BM25 and diversified by MMR), puts them in the prompt as numbered, cited passages within a token budget, and asks
the chat model. Prints the answer, with an inline [n] after each sentence a passage supports, then the cited
passages. When the passages do not speak to the question (few of its words appear in them), it answers that the
documents do not cover it instead of asking the model.

Provider: OPENAI_BASE_URL / OPENAI_API_KEY when set; else a running \`tailor dev\`'s backend; else the local
backend, whose base chat model reads passages extractively (it quotes the passage sentence that best matches the
question: a small CPU learner, not an LLM).

Options:
  --model M         chat model (default ${DEFAULT_ASK_MODEL})
  --k N             passages to cite (default 4)
  --hybrid          fuse cosine with BM25 (reciprocal rank fusion)
  --mmr             diversify the passages (maximal marginal relevance)
  --lambda X        MMR's relevance weight, 0..1 (default 0.7)
  --source PREFIX   only passages whose source path starts with PREFIX
  --exact           brute-force search even when the index has an approximate (IVF) index
  --budget N        most tokens the passages may take (default 2000)
  --json            print {answer, cited, model} as JSON

Example: tailor ask .tailor/indexes/rag-qa "How long is the refund window?" --hybrid`,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, {
      model: { type: 'string' },
      k: { type: 'string' },
      hybrid: { type: 'boolean', default: false },
      mmr: { type: 'boolean', default: false },
      lambda: { type: 'string' },
      source: { type: 'string' },
      exact: { type: 'boolean', default: false },
      budget: { type: 'string' },
      json: { type: 'boolean', default: false },
    });
    if (positionals.length !== 2) throw new UsageError('expected INDEX and a question (see tailor ask --help)');
    const [dir, question] = [path.resolve(positionals[0]!), positionals[1]!.trim()];
    if (!question) throw new UsageError('the question is empty');
    const k = intOption('k', values.k, 4);
    if (k < 1) throw new UsageError(`--k must be at least 1, got ${k}`);
    const budgetTokens = intOption('budget', values.budget, 2000);
    const lambda = values.lambda === undefined ? 0.7 : Number(values.lambda);
    if (!Number.isFinite(lambda) || lambda < 0 || lambda > 1)
      throw new UsageError(`--lambda must be a number from 0 to 1, got '${values.lambda}'`);
    let index: OpenIndex;
    try {
      index = await OpenIndex.open(dir);
    } catch (err) {
      if (err instanceof IndexNotFoundError) throw new UsageError(err.message);
      throw err;
    }
    const json = values.json === true;
    const log = (line: string) => process.stderr.write(line + '\n');
    try {
      const r = await withProvider(log, () =>
        answerQuestion(index, question, {
          model: values.model ?? DEFAULT_ASK_MODEL,
          k,
          hybrid: values.hybrid === true,
          mmrLambda: values.mmr ? lambda : undefined,
          filter: values.source ? { sourcePrefix: values.source } : undefined,
          mode: values.exact ? 'exact' : 'approximate',
          budgetTokens,
        }),
      );
      if (json) {
        process.stdout.write(
          JSON.stringify({
            answer: r.answer,
            model: r.model,
            cited: r.cited.map(({ n, label, id, source, heading, text, score }) => ({
              n,
              label,
              id,
              source,
              heading,
              text,
              score,
            })),
          }) + '\n',
        );
        return 0;
      }
      process.stdout.write(`${r.answer}\n\nPassages:\n`);
      for (const p of r.cited) process.stdout.write(`[${p.n}] (${p.label}) ${oneLine(p.text, 200)}\n`);
      if (!r.cited.length) process.stdout.write('(none retrieved)\n');
      return 0;
    } catch (err) {
      if (err instanceof ApplicationFailure) {
        log(`tailor ask: ${err.message}`);
        return 1;
      }
      throw err;
    } finally {
      await index.close();
    }
  },
};

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
