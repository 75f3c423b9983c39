import type { Literal } from '../sql/ast.js';

/**
 * Plans keyed by the parameterized statement text (SingleStore's query shape): a hit skips
 * parse, bind and distribution. Entries record the literal slots whose values the plan baked
 * in (an ORDER BY ordinal, a decimal literal's type); a hit must match those too.
 */
export interface CachedEntry<P> {
  readonly plan: P;
  readonly catalogVersion: number;
  readonly baked: readonly (readonly [number, Literal])[];
}

export class PlanCache {
  private readonly map = new Map<string, CachedEntry<unknown>>();
  hits = 0;
  misses = 0;

  constructor(private readonly capacity: number) {}

  static key(db: string | null, cacheKey: string, paramSignature: string): string {
    return `${db ?? ''}\u0000${paramSignature}\u0000${cacheKey}`;
  }

  get<P>(key: string, catalogVersion: number, literals: readonly Literal[]): P | undefined {
    const e = this.map.get(key);
    if (!e || !fits(e, catalogVersion, literals)) {
      this.misses++;
      return undefined;
    }
    // LRU: re-insert to mark as most recent.
    this.map.delete(key);
    this.map.set(key, e);
    this.hits++;
    return e.plan as P;
  }

  /** Whether get() would hit, without counting or reordering. */
  has(key: string, catalogVersion: number, literals: readonly Literal[]): boolean {
    const e = this.map.get(key);
    return e !== undefined && fits(e, catalogVersion, literals);
  }

  put<P>(key: string, entry: CachedEntry<P>): void {
    this.map.delete(key);
    this.map.set(key, entry);
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value!);
  }

  get size(): number {
    return this.map.size;
  }
}

/** The entry was planned against this catalog, with the same values in the literals it baked in. */
function fits(e: CachedEntry<unknown>, catalogVersion: number, literals: readonly Literal[]): boolean {
  return e.catalogVersion === catalogVersion && e.baked.every(([slot, lit]) => sameLiteral(literals[slot], lit));
}

function sameLiteral(a: Literal | undefined, b: Literal): boolean {
  return a !== undefined && JSON.stringify(a) === JSON.stringify(b);
}
