import type { Vector } from '../vector.js';

/** A column batch as it travels between leaf and aggregator: one Vector per column. */
export interface WireBatch {
  readonly length: number;
  readonly cols: readonly Vector[];
}
