/**
 * Hash tables of operators (GROUP BY groups, join build sides, DISTINCT sets) can grow to
 * millions of keys. A JS Map rehashes all its entries at once when it grows, which at a few
 * million entries holds the thread for hundreds of ms. These tables stay one Map while small
 * and split into SHARDS Maps (by a cheap hash of the key) once they pass SPLIT_AT entries, so
 * no single rehash is ever larger than a shard.
 */
export type Key = string | number;

const SPLIT_AT = 1 << 16;
const SHARDS = 256;

/** The shard of a key: a few characters of a string, or the bits of a number, mixed. */
function shardOf(k: Key): number {
  let h: number;
  if (typeof k === 'number') {
    h = (k | 0) ^ ((k * 4096) | 0) ^ ((k / 4294967296) | 0);
  } else {
    const n = k.length;
    h = n;
    // The ends of keys differ most (composite keys share their first columns' prefixes).
    for (let i = Math.max(0, n - 12); i < n; i++) h = Math.imul(h ^ k.charCodeAt(i), 0x01000193);
    for (let i = 0; i < n && i < 4; i++) h = Math.imul(h ^ k.charCodeAt(i), 0x01000193);
  }
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  return (h ^ (h >>> 13)) & (SHARDS - 1);
}

export class KeyMap<V> {
  private one: Map<Key, V> | null = new Map();
  private shards: Map<Key, V>[] | null = null;
  private count = 0;

  get size(): number {
    return this.one !== null ? this.one.size : this.count;
  }

  get(k: Key): V | undefined {
    return this.one !== null ? this.one.get(k) : this.shards![shardOf(k)]!.get(k);
  }

  has(k: Key): boolean {
    return this.one !== null ? this.one.has(k) : this.shards![shardOf(k)]!.has(k);
  }

  /** Sets a key that is not in the map yet (the callers always check first). */
  add(k: Key, v: V): void {
    if (this.one !== null) {
      this.one.set(k, v);
      if (this.one.size > SPLIT_AT) this.split();
      return;
    }
    this.shards![shardOf(k)]!.set(k, v);
    this.count++;
  }

  private split(): void {
    const shards: Map<Key, V>[] = [];
    for (let i = 0; i < SHARDS; i++) shards.push(new Map());
    for (const [k, v] of this.one!) shards[shardOf(k)]!.set(k, v);
    this.count = this.one!.size;
    this.one = null;
    this.shards = shards;
  }
}

/** A set of keys on KeyMap. */
export class KeySet {
  private readonly map = new KeyMap<true>();

  get size(): number {
    return this.map.size;
  }

  has(k: Key): boolean {
    return this.map.has(k);
  }

  /** Adds k; false when it was there already. */
  add(k: Key): boolean {
    if (this.map.has(k)) return false;
    this.map.add(k, true);
    return true;
  }
}
