import { ApplicationFailure } from '@temporalio/common';
import { ArtifactStore } from '../../stores/artifacts/artifactStore';
import { prepareDataset, type PreparedDataset } from '../../activities/dataset/prepareDataset';
import { DatasetSpecSchema, type DatasetSpecInput } from '../../core/spec/datasetSpec';
import type { PrepManifest } from '../../core/dataset/prepManifest';
import { assignSplits, type SplitName } from '../../core/dataset/splitAssignment';
import { groupValue, SplitGroups } from '../../core/dataset/splitGroups';
import { chatExample, useTmpHome, writeFile, writeJsonl } from './support';
import { Failure } from '../../core/failures/failureTypes';

const tmp = useTmpHome();
const prep = (spec: DatasetSpecInput) =>
  prepareDataset({ dataset: DatasetSpecSchema.parse(spec), model: 'gpt-4o-mini-2024-07-18' });
const linesOf = async (ref: { sha256: string }) => {
  const text = await new ArtifactStore().readText(ref);
  return text === ''
    ? []
    : text
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as { metadata: { template: string } });
};

/** Which splits each group's examples landed in. */
function splitsPerGroup(groupOf: readonly string[], splits: readonly SplitName[]): Map<string, Set<SplitName>> {
  const out = new Map<string, Set<SplitName>>();
  groupOf.forEach((g, i) => out.set(g, (out.get(g) ?? new Set()).add(splits[i]!)));
  return out;
}

describe('groupValue', () => {
  test('reads a dotted key, a string or a number; anything else is no group', () => {
    expect(groupValue({ metadata: { template: 't7' } }, 'metadata.template')).toBe('t7');
    expect(groupValue({ metadata: { template: 7 } }, 'metadata.template')).toBe('7');
    expect(groupValue({ 'ticket.group': 'g1' }, 'ticket.group')).toBe('g1');
    for (const r of [
      {},
      { metadata: {} },
      { metadata: { template: '' } },
      { metadata: { template: null } },
      { metadata: { template: [1] } },
      'x',
    ]) {
      expect(groupValue(r, 'metadata.template')).toBeUndefined();
    }
  });
});

describe('grouped split assignment', () => {
  // 50 groups of 1–9 examples each, labels a/b/c by group, each example with its own content hash.
  const groupOf = Array.from({ length: 50 }, (_, g) => Array.from({ length: 1 + ((g * 7) % 9) }, () => `g${g}`)).flat();
  const labelOf = (g: string) => ['a', 'b', 'c'][Number(g.slice(1)) % 3]!;

  function split(order: readonly number[]): SplitName[] {
    const groups = new SplitGroups('seed');
    const hashes = order.map((i) => groups.add(groupOf[i]!, labelOf(groupOf[i]!)));
    const out = assignSplits(
      hashes.map((h) => ({ hash: h, stratum: groups.stratumOf(h) })),
      { validation: 0.1, test: 0.2 },
    );
    const byIndex: SplitName[] = new Array(order.length);
    order.forEach((i, k) => (byIndex[i] = out[k]!));
    return byIndex;
  }

  test('no group is in two splits, and the shares stay close to the spec', () => {
    const s = split(groupOf.map((_, i) => i));
    for (const [g, where] of splitsPerGroup(groupOf, s)) expect({ g, n: where.size }).toEqual({ g, n: 1 });
    const test = s.filter((x) => x === 'test').length / s.length;
    expect(test).toBeGreaterThanOrEqual(0.2);
    expect(test).toBeLessThan(0.35);
    expect(s.filter((x) => x === 'validation').length).toBeGreaterThan(0);
    for (const label of ['a', 'b', 'c'])
      expect(s.some((x, i) => x === 'test' && labelOf(groupOf[i]!) === label)).toBe(true);
  });

  test('independent of file order', () => {
    const order = groupOf.map((_, i) => i);
    expect(split([...order].reverse())).toEqual(split(order));
  });

  test("a group's stratum is its most frequent label (ties: the first in sort order)", () => {
    const groups = new SplitGroups('s');
    const h = ['x', 'y', 'y'].map((l) => groups.add('g', l))[0]!;
    expect(groups.stratumOf(h)).toBe('y');
    const t = ['z', 'w'].map((l) => groups.add('tie', l))[0]!;
    expect(groups.stratumOf(t)).toBe('w');
    expect(groups.size).toBe(2);
  });
});

