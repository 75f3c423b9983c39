/**
 * An in-memory B+tree from string keys (compared by code unit, see key-codec.ts) to int values
 * (row refs). Leaves are doubly linked for ordered scans in both directions; `version` changes on
 * every write so a cursor that yielded control can tell it must re-seek.
 */
import { invariant } from '../common/assert.js';

const MAX = 64;
const MIN = 16;

export class Leaf {
  keys: string[] = [];
  vals: number[] = [];
  next: Leaf | null = null;
  prev: Leaf | null = null;
}

class Inner {
  /** keys[i] separates children[i] (< keys[i]) from children[i + 1] (>= keys[i]). */
  keys: string[] = [];
  children: Node[] = [];
}

type Node = Leaf | Inner;

/** First i with a[i] >= key. */
function lowerBound(a: readonly string[], key: string): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First i with a[i] > key. */
function upperBound(a: readonly string[], key: string): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! <= key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

interface Split {
  key: string;
  node: Node;
}

export class BTree {
  private root: Node = new Leaf();
  size = 0;
  /** Bumped by every set/delete; cursors re-seek when it moved while they were suspended. */
  version = 0;
  private added = false;

  get(key: string): number | undefined {
    let n = this.root;
    while (n instanceof Inner) n = n.children[upperBound(n.keys, key)]!;
    const i = lowerBound(n.keys, key);
    return n.keys[i] === key ? n.vals[i] : undefined;
  }

  /** Inserts or replaces; true when the key was new. */
  set(key: string, val: number): boolean {
    this.version++;
    this.added = false;
    const split = this.insertInto(this.root, key, val);
    if (split !== null) {
      const r = new Inner();
      r.keys.push(split.key);
      r.children.push(this.root, split.node);
      this.root = r;
    }
    if (this.added) this.size++;
    return this.added;
  }

  private insertInto(n: Node, key: string, val: number): Split | null {
    if (n instanceof Leaf) {
      const i = lowerBound(n.keys, key);
      if (n.keys[i] === key) {
        n.vals[i] = val;
        return null;
      }
      n.keys.splice(i, 0, key);
      n.vals.splice(i, 0, val);
      this.added = true;
      if (n.keys.length <= MAX) return null;
      const right = new Leaf();
      const mid = n.keys.length >>> 1;
      right.keys = n.keys.splice(mid);
      right.vals = n.vals.splice(mid);
      right.next = n.next;
      right.prev = n;
      if (n.next !== null) n.next.prev = right;
      n.next = right;
      return { key: right.keys[0]!, node: right };
    }
    const ci = upperBound(n.keys, key);
    const split = this.insertInto(n.children[ci]!, key, val);
    if (split === null) return null;
    n.keys.splice(ci, 0, split.key);
    n.children.splice(ci + 1, 0, split.node);
    if (n.children.length <= MAX) return null;
    const right = new Inner();
    const mid = n.keys.length >>> 1;
    const up = n.keys[mid]!;
    right.keys = n.keys.splice(mid + 1);
    n.keys.pop();
    right.children = n.children.splice(mid + 1);
    return { key: up, node: right };
  }

  /** True when the key was present. */
  delete(key: string): boolean {
    const found = this.deleteFrom(this.root, key);
    if (!found) return false;
    this.version++;
    this.size--;
    if (this.root instanceof Inner && this.root.children.length === 1) this.root = this.root.children[0]!;
    return true;
  }

  private deleteFrom(n: Node, key: string): boolean {
    if (n instanceof Leaf) {
      const i = lowerBound(n.keys, key);
      if (n.keys[i] !== key) return false;
      n.keys.splice(i, 1);
      n.vals.splice(i, 1);
      return true;
    }
    const ci = upperBound(n.keys, key);
    const child = n.children[ci]!;
    if (!this.deleteFrom(child, key)) return false;
    const size = child instanceof Leaf ? child.keys.length : child.children.length;
    if (size < MIN) this.rebalance(n, ci);
    return true;
  }

