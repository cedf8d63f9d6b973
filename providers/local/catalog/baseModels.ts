/**
 * The base models the backend serves, with OpenAI's ids, creation dates and shutdown dates (from
 * the deprecations page as of November 2026). Every chat model is answered by the same prompt-only
 * learner; the list exists so clients can discover models and read `shutdown_date` as with OpenAI.
 */
export interface BaseModel {
  id: string;
  created: number;
  owned_by: string;
  shutdown_date: string | null;
  kind: 'chat' | 'embedding';
  /** The snapshot a fine-tuned model name uses when this id is an alias. */
  snapshot: string;
}

const chat = (id: string, created: number, shutdown: string | null, snapshot = id): BaseModel => ({
  id,
  created,
  owned_by: 'system',
  shutdown_date: shutdown,
  kind: 'chat',
  snapshot,
});
const embedding = (id: string, created: number): BaseModel => ({
  id,
  created,
  owned_by: 'system',
  shutdown_date: null,
  kind: 'embedding',
  snapshot: id,
});

export const BASE_MODELS: readonly BaseModel[] = [
  chat('gpt-4o-mini-2024-07-18', 1721172717, null),
  chat('gpt-4o-mini', 1721172741, null, 'gpt-4o-mini-2024-07-18'),
  chat('gpt-4o-2024-08-06', 1722814719, null),
  chat('gpt-4o', 1715367049, null, 'gpt-4o-2024-08-06'),
  chat('gpt-4.1-2025-04-14', 1744315746, null),
  chat('gpt-4.1', 1744316542, null, 'gpt-4.1-2025-04-14'),
  chat('gpt-4.1-mini-2025-04-14', 1744317547, null),
  chat('gpt-4.1-mini', 1744318173, null, 'gpt-4.1-mini-2025-04-14'),
  chat('gpt-4.1-nano-2025-04-14', 1744321025, '2026-10-23'),
  chat('gpt-4.1-nano', 1744321707, '2026-10-23', 'gpt-4.1-nano-2025-04-14'),
  chat('gpt-3.5-turbo-0125', 1706048358, '2026-10-23'),
  chat('gpt-3.5-turbo', 1677610602, '2026-10-23', 'gpt-3.5-turbo-0125'),
  chat('o4-mini-2025-04-16', 1744133506, '2026-10-23'),
  chat('o4-mini', 1744225351, '2026-10-23', 'o4-mini-2025-04-16'),
  embedding('text-embedding-3-small', 1705948997),
  embedding('text-embedding-3-large', 1705953180),
  embedding('text-embedding-ada-002', 1671217299),
];

const BY_ID = new Map(BASE_MODELS.map((m) => [m.id, m]));

export function baseModel(id: string): BaseModel | undefined {
  return BY_ID.get(id);
}

/** The organization slug in fine-tuned model names (`ft:<base>:<org>:<suffix>:<id>`). */
export const LOCAL_ORG = 'tailor-local';
export const LOCAL_ORG_ID = 'org-tailorlocal';
