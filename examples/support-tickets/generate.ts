/**
 * Deterministic generator for the support-ticket classification example.
 *
 *   node bin/run-ts.js examples/support-tickets/generate.ts
 *
 * Writes examples/support-tickets/data/tickets.jsonl: 480 synthetic tickets
 * (80 per label) in OpenAI chat fine-tuning format. Everything here was written
 * for this repo; names, emails and order numbers are fake. Same seed, same bytes.
 *
 * Design notes:
 *  - Most tickets avoid the words of their own label ("I was charged twice"
 *    rather than "billing"); a few templates and fillers use them on purpose.
 *  - Some templates are deliberately confusable across labels (refund_request vs
 *    billing, shipping vs refund_request, account_access vs technical_issue).
 *  - A few exact duplicates, near-duplicates (one word changed) and
 *    `@example.com` emails are planted for the dedup and PII-scrub steps.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const LABELS = [
  'billing',
  'technical_issue',
  'account_access',
  'shipping',
  'refund_request',
  'product_question',
] as const;
export type Label = (typeof LABELS)[number];

export const SYSTEM_PROMPT =
  "You are a support-ticket classifier. Classify the customer's ticket into exactly one of these labels: " +
  'billing, technical_issue, account_access, shipping, refund_request, product_question. Answer with the label only.';

const SEED = 20240611;
const PER_LABEL = 80;
const EXACT_DUPLICATES = 6;
const NEAR_DUPLICATES = 6;
const EMAIL_RATE = 0.045; // plus two account_access templates that quote an email: ~5% overall

// ---------------------------------------------------------------------------
// PRNG

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

let rand = mulberry32(SEED);

function int(min: number, max: number): number {
  return min + Math.floor(rand() * (max - min + 1));
}

function pick<T>(items: readonly T[]): T {
  const item = items[Math.floor(rand() * items.length)];
  if (item === undefined) throw new Error('pick from empty list');
  return item;
}

function chance(p: number): boolean {
  return rand() < p;
}

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const tmp = items[i] as T;
    items[i] = items[j] as T;
    items[j] = tmp;
  }
  return items;
}

// ---------------------------------------------------------------------------
// Slot fillers (all fictional)

const FIRST_NAMES = [
  'Jane',
  'John',
  'Alex',
  'Sam',
  'Pat',
  'Robin',
  'Jordan',
  'Casey',
  'Morgan',
  'Taylor',
  'Riley',
  'Jamie',
];
const LAST_NAMES = [
  'Doe',
  'Example',
  'Sample',
  'Placeholder',
  'Testington',
  'Fakename',
  'Demo',
  'Mockley',
  'Dummy',
  'Notreal',
];

const GADGETS = [
  'Nimbus wireless earbuds',
  'Orbit smart speaker',
  'Lumo smart bulb',
  'Vireo security camera',
  'Quill e-reader',
  'Strata fitness band',
  'Zephyr air purifier',
  'Brio robot vacuum',
  'Pulse smart plug',
  'Tidewave soundbar',
  'Glint smartwatch',
  'Nova baby monitor',
];
const HOMEWARE = [
  'Cascade water bottle',
  'Ember pour-over kettle',
  'Hearth cast iron pan',
  'Fjord lunch box',
  'Solace blender',
  'Marlow knife set',
];
const APPAREL = [
  'Kestrel running shoes',
  'TrailPro rain jacket',
  'Alder hiking boots',
  'Meridian wool sweater',
  'Swift cycling shorts',
];
const DEVICES = [
  'iPhone 13',
  'iPhone 15',
  'Pixel 7',
  'Galaxy S22',
  'iPad',
  'MacBook Air',
  'Windows 11 laptop',
  'Chromebook',
  'Android tablet',
  'old Moto G',
];
const BROWSERS = ['Chrome', 'Firefox', 'Safari', 'Edge'];
const PLANS = [
  'Plus plan',
  'Premium plan',
  'Family plan',
  'Pro subscription',
  'annual membership',
  'monthly membership',
  'Basic plan',
];
const CARRIERS = ['UPS', 'DHL', 'FedEx', 'USPS', 'Royal Mail', 'the courier', 'DPD'];
const CITIES = ['Denver', 'Leeds', 'Lyon', 'Toronto', 'Austin', 'Glasgow', 'Rotterdam', 'Perth', 'Cork', 'Tucson'];
const COUNTRIES = ['Iceland', 'Chile', 'New Zealand', 'Portugal', 'Canada', 'Norway', 'Mexico'];
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const ERROR_CODES = ['E-1042', 'E-207', '0x80070005', 'ERR_TIMEOUT', '503', 'SYNC-19', 'code 42', 'NET-0007'];
const PROMOS = ['SPRING20', 'WELCOME10', 'SAVE15', 'FRIENDS25', 'HOLIDAY5'];
const SIZES = ['US 9', 'EU 42', 'UK 7', 'medium', 'large', 'US 10.5'];

function fakeName(): string {
  return `${pick(FIRST_NAMES)} ${pick(LAST_NAMES)}`;
}

function fakeEmail(): string {
  const first = pick(FIRST_NAMES).toLowerCase();
  const last = pick(LAST_NAMES).toLowerCase();
  return (
    pick([`${first}.${last}`, `${first}${last}`, `${first}_${int(1, 99)}`, `${first[0] ?? 'x'}${last}`]) +
    '@example.com'
  );
}

function amount(): string {
  const whole = pick([int(5, 60), int(10, 150), int(100, 400)]);
  const cents = pick(['.99', '.00', '.49', `.${int(10, 99)}`]);
  return pick(['$', '$', '$', '€', '£']) + whole + cents;
}

function orderNumber(): string {
  const n = String(int(10000, 99999));
  return pick([`#${n}`, `#${n}`, `#${n}`, n, `no. ${n}`]);
}

function date(): string {
  return pick([
    `${pick(MONTHS)} ${int(1, 28)}`,
    `${int(1, 12)}/${int(1, 28)}`,
    `the ${pick(['1st', '3rd', '5th', '9th', '12th', '14th', '20th', '22nd', '28th'])}`,
    `last ${pick(WEEKDAYS)}`,
    pick(WEEKDAYS),
  ]);
}

const SLOTS: Record<string, () => string> = {
  product: () => pick(GADGETS),
  product2: () => pick(GADGETS),
  audio: () => pick(['Nimbus wireless earbuds', 'Orbit smart speaker', 'Tidewave soundbar']),
  screen: () => pick(['Quill e-reader', 'Glint smartwatch', 'Nova baby monitor', 'Vireo security camera']),
  wearable: () => pick(['Strata fitness band', 'Glint smartwatch', 'Nimbus wireless earbuds']),
  kitchen: () => pick(HOMEWARE),
  apparel: () => pick(APPAREL),
  item: () => pick([...GADGETS, ...HOMEWARE, ...APPAREL]),
  order: orderNumber,
  order2: orderNumber,
  amount,
  amount2: amount,
  fee: () => `$${int(5, 35)}`,
  date,
  month: () => pick(MONTHS),
  year: () => pick(['2023', '2024']),
  days: () => String(int(3, 21)),
  device: () => pick(DEVICES),
  browser: () => pick(BROWSERS),
  plan: () => pick(PLANS),
  plan2: () => pick(PLANS),
  carrier: () => pick(CARRIERS),
  city: () => pick(CITIES),
  country: () => pick(COUNTRIES),
  last4: () => String(int(1000, 9999)),
  errcode: () => pick(ERROR_CODES),
  name: fakeName,
  email: fakeEmail,
  username: () => `${pick(FIRST_NAMES).toLowerCase()}${int(10, 999)}`,
  rma: () => `RMA-${int(10000, 99999)}`,
  promo: () => pick(PROMOS),
  size: () => pick(SIZES),
  po: () => `PO-${int(1000, 9999)}`,
  apt: () => `${int(1, 9)}${pick(['A', 'B', 'C', 'D'])}`,
};

/** Expands `{a|b|}` alternatives and `{slot}` references, innermost first. */
function expand(template: string): string {
  let text = template;
  const inner = /\{([^{}]*)\}/;
  for (let m = inner.exec(text); m; m = inner.exec(text)) {
    const body = m[1] ?? '';
    let value: string;
    if (body.includes('|')) {
      value = pick(body.split('|'));
    } else {
      const slot = SLOTS[body];
      if (!slot) throw new Error(`unknown slot {${body}} in: ${template}`);
      value = slot();
    }
    text = text.slice(0, m.index) + value + text.slice(m.index + m[0].length);
  }
  return text;
}

