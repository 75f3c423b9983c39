import { InternalError } from '../common/assert.js';
import { contentHash, decodeRefBody } from './codec.js';
import type { Ref } from './messages.js';

/**
 * The decoded plans a leaf has seen, by content hash, most recently used last (bounded). A hit
 * returns the same decoded objects as before, so everything keyed on them (compiled expressions,
 * exec/eval.ts) is reused across executions; a miss checks that the body hashes to its id first.
 */
export class RefCache {
  private readonly entries = new Map<string, unknown>();
  hits = 0;
  misses = 0;

  constructor(private readonly capacity = 1024) {}

  get size(): number {
    return this.entries.size;
  }

  resolve<T>(ref: Ref<T>): T {
    const found = this.entries.get(ref.id);
    if (found !== undefined) {
      this.hits++;
      // Move to the young end.
      this.entries.delete(ref.id);
      this.entries.set(ref.id, found);
      return found as T;
    }
    this.misses++;
    if (contentHash(ref.body) !== ref.id) throw new InternalError('a plan fragment does not match its content hash');
    const decoded = decodeRefBody(ref);
    if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(ref.id, decoded);
    return decoded;
  }
}
