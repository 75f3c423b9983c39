import type { Value } from '../value.js';

/** A column batch as it travels between leaf and aggregator: cols[c][row]. */
export interface WireBatch {
  readonly length: number;
  readonly cols: Value[][];
}