// ---------------------------------------------------------------------------
// Templates: the core of each ticket, one or two sentences.

const TEMPLATES: Record<Label, readonly string[]> = {
  billing: [
    'I was charged twice this month for my {plan}. Can you tell me why?',
    "My card ending in {last4} was debited {amount} on {date} and I don't {recognise|recognize} that charge.",
    'Why did my subscription go up from {amount} to {amount2}? Nobody told me about a price change.',
    'The invoice for order {order} shows the wrong company name, can you send a corrected one?',
    'I need a VAT invoice for my purchase on {date} for my expense report.',
    'My card keeps getting declined at checkout even though it works everywhere else.',
    'How do I update the card you have on file? {My old one expired last month.|The old one was cancelled by my bank.}',
    "There's a charge of {amount} on my statement and I have no idea what it's for.",
    "I switched to the annual membership {in {month}|last week} but I'm still being charged every month.",
    "The promo code {promo} was accepted but the discount doesn't show on my receipt.",
    "You added sales tax to my order but we're tax exempt. I sent the certificate on {date}.",
    'Can I pay by PayPal or bank transfer from now on instead of a card?',
    'My receipt says {amount} but the checkout page showed {amount2}. Which one is right?',
    'Is there a way to download all my invoices for {year} as one PDF?',
    'I was charged in euros instead of dollars and my bank added a conversion fee on top.',
    'The free trial was supposed to last 30 days but you took {amount} after a week.',
    'Please move my payment date to the 1st of the month, the 15th is before my payday.',
    'I see a pending authorization of {amount} from you but I never finished placing the order.',
    'Our company needs invoices to carry a purchase order number, {po}. Can you add it to the last two?',
    'How come there are two separate charges for the one order {order}?',
    'The automatic payment failed and now there is a late fee of {fee} on my statement.',
    'Can I split the payment for order {order} across two cards?',
    'I got an email saying my payment was declined, but the money has already left my bank.',
    "Your pricing page says {amount} a month but I'm paying {amount2}. What am I missing?",
    'Could you send me a copy of the billing statement for {month}?',
    'I have a billing question about my last invoice, the total looks off.',
    'My account was charged {amount} for an add-on I never selected.',
    'I cancelled my {plan} on {date} but you still took {amount} today. Why is it still active?',
    'Is the price on the {plan} page with tax included, or is tax added at the end?',
    'Who do I talk to about changing the name on our invoices? We rebranded in {month}.',
    'Quick one about my bill: why is there a {fee} service fee this time?',
    'The bank shows a payment to you every {month|week|quarter}, but I thought I was on the yearly option.',
  ],
  technical_issue: [
    'The app crashes every time I open the settings page on my {device}.',
    "Since the last update, my {product} won't connect to Wi-Fi anymore.",
    'I get error {errcode} whenever I try to sync my {product}.',
    "The page just spins forever after I click 'Place order' in {browser}.",
    'My {product} keeps dropping the Bluetooth connection every few minutes.',
    'The firmware update failed halfway and now the {product} only shows a blinking red light.',
    'Notifications stopped coming through on my {device} after I updated the app.',
    "The website looks broken in {browser}, the buttons overlap and I can't scroll down.",
    'Video in the app freezes after about ten seconds while the audio keeps playing.',
    'I uploaded a new profile photo and now the app just shows a white screen.',
    'The {product} battery goes from full to empty in about two hours, it used to last all day.',
    "Every time I pair the {product} with my {device} it says 'pairing failed'.",
    'The search bar on your site returns nothing, even for things I know you sell.',
    'The app is using a ridiculous amount of mobile data in the background, almost 2GB yesterday.',
    "The companion app won't install on my {device}, it says the device isn't supported.",
    'The touchscreen on my {screen} stopped responding in the bottom corner.',
    'When I try to upload a file bigger than 10MB I get a 500 error.',
    'The dark mode setting resets every time I restart the app.',
    'My {product} restarts by itself several times a day.',
    "I can't hear anything from the left side of my {audio}.",
    "The checkout page throws 'something went wrong' whenever I add a gift message.",
    'Sync between the desktop app and my {device} has been stuck at 87% since {date}.',
    'The app on my {device} logs me out randomly every few minutes, even in the middle of something.',
    "The voice assistant integration with my {product} stopped working, it just says 'device unresponsive'.",
    'Is there a known issue with the app today? Nothing loads for me.',
    'Having a technical problem: the {screen} display keeps flickering.',
    'The export to CSV button downloads an empty file.',
    'The {product} makes a loud clicking noise and then shuts off.',
    'My order history page shows an empty table even though I have ordered from you loads of times.',
    'The sign-in page never finishes loading in {browser}, it stays on a grey screen.',
    'The {screen} shows the wrong time and resets to midnight whenever it loses power.',
    "There's an issue with my {product}, it won't turn on even after charging overnight.",
  ],
  account_access: [
    "I can't log in, it keeps saying my password is wrong even right after I reset it.",
    "I never got the password reset email, and yes I've checked spam.",
    'My login got locked after too many attempts, how long until I can try again?',
    "I got a new phone and lost my authenticator app, so now I can't get past the two-step verification.",
    "Someone changed the email on my profile and now I can't sign in. I think I was hacked.",
    "I don't remember which email I signed up with. Can you help me find it? My name is {name}.",
    "The verification code you text me never arrives, so I'm stuck on the sign-in screen.",
    "I signed up with Google but now the 'Continue with Google' button says no user found.",
    'My old work email was deactivated and that is the one my login is tied to.',
    'Can you unlock my profile? The username is {username}.',
    "I keep getting 'session expired' the second I log in.",
    'The reset link says it has expired even though I clicked it straight away.',
    "My sign-in was disabled and I have no idea why, I haven't done anything wrong.",
    'I changed my phone number and the security code still goes to the old one.',
    "I'm locked out and I have an order arriving tomorrow that I need to keep an eye on.",
    'My {daughter|son|partner} set up the profile with their email and I need to get into it myself.',
    "I got an alert about a login from another country and it definitely wasn't me.",
    'How do I recover my username? I only remember my email, {email}.',
    "The security questions don't accept my answers anymore.",
    "My password manager filled in an old password and now I'm locked out for 24 hours.",
    "I'm getting 'user not found' when I try to log in with {email}.",
    'I deleted my authenticator by mistake, is there a backup code I can use?',
    "Logging in works on the website but on my {device} it just says 'invalid credentials'.",
    'I merged two profiles last week and now neither login works.',
    'I cannot get into my {plan} dashboard, it sends me back to the login page every time.',
    "My account has been suspended and I can't log in.",
    'I need access to my old account to download my receipts.',
    'Can you sign out all the sessions on my {device}? It was stolen and I want to be sure nobody gets in.',
    'The magic sign-in link opens a blank page and I end up not logged in.',
    "I'm the admin for our team and one of my staff, {name}, can't sign in at all.",
    'My password has a special character and your login form refuses it, so I have no way in.',
    "I can't access anything since I changed my password {yesterday|this morning|on {date}}.",
  ],
  shipping: [
    "Where is my order {order}? It's been {days} days and the tracking hasn't moved.",
    "The tracking number you sent me doesn't work on the {carrier} website.",
    "Can I change the delivery address for order {order}? I'm moving on {date}.",
    "My package says delivered but there's nothing at my door or with the neighbours.",
    "Do you deliver to {country}? I couldn't find it in the list at checkout.",
    "It has been stuck 'in transit' in {city} since {date}.",
    'How long does express delivery usually take to {city}?',
    "The courier left a note saying they'll try again tomorrow, but I won't be home. Can it go to the post " +
      'office instead?',
    "Order {order} was supposed to arrive by {date} and it's still not here.",
    'Only half of my order showed up. The box had the {product} but not the {kitchen}.',
    'Can you send the {item} to my office instead of home? Same order, {order}.',
    'The box arrived crushed, though the {item} inside seems fine. Just letting you know.',
    "I got someone else's parcel, it has a label for a different address.",
    'Is there any way to speed things up? I need the {item} before {date}.',
    "The {carrier} driver marked it as 'recipient unavailable' but I was home all day.",
    "Why does my order still say 'processing' after {days} days? When will it leave the warehouse?",
    'Can I pick up my order from a store instead of waiting for the van?',
    'Can you require a signature on delivery? Last time a parcel got stolen from my porch.',
    "I'd like orders {order} and {order2} to come together in one box if possible.",
    'The estimated arrival changed from {date} to next week without any explanation.',
    'My parcel is being held at customs and they want a fee before releasing it. What should I do?',
    'I put the wrong apartment number on the order, it should be {apt}.',
    "Do your drivers come on weekends? I'm only home on Saturday.",
    'How much is shipping to {city} for a small parcel?',
    'The shipping label was created {days} days ago but {carrier} never picked the parcel up.',
    'My parcel went back to your warehouse because of an address problem. Can you send it out again?',
    "I've been waiting on my delivery for two weeks now, this is getting ridiculous.",
    "The tracking page says 'exception' for order {order}. What does that mean?",
    "Can you hold my order until I'm back from holiday on {date}?",
    "The parcel locker code you sent me doesn't open the locker.",
    'The {item} came from a different warehouse and has no tracking at all. Is it even on its way?',
    'Is free shipping available if my order is over {amount}?',
  ],
  refund_request: [
    "I sent the {item} back on {date} and still haven't got my money back.",
    'Please cancel order {order} and put the {amount} back on my card.',
    "The {item} arrived broken. I don't want a replacement, I just want my money back.",
    "My package never arrived and at this point I'd rather be reimbursed than wait any longer.",
    'I was charged twice for order {order}, please return the extra {amount}.',
    "I'd like to return the {item}, it's not what I needed. How do I get reimbursed?",
    'You said the refund was issued on {date} but nothing has appeared on my statement.',
    'The {product} stopped working after {days} days. I want a full refund.',
    'I cancelled within the trial period, so I expect the {amount} charge to be reversed.',
    "The {item} I received looks nothing like the photos. I'm sending it back and want the money returned.",
    "I was overcharged by {amount} because the coupon didn't apply. Can you credit that back to me?",
    'My order was delayed so long that I bought it elsewhere. Please cancel it and reimburse me.',
    'Can I get my money back for the unused months on my {plan}?',
    'I dropped the {item} off at the return point on {date}, reference {rma}. When will I see the money?',
    "The {item} is missing parts, I'd like to send it back for a full reimbursement.",
    'Please reverse the {amount} charge for the add-on I never wanted.',
    'Your courier lost my parcel. I want the {amount} back, not a resend.',
    'I paid extra for express delivery but it took {days} days. I want that fee returned.',
    "I'm still within the 30 days, how do I send back the {item} and get the money back?",
    "Store credit isn't acceptable to me, I want the money back on my original payment method.",
    'I accidentally ordered the {item} twice. Can you cancel one and give me back what I paid for it?',
    'Bought the {item} as a gift but they already have one. Can I return it for my money back?',
    'The {apparel} fell apart after two wears, I would like my money returned please.',
    'The price dropped {amount} the day after I bought the {item}, can you give me the difference back?',
    "Still waiting on the reimbursement for return {rma}, it's been {days} days.",
    'I never got confirmation that you received my returned {item}. When do I get paid back?',
    'Requesting a refund for order {order}, the item was damaged in the box.',
    "I want to cancel my {plan} and be refunded for this month since I haven't used it at all.",
    'Either you return the {amount} for the broken {product} or I will dispute it with my bank.',
    'The replacement {product} is faulty too. At this point I just want my money back.',
    'I returned the wrong size {apparel} on {date}, the tracking shows you have it. Where is my money?',
    'How long does a refund usually take to show up on a credit card?',
  ],
  product_question: [
    'Does the {product} work with {device}?',
    "What's the difference between the {plan} and the {plan2}?",
    'Is the {wearable} waterproof? I want to use it while swimming.',
    'How long does the battery in the {product} last on a single charge?',
    'Will the {item} be back in stock before {date}?',
    "Can the {product} be plugged into 220V outlets? I'm travelling to Europe.",
    'What size should I get in the {apparel}? I usually wear {size} in other brands.',
    'Does the {product} come with a charger or do I need to buy one separately?',
    'Is there a warranty on the {item}, and how long does it last?',
    'Can I connect two {product}s to the same {device} at once?',
    "What is the strap of the {Strata fitness band|Glint smartwatch} made of? I'm allergic to nickel.",
    'Is the {kitchen} dishwasher safe?',
    "How do I set up a schedule on the {product}? The manual doesn't really explain it.",
    'Does the {plan} include offline downloads?',
    'Which colours does the {item} come in? The site only shows black.',
    'Are replacement filters for the {Zephyr air purifier|Brio robot vacuum} sold separately, and how often ' +
      'should they be changed?',
    'Does the {product} support voice control with Alexa or Google Assistant?',
    'What are the dimensions of the {item}? I need to know if it fits on my shelf.',
    'Can I use the {product} without installing the app?',
    'Is the {item} suitable for kids under 10?',
    'Do you offer a student discount on the {plan}?',
    'How loud is the {audio} on its highest setting?',
    "Is a newer version of the {product} coming out soon? I don't want to buy right before a launch.",
    'Quick question about the {product}: does it have a night mode?',
    'Is this product compatible with my {device}?',
    'Can the {product} be mounted on a wall, and are screws included?',
    "What's the maximum weight the {kitchen} can handle?",
    "Does the {product} have a lithium battery? I'd like to take it on a plane.",
    'Can I share my {plan} with family members in another house?',
    "What happens if I open the {item} and don't like it, can I still send it back? Thinking about buying one.",
    'Is the {apparel} true to size, or does it run small?',
    'Do you have a product that works as both a {product} and a night light?',
  ],
};

