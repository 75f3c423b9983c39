/**
 * The columnstore engine: codecs and pages (codecs/, page.ts), immutable segments and their files
 * (segment.ts), scans into typed vectors (scan.ts), the manifest and the segment store with
 * flush, merger and recovery (manifest.ts, store.ts), and hash indexes over segment rows
 * (key-index.ts). The table that puts a write buffer and MVCC over it is the wiring step's.
 */
export { PAGE_ROWS, encodePage, decodePage, hasZoneOrder, type PageMeta, type Repr } from './page.js';
export { Segment, SegmentBuilder, buildSegment, openSegmentFile, writeSegmentFile, segmentFileName, sortKeyComparator, type FaultPoint, type SegmentFooter } from './segment.js';
export { BATCH_ROWS, scanSegment, segmentSkippable, metadataAggregate, newScanStats, type ScanStats, type SegmentBatch } from './scan.js';
export { ColumnStore, type ColumnStoreOptions, type MergerBacklog, type OpenReport } from './store.js';
export { SegmentKeyIndex, RowReader, segmentRowRef, splitSegmentRef, isSegmentRef, SEGMENT_REF_BASE, MAX_SEGMENT_ROWS } from './key-index.js';
export { CODECS, chooseCodec, type Codec, type CodecId } from './codecs/index.js';
