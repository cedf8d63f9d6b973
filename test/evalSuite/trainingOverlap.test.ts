import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ArtifactStore } from '../../stores/artifacts/artifactStore';
import { Registry } from '../../stores/registry/registryDb';
import { loadEvalSuite } from '../../config/evalSuiteSpec';
import { trainingOverlapWarnings } from '../../cli/stack/trainingOverlapCheck';
import { runCli } from '../support/runCli';

const EXAMPLE = path.join(__dirname, '..', '..', 'examples', 'support-tickets');
const SUITE = path.join(EXAMPLE, 'eval', 'suite.yaml');
const MODEL = 'ft:gpt-4o-mini-2024-07-18:tailor:tickets:overlap';

/** A suite like the example's, but sampling the whole tickets file (what the example did before). */
function wholeFileSuite(dir: string): string {
  const text = fs.readFileSync(SUITE, 'utf8').replace(/\.\.\//g, `${EXAMPLE}/`);
  const file = path.join(dir, 'whole.yaml');
  const cases = `file: ${EXAMPLE}/data/tickets.jsonl\n  sample: { n: 96, seed: s }`;
  fs.writeFileSync(file, text.replace(/file: \S+tickets\.test\.jsonl/, cases));
  return file;
}

describe('tailor eval: cases a model was trained on', () => {
  const saved = process.env.TAILOR_HOME;
  let home: string;
  let prepared: { train: { sha256: string }; test: { sha256: string } };
  beforeAll(async () => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-overlap-'));
    process.env.TAILOR_HOME = home;
    // The demo pipeline's preparation (same file, seed and model), through the real CLI into this home's store.
    const tickets = path.join(EXAMPLE, 'data', 'tickets.jsonl');
    const args = ['prep', tickets, '--seed', 'support-tickets', '--model', 'gpt-4o-mini-2024-07-18', '--json'];
    const r = await runCli(args, { TAILOR_HOME: home });
    expect(r.code).toBe(0);
    prepared = JSON.parse(r.stdout) as typeof prepared;
    const registry = new Registry();
    registry.registerModel({
      model: MODEL,
      pipeline: 'support-tickets',
      provider: 'openai',
      baseModel: 'gpt-4o-mini-2024-07-18',
      jobId: 'ftjob-x',
      trainSha256: prepared.train.sha256,
      specSha256: null,
      runId: 'support-tickets-run',
      evalReportUri: null,
      score: null,
      createdAt: Date.now(),
    });
    registry.close();
  }, 60_000);
  afterAll(() => {
    if (saved === undefined) delete process.env.TAILOR_HOME;
    else process.env.TAILOR_HOME = saved;
  });

  it(
    "the example suite's cases are the demo pipeline's " + 'held-out test split, and its pool the train split',
    async () => {
      const store = new ArtifactStore();
      const read = (p: string) => fs.readFileSync(p);
      expect(read(path.join(EXAMPLE, 'data', 'tickets.test.jsonl'))).toEqual(read(store.resolve(prepared.test)));
      expect(read(path.join(EXAMPLE, 'data', 'tickets.train.jsonl'))).toEqual(read(store.resolve(prepared.train)));
      expect(await trainingOverlapWarnings(loadEvalSuite(SUITE, { models: [MODEL] }))).toEqual([]);
    },
  );

  it("warns, with the count, when a suite samples the fine-tune's training data", async () => {
    const warnings = await trainingOverlapWarnings(loadEvalSuite(wholeFileSuite(home), { models: [MODEL] }));
    expect(warnings).toHaveLength(1);
    const shape =
      /^warning: (\d+) of 96 cases are in the training data of (\S+) \(train split sha256:(\w{12})…, run (\S+)\)/;
    const m = shape.exec(warnings[0]!);
    expect(m).not.toBeNull();
    // About 70% of the tickets are in the train split; the sample's share should be near that.
    expect(Number(m![1])).toBeGreaterThan(50);
    expect(Number(m![1])).toBeLessThan(85);
    expect([m![2], m![3], m![4]]).toEqual([MODEL, prepared.train.sha256.slice(0, 12), 'support-tickets-run']);
    // A model the registry does not know is not judged.
    const base = loadEvalSuite(wholeFileSuite(home), { models: ['gpt-4o-mini-2024-07-18'] });
    expect(await trainingOverlapWarnings(base)).toEqual([]);
  });
});
