import { CsvParser } from '../../core/dataset/csvParser';
import { LineSplitter, type RawLine } from '../../core/dataset/lineSplitter';
import { luhnValid } from '../../core/dataset/luhn';
import { estimatedJaccard, minhashSignature } from '../../core/dataset/minhash';
import { normalizeText } from '../../core/dataset/normalizeText';
import { ALL_PII_KINDS, scrubPii, type PiiKind } from '../../core/dataset/piiScrubber';
import { apportion, assignSplits } from '../../core/dataset/splitAssignment';

const scrub = (t: string) => {
  const counts: Partial<Record<PiiKind, number>> = {};
  return { text: scrubPii(t, new Set(ALL_PII_KINDS), counts), counts };
};

describe('PII scrubbing', () => {
  test.each([
    ['email', 'write to jane.doe+tag@sub.example.co.uk today', 'write to [EMAIL] today'],
    ['phone', 'call +1 (415) 555-0132 or 415-555-0199', 'call [PHONE] or [PHONE]'],
    ['card', 'card 4111 1111 1111 1111 expires', 'card [CARD] expires'],
    ['card', 'amex 3782-822463-10005 ok', 'amex [CARD] ok'],
    ['ip', 'from 192.168.0.12 and 2001:db8:85a3::8a2e:370:7334', 'from [IP] and [IP]'],
    ['secret', `OPENAI_API_KEY=${['sk', 'proj', 'Ab12Cd34Ef56Gh78Ij90Kl12'].join('-')}`, 'OPENAI_API_KEY=[SECRET]'],
    ['secret', `token: ${['ghp', '0123456789abcdefghijABCDEFGHIJ0123456789'].join('_')}`, 'token: [SECRET]'],
    ['secret', ['AKIA', 'IOSFODNN7EXAMPLE'].join(''), '[SECRET]'],
    ['secret', 'api_key = "Zx9Yw8Vu7Ts6Rq5P"', 'api_key = "[SECRET]"'],
  ])('%s: %s', (kind, input, output) => {
    const r = scrub(input);
    expect(r.text).toBe(output);
    expect(Object.keys(r.counts)).toEqual([kind]);
  });

  test.each([
    'order #123456789012345 shipped',
    'card-like but fails Luhn: 4111 1111 1111 1112',
    'version 1.2.3 and 10.0 release',
    'on 2024-01-15 at 10:30 I paid $1,234.56',
    'the password is long enough',
    'std::vector and a::b',
    'ticket 98765 for 3 items',
  ])('leaves ordinary text alone: %s', (input) => {
    expect(scrub(input)).toEqual({ text: input, counts: {} });
  });

  test('Luhn', () => {
    expect(luhnValid('4242424242424242')).toBe(true);
    expect(luhnValid('4242424242424241')).toBe(false);
    expect(luhnValid('79927398713')).toBe(true);
  });

  test('only the requested kinds are scrubbed', () => {
    const counts = {};
    expect(scrubPii('a@b.io 10.0.0.1', new Set<PiiKind>(['ip']), counts)).toBe('a@b.io [IP]');
  });
});

describe('normalisation', () => {
  test('NFC, CRLF, invisible characters, odd spaces, trailing space, blank runs; indentation kept; idempotent', () => {
    const raw = '  Cafe\u0301\u00a0 menu\u200b\r\n\r\n\r\n\r\n    code()  \t\n\u0007end  ';
    const n = normalizeText(raw);
    expect(n).toBe('Café menu\n\n    code()\nend');
    expect(normalizeText(n)).toBe(n);
  });
});

describe('near-duplicate signatures', () => {
  test('similar texts score high, different texts low', () => {
    const a = 'my parcel has not arrived and the tracking page shows no update since monday please help';
    const b = 'my parcel has not arrived and the tracking page shows no update since tuesday please help';
    const c = 'i was charged twice for the same invoice and need a refund for the duplicate payment';
    expect(estimatedJaccard(minhashSignature(a), minhashSignature(a))).toBe(1);
    expect(estimatedJaccard(minhashSignature(a), minhashSignature(b))).toBeGreaterThan(0.6);
    expect(estimatedJaccard(minhashSignature(a), minhashSignature(c))).toBeLessThan(0.1);
  });
});

describe('split assignment', () => {
  const items = (n: number, strata = 1) =>
    Array.from({ length: n }, (_, i) => ({
      hash: ((i * 2654435761) >>> 0).toString(16).padStart(8, '0'),
      stratum: `s${i % strata}`,
    }));

  test('deterministic, exact overall shares, independent of input order', () => {
    const it = items(1000, 3);
    const a = assignSplits(it, { validation: 0.1, test: 0.2 });
    expect(a.filter((s) => s === 'test')).toHaveLength(200);
    expect(a.filter((s) => s === 'validation')).toHaveLength(100);
    const reversed = assignSplits([...it].reverse(), { validation: 0.1, test: 0.2 }).reverse();
    expect(reversed).toEqual(a);
  });

  test('stratified: each stratum gets its share', () => {
    const it = items(300, 3);
    const a = assignSplits(it, { validation: 0.1, test: 0.2 });
    for (const s of ['s0', 's1', 's2'])
      expect(a.filter((x, i) => it[i]!.stratum === s && x === 'test')).toHaveLength(20);
  });

  test('identical examples never straddle test and train', () => {
    const it = Array.from({ length: 10 }, () => ({ hash: 'aaaa', stratum: '' })).concat(items(10));
    const a = assignSplits(it, { validation: 0, test: 0.2 });
    const dupSplits = new Set(a.slice(0, 10));
    expect(dupSplits.size).toBe(1);
  });

  test('apportion hits the total exactly', () => {
    expect(apportion([34, 33, 33], 0.2)).toEqual([7, 7, 6]);
    expect(apportion([1, 1, 1], 0.5).reduce((a, b) => a + b)).toBe(2);
    expect(apportion([5], 0)).toEqual([0]);
  });
});

describe('streaming readers', () => {
  test('lines are the same whatever the chunk boundaries (multi-byte characters split across chunks)', () => {
    const text = Buffer.from('{"a":"é中😀"}\r\n\n{"b":2}\nlast-no-newline');
    for (const size of [1, 2, 3, 5, 64]) {
      const got: RawLine[] = [];
      const s = new LineSplitter((l) => got.push(l));
      for (let i = 0; i < text.length; i += size) s.push(text.subarray(i, i + size));
      s.end();
      expect(got.map((l) => (l.kind === 'text' ? l.text : l.kind))).toEqual([
        '{"a":"é中😀"}',
        '',
        '{"b":2}',
        'last-no-newline',
      ]);
      expect(s.stats).toMatchObject({ lines: 4, crlfLines: 1, firstCrlfLine: 1 });
    }
  });

  test('CSV: quotes, escaped quotes, delimiters and newlines inside fields, CRLF, a missing final newline', () => {
    const rows: [string[], number][] = [];
    const p = new CsvParser(',', (f, line) => rows.push([f, line]));
    const csv = 'a,b\r\n"x, y","he said ""hi""\nbye"\r\nplain,"" \n';
    for (const ch of csv) p.push(ch);
    p.push('z,last');
    p.end();
    expect(rows).toEqual([
      [['a', 'b'], 1],
      [['x, y', 'he said "hi"\nbye'], 2],
      [['plain', ' '], 4],
      [['z', 'last'], 5],
    ]);
  });
});
