import fs from 'node:fs/promises';

/**
 * Test-only fault hook of the artifact store, for the fault-injection suite (test/faults/artifactStoreFaults.test.ts);
 * inert unless TAILOR_ARTIFACT_FAULTS is set in the worker's environment. The variable is a comma list of
 *
 *   write_fail#N          the next N artifact writes of this process fail
 *   write_fail:PREFIX#N   the next N writes of artifacts whose name starts with PREFIX fail
 *
 * A failing write is real I/O, not a thrown imitation: the temporary file is made a symlink to /dev/full (Linux) and
 * written, so the kernel itself answers ENOSPC, exactly as a full disk would.
 */
interface WriteFaultRule {
  prefix: string;
  left: number;
}

let rules: WriteFaultRule[] | undefined;

function parseRules(spec: string): WriteFaultRule[] {
  return spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((item) => {
      const m = /^write_fail(?::([^#]+))?#(\d+)$/.exec(item);
      if (!m) throw new Error(`TAILOR_ARTIFACT_FAULTS: '${item}' is not write_fail#N or write_fail:PREFIX#N`);
      return { prefix: m[1] ?? '', left: Number(m[2]) };
    });
}

/** Before an artifact write to `tmp`: when a rule matches `name`, fails it with the kernel's ENOSPC. */
export async function injectWriteFault(tmp: string, name: string | undefined): Promise<void> {
  rules ??= parseRules(process.env.TAILOR_ARTIFACT_FAULTS ?? '');
  const rule = rules.find((r) => r.left > 0 && (name ?? '').startsWith(r.prefix));
  if (!rule) return;
  rule.left--;
  await fs.symlink('/dev/full', tmp);
  await fs.appendFile(tmp, '\n'); // ENOSPC from the device; the store's cleanup removes the link
}
