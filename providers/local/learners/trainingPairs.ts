/**
 * Turns training examples into (input, output) pairs a CPU learner can fit: the input is the user
 * message the assistant answered, the output the assistant's text. Assistant turns with `weight: 0`
 * are skipped, as OpenAI skips them in training.
 */
import type { LearnerMessage } from './chatTypes';

export interface TrainingPair {
  input: string;
  output: string;
}

export interface WeightedMessage extends LearnerMessage {
  weight?: number;
}

export function pairsFromMessages(messages: readonly WeightedMessage[]): TrainingPair[] {
  const pairs: TrainingPair[] = [];
  let lastUser = '';
  for (const m of messages) {
    if (m.role === 'user') lastUser = m.content;
    else if (m.role === 'assistant' && m.weight !== 0 && m.content.trim() !== '')
      pairs.push({ input: lastUser, output: m.content.trim() });
  }
  return pairs;
}
