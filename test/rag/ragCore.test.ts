import fc from 'fast-check';
import { tokenCounter } from '../../core/dataset/tokenCounter';
import { Bm25Index } from '../../core/rag/bm25';
import { chunkId } from '../../core/rag/chunk';
import { chunkDocument } from '../../core/rag/chunking';
import { cosineTopK } from '../../core/rag/cosineTopK';
import { DocumentFormatError } from '../../core/rag/documentTypes';
import { planBatches } from '../../core/rag/embeddingBatches';
import { parseDocument } from '../../core/rag/formats/parseDocument';
import { assembleRagPrompt, citedBy, parseRagPrompt } from '../../core/rag/ragPrompt';
import { rankPassages, mmr } from '../../core/rag/rankPassages';
import { reciprocalRankFusion } from '../../core/rag/rankFusion';
import { faithfulness, recallAtK, reciprocalRank } from '../../core/rag/retrievalMetrics';
import type { VectorHit } from '../../core/rag/vectorStore';
import { extractiveReply } from '../../providers/local/learners/extractive';

const para = (word: string, n: number) =>
  Array.from({ length: n }, (_, i) => `The ${word} rule number ${i} applies to every order.`).join(' ');

describe('document formats', () => {
  it('Markdown: heading paths, fenced code ignored, the boundary at the shallowest repeated level', () => {
    const md =
      '# Guide\n\nIntro.\n\n## Refunds\n\nWithin 45 days.\n\n```\n# not a heading\n```\n\n### ' +
      'Exceptions\n\nGift cards.\n\n## Shipping\n\nTwo days.\n';
    const doc = parseDocument('policies/guide.md', md);
    expect(doc.sections.map((s) => s.heading.join(' > '))).toEqual([
      'Guide',
      'Guide > Refunds',
      'Guide > Refunds > Exceptions',
      'Guide > Shipping',
    ]);
    expect(doc.boundaryLevel).toBe(2);
    expect(md.slice(doc.sections[1]!.start, doc.sections[1]!.end)).toContain('# not a heading');
  });

  it('HTML: text with heading paths, scripts dropped, entities decoded', () => {
    const doc = parseDocument(
      'a.html',
      '<html><head><style>p{}</style></head><body><h1>Guide</h1><p>Fish &amp; chips ' +
        '&#8364;5</p><script>x()</script><h2>Setup</h2><p>Plug it in.</p></body></html>',
    );
    expect(doc.text).toBe('Guide\nFish & chips €5\nSetup\nPlug it in.');
    expect(doc.sections.map((s) => [s.heading.join(' > '), doc.text.slice(s.start, s.end).trim()])).toEqual([
      ['Guide', 'Guide\nFish & chips €5'],
      ['Guide > Setup', 'Setup\nPlug it in.'],
    ]);
  });

  it('JSONL: one section per record; a bad line names file and line', () => {
    const doc = parseDocument('kb.jsonl', '{"title":"A","text":"alpha"}\n\n{"text":"beta"}\n');
    expect(doc.sections.map((s) => [s.heading[0], doc.text.slice(s.start, s.end)])).toEqual([
      ['A', 'alpha'],
      ['line 3', 'beta'],
    ]);
    expect(() => parseDocument('kb.jsonl', '{"text":"a"}\n{"body":"b"}')).toThrow(
      new DocumentFormatError('kb.jsonl', 2, "expected a string field 'text' (missing)"),
    );
    expect(() => parseDocument('kb.jsonl', '{"text":"a"}\n{oops')).toThrow(/^kb\.jsonl:2: not JSON/);
    expect(() => parseDocument('a.pdf', 'x')).toThrow(/a\.pdf: unsupported document type/);
  });
});