  /** Merges the underfull child ci with a sibling, or evens the two out when they do not fit in one node. */
  private rebalance(parent: Inner, ci: number): void {
    if (parent.children.length < 2) return;
    const li = ci > 0 ? ci - 1 : ci;
    const left = parent.children[li]!;
    const right = parent.children[li + 1]!;
    if (left instanceof Leaf) {
      invariant(right instanceof Leaf, 'siblings differ in kind');
      if (left.keys.length + right.keys.length <= MAX) {
        for (let i = 0; i < right.keys.length; i++) {
          left.keys.push(right.keys[i]!);
          left.vals.push(right.vals[i]!);
        }
        left.next = right.next;
        if (right.next !== null) right.next.prev = left;
        parent.keys.splice(li, 1);
        parent.children.splice(li + 1, 1);
        return;
      }
      const keys = left.keys.concat(right.keys);
      const vals = left.vals.concat(right.vals);
      const mid = keys.length >>> 1;
      left.keys = keys.slice(0, mid);
      left.vals = vals.slice(0, mid);
      right.keys = keys.slice(mid);
      right.vals = vals.slice(mid);
      parent.keys[li] = right.keys[0]!;
      return;
    }
    invariant(right instanceof Inner, 'siblings differ in kind');
    const sep = parent.keys[li]!;
    if (left.children.length + right.children.length <= MAX) {
      left.keys.push(sep, ...right.keys);
      left.children.push(...right.children);
      parent.keys.splice(li, 1);
      parent.children.splice(li + 1, 1);
      return;
    }
    const keys = [...left.keys, sep, ...right.keys];
    const children = left.children.concat(right.children);
    const mid = keys.length >>> 1;
    left.keys = keys.slice(0, mid);
    right.keys = keys.slice(mid + 1);
    parent.keys[li] = keys[mid]!;
    left.children = children.slice(0, mid + 1);
    right.children = children.slice(mid + 1);
  }

  /** The leaf holding the first key >= key and its position (possibly one past the leaf's end). */
  locate(key: string): Leaf {
    let n = this.root;
    while (n instanceof Inner) n = n.children[upperBound(n.keys, key)]!;
    return n;
  }

  firstLeaf(): Leaf {
    let n = this.root;
    while (n instanceof Inner) n = n.children[0]!;
    return n;
  }

  lastLeaf(): Leaf {
    let n = this.root;
    while (n instanceof Inner) n = n.children[n.children.length - 1]!;
    return n;
  }

  /** Height and order checks for tests. */
  check(): void {
    const walk = (n: Node, lo: string | null, hi: string | null, depth: number, isRoot: boolean): number => {
      if (n instanceof Leaf) {
        invariant(isRoot || n.keys.length >= 1, 'empty non-root leaf');
        for (let i = 0; i < n.keys.length; i++) {
          const k = n.keys[i]!;
          invariant(i === 0 || n.keys[i - 1]! < k, 'leaf keys out of order');
          invariant((lo === null || k >= lo) && (hi === null || k < hi), 'leaf key outside its range');
        }
        return depth;
      }
      invariant(n.children.length === n.keys.length + 1, 'inner arity');
      invariant(isRoot || n.children.length >= 2, 'inner too small');
      let d = -1;
      for (let i = 0; i < n.children.length; i++) {
        const cd = walk(n.children[i]!, i === 0 ? lo : n.keys[i - 1]!, i === n.keys.length ? hi : n.keys[i]!, depth + 1, false);
        invariant(d === -1 || d === cd, 'unbalanced');
        d = cd;
      }
      return d;
    };
    walk(this.root, null, null, 0, true);
  }
}

/** A position in the tree; valid until tree.version changes. */
export class TreeCursor {
  leaf: Leaf | null = null;
  pos = 0;

  constructor(private readonly tree: BTree) {}

  first(): void {
    this.leaf = this.tree.firstLeaf();
    this.pos = 0;
    this.normalizeForward();
  }

  last(): void {
    this.leaf = this.tree.lastLeaf();
    this.pos = this.leaf.keys.length - 1;
    this.normalizeBackward();
  }

  /** First entry >= key. */
  seekGE(key: string): void {
    const leaf = this.tree.locate(key);
    this.leaf = leaf;
    this.pos = lowerBound(leaf.keys, key);
    this.normalizeForward();
  }

  /** Last entry < key. */
  seekLT(key: string): void {
    const leaf = this.tree.locate(key);
    this.leaf = leaf;
    this.pos = lowerBound(leaf.keys, key) - 1;
    this.normalizeBackward();
  }

  next(): void {
    this.pos++;
    this.normalizeForward();
  }

  prev(): void {
    this.pos--;
    this.normalizeBackward();
  }

  private normalizeForward(): void {
    while (this.leaf !== null && this.pos >= this.leaf.keys.length) {
      this.leaf = this.leaf.next;
      this.pos = 0;
    }
  }

  private normalizeBackward(): void {
    while (this.leaf !== null && this.pos < 0) {
      this.leaf = this.leaf.prev;
      this.pos = this.leaf === null ? 0 : this.leaf.keys.length - 1;
    }
  }
}
