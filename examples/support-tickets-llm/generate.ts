/**
 * Deterministic generator for the support-tickets-llm example.
 *
 *   node bin/run-ts.js examples/support-tickets-llm/generate.ts
 *
 * Writes data/tickets.jsonl: short synthetic support tickets (6 labels × 8 templates × 5 fillings) in OpenAI chat
 * format, each line tagged `metadata.template` with its template's id. The pipeline splits with
 * `split.groupBy: metadata.template`, so every held-out ticket comes from a template training never saw: the
 * scores measure generalization to new wordings, not recall of a template. Same seed, same bytes. Everything here is
 * fictional and was written for this repository.
 */
import fs from 'node:fs';
import path from 'node:path';

export const LABELS = [
  'billing',
  'technical_issue',
  'account_access',
  'shipping',
  'refund_request',
  'product_question',
] as const;
type Label = (typeof LABELS)[number];

export const SYSTEM_PROMPT = `Classify the support ticket as one of: ${LABELS.join(', ')}. Answer with the label only.`;

const PER_TEMPLATE = 5;
const SEED = 16;

/** Eight templates per label; `{slot}` is filled from SLOTS. One template = one group. */
const TEMPLATES: Record<Label, readonly string[]> = {
  billing: [
    'I was charged twice for my {plan} this month.',
    'Why is my invoice {amount} higher than last time?',
    'My card ending {last4} was billed after I cancelled.',
    'Can you send me a receipt for order {order}?',
    'The {plan} price went up without any notice.',
    'There is a charge of {amount} I do not recognise.',
    'Please change the card you bill for my {plan}.',
    'I paid {amount} but my account still shows a balance.',
  ],
  technical_issue: [
    'The app crashes every time I open it on my {device}.',
    'My {product} will not connect to wifi any more.',
    'I get error {code} when I try to sync.',
    'The website keeps freezing in {browser}.',
    'My {product} stopped working after the update.',
    'Notifications no longer show up on my {device}.',
    'The {product} turns off by itself after a few minutes.',
    'Uploading a photo fails with error {code}.',
  ],
  account_access: [
    'I cannot log in on my {device}, it says my password is wrong.',
    'The reset link for {email} never arrives.',
    'My account {user} is locked after too many attempts.',
    'I lost my {device} and cannot get the two-factor code for {user}.',
    'How do I change the email on my account to {email}?',
    'Someone else seems to have signed in to my account {user}.',
    'The login page keeps sending me back to the start in {browser}.',
    'I want to delete my account {user}.',
  ],
  shipping: [
    'My order {order} has not arrived yet.',
    'The tracking for {order} has not moved in {days} days.',
    '{carrier} says delivered but I have no parcel.',
    'Can I change the delivery address for order {order}?',
    'Do you ship to {country}?',
    'My package went to the wrong city, {city}.',
    'How long does delivery to {city} take?',
    'The box for order {order} arrived crushed and late.',
  ],
  refund_request: [
    'I want my money back for the {product}.',
    'Please refund order {order}, it was not what I expected.',
    'I returned the {product} {days} days ago and got no refund.',
    'Can I get a refund for my {plan}?',
    'The {product} broke in a week, I would like a refund.',
    'How do I return the {product} for a full refund?',
    'Refund the {amount} for the cancelled order {order}, please.',
    'I never used my {plan}, please give me my money back.',
  ],
  product_question: [
    'Does the {product} work with the {product2}?',
    'Is the {product} waterproof?',
    'What is the battery life of the {product}?',
    'Will the {product} come back in stock?',
    'Is there a bigger version of the {product}?',
    'Can the {product} be used outside?',
    'What is the difference between the {product} and the {product2}?',
    'Does the {plan} include the {product}?',
  ],
};

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = mulberry32(SEED);
const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
const int = (min: number, max: number) => min + Math.floor(rand() * (max - min + 1));

const PRODUCTS = [
  'Orbit speaker',
  'Lumo bulb',
  'Quill e-reader',
  'Strata band',
  'Brio vacuum',
  'Glint watch',
  'Nimbus earbuds',
  'Vireo camera',
];
const SLOTS: Record<string, () => string> = {
  plan: () =>
    pick([
      'Plus plan',
      'Family plan',
      'Pro plan',
      'annual plan',
      'Basic plan',
      'Premium plan',
      'Student plan',
      'Team plan',
    ]),
  amount: () => `$${int(5, 300)}.${pick(['00', '49', '99'])}`,
  last4: () => String(int(1000, 9999)),
  order: () => `#${int(10000, 99999)}`,
  device: () => pick(['iPhone', 'Pixel phone', 'tablet', 'laptop', 'Chromebook', 'iPad', 'Galaxy phone', 'Mac']),
  product: () => pick(PRODUCTS),
  product2: () => pick(PRODUCTS),
  code: () => pick(['E-1042', 'E-207', 'SYNC-19', '503', 'NET-7', 'E-88', 'AUTH-3', '0x8007']),
  browser: () => pick(['Chrome', 'Firefox', 'Safari', 'Edge', 'Opera', 'Brave']),
  email: () => `${pick(['jane', 'sam', 'alex', 'robin'])}${int(1, 99)}@example.com`,
  user: () => `${pick(['jane', 'sam', 'alex', 'robin'])}${int(10, 999)}`,
  days: () => String(int(3, 21)),
  carrier: () => pick(['UPS', 'DHL', 'FedEx', 'The courier', 'USPS', 'DPD', 'Royal Mail', 'The driver']),
  country: () => pick(['Iceland', 'Chile', 'Portugal', 'Canada', 'Norway', 'Mexico', 'Japan', 'Kenya']),
  city: () => pick(['Denver', 'Leeds', 'Lyon', 'Perth', 'Austin', 'Cork', 'Oslo', 'Tucson']),
};

const fill = (template: string) =>
  template.replace(/\{(\w+)\}/g, (_, slot: string) => {
    const f = SLOTS[slot];
    if (!f) throw new Error(`unknown slot {${slot}} in: ${template}`);
    return f();
  });

export function generate(): object[] {
  const out: object[] = [];
  for (const label of LABELS) {
    TEMPLATES[label].forEach((template, t) => {
      const seen = new Set<string>();
      for (let tries = 0; seen.size < PER_TEMPLATE; tries++) {
        if (tries > 1000) throw new Error(`too few distinct fillings of: ${template}`);
        seen.add(fill(template));
      }
      for (const ticket of seen) {
        out.push({
          messages: [
            { role: 'system', content: SYSTEM_PROMPT },
            { role: 'user', content: ticket },
            { role: 'assistant', content: label },
          ],
          metadata: { template: `${label}-${t + 1}` },
        });
      }
    });
  }
  // Interleaved so the file reads like a queue; the split does not depend on the order.
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

// Run when executed directly (bin/run-ts.js or tsx), not when imported.
if (path.resolve(process.argv[1] ?? '') === __filename) {
  const file = path.join(__dirname, 'data', 'tickets.jsonl');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(
    file,
    generate()
      .map((e) => JSON.stringify(e))
      .join('\n') + '\n',
  );
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}
