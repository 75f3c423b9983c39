/**
 * SQL types as the engine sees them. Every bound expression and every column has one;
 * runtime values carry no tag of their own (see value.ts), the static type says how to read them.
 */
export type StringFamily = 'char' | 'varchar' | 'tinytext' | 'text' | 'mediumtext' | 'longtext';

export type SqlType =
  /** TINYINT (1 byte) … BIGINT (8 bytes). BOOL is TINYINT(1). */
  | { readonly kind: 'int'; readonly bytes: 1 | 2 | 3 | 4 | 8; readonly unsigned: boolean; readonly display?: number }
  | { readonly kind: 'decimal'; readonly precision: number; readonly scale: number; readonly unsigned?: boolean }
  | { readonly kind: 'float' }
  /**
   * decimals: MySQL's display decimals of a DOUBLE expression (PI() has 6, arithmetic carries
   * them); absent means NOT_FIXED_DEC (31): shown with the shortest round-trip digits.
   */
  | { readonly kind: 'double'; readonly decimals?: number }
  /**
   * binary = BINARY / VARBINARY / BLOB family: compared bytewise, values are Uint8Array.
   * hexHybrid: a hex or bit literal (0xFF, X'FF', b'101'), a binary string that in numeric
   * context is its bytes read as a BIGINT UNSIGNED (MySQL's Item_hex_hybrid); never a column's type.
   */
  | { readonly kind: 'string'; readonly family: StringFamily; readonly length: number; readonly binary: boolean; readonly hexHybrid?: true }
  | { readonly kind: 'date' }
  | { readonly kind: 'datetime'; readonly fsp: number }
  | { readonly kind: 'timestamp'; readonly fsp: number }
  | { readonly kind: 'time'; readonly fsp: number }
  | { readonly kind: 'year' }
  | { readonly kind: 'json' }
  | { readonly kind: 'enum'; readonly values: readonly string[] }
  /** The type of a bare NULL literal. */
  | { readonly kind: 'null' };

export type SqlTypeKind = SqlType['kind'];

export const T = {
  tinyint: { kind: 'int', bytes: 1, unsigned: false },
  bool: { kind: 'int', bytes: 1, unsigned: false, display: 1 },
  int: { kind: 'int', bytes: 4, unsigned: false },
  bigint: { kind: 'int', bytes: 8, unsigned: false },
  ubigint: { kind: 'int', bytes: 8, unsigned: true },
  double: { kind: 'double' },
  float: { kind: 'float' },
  date: { kind: 'date' },
  datetime: { kind: 'datetime', fsp: 0 },
  time: { kind: 'time', fsp: 0 },
  json: { kind: 'json' },
  null: { kind: 'null' },
  varchar: (length: number): SqlType => ({ kind: 'string', family: 'varchar', length, binary: false }),
  text: { kind: 'string', family: 'longtext', length: 4294967295, binary: false },
  blob: { kind: 'string', family: 'longtext', length: 4294967295, binary: true },
  decimal: (precision: number, scale: number): SqlType => ({ kind: 'decimal', precision, scale }),
} as const satisfies Record<string, SqlType | ((...a: never[]) => SqlType)>;

export function isNumericType(t: SqlType): boolean {
  return t.kind === 'int' || t.kind === 'decimal' || t.kind === 'float' || t.kind === 'double' || t.kind === 'year';
}

export function isTemporalType(t: SqlType): boolean {
  return t.kind === 'date' || t.kind === 'datetime' || t.kind === 'timestamp' || t.kind === 'time';
}

export function isStringType(t: SqlType): boolean {
  return t.kind === 'string' || t.kind === 'json' || t.kind === 'enum';
}

/** MySQL's NOT_FIXED_DEC: the decimals of a DOUBLE shown with all its significant digits. */
export const NOT_FIXED_DEC = 31;

/** The display decimals MySQL tracks for an expression of this type (NOT_FIXED_DEC when not fixed). */
export function displayDecimals(t: SqlType): number {
  switch (t.kind) {
    case 'int': case 'year': case 'null': case 'date':
      return 0;
    case 'decimal':
      return t.scale;
    case 'double':
      return t.decimals ?? NOT_FIXED_DEC;
    case 'datetime': case 'timestamp': case 'time':
      return t.fsp;
    case 'float': case 'string': case 'json': case 'enum':
      return NOT_FIXED_DEC;
  }
}

/** DOUBLE with `decimals` display decimals (a plain DOUBLE when they are NOT_FIXED_DEC or more). */
export function doubleWithDecimals(decimals: number): SqlType {
  return decimals >= NOT_FIXED_DEC || decimals < 0 ? { kind: 'double' } : { kind: 'double', decimals };
}