describe('chunking', () => {
  const md =
    `# Handbook\n\n## Refunds\n\n${para('refund', 30)}\n\n### Exceptions\n\nGift cards are final.\n\n## ` +
    `Shipping\n\n${para('shipping', 30)}\n\n## Tiny\n\nOne line.\n\n## Small\n\n${para('small', 2)}\n`;
  const doc = parseDocument('hand.md', md);
  const chunks = chunkDocument(doc, { chunkTokens: 120, overlap: 20 });

  it('never spans two top-level sections, except to merge a tiny one', () => {
    const shippingStart = md.indexOf('## Shipping');
    for (const c of chunks) expect(c.charStart < shippingStart && c.charEnd > shippingStart).toBe(false);
    // "## Tiny" (a handful of tokens) cannot join Shipping (too big together) but shares a chunk with "## Small".
    const last = chunks[chunks.length - 1]!;
    expect(last.text).toContain('One line.');
    expect(last.text).toContain('small rule');
    expect(last.text).not.toContain('shipping rule');
    // ### Exceptions is inside Refunds' group, so a chunk may hold both.
    expect(chunks.some((c) => c.text.includes('refund rule') && c.text.includes('Gift cards'))).toBe(true);
  });

  it('keeps offsets that point back into the file, token counts within the limit, overlap between neighbours', () => {
    const counter = tokenCounter('cl100k_base');
    for (const c of chunks) {
      expect(md.slice(c.charStart, c.charEnd)).toBe(c.text);
      expect(c.id).toBe(chunkId('hand.md', c.text));
      expect(c.tokenEnd - c.tokenStart).toBeLessThanOrEqual(120);
      expect(Math.abs(counter.count(c.text) - (c.tokenEnd - c.tokenStart))).toBeLessThanOrEqual(3);
    }
    const refunds = chunks.filter((c) => c.heading.startsWith('Handbook > Refunds'));
    expect(refunds.length).toBeGreaterThan(2);
    for (let i = 1; i < refunds.length; i++) {
      expect(refunds[i]!.charStart).toBeLessThan(refunds[i - 1]!.charEnd); // overlap
      expect(refunds[i - 1]!.tokenEnd - refunds[i]!.tokenStart).toBeLessThanOrEqual(20);
    }
    expect(chunks.map((c) => c.heading)).toContain('Handbook > Shipping');
  });

  it('covers every word of the document, and an edit changes only the chunks around it', () => {
    const words = (s: string) => s.match(/\S+/g) ?? [];
    const covered = new Set(chunks.flatMap((c) => words(c.text)));
    for (const w of words(md)) expect(covered.has(w)).toBe(true);
    const edited = md.replace('Gift cards are final.', 'Gift cards are refundable for 14 days.');
    const after = chunkDocument(parseDocument('hand.md', edited), { chunkTokens: 120, overlap: 20 });
    const before = new Set(chunks.map((c) => c.id));
    const changed = after.filter((c) => !before.has(c.id));
    expect(changed.length).toBeGreaterThan(0);
    expect(changed.length).toBeLessThanOrEqual(2);
    expect(changed.every((c) => c.heading.startsWith('Handbook > Refunds'))).toBe(true);
  });

  it('rejects settings that cannot make progress', () => {
    expect(() => chunkDocument(doc, { chunkTokens: 100, overlap: 50 })).toThrow(/overlap/);
  });

  it('property: chunks are within the limit and in document order for any text', () => {
    fc.assert(
      fc.property(
        fc.array(fc.stringMatching(/^[a-z]{1,12}[.,]?$/), { minLength: 1, maxLength: 400 }),
        fc.integer({ min: 16, max: 64 }),
        (ws, size) => {
          const text = ws.join(' ');
          const cs = chunkDocument(parseDocument('p.txt', text), { chunkTokens: size, overlap: Math.floor(size / 4) });
          let prev = -1;
          for (const c of cs) {
            expect(text.slice(c.charStart, c.charEnd)).toBe(c.text);
            expect(c.charStart).toBeGreaterThan(prev);
            prev = c.charStart;
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('retrieval', () => {
  it('BM25 ranks the document with the rare query term first and ignores stopwords', () => {
    const bm = new Bm25Index([
      'the refund window is 45 days',
      'the shipping takes two days',
      'the the the the days days days',
    ]);
    const hits = bm.search('what is the refund window', 3);
    expect(hits[0]!.index).toBe(0);
    expect(hits.map((h) => h.index)).not.toContain(2);
    expect(bm.idf('refund')).toBeGreaterThan(bm.idf('days'));
    // length normalisation: the same single match scores higher in the shorter document
    const bm2 = new Bm25Index(['refund', `refund ${'other words here '.repeat(10)}`]);
    const [a, b] = bm2.search('refund', 2);
    expect([a!.index, b!.index]).toEqual([0, 1]);
    expect(a!.score).toBeGreaterThan(b!.score);
  });

  it('cosine top-k equals a full sort', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.float({ min: -1, max: 1, noNaN: true }), { minLength: 4, maxLength: 4 }), {
          minLength: 1,
          maxLength: 60,
        }),
        fc.integer({ min: 1, max: 10 }),
        (vs, k) => {
          const q = [0.3, -0.2, 0.9, 0.1];
          const top = cosineTopK(q, vs, k).map((h) => h.score);
          const all = vs
            .map((v) => cosineTopK(q, [v], 1)[0]!.score)
            .sort((a, b) => b - a)
            .slice(0, k);
          expect(top).toHaveLength(Math.min(k, vs.length));
          top.forEach((s, i) => expect(s).toBeCloseTo(all[i]!, 9));
        },
      ),
      { numRuns: 80 },
    );
  });

  it('reciprocal rank fusion rewards agreement', () => {
    const fused = reciprocalRankFusion([
      ['a', 'b', 'c'],
      ['b', 'c', 'd'],
    ]);
    expect(fused.map((f) => f.id)).toEqual(['b', 'c', 'a', 'd']);
    expect(fused[0]!.score).toBeCloseTo(1 / 62 + 1 / 61, 12);
  });

  it('MMR skips a near-duplicate for a different relevant passage', () => {
    const hit = (id: string, vector: number[], score: number): VectorHit => ({
      id,
      source: `${id}.md`,
      heading: '',
      text: id,
      score,
      vector,
    });
    const dense = [hit('a', [1, 0, 0], 0.95), hit('a-copy', [0.99, 0.01, 0], 0.94), hit('b', [0.6, 0.8, 0], 0.7)];
    expect(rankPassages({ queryText: 'q', dense }, { k: 2 }).map((p) => p.id)).toEqual(['a', 'a-copy']);
    expect(rankPassages({ queryText: 'q', dense }, { k: 2, mmrLambda: 0.5 }).map((p) => p.id)).toEqual(['a', 'b']);
    expect(
      mmr(
        dense.map((h) => ({ ...h, relevance: h.score })),
        1,
        3,
      ).map((p) => p.id),
    ).toEqual(['a', 'a-copy', 'b']);
  });

  it('hybrid fusion brings in a passage only BM25 found', () => {
    const texts = ['refund window 45 days', 'shipping two days', 'serial number begins OK7731'];
    const dense: VectorHit[] = [0, 1].map((i) => ({
      id: `c${i}`,
      source: 's.md',
      heading: '',
      text: texts[i]!,
      score: 0.5 - i * 0.1,
      vector: [1, i],
    }));
    const byId = (id: string) => ({ id, source: 's.md', heading: '', text: texts[Number(id.slice(1))]! });
    const bm25 = { index: new Bm25Index(texts), idAt: (i: number) => `c${i}` };
    const dense1 = rankPassages({ queryText: 'serial OK7731', dense }, { k: 3 }).map((p) => p.id);
    const hybrid = rankPassages(
      { queryText: 'serial OK7731', dense, bm25, chunkById: byId },
      { k: 3, hybrid: true },
    ).map((p) => p.id);
    expect(dense1).not.toContain('c2');
    expect(hybrid).toContain('c2');
  });
});

describe('metrics', () => {
  it('recall@k and reciprocal rank against labelled sources or sections', () => {
    const retrieved = [
      'shipping.md#Shipping',
      'refunds.md#Refunds > Window',
      'refunds.md#Refunds > Paid',
      'warranty.md',
    ];
    expect(recallAtK(retrieved, ['refunds.md'], 1)).toBe(0);
    expect(recallAtK(retrieved, ['refunds.md'], 2)).toBe(1);
    expect(recallAtK(retrieved, ['refunds.md', 'warranty.md'], 3)).toBe(0.5);
    expect(recallAtK(retrieved, ['refunds.md#Refunds > Paid'], 4)).toBe(1);
    expect(recallAtK(retrieved, ['refunds.md#Refunds'], 2)).toBe(1); // a section's subsections count
    expect(reciprocalRank(retrieved, ['refunds.md'])).toBe(0.5);
    expect(reciprocalRank(retrieved, ['missing.md'])).toBe(0);
  });

  it('faithfulness is the share of answer content words found in the cited passages', () => {
    const passages = ['Refunds are accepted within 45 days of delivery.'];
    expect(faithfulness('Refunds are accepted within 45 days [1].', passages).score).toBe(1);
    const f = faithfulness('Refunds are accepted within 60 days.', passages);
    expect(f.unsupported).toEqual(['60']);
    expect(f.score).toBeCloseTo(4 / 5, 9);
    expect(faithfulness('', passages).score).toBe(1);
  });
});

describe('prompt assembly', () => {
  const passages = [
    {
      id: '1',
      source: 'refunds.md',
      heading: 'Refunds > Window',
      text: '## Window\n\nRefunds are accepted within 45 days.',
    },
    { id: '2', source: 'long.md', heading: '', text: 'word '.repeat(400) },
    { id: '3', source: 'shipping.md', heading: 'Shipping', text: 'Standard shipping takes 2 business days.' },
  ];

  it('numbers and cites passages, skips one that would break the budget, and reads back', () => {
    const { messages, cited, passageTokens } = assembleRagPrompt({
      question: 'How long is the refund window?',
      passages,
      budgetTokens: 100,
    });
    expect(cited.map((c) => [c.n, c.label])).toEqual([
      [1, 'refunds.md#Refunds > Window'],
      [2, 'shipping.md#Shipping'],
    ]);
    expect(passageTokens).toBeLessThanOrEqual(100);
    const user = messages[1]!.content;
    expect(user).toContain('[1] (refunds.md#Refunds > Window) Refunds are accepted within 45 days.');
    expect(user).not.toContain('## Window');
    expect(user.endsWith('Question: How long is the refund window?')).toBe(true);
    const back = parseRagPrompt(user);
    expect(back.question).toBe('How long is the refund window?');
    expect(back.passages.map((p) => [p.n, p.label, p.text])).toEqual([
      [1, 'refunds.md#Refunds > Window', 'Refunds are accepted within 45 days.'],
      [2, 'shipping.md#Shipping', 'Standard shipping takes 2 business days.'],
    ]);
    expect(citedBy('Within 45 days [1].', back.passages).map((p) => p.n)).toEqual([1]);
    expect(citedBy('Within 45 days.', back.passages).map((p) => p.n)).toEqual([1, 2]);
  });

  it("the local backend's extractive reader answers from a cited passage without the citation prefix", () => {
    const { messages } = assembleRagPrompt({ question: 'How long does standard shipping take?', passages });
    const reply = extractiveReply(messages);
    expect(reply.candidates[0]!.text).toBe('Standard shipping takes 2 business days.');
  });
});

describe('embedding batches', () => {
  it('respect the input count and the token total, in order', () => {
    const items = Array.from({ length: 10 }, (_, i) => ({ i, tokens: i === 4 ? 500 : 100 }));
    const batches = planBatches(items, (x) => x.tokens, { maxInputs: 3, maxTokens: 600 });
    expect(batches.map((b) => b.map((x) => x.i))).toEqual([
      [0, 1, 2],
      [3, 4],
      [5, 6, 7],
      [8, 9],
    ]);
    expect(planBatches(items, (x) => x.tokens, { maxInputs: 5000 }).length).toBe(1);
  });
});
