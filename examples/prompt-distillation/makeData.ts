/**
 * Writes the prompt-distillation example's data from the support-tickets-llm tickets (deterministic):
 *
 *   node bin/run-ts.js examples/prompt-distillation/makeData.ts
 *
 * data/pool.jsonl (36 labelled tickets for the teacher's k-shot prompt), data/prompts.jsonl (60 tickets the teacher
 * answers), data/heldout.jsonl (36 tickets from templates neither the pool nor the prompts use).
 */
import fs from 'node:fs';
import path from 'node:path';
import { splitTickets } from './distillation';

const here = __dirname;
const tickets = path.join(here, '..', 'support-tickets-llm', 'data', 'tickets.jsonl');
const data = splitTickets(fs.readFileSync(tickets, 'utf8').split('\n').filter(Boolean));
for (const [name, lines] of [
  ['pool', data.pool],
  ['prompts', data.prompts],
  ['heldout', data.heldOut],
] as const) {
  fs.writeFileSync(path.join(here, 'data', `${name}.jsonl`), lines.map((l) => l + '\n').join(''));
  console.log(`data/${name}.jsonl: ${lines.length} tickets`);
}
