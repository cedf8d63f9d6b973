import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Registry } from '../../stores/registry/registryDb';

const rec = {
  pipeline: 'p',
  provider: 'self-hosted',
  baseModel: 'tiny',
  jobId: null,
  trainSha256: null,
  specSha256: null,
  runId: 'r',
  evalReportUri: null,
  score: 0.5,
  createdAt: 1,
};

describe('registry details (how a self-hosted model was trained)', () => {
  it('adds the details column to a registry file written before it existed, keeping its models', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-registry-')), 'registry.db');
    const old = new Database(file);
    old.exec(`CREATE TABLE models (model TEXT PRIMARY KEY, pipeline TEXT NOT NULL, provider TEXT NOT NULL,
      base_model TEXT NOT NULL, job_id TEXT, train_sha256 TEXT, spec_sha256 TEXT, run_id TEXT NOT NULL,
      eval_report_uri TEXT, score REAL, created_at INTEGER NOT NULL)`);
    old
      .prepare(`INSERT INTO models VALUES ('ft:old', 'p', 'openai', 'gpt', 'job', NULL, NULL, 'r0', NULL, 0.4, 0)`)
      .run();
    old.close();

    const registry = new Registry(file);
    try {
      registry.registerModel({
        ...rec,
        model: 'self-hosted:tiny:abc',
        details: { method: 'lora', adapterSha256: 'f'.repeat(64), hyperparameters: { max_steps: 40 } },
      });
      expect(registry.getModel('self-hosted:tiny:abc')?.details).toEqual({
        method: 'lora',
        adapterSha256: 'f'.repeat(64),
        hyperparameters: { max_steps: 40 },
      });
      // Older records read as before: no details key at all.
      expect(registry.getModel('ft:old')).toEqual({
        ...rec,
        model: 'ft:old',
        provider: 'openai',
        baseModel: 'gpt',
        jobId: 'job',
        runId: 'r0',
        score: 0.4,
        createdAt: 0,
      });
      expect(registry.listModels('p').map((m) => m.model)).toEqual(['ft:old', 'self-hosted:tiny:abc']);
    } finally {
      registry.close();
    }
    // Opening it again (the column exists now) is fine.
    new Registry(file).close();
  });
});
