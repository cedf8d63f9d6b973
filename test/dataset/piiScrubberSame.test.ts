/**
 * The PII scrubber skips a pattern when the text lacks what the pattern needs (a digit, `@`, `:`, a key's fixed
 * part): that must change nothing. Differential test against the implementation before the pre-checks
 * (./piiScrubberBefore.ts) on generated text mixing every kind of PII, near misses, placeholders and plain prose,
 * for every kind and for subsets of kinds: same output, same counts.
 */
import { scrubJson } from '../../core/capture/captureRow';
import { ALL_PII_KINDS, scrubPii, type PiiKind } from '../../core/dataset/piiScrubber';
import { scrubPiiBefore } from './piiScrubberBefore';

// Pieces that match, nearly match, or sit next to what the patterns look for.
const PIECES = [
  'jane.doe+tag@sub.example.co.uk',
  'a@b.io',
  'x@y',
  'user@@host.com',
  '@',
  'me@localhost',
  '+1 (415) 555-0132',
  '415-555-0199',
  '(212) 555-1234',
  '+44 20 7946 0958',
  '555-01',
  '+33.1.23.45.67.89',
  '4111 1111 1111 1111',
  '4111 1111 1111 1112',
  '3782-822463-10005',
  '4242424242424242',
  '79927398713',
  '192.168.0.12',
  '10.0.0.1',
  '256.1.1.1',
  '1.2.3',
  '1.2.3.4.5',
  '2001:db8:85a3::8a2e:370:7334',
  '::1',
  'a::',
  '2001:0db8:0000:0000:0000:ff00:0042:8329',
  'abcd::ef',
  'fe80::1',
  'std::vector',
  '10:30',
  'https://example.com:8443/path?q=1',
  ['sk', 'proj', 'Ab12Cd34Ef56Gh78Ij90Kl12'].join('-'),
  ['sk', 'short'].join('-'),
  ['sk', 'abcdefghijklmnopqrstuvwxyz'].join('-'),
  ['sk', 'live', '0123456789abcdefXYZ'].join('_'),
  ['ghp', '0123456789abcdefghijABCDEFGHIJ0123456789'].join('_'),
  ['github', 'pat', '11ABCDEFG0123456789', 'abcdefghijk'].join('_'),
  ['AKIA', 'IOSFODNN7EXAMPLE'].join(''),
  'ASIA0123456789ABCDEF',
  'xoxb-1234567890-abcdef',
  'AIzaSyA1234567890abcdefghijklmnopqrstuv',
  'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
  '-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----',
  '-----BEGIN PUBLIC KEY-----',
  'api_key = "Zx9Yw8Vu7Ts6Rq5P"',
  'password: hunter2hunter2',
  'the password is long enough',
  'token=abcdefghijklmnop',
  'Bearer AbCdEfGhIjKlMnOp',
  'apikey:QWERTYuiopasdf',
  'SECRET_KEY=0123456789abcdef',
  'pwd=Xy1Xy1Xy1Xy1',
  '[EMAIL]',
  '[PHONE]',
  '[CARD]',
  '[IP]',
  '[SECRET]',
  'order #123456789012345',
  'on 2024-01-15 at 10:30',
  '$1,234.56',
  'version 1.2.3',
  'Classify the ticket.',
  'billing',
  'technical_issue',
  'refund_request',
  'stop',
  'assistant',
  'gpt-4o-mini',
  'chat.completion',
  'Café menu',
  '日本語のテキスト',
  'yyyyyyyyyyyy',
  '7777777',
];
const SEPARATORS = [' ', '', '\n', ', ', ':', '.', '-', '=', '"', '@', '_', '\t'];

/** A small deterministic PRNG (mulberry32), so a failure names a reproducible case. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function generated(count: number, seed: number): string[] {
  const rand = prng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const texts: string[] = [...PIECES];
  for (let i = 0; i < count; i++) {
    const n = 1 + Math.floor(rand() * 6);
    let t = '';
    for (let j = 0; j < n; j++) t += (j ? pick(SEPARATORS) : '') + pick(PIECES);
    texts.push(t);
  }
  return texts;
}

const KIND_SETS: ReadonlySet<PiiKind>[] = [
  new Set(ALL_PII_KINDS),
  new Set<PiiKind>(),
  ...ALL_PII_KINDS.map((k) => new Set([k])),
  ...ALL_PII_KINDS.map((k) => new Set(ALL_PII_KINDS.filter((x) => x !== k))),
];

test('the scrubber gives the same text and counts as before its pre-checks', () => {
  const texts = generated(4000, 20261202);
  let changed = 0;
  for (const kinds of KIND_SETS) {
    for (const text of texts) {
      const counts = {};
      const before = {};
      const out = scrubPii(text, kinds, counts);
      const expected = scrubPiiBefore(text, kinds, before);
      if (out !== expected || JSON.stringify(counts) !== JSON.stringify(before)) {
        // Names the case that differs instead of a bare boolean.
        const kindList = [...kinds];
        expect({ text, kindList, out, counts }).toEqual({ text, kindList, out: expected, counts: before });
      }
      if (out !== text) changed++;
    }
  }
  // The inputs exercise the patterns, not only the early return.
  expect(changed).toBeGreaterThan(texts.length);
});

test('counts accumulate across calls as before', () => {
  const counts = {};
  const before = {};
  for (const text of generated(300, 7)) {
    scrubPii(text, new Set(ALL_PII_KINDS), counts);
    scrubPiiBefore(text, new Set(ALL_PII_KINDS), before);
  }
  expect(counts).toEqual(before);
  expect(Object.keys(counts).sort()).toEqual([...ALL_PII_KINDS].sort());
});

test("the capture row's scrub (which remembers clean strings) gives the same strings, first time and again", () => {
  const texts = generated(2000, 42);
  const expected = texts.map((t) => scrubPiiBefore(t, new Set(ALL_PII_KINDS), {}));
  for (let round = 0; round < 2; round++) {
    expect(scrubJson({ messages: texts.map((content) => ({ role: 'user', content })) })).toEqual({
      messages: expected.map((content) => ({ role: 'user', content })),
    });
  }
});