describe('prepareDataset with split.groupBy', () => {
  // 240 distinct tickets in 40 templates; a template's examples share its label, as templated data does.
  const grouped = (n: number) =>
    Array.from({ length: n }, (_, i) => {
      const ex = chatExample(i) as { messages: { role: string; content: string }[] };
      const template = i % 40;
      ex.messages[2]!.content = ['billing', 'shipping', 'technical_issue'][template % 3]!;
      return { ...ex, metadata: { template: `t${template}` } };
    });

  let p: PreparedDataset;
  beforeAll(async () => {
    p = await prep({
      path: writeJsonl(tmp.dir(), 'grouped.jsonl', grouped(240)),
      split: { groupBy: 'metadata.template', seed: 'g' },
    });
  });

  test('no held-out example shares a group with training or validation', async () => {
    const held = new Set((await linesOf(p.test)).map((l) => l.metadata.template));
    const seen = [...(await linesOf(p.train)), ...(await linesOf(p.validation))].map((l) => l.metadata.template);
    expect(held.size).toBeGreaterThan(0);
    expect(seen.filter((g) => held.has(g))).toEqual([]);
    expect(p.counts.train + p.counts.validation + p.counts.test).toBe(240);
  });

  test('still stratified: every label is held out', async () => {
    const m = await new ArtifactStore().readJson<PrepManifest>(p.manifest);
    expect(m.stratified).toBe(true);
    expect((m.settings as { split: unknown }).split).toMatchObject({ groupBy: 'metadata.template' });
    for (const label of ['billing', 'shipping', 'technical_issue']) expect(m.labels!.test[label]).toBeGreaterThan(0);
  });

  test('without groupBy the same data does put groups on both sides (what the key prevents)', async () => {
    const plain = await prep({ path: writeJsonl(tmp.dir(), 'ungrouped.jsonl', grouped(240)), split: { seed: 'g' } });
    const held = new Set((await linesOf(plain.test)).map((l) => l.metadata.template));
    expect((await linesOf(plain.train)).some((l) => held.has(l.metadata.template))).toBe(true);
  });

  test('a CSV column works as the key', async () => {
    const rows = Array.from(
      { length: 60 },
      (_, i) => `"ticket ${i} about item ${i * 13} and order ${i * 97}",${['billing', 'shipping'][i % 2]},f${i % 10}`,
    );
    const file = writeFile(tmp.dir(), 'grouped.csv', ['user,assistant,family', ...rows].join('\n') + '\n');
    const r = await prep({
      path: file,
      format: 'csv',
      columns: { user: 'user', assistant: 'assistant' },
      split: { groupBy: 'family' },
    });
    const userOf = (l: unknown) => (l as { messages: { content: string }[] }).messages[0]!.content;
    const family = (u: string) => Number(/ticket (\d+)/.exec(u)![1]) % 10;
    const held = new Set((await linesOf(r.test)).map((l) => family(userOf(l))));
    expect(held.size).toBeGreaterThan(0);
    for (const l of await linesOf(r.train)) expect(held.has(family(userOf(l)))).toBe(false);
  });

  test('a kept line without the key refuses the file, naming file, line and key', async () => {
    const lines = grouped(10);
    delete (lines[3] as { metadata?: unknown }).metadata;
    const err = await prep({
      path: writeJsonl(tmp.dir(), 'missing.jsonl', lines),
      split: { groupBy: 'metadata.template' },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect((err as ApplicationFailure).type).toBe(Failure.InvalidDataset);
    expect((err as ApplicationFailure).message).toMatch(
      /missing\.jsonl:4: split\.groupBy: no string or number at 'metadata\.template'/,
    );
  });

  test('a malformed key is a spec error', () => {
    const r = DatasetSpecSchema.safeParse({ path: 'x.jsonl', split: { groupBy: 'metadata..template' } });
    expect(r.success).toBe(false);
  });
});
