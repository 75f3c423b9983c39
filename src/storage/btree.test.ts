import { describe, expect, it } from 'vitest';
import { BTree, TreeCursor } from './btree.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

function collect(t: BTree, from: string | null, reverse: boolean): string[] {
  const c = new TreeCursor(t);
  if (reverse) {
    if (from === null) c.last();
    else c.seekLT(from);
  } else if (from === null) c.first();
  else c.seekGE(from);
  const out: string[] = [];
  while (c.leaf !== null) {
    out.push(c.leaf.keys[c.pos]!);
    if (reverse) c.prev();
    else c.next();
  }
  return out;
}

describe('BTree', () => {
  it('matches a reference map through 100k random inserts and deletes', () => {
    const r = rng(1);
    const t = new BTree();
    const ref = new Map<string, number>();
    const key = (): string => 'k' + Math.floor(r() * 200_000).toString(36).padStart(4, '0');
    let mismatches = 0;
    for (let i = 0; i < 100_000; i++) {
      const k = key();
      if (t.set(k, i) !== !ref.has(k)) mismatches++;
      ref.set(k, i);
    }
    expect(mismatches).toBe(0);
    t.check();
    expect(t.size).toBe(ref.size);
    const sorted = [...ref.keys()].sort();
    expect(collect(t, null, false)).toEqual(sorted);
    expect(collect(t, null, true)).toEqual([...sorted].reverse());
    for (let i = 0; i < 1000; i++) {
      const k = key();
      expect(t.get(k)).toBe(ref.get(k));
    }
    // delete ~80% (forces merges and redistributions), then check again
    for (let i = 0; i < 150_000; i++) {
      const k = key();
      if (t.delete(k) !== ref.delete(k)) mismatches++;
    }
    expect(mismatches).toBe(0);
    t.check();
    const rest = [...ref.keys()].sort();
    expect(t.size).toBe(rest.length);
    expect(collect(t, null, false)).toEqual(rest);
    // seeks from arbitrary points
    for (let i = 0; i < 20; i++) {
      const k = key();
      expect(collect(t, k, false)).toEqual(rest.filter((x) => x >= k));
      expect(collect(t, k, true)).toEqual(rest.filter((x) => x < k).reverse());
    }
    for (const k of rest) t.delete(k);
    t.check();
    expect(t.size).toBe(0);
    expect(collect(t, null, false)).toEqual([]);
  });

  it('replaces values of existing keys', () => {
    const t = new BTree();
    expect(t.set('a', 1)).toBe(true);
    expect(t.set('a', 2)).toBe(false);
    expect(t.get('a')).toBe(2);
    expect(t.delete('b')).toBe(false);
  });
});
