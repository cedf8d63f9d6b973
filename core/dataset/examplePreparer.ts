import { createHash } from 'node:crypto';
import { answerLabel } from './answerLabel';
import { canonicalJson } from './canonicalJson';
import { LineHashSet } from './lineHashSet';
import { countExampleTokens } from './exampleTokens';
import type { JsonObject } from './jsonValue';
import { mapExampleText, similarityText } from './mapExampleText';
import type { TrainingMethod } from './messageChecks';
import { minhashSignature, NearDuplicateIndex } from './minhash';
import type { EncodingName } from './modelProfile';
import { normalizeText } from './normalizeText';
import { scrubPii, type PiiKind } from './piiScrubber';
import type { SpillStore } from './spillStore';
import { tokenCounter, type TokenCounter } from './tokenCounter';

export interface PreparerOptions {
  method: TrainingMethod;
  encoding: EncodingName;
  exampleTokenLimit: number;
  dedupe: { exact: boolean; near: boolean; threshold: number };
  pii: { scrub: boolean; kinds: readonly PiiKind[] };
  length: { minTokens?: number; maxTokens?: number; dropOverModelLimit: boolean };
  /** Mixed into the split hash. */
  seed: string;
  /** Where the near-duplicate index spills its fingerprints (temporary files, from the I/O layer); see close(). */
  spill: SpillStore;
}

export type RemovalReason = 'exact_duplicate' | 'near_duplicate' | 'too_short' | 'too_long' | 'over_model_limit';

export type Decision =
  | { keep: true; json: string; splitHash: string; label: string | undefined; tokens: number }
  | { keep: false; reason: RemovalReason; detail: string };

/**
 * The per-example steps of preparation, in order: normalise text, scrub PII, drop exact then near duplicates
 * (of examples kept earlier; first occurrence wins), then length filters. Pure and deterministic: the same
 * examples in the same order always give the same decisions.
 */
export class ExamplePreparer {
  readonly piiCounts: Partial<Record<PiiKind, number>> = {};
  // 12 bytes per kept example (64 bits of the sha256 + first line), not a Map of 64-character hex strings.
  private readonly exact = new LineHashSet();
  private readonly near: NearDuplicateIndex;
  private readonly counter: TokenCounter;
  private readonly kinds: ReadonlySet<PiiKind>;

  constructor(private readonly opts: PreparerOptions) {
    this.near = new NearDuplicateIndex(opts.dedupe.threshold, opts.spill);
    this.counter = tokenCounter(opts.encoding);
    this.kinds = new Set(opts.pii.scrub ? opts.pii.kinds : []);
  }

  /** Frees the near-duplicate index's spill files; call when done (success or failure). */
  close(): void {
    this.near.close();
  }

  consider(example: JsonObject, line: number): Decision {
    const { method } = this.opts;
    const scrub = this.kinds.size > 0 ? (s: string) => scrubPii(s, this.kinds, this.piiCounts) : (s: string) => s;
    const clean = mapExampleText(example, method, { text: (s) => scrub(normalizeText(s)), args: scrub });
    // Hashes use sorted keys so key order never makes equal examples differ; the output keeps the source's order.
    const canonical = canonicalJson(clean);
    const json = JSON.stringify(clean);
    const digest = createHash('sha256').update(canonical).digest();
    const h = digest.readUInt32LE(0);
    const l = digest.readUInt32LE(4);
    if (this.opts.dedupe.exact) {
      const first = this.exact.lineOfHash(h, l);
      if (first !== 0) return { keep: false, reason: 'exact_duplicate', detail: `same content as line ${first}` };
    }
    let sig: Uint32Array | undefined;
    if (this.opts.dedupe.near) {
      sig = minhashSignature(similarityText(clean, method));
      const dup = this.near.findDuplicate(sig);
      if (dup)
        return {
          keep: false,
          reason: 'near_duplicate',
          detail: `~${Math.round(dup.similarity * 100)}% similar to line ${dup.id}`,
        };
    }
    const tokens = countExampleTokens(clean, method, this.counter)?.total ?? 0;
    const { minTokens, maxTokens, dropOverModelLimit } = this.opts.length;
    if (minTokens !== undefined && tokens < minTokens)
      return { keep: false, reason: 'too_short', detail: `${tokens} tokens < minTokens ${minTokens}` };
    if (maxTokens !== undefined && tokens > maxTokens)
      return { keep: false, reason: 'too_long', detail: `${tokens} tokens > maxTokens ${maxTokens}` };
    if (dropOverModelLimit && tokens > this.opts.exampleTokenLimit) {
      return {
        keep: false,
        reason: 'over_model_limit',
        detail: `${tokens} tokens > the model's ${this.opts.exampleTokenLimit}-token limit`,
      };
    }
    // Only kept examples are remembered, so a removed example never causes a later one to be dropped.
    this.exact.firstLineOfHash(h, l, line);
    if (sig) this.near.add(sig, line);
    // 64 bits of the seeded hash order the split; equal content still gets equal keys.
    // Hex of the first 8 bytes, a string of its own: slicing the full hex digest kept all 64 characters alive.
    const splitDigest = createHash('sha256').update(this.opts.seed).update('\n').update(canonical).digest();
    const splitHash = splitDigest.toString('hex', 0, 8);
    const label =
      method === 'dpo'
        ? answerLabel(clean.preferred_output)
        : method === 'supervised'
          ? answerLabel(clean.messages)
          : undefined;
    return { keep: true, json, splitHash, label, tokens };
  }
}
