import path from 'node:path';
import { tailorHome } from '../../config/paths';
import { startLocalOpenAI } from '../../providers/local/server';
import { findRunningDev } from './devInfo';

/**
 * A provider for a command that calls it directly, with no Temporal: OPENAI_BASE_URL / OPENAI_API_KEY when set;
 * else a running `tailor dev`'s backend; else a local backend started for the command (the same data dir as
 * `tailor dev`, so fine-tuned models stay available). Sets OPENAI_BASE_URL so the provider client finds it.
 */
export async function withProvider<T>(log: (line: string) => void, fn: (origin: string) => Promise<T>): Promise<T> {
  if (process.env.OPENAI_BASE_URL || process.env.OPENAI_API_KEY) return fn('environment');
  const dev = await findRunningDev();
  if (dev?.openaiBaseURL) {
    process.env.OPENAI_BASE_URL = dev.openaiBaseURL;
    return fn('tailor dev');
  }
  const backend = await startLocalOpenAI({ port: 0, dataDir: path.join(tailorHome(), 'local-openai') });
  process.env.OPENAI_BASE_URL = backend.baseURL;
  log(`local OpenAI-compatible backend (small CPU learners, not LLMs) at ${backend.baseURL}`);
  try {
    return await fn('local backend');
  } finally {
    await backend.close();
  }
}