// ---------------------------------------------------------------------------
// Wrappers: greetings, extra context, sign-offs, typos.

const GREETINGS = [
  '',
  '',
  '',
  '',
  '',
  '',
  '',
  'Hi,',
  'Hi,',
  'Hello,',
  'Hey,',
  'Hi there,',
  'Good morning,',
  'Hi team,',
  'Hello support,',
  'To whom it may concern,',
  'Hey guys,',
  'Dear support team,',
  'Hiya,',
  'Quick question:',
];

/** Neutral context sentences; a few mention other labels' words on purpose. */
const EXTRAS_BEFORE = [
  "I've been a customer for years and this has never happened before.",
  'This is my second message about this.',
  'I tried the chat but it kept timing out.',
  'Sorry if this is the wrong place to ask.',
  'I ordered last {month} for the first time.',
  'Writing on behalf of my {mum|dad|grandmother}.',
  'I hope this is the right place for this question.',
  'Not sure who handles this.',
  'I already called once and was told someone would email me.',
  'My account email is the one I am writing from.',
];
const EXTRAS_AFTER = [
  'Please get back to me as soon as you can.',
  'Any help would be appreciated.',
  'Thanks in advance.',
  'Not urgent, whenever you get a chance.',
  'Let me know if you need any more details.',
  'It would be great to get an answer today.',
  'Hope you can help with this issue.',
];
/** Complaints, added after the core of anything but a pre-sale question. */
const COMPLAINTS = [
  'This is really frustrating.',
  'I need this sorted before the weekend.',
  'I can send screenshots if that helps.',
  'Honestly pretty disappointed so far.',
];
const SIGNOFFS = [
  '',
  '',
  '',
  '',
  '',
  '',
  'Thanks,',
  'Thanks!',
  'Thank you.',
  'Cheers,',
  'Regards,',
  'Best,',
  'Kind regards,',
  'Many thanks,',
  'Sent from my phone',
];

