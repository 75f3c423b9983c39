// A log-linear latency histogram in the manner of HdrHistogram: values (microseconds, integers)
// below 2048 are counted exactly; above, each power of two is split into 1024 equal sub-buckets,
// so any recorded value is reported within 0.1% of itself. Histograms merge by adding counts.

const SUB_BITS = 10;
const HALF = 1 << SUB_BITS; // 1024
const LINEAR = HALF * 2; // values below this are exact

function indexOf(v: number): number {
  if (v < LINEAR) return v;
  const shift = Math.floor(Math.log2(v)) - SUB_BITS;
  const sub = Math.floor(v / 2 ** shift); // in [1024, 2047]
  return LINEAR + (shift - 1) * HALF + (sub - HALF);
}

/** The range [lo, hi] of values that land in bucket i. */
function bucketRange(i: number): [number, number] {
  if (i < LINEAR) return [i, i];
  const shift = Math.floor((i - LINEAR) / HALF) + 1;
  const sub = ((i - LINEAR) % HALF) + HALF;
  const lo = sub * 2 ** shift;
  return [lo, lo + 2 ** shift - 1];
}

export class Histogram {
  private counts: Float64Array = new Float64Array(LINEAR + 8 * HALF);
  total = 0;
  min = Number.POSITIVE_INFINITY;
  max = 0;
  private sum = 0;

  /** Records one value (rounded to an integer, negatives clamped to 0). */
  record(value: number, count = 1): void {
    const v = Math.max(0, Math.round(value));
    const i = indexOf(v);
    if (i >= this.counts.length) {
      const grown = new Float64Array(Math.max(i + 1, this.counts.length * 2));
      grown.set(this.counts);
      this.counts = grown;
    }
    this.counts[i]! += count;
    this.total += count;
    this.sum += v * count;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
  }

  add(other: Histogram): void {
    if (other.counts.length > this.counts.length) {
      const grown = new Float64Array(other.counts.length);
      grown.set(this.counts);
      this.counts = grown;
    }
    for (let i = 0; i < other.counts.length; i++) this.counts[i]! += other.counts[i]!;
    this.total += other.total;
    this.sum += other.sum;
    this.min = Math.min(this.min, other.min);
    this.max = Math.max(this.max, other.max);
  }

  mean(): number {
    return this.total === 0 ? 0 : this.sum / this.total;
  }

  /**
   * The value at percentile p (0..100): the smallest recorded value v such that at least p% of
   * values are <= v, reported as the middle of its bucket (exact below 2048) and clamped to
   * [min, max]. 0 when empty.
   */
  percentile(p: number): number {
    if (this.total === 0) return 0;
    const rank = Math.max(1, Math.ceil((Math.min(100, Math.max(0, p)) / 100) * this.total - 1e-9));
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) {
        const [lo, hi] = bucketRange(i);
        const mid = lo === hi ? lo : Math.floor((lo + hi) / 2);
        return Math.min(this.max, Math.max(this.min, mid));
      }
    }
    return this.max;
  }

  /** Bucket counts, non-empty only: [valueLow, count] pairs, for --json. */
  buckets(): [number, number][] {
    const out: [number, number][] = [];
    for (let i = 0; i < this.counts.length; i++) if (this.counts[i]! > 0) out.push([bucketRange(i)[0], this.counts[i]!]);
    return out;
  }
}
