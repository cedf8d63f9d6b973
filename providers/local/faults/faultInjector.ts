/**
 * Decides, per request, whether a fault fires. Each rule draws from its own PRNG seeded by
 * (spec seed, rule index), and only requests on its route draw, so a given sequence of requests
 * meets exactly the same faults on every run with the same seed.
 */
import { mixSeed, mulberry32, type Rng } from '../../../core/stats/rng';
import { parseFaultSpec, routeMatches, type FaultKind, type FaultSpec } from './faultSpec';

interface LiveRule {
  route: string;
  fault: FaultKind;
  rate: number;
  remaining: number | null;
  rng: Rng;
  text: string;
  fired: number;
}

export class FaultInjector {
  private spec: FaultSpec = parseFaultSpec('');
  private rules: LiveRule[] = [];

  constructor(spec?: string) {
    this.set(spec ?? '');
  }

  /** Replaces every fault with those of a new spec (throws FaultSpecError on a bad spec). */
  set(specText: string): void {
    this.spec = parseFaultSpec(specText);
    this.rules = this.spec.rules.map((r, i) => ({
      route: r.route,
      fault: r.fault,
      rate: r.rate,
      remaining: r.count,
      rng: mulberry32(mixSeed(this.spec.seed, i)),
      text: r.text,
      fired: 0,
    }));
  }

  get trainFailAfter(): number | null {
    return this.spec.trainFailAfter;
  }

  get trainStepMs(): number | null {
    return this.spec.trainStepMs;
  }

  get trainDegradeFinal(): boolean {
    return this.spec.trainDegradeFinal;
  }

  get active(): boolean {
    return this.rules.length > 0;
  }

  /** The fault for this request, if one fires. */
  draw(route: string): FaultKind | null {
    for (const r of this.rules) {
      if (!routeMatches(r.route, route) || r.remaining === 0) continue;
      if (r.rate < 1 && r.rng() >= r.rate) continue;
      if (r.remaining !== null) r.remaining--;
      r.fired++;
      return r.fault;
    }
    return null;
  }

  describe() {
    return {
      seed: this.spec.seed,
      rules: this.rules.map((r) => ({ rule: r.text, fired: r.fired, remaining: r.remaining })),
      train_fail_after: this.spec.trainFailAfter,
      train_step_ms: this.spec.trainStepMs,
    };
  }
}