const TYPO_SUBSTITUTIONS: Array<[RegExp, string]> = [
  [/\bdon't\b/, 'dont'],
  [/\bcan't\b/, 'cant'],
  [/\bI'm\b/, 'im'],
  [/\bisn't\b/, 'isnt'],
  [/\breceived\b/, 'recieved'],
  [/\bbecause\b/, 'becuase'],
  [/\bdefinitely\b/, 'definately'],
  [/\bwhich\b/, 'wich'],
  [/\bit's\b/, 'its'],
];

function addTypo(text: string): string {
  const applicable = TYPO_SUBSTITUTIONS.filter(([re]) => re.test(text));
  if (applicable.length > 0 && chance(0.6)) {
    const [re, replacement] = pick(applicable);
    return text.replace(re, replacement);
  }
  // Swap two adjacent letters in one longer plain word.
  const words = text.split(' ');
  const candidates = words.map((w, i) => ({ w, i })).filter(({ w }) => /^[a-z]{5,}$/.test(w));
  if (candidates.length === 0) return text;
  const { w, i } = pick(candidates);
  const k = int(1, w.length - 3);
  words[i] = w.slice(0, k) + w.charAt(k + 1) + w.charAt(k) + w.slice(k + 2);
  return words.join(' ');
}

function withSignoff(signoff: string, text: string): string {
  if (signoff === '') return text;
  if (signoff.endsWith(',') && chance(0.7)) return `${text} ${signoff} ${fakeName().split(' ')[0] ?? ''}`;
  if (signoff.endsWith(',')) return `${text} ${signoff.slice(0, -1)}.`;
  return `${text} ${signoff}`;
}

function sentenceCount(text: string): number {
  return text.split(/[.!?](?:\s|$)/).filter((s) => s.trim() !== '').length;
}

function makeTicket(label: Label): string {
  let body = expand(pick(TEMPLATES[label]));
  const email = chance(EMAIL_RATE);
  // Extra sentences, keeping tickets between one and four sentences long.
  const room = 4 - sentenceCount(body) - (email ? 1 : 0);
  const extras = Math.min(room, pick([0, 0, 0, 1, 1, 1, 2]));
  const parts: string[] = [];
  let before = false;
  if (extras >= 1 && chance(0.4)) {
    parts.push(expand(pick(EXTRAS_BEFORE)));
    before = true;
  }
  parts.push(body);
  if (extras >= 2 || (extras === 1 && !before))
    parts.push(expand(pick(label === 'product_question' ? EXTRAS_AFTER : [...EXTRAS_AFTER, ...COMPLAINTS])));
  if (email) parts.push(`${pick(['You can reach me at', 'Please reply to', 'My email is'])} ${fakeEmail()}.`);
  body = parts.join(' ');
  const greeting = pick(GREETINGS);
  let text = greeting === '' ? body : `${greeting} ${body}`;
  // Avoid "Thanks in advance. Thank you." style double thanks.
  const thanked = /\bthanks\b|\bthank you\b/i.test(body);
  text = withSignoff(pick(thanked ? SIGNOFFS.filter((s) => !/thank/i.test(s)) : SIGNOFFS), text);
  if (chance(0.12)) text = addTypo(text);
  if (chance(0.05)) text = text.toLowerCase();
  else if (chance(0.03)) text = text.replace(/[.!?]$/, '');
  return text;
}

// ---------------------------------------------------------------------------
// Duplicates

/** One-word substitutions used to plant near-duplicates. */
const NEAR_DUP_SWAPS: Record<string, string> = {
  my: 'the',
  the: 'my',
  Hi: 'Hello',
  Hello: 'Hi',
  still: 'yet',
  Please: 'Kindly',
  please: 'kindly',
  really: 'very',
  today: 'yesterday',
  now: 'currently',
  just: 'only',
};

function nearDuplicate(text: string): string | undefined {
  const words = text.split(' ');
  const positions = words.map((w, i) => ({ w, i })).filter(({ w }) => NEAR_DUP_SWAPS[w] !== undefined);
  if (positions.length === 0) return undefined;
  const { w, i } = pick(positions);
  words[i] = NEAR_DUP_SWAPS[w] ?? w;
  return words.join(' ');
}

// ---------------------------------------------------------------------------

interface Example {
  label: Label;
  ticket: string;
}

export function generate(): Example[] {
  rand = mulberry32(SEED); // every call yields the same dataset
  const seen = new Set<string>();
  const byLabel = new Map<Label, string[]>();
  for (const label of LABELS) {
    const tickets: string[] = [];
    let attempts = 0;
    while (tickets.length < PER_LABEL) {
      if (++attempts > PER_LABEL * 50) throw new Error(`could not make ${PER_LABEL} unique tickets for ${label}`);
      const ticket = makeTicket(label);
      if (seen.has(ticket)) continue;
      seen.add(ticket);
      tickets.push(ticket);
    }
    byLabel.set(label, tickets);
  }

  // Overwrite a few tickets with exact copies or one-word variants of another
  // ticket of the same label, so counts stay at PER_LABEL per label. Sources
  // come from the first half of a label's list, targets from the second, and
  // no ticket is used twice.
  const used = new Set<string>();
  const plant = (count: number, make: (source: string) => string | undefined): void => {
    let planted = 0;
    while (planted < count) {
      const label = pick(LABELS);
      const tickets = byLabel.get(label);
      if (!tickets) throw new Error(`no tickets for ${label}`);
      const from = int(0, PER_LABEL / 2 - 1);
      const to = int(PER_LABEL / 2, PER_LABEL - 1);
      const source = tickets[from];
      const target = tickets[to];
      if (source === undefined || target === undefined) continue;
      if (used.has(`${label}:${from}`) || used.has(`${label}:${to}`)) continue;
      const copy = make(source);
      if (copy === undefined || (copy !== source && seen.has(copy))) continue;
      used.add(`${label}:${from}`);
      used.add(`${label}:${to}`);
      seen.delete(target);
      seen.add(copy);
      tickets[to] = copy;
      planted++;
    }
  };
  plant(EXACT_DUPLICATES, (source) => source);
  plant(NEAR_DUPLICATES, nearDuplicate);

  const examples: Example[] = [];
  for (const label of LABELS) for (const ticket of byLabel.get(label) ?? []) examples.push({ label, ticket });
  return shuffle(examples);
}

export function toJsonl(examples: readonly Example[]): string {
  return (
    examples
      .map(({ label, ticket }) =>
        JSON.stringify({
          messages: [
            { role: 'system', content: SYSTEM_PROMPT },
            { role: 'user', content: ticket },
            { role: 'assistant', content: label },
          ],
        }),
      )
      .join('\n') + '\n'
  );
}

// Run when executed directly (bin/run-ts.js or tsx), not when imported.
if (path.resolve(process.argv[1] ?? '') === __filename) {
  const out = path.join(__dirname, 'data', 'tickets.jsonl');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const examples = generate();
  fs.writeFileSync(out, toJsonl(examples));
  const counts = new Map<string, number>();
  for (const { label } of examples) counts.set(label, (counts.get(label) ?? 0) + 1);
  console.log(`wrote ${examples.length} examples to ${path.relative(process.cwd(), out)}`);
  for (const [label, n] of counts) console.log(`  ${label}: ${n}`);
}
