import { MAX_DISTINCT_LABELS } from './answerLabel';
import type { SplitColumns } from './splitAssignment';
import { sortSplitOrder } from './splitOrder';

const INITIAL_CAPACITY = 1 << 14;
/** Label code of an example whose answer is not a label. */
const NO_LABEL = 0xff;

/**
 * What the split step needs of each kept example, as columns of typed arrays: its 64-bit split hash (from the
 * 16-hex-digit string of the preparer or groupSplitHash), its token count and its label's code. About 13 bytes an
 * example, where arrays of strings and numbers took over 100.
 * Labels are interned (at most MAX_DISTINCT_LABELS of them); once an answer is not a label or there are more,
 * the data is not a classification set (LabelTally gives up too) and the codes are dropped.
 */
export class KeptColumns {
  private hi = new Uint32Array(INITIAL_CAPACITY);
  private lo = new Uint32Array(INITIAL_CAPACITY);
  private tokenCounts = new Uint32Array(INITIAL_CAPACITY);
  private labelCodes: Uint8Array | null = new Uint8Array(INITIAL_CAPACITY);
  private readonly labelNames: string[] = [];
  private readonly labelCode = new Map<string, number>();
  private n = 0;

  get length(): number {
    return this.n;
  }

  /** The labels seen, by code; empty once the answers turned out not to be labels. */
  get labels(): readonly string[] {
    return this.labelCodes ? this.labelNames : [];
  }

  add(splitHash: string, tokens: number, label: string | undefined): void {
    if (!/^[0-9a-f]{16}$/.test(splitHash)) throw new Error(`split hash must be 16 hex digits, got '${splitHash}'`);
    if (this.n === this.hi.length) this.grow();
    const i = this.n++;
    this.hi[i] = parseInt(splitHash.slice(0, 8), 16);
    this.lo[i] = parseInt(splitHash.slice(8), 16);
    this.tokenCounts[i] = tokens;
    // codeOf may drop the codes (the answers are not labels): the write then goes to the dropped array.
    const codes = this.labelCodes;
    if (codes) codes[i] = this.codeOf(label);
  }

  tokens(i: number): number {
    return this.tokenCounts[i]!;
  }

  /** The label of example `i`, or undefined (also once labels were dropped). */
  label(i: number): string | undefined {
    const code = this.labelCodes?.[i];
    return code === undefined || code === NO_LABEL ? undefined : this.labelNames[code];
  }

  /** The split hash of example `i` as it was added (16 hex digits). */
  splitHash(i: number): string {
    return this.hi[i]!.toString(16).padStart(8, '0') + this.lo[i]!.toString(16).padStart(8, '0');
  }

  /**
   * The columns assignSplitCodes reads: when stratifying, each example's stratum is its label, or with `byGroup`
   * its group's (examples share a group when they share a split hash; see groupStrata).
   */
  splitColumns(stratify: false | { byGroup?: boolean }): SplitColumns {
    const base = { length: this.n, hi: this.hi, lo: this.lo };
    if (!stratify) return base;
    if (!this.labelCodes) throw new Error('cannot stratify: the answers are not labels');
    const stratum = stratify.byGroup ? this.groupStrata(this.labelCodes) : this.labelCodes;
    return { ...base, stratum, strata: this.labelNames };
  }

  /**
   * Each example's group stratum: the most frequent label among the examples with its split hash (ties: the
   * label that sorts first), as SplitGroups.stratumOf answers. Found by one sort by hash and a scan of each
   * group's run, so nothing is kept per group.
   */
  private groupStrata(codes: Uint8Array): Uint8Array {
    const { n, hi, lo } = this;
    const names = this.labelNames;
    const order = sortSplitOrder({ length: n, hi, lo });
    const stratum = new Uint8Array(n);
    const counts = new Uint32Array(names.length);
    for (let start = 0; start < n;) {
      const first = order[start]!;
      let end = start + 1;
      while (end < n && hi[order[end]!] === hi[first] && lo[order[end]!] === lo[first]) end++;
      let best = -1;
      for (let k = start; k < end; k++) counts[codes[order[k]!]!]!++;
      for (let k = start; k < end; k++) {
        const c = codes[order[k]!]!;
        const more = best === -1 || counts[c]! > counts[best]!;
        if (more || (counts[c] === counts[best] && names[c]! < names[best]!)) best = c;
      }
      for (let k = start; k < end; k++) {
        stratum[order[k]!] = best;
        counts[codes[order[k]!]!] = 0;
      }
      start = end;
    }
    return stratum;
  }

  private codeOf(label: string | undefined): number {
    if (label === undefined) return this.giveUpLabels();
    let code = this.labelCode.get(label);
    if (code === undefined) {
      if (this.labelNames.length >= MAX_DISTINCT_LABELS) return this.giveUpLabels();
      code = this.labelNames.length;
      this.labelNames.push(label);
      this.labelCode.set(label, code);
    }
    return code;
  }

  private giveUpLabels(): number {
    this.labelCodes = null;
    this.labelCode.clear();
    this.labelNames.length = 0;
    return NO_LABEL;
  }

  private grow(): void {
    // 1.5×: the old and new arrays are briefly alive together, so the peak stays near 2.5× the data.
    const cap = Math.ceil(this.hi.length * 1.5);
    const grown = <T extends Uint32Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a);
      return b;
    };
    this.hi = grown(this.hi, (c) => new Uint32Array(c));
    this.lo = grown(this.lo, (c) => new Uint32Array(c));
    this.tokenCounts = grown(this.tokenCounts, (c) => new Uint32Array(c));
    if (this.labelCodes) this.labelCodes = grown(this.labelCodes, (c) => new Uint8Array(c));
  }
}
