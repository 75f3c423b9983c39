import type { SqlType } from './types.js';
import type { Value } from './value.js';

/** The value MySQL gives a NOT NULL column without a default (ALTER … ADD COLUMN fills rows with it). */
export function implicitDefault(t: SqlType): Value {
  switch (t.kind) {
    case 'string':
      return t.binary ? new Uint8Array(0) : '';
    case 'enum':
      return t.values[0] ?? '';
    case 'date':
      return '0000-00-00';
    case 'datetime':
    case 'timestamp':
      return '0000-00-00 00:00:00';
    case 'time':
      return '00:00:00';
    case 'json':
      return 'null';
    default:
      return 0;
  }
}
