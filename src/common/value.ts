import type { Decimal } from './decimal.js';

/**
 * A runtime SQL value. The static SqlType of the expression or column says how to read it:
 *
 * | SqlType                         | Value                                                     |
 * |---------------------------------|-----------------------------------------------------------|
 * | int (signed or unsigned), year  | number when it is a safe integer (|v| < 2^53), else bigint |
 * | decimal                         | Decimal (exact, bigint-scaled)                             |
 * | float, double                   | number                                                     |
 * | string (binary = false), json, enum | string                                                 |
 * | string (binary = true)          | Uint8Array                                                 |
 * | date                            | string 'YYYY-MM-DD'                                        |
 * | datetime, timestamp             | string 'YYYY-MM-DD hh:mm:ss' plus '.ffffff' cut to fsp     |
 * | time                            | string '[-]hhh:mm:ss' plus fraction                       |
 * | any type, SQL NULL              | null                                                       |
 *
 * Canonical temporal strings compare correctly as plain strings, which keeps them cheap.
 */
export type Value = null | number | bigint | string | Decimal | Uint8Array;

export type Row = Value[];
