// Columnstore micro benchmark (not a timed test, not over the wire): builds the analytics
// workload's orders table (bench/lib/analytics-data.ts, 5 M rows at scale 1) as columnstore
// segments in a temp dir, then reports bytes on disk, heap used, and scan speed of
//   SUM(amount)                        (a DECIMAL column, decoded to scaled integers)
//   COUNT(*) WHERE status = 'shipped'  (a dictionary column, filtered on codes)
// against a plain JS loop summing a Float64Array of the same length (the ceiling here).
//
//   npm run build && node --expose-gc scripts/columnstore-micro.mjs [scale]
//
// It lives in scripts/, not bench/: bench/ measures over the wire only (test/bench/workloads.test.ts),
// and this one calls the storage engine directly, from the build in dist/.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Decimal } from '../dist/src/common/decimal.js';
import { T } from '../dist/src/common/types.js';
import { ColumnStore, newScanStats, scanSegment } from '../dist/src/storage/columnstore/index.js';
import { chunks, orderChunk, sizes } from '../dist/bench/lib/analytics-data.js';

const scale = Number(process.argv[2] ?? '1');
const s = sizes(scale);
const gc = globalThis.gc;
const heapMb = () => {
  gc?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
};

const types = [T.bigint, T.bigint, T.decimal(12, 2), T.varchar(16), T.datetime, T.int];
const FLUSH_ROWS = 1_048_576;

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-cs-bench-'));
  try {
    const heap0 = heapMb();
    const { store } = await ColumnStore.open(dir, { types, sortKey: [4], maxSegmentRows: 4 * FLUSH_ROWS });
    const t0 = performance.now();
    let buf = [];
    let rawBytes = 0;
    for (let c = 0; c < chunks(s.orders); c++) {
      for (const r of orderChunk(1, c, s)) {
        const [units, cents] = r[2].split('.');
        buf.push([r[0], r[1], new Decimal(BigInt(units) * 100n + BigInt(cents), 2), r[3], r[4], r[5]]);
        rawBytes += 8 + 8 + 8 + r[3].length + 19 + 4;
      }
      if (buf.length >= FLUSH_ROWS) {
        await store.flush(buf);
        buf = [];
      }
    }
    if (buf.length > 0) await store.flush(buf);
    buf = [];
    const loadS = (performance.now() - t0) / 1000;
    const disk = fs.readdirSync(dir).reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0);
    const heap = heapMb() - heap0;
    // segments are Buffers: outside the JS heap, counted here
    const external = process.memoryUsage().arrayBuffers / 2 ** 20;
    const rows = store.rowCount;

    // SUM(amount): scaled integers per batch
    const sumRun = () => {
      let sum = 0;
      for (const seg of store.segments) {
        for (const b of scanSegment(seg, [2])) {
          const v = b.columns[0];
          if (v.kind !== 'scaled') throw new Error(`amount came as ${v.kind}`);
          const d = v.data;
          for (let i = 0; i < b.length; i++) sum += d[i];
        }
      }
      return sum;
    };
    const countRun = () => {
      let n = 0;
      const stats = newScanStats();
      for (const seg of store.segments) for (const b of scanSegment(seg, [], [{ kind: 'match', col: 3, test: (v) => v === 'shipped' }], stats)) n += b.length;
      return n;
    };
    const best = (f) => {
      let ms = Infinity;
      let answer = 0;
      for (let k = 0; k < 5; k++) {
        const a = performance.now();
        answer = f();
        ms = Math.min(ms, performance.now() - a);
      }
      return { ms, answer };
    };
    const sum = best(sumRun);
    const count = best(countRun);
    const arr = new Float64Array(rows).map((_, i) => i % 1000);
    const loop = best(() => {
      let t = 0;
      for (let i = 0; i < arr.length; i++) t += arr[i];
      return t;
    });
    const mrows = (ms) => ((rows / ms) * 1e3 / 1e6).toFixed(0);
    const out = {
      rows,
      segments: store.segments.length,
      loadSeconds: +loadS.toFixed(1),
      rawMB: +(rawBytes / 2 ** 20).toFixed(0),
      diskMB: +(disk / 2 ** 20).toFixed(1),
      compression: +(rawBytes / disk).toFixed(1),
      heapMB: +heap.toFixed(0),
      arrayBuffersMB: +external.toFixed(0),
      sumAmount: { ms: +sum.ms.toFixed(0), mRowsPerS: mrows(sum.ms), answer: sum.answer / 100 },
      countShipped: { ms: +count.ms.toFixed(0), mRowsPerS: mrows(count.ms), answer: count.answer },
      float64Loop: { ms: +loop.ms.toFixed(1), mValuesPerS: mrows(loop.ms) },
    };
    console.log(JSON.stringify(out, null, 2));
    await store.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main();
