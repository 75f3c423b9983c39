// A small, seedable PRNG (splitmix64 seeding xoshiro128**), so every generated row and every
// random key is the same for the same seed on every machine and every Node version.

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    const sm = splitmix32(seed);
    this.a = sm();
    this.b = sm();
    this.c = sm();
    this.d = sm();
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1;
  }

  /** A uniform 32-bit unsigned integer. */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.b << 9) >>> 0;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** A uniform float in [0, 1). */
  next(): number {
    return this.nextU32() / 4294967296;
  }

  /** A uniform integer in [lo, hi] (inclusive). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** sysbench's rand_string('###########-###########-…'): digits in groups of 11 joined by '-'. */
  digits(groups: number): string {
    const parts: string[] = [];
    for (let g = 0; g < groups; g++) {
      let s = '';
      for (let i = 0; i < 11; i++) s += String.fromCharCode(48 + (this.nextU32() % 10));
      parts.push(s);
    }
    return parts.join('-');
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** A seed for stream `n` derived from a base seed (threads, tables, chunks get their own streams). */
export function subSeed(seed: number, n: number): number {
  return (Math.imul(seed ^ 0x5bd1e995, 0x01000193) + Math.imul(n + 1, 0x9e3779b9)) >>> 0;
}
