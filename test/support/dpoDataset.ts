import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const TICKETS = path.join(__dirname, '..', '..', 'examples', 'support-tickets', 'data', 'tickets.jsonl');
const LABELS = ['billing', 'technical_issue', 'account_access', 'shipping', 'refund_request', 'product_question'];

/**
 * A preference (DPO) dataset made from the example tickets: the right label preferred over a wrong one (the next
 * label in a fixed order), in OpenAI's `input` / `preferred_output` / `non_preferred_output` format.
 */
export function writeTicketPreferences(): string {
  const lines = fs.readFileSync(TICKETS, 'utf8').split('\n').filter(Boolean);
  const out = lines.map((line) => {
    const { messages } = JSON.parse(line) as { messages: { role: string; content: string }[] };
    const answer = messages[messages.length - 1]!.content;
    const wrong = LABELS[(LABELS.indexOf(answer) + 1) % LABELS.length]!;
    return JSON.stringify({
      input: { messages: messages.slice(0, -1) },
      preferred_output: [{ role: 'assistant', content: answer }],
      non_preferred_output: [{ role: 'assistant', content: wrong }],
    });
  });
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-dpo-')), 'preferences.jsonl');
  fs.writeFileSync(file, out.join('\n') + '\n');
  return file;
}
