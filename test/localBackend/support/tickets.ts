/**
 * A small synthetic support-ticket set for tests that must not depend on examples/ (which another
 * part of the project owns): six labels, templated tickets with varied fillers, chat format.
 */
import { toFile } from 'openai';
import { mulberry32 } from '../../../core/stats/rng';

export const LABELS = [
  'billing',
  'technical_issue',
  'account_access',
  'shipping',
  'refund_request',
  'product_question',
] as const;
export const SYSTEM =
  `You are a support-ticket classifier. Classify the ticket into exactly one of these labels: ` +
  `${LABELS.join(', ')}. Answer with the label only.`;

const TEMPLATES: Record<(typeof LABELS)[number], string[]> = {
  billing: [
    'I was charged twice for my {p} subscription this month',
    'Why is there an extra fee on my invoice for {p}?',
    'My card was billed the wrong amount for {p}',
    'The price of my {p} plan went up without notice',
  ],
  technical_issue: [
    'The {p} app crashes every time I open it',
    'I get error code 500 when syncing my {p}',
    'My {p} will not pair with bluetooth anymore',
    'The settings page for {p} is blank and broken',
  ],
  account_access: [
    'I cannot log in to my account, the password reset email never arrives',
    'My two-step verification code for {p} is always rejected',
    'My profile is locked after too many sign-in attempts',
    'Someone hijacked my account and changed the password',
  ],
  shipping: [
    'Where is my {p} order? The tracking number has not updated',
    'My {p} parcel is stuck in customs',
    'Can I change the delivery address for my {p} order?',
    'The courier says my {p} package was delivered but it is not here',
  ],
  refund_request: [
    'I want my money back for the {p}, it arrived damaged',
    'Please refund my order of {p}, I returned it last week',
    'Cancel my {p} order and give me a refund',
    'The {p} never arrived, I want a full refund',
  ],
  product_question: [
    'Is the {p} compatible with my older model?',
    'What sizes does the {p} come in?',
    'Does the {p} have a warranty?',
    'When will the {p} be back in stock?',
  ],
};
const PRODUCTS = [
  'Ember kettle',
  'TrailPro jacket',
  'Nimbus headphones',
  'Orbit watch',
  'Atlas backpack',
  'Pixel lamp',
];
const OPENERS = ['', 'Hi, ', 'Hello team, ', 'Good morning. ', 'Hey, '];
const CLOSERS = ['', ' Thanks.', ' Please help.', ' Regards, Sam', ' This is urgent.'];

export interface Ticket {
  text: string;
  label: string;
}

export function tickets(count: number, seed = 1): Ticket[] {
  const rng = mulberry32(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rng() * xs.length)]!;
  return Array.from({ length: count }, (_, i) => {
    const label = LABELS[i % LABELS.length]!;
    const text = pick(OPENERS) + pick(TEMPLATES[label]).replace('{p}', pick(PRODUCTS)) + pick(CLOSERS);
    return { text, label };
  });
}

export function chatLine(t: Ticket): string {
  return JSON.stringify({
    messages: [
      { role: 'system', content: SYSTEM },
      { role: 'user', content: t.text },
      { role: 'assistant', content: t.label },
    ],
  });
}

export function preferenceLine(t: Ticket, wrong: string): string {
  return JSON.stringify({
    input: {
      messages: [
        { role: 'system', content: SYSTEM },
        { role: 'user', content: t.text },
      ],
    },
    preferred_output: [{ role: 'assistant', content: t.label }],
    non_preferred_output: [{ role: 'assistant', content: wrong }],
  });
}

export function jsonlFile(lines: string[], name = 'train.jsonl') {
  return toFile(Buffer.from(lines.join('\n') + '\n'), name);
}

export function chatMessages(text: string): { role: 'system' | 'user'; content: string }[] {
  return [
    { role: 'system', content: SYSTEM },
    { role: 'user', content: text },
  ];
}
