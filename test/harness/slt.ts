// sqllogictest parser and runner (SQLite format plus the DuckDB-style extensions we use under
// test/sql). One mysql2 connection per file, a fresh database per file, a timeout per record,
// reconnect on a lost connection, and a --complete mode that rewrites expected blocks.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import mysql from 'mysql2/promise';
import type { TargetAddress } from './server.js';

// ---------------------------------------------------------------------------------------------
// Parsing

export type SortMode = 'nosort' | 'rowsort' | 'valuesort';

export interface Guard {
  kind: 'skipif' | 'onlyif';
  engine: string;
}

interface RecordBase {
  /** 1-based line of the record header. */
  line: number;
  guards: Guard[];
}

export interface StatementRecord extends RecordBase {
  type: 'statement';
  expectError: boolean;
  sql: string;
  /** For `statement error` with `----`: an errno ("1146") or a message regex. */
  errorMatch?: string;
  /** Line range [start, end) of the `----` block in the file (for --complete). */
  blockStart: number;
  blockEnd: number;
}

export interface QueryRecord extends RecordBase {
  type: 'query';
  types: string;
  sort: SortMode;
  label?: string;
  sql: string;
  /** Expected lines after `----` (empty when the block is absent). */
  expected: string[];
  hasSeparator: boolean;
  /** Line range of `----` and the expected lines [start, end), 0-based. */
  blockStart: number;
  blockEnd: number;
  /** hash-threshold in force at this record. */
  hashThreshold: number;
}

export interface ControlRecord extends RecordBase {
  type: 'halt' | 'hash-threshold' | 'unsupported';
  text: string;
  value?: number;
}

export type SltRecord = StatementRecord | QueryRecord | ControlRecord;

export interface ParsedFile {
  file: string;
  name?: string;
  records: SltRecord[];
  lines: string[];
}

const SORT_MODES = new Set(['nosort', 'rowsort', 'valuesort']);

export function parseSlt(text: string, file = '<string>'): ParsedFile {
  const lines = text.split(/\r?\n/);
  const records: SltRecord[] = [];
  let name: string | undefined;
  let hashThreshold = 0;
  let i = 0;
  const n = lines.length;
  let guards: Guard[] = [];
  while (i < n) {
    const raw = lines[i]!;
    const line = raw.trim();
    if (line === '') {
      i++;
      continue;
    }
    if (line.startsWith('#')) {
      const m = /^#\s*name:\s*(.*)$/.exec(line);
      if (m !== null && name === undefined) name = m[1]!.trim();
      i++;
      continue;
    }
    const words = line.split(/\s+/);
    const head = words[0]!;
    const lineNo = i + 1;
    if (head === 'skipif' || head === 'onlyif') {
      guards.push({ kind: head, engine: (words[1] ?? '').toLowerCase() });
      i++;
      continue;
    }
    if (head === 'halt') {
      records.push({ type: 'halt', line: lineNo, guards, text: line });
      guards = [];
      i++;
      continue;
    }
    if (head === 'hash-threshold') {
      hashThreshold = Number(words[1] ?? '0');
      records.push({ type: 'hash-threshold', line: lineNo, guards, text: line, value: hashThreshold });
      guards = [];
      i++;
      continue;
    }
    if (head === 'statement') {
      const expectError = words[1] === 'error';
      if (words[1] !== 'ok' && words[1] !== 'error') {
        records.push({ type: 'unsupported', line: lineNo, guards, text: line });
        guards = [];
        i = skipRecord(lines, i);
        continue;
      }
      i++;
      const sqlLines: string[] = [];
      while (i < n && lines[i]!.trim() !== '' && lines[i]!.trim() !== '----') {
        if (!lines[i]!.trimStart().startsWith('#')) sqlLines.push(lines[i]!);
        i++;
      }
      // `statement error 1305` names the errno on the header line (DuckDB-style files do this).
      let errorMatch: string | undefined = expectError && words[2] !== undefined && /^\d+$/.test(words[2]) ? words[2] : undefined;
      const blockStart = i;
      if (i < n && lines[i]!.trim() === '----') {
        i++;
        const exp: string[] = [];
        while (i < n && lines[i]!.trim() !== '') {
          exp.push(lines[i]!.trim());
          i++;
        }
        if (exp.length > 0) errorMatch = exp.join('\n');
      }
      const rec: StatementRecord = { type: 'statement', line: lineNo, guards, expectError, sql: sqlLines.join('\n'), blockStart, blockEnd: i };
      if (errorMatch !== undefined) rec.errorMatch = errorMatch;
      records.push(rec);
      guards = [];
      continue;
    }
    if (head === 'query') {
      const types = words[1] ?? '';
      const sort = (SORT_MODES.has(words[2] ?? '') ? words[2] : 'nosort') as SortMode;
      const label = words[3];
      i++;
      const sqlLines: string[] = [];
      while (i < n && lines[i]!.trim() !== '' && lines[i]!.trim() !== '----') {
        if (!lines[i]!.trimStart().startsWith('#')) sqlLines.push(lines[i]!);
        i++;
      }
      const blockStart = i;
      const expected: string[] = [];
      let hasSeparator = false;
      if (i < n && lines[i]!.trim() === '----') {
        hasSeparator = true;
        i++;
        // Expected values run to the next blank line. Keep leading/trailing spaces of
        // values out: the SQLite format compares trimmed values.
        while (i < n && lines[i]!.trim() !== '') {
          expected.push(lines[i]!.replace(/\s+$/, '').replace(/^ +/, ''));
          i++;
        }
      }
      const rec: QueryRecord = {
        type: 'query', line: lineNo, guards, types, sort, sql: sqlLines.join('\n'), expected, hasSeparator,
        blockStart, blockEnd: i, hashThreshold,
      };
      if (label !== undefined) rec.label = label;
      records.push(rec);
      guards = [];
      continue;
    }
    records.push({ type: 'unsupported', line: lineNo, guards, text: line });
    guards = [];
    i = skipRecord(lines, i);
  }
  const parsed: ParsedFile = { file, records, lines };
  if (name !== undefined) parsed.name = name;
  return parsed;
}

function skipRecord(lines: string[], i: number): number {
  let j = i + 1;
  while (j < lines.length && lines[j]!.trim() !== '') j++;
  return j;
}

// ---------------------------------------------------------------------------------------------
// Value formatting

export type RawValue = string | null;

/** Integer part of a numeric text, as sqllogictest prints an I column. */
export function formatInteger(v: string): string {
  const s = v.trim();
  if (/^[+-]?\d+$/.test(s)) return normalizeIntText(s);
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?/.exec(s);
  if (m === null || (m[2] === '' && (m[3] ?? '') === '')) return '0';
  const sign = m[1] === '-' ? '-' : '';
  let intPart = m[2] ?? '';
  let frac = m[3] ?? '';
  const exp = m[4] === undefined ? 0 : Number(m[4]);
  if (exp > 0) {
    const take = frac.slice(0, exp).padEnd(exp, '0');
    intPart += take;
    frac = frac.slice(exp);
  } else if (exp < 0) {
    const shift = -exp;
    const padded = intPart.padStart(shift + 1, '0');
    intPart = padded.slice(0, padded.length - shift);
  }
  return normalizeIntText(sign + (intPart === '' ? '0' : intPart));
}

function normalizeIntText(s: string): string {
  let sign = '';
  let digits = s;
  if (digits.startsWith('+') || digits.startsWith('-')) {
    sign = digits[0] === '-' ? '-' : '';
    digits = digits.slice(1);
  }
  digits = digits.replace(/^0+(?=\d)/, '');
  if (digits === '0') return '0';
  return sign + digits;
}

/** A real printed with 3 decimals (as printf("%.3f")). */
export function formatReal(v: string): string {
  const s = v.trim();
  const m = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(s);
  const num = m === null ? 0 : Number(m[0]);
  if (!Number.isFinite(num)) return num > 0 ? 'inf' : num < 0 ? '-inf' : 'nan';
  if (Math.abs(num) >= 1e21) return BigInt(Math.trunc(num)).toString() + '.000';
  const out = num.toFixed(3);
  return out === '-0.000' ? '0.000' : out;
}

export function formatValue(v: RawValue, type: string): string {
  if (v === null) return 'NULL';
  if (v === '') return '(empty)';
  if (type === 'I') return formatInteger(v);
  if (type === 'R') return formatReal(v);
  // As sqllogictest does, control characters (newlines, tabs) print as '@' so every value
  // stays on one line of the expected block.
  return v.replace(/[\x00-\x1f]/g, '@');
}

export function md5Values(values: string[]): string {
  const h = createHash('md5');
  for (const v of values) h.update(v + '\n');
  return h.digest('hex');
}

function byteCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareRows(a: string[], b: string[]): number {
  const len = Math.min(a.length, b.length);
  for (let k = 0; k < len; k++) {
    const c = byteCompare(a[k]!, b[k]!);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

/** Rows of formatted values, sorted as the record's sort mode says, flattened. */
export function sortValues(rows: string[][], sort: SortMode): string[] {
  if (sort === 'rowsort') return [...rows].sort(compareRows).flat();
  const flat = rows.flat();
  if (sort === 'valuesort') return flat.sort(byteCompare);
  return flat;
}

/**
 * Flattens an expected block into values. The SQLite format has one value per line; the
 * DuckDB style has one row per line with tab-separated values. A line is read as a row when
 * it splits on tabs into exactly `ncols` parts (and ncols > 1).
 */
export function expectedValues(expected: string[], ncols: number): string[] {
  const out: string[] = [];
  for (const line of expected) {
    if (ncols > 1 && line.includes('\t')) {
      const parts = line.split('\t');
      if (parts.length === ncols) {
        for (const p of parts) out.push(p.trim());
        continue;
      }
    }
    out.push(line.trim());
  }
  return out;
}

const HASH_LINE = /^(\d+) values hashing to ([0-9a-f]{32})$/;

// ---------------------------------------------------------------------------------------------
// Running

export interface RunOptions {
  target: TargetAddress;
  /** Engine names that onlyif/skipif match; default ['mysql']. */
  engines?: string[];
  /** Per-record timeout in ms; default 30 s. */
  timeoutMs?: number;
  /** Rewrite the file's expected blocks with the actual results. */
  complete?: boolean;
  /** Database to create for the file; default derived from the file name. */
  database?: string;
  /** Called after each executed record (for progress). */
  onRecord?: (r: RecordResult) => void;
}

export interface RecordResult {
  file: string;
  line: number;
  kind: 'statement' | 'query';
  sql: string;
  ok: boolean;
  expected?: string;
  actual?: string;
  message?: string;
}

export interface FileResult {
  file: string;
  name?: string;
  /** Records that ran (guards satisfied). */
  results: RecordResult[];
  passed: number;
  failed: number;
  skipped: number;
  durationMs: number;
  /** Set when the file could not run at all (connect/setup failure). */
  fatal?: string;
  halted: boolean;
}

interface QueryOutcome {
  rows: RawValue[][];
  ncols: number;
  isResultSet: boolean;
}

class SqlError extends Error {
  constructor(
    message: string,
    readonly errno: number | undefined,
    readonly sqlState: string | undefined,
    readonly fatal: boolean,
    readonly timedOut: boolean,
  ) {
    super(message);
  }
}

type TypeCastField = { type: string; buffer(): Buffer | null; string(encoding?: string): string | null; charset?: number };

/** Every value as the text the server sent (binary strings decoded as UTF-8). */
function rawTypeCast(field: TypeCastField, _next: () => unknown): unknown {
  if (field.type === 'BLOB' || field.type === 'TINY_BLOB' || field.type === 'MEDIUM_BLOB' || field.type === 'LONG_BLOB' ||
      field.type === 'VAR_STRING' || field.type === 'STRING' || field.type === 'BIT' || field.type === 'GEOMETRY') {
    if (field.charset === 63) {
      const b = field.buffer();
      return b === null ? null : b.toString('utf8');
    }
  }
  return field.string('utf8');
}

const CONNECT_ATTEMPTS = 50;
const CONNECT_RETRY_MS = 200;

/** One connection to the target with per-statement timeouts and reconnects. */
export class SltConnection {
  private conn: mysql.Connection | undefined;
  private database: string | undefined;

  constructor(
    private readonly target: TargetAddress,
    private readonly timeoutMs: number,
  ) {}

  async open(): Promise<void> {
    let lastErr: unknown;
    for (let attempt = 0; attempt < CONNECT_ATTEMPTS; attempt++) {
      try {
        const c = await mysql.createConnection({
          host: this.target.host,
          port: this.target.port,
          user: this.target.user,
          password: this.target.password,
          supportBigNumbers: true,
          bigNumberStrings: true,
          dateStrings: true,
          multipleStatements: false,
          connectTimeout: 10_000,
          typeCast: rawTypeCast as never,
        });
        c.on('error', () => {
          // surfaced through the next query
        });
        this.conn = c;
        if (this.database !== undefined) await c.query('USE `' + this.database + '`');
        return;
      } catch (e) {
        lastErr = e;
        await sleep(CONNECT_RETRY_MS);
      }
    }
    throw new Error(`cannot connect to ${this.target.host}:${this.target.port}: ${(lastErr as Error)?.message}`);
  }

  async useFreshDatabase(db: string): Promise<void> {
    await this.run('DROP DATABASE IF EXISTS `' + db + '`');
    await this.run('CREATE DATABASE `' + db + '`');
    await this.run('USE `' + db + '`');
    this.database = db;
  }

  async dropDatabase(): Promise<void> {
    if (this.database === undefined) return;
    const db = this.database;
    this.database = undefined;
    try {
      await this.run('DROP DATABASE IF EXISTS `' + db + '`');
    } catch {
      // best effort
    }
  }

  close(): void {
    this.conn?.destroy();
    this.conn = undefined;
  }

  /** Runs one statement; throws SqlError. Reconnects after a lost connection or a timeout. */
  async run(sql: string): Promise<QueryOutcome> {
    if (this.conn === undefined) await this.open();
    const conn = this.conn!;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.timeoutMs);
    });
    try {
      const res = await Promise.race([conn.query({ sql, rowsAsArray: true }), timeout]);
      if (res === 'timeout') {
        const threadId = conn.threadId;
        conn.destroy();
        this.conn = undefined;
        await this.killThread(threadId);
        throw new SqlError(`timed out after ${this.timeoutMs} ms`, undefined, undefined, true, true);
      }
      const [rows, fields] = res as [unknown, mysql.FieldPacket[] | undefined];
      if (Array.isArray(rows) && Array.isArray(fields)) {
        return { rows: rows as RawValue[][], ncols: fields.length, isResultSet: true };
      }
      return { rows: [], ncols: 0, isResultSet: false };
    } catch (e) {
      if (e instanceof SqlError) throw e;
      const err = e as { message?: string; errno?: number; sqlState?: string; fatal?: boolean; code?: string };
      const fatal = err.fatal === true || err.code === 'PROTOCOL_CONNECTION_LOST' || err.code === 'ECONNRESET';
      if (fatal) {
        conn.destroy();
        this.conn = undefined;
      }
      throw new SqlError(err.message ?? String(e), err.errno, err.sqlState, fatal, false);
    } finally {
      clearTimeout(timer);
    }
  }

  private async killThread(threadId: number | null): Promise<void> {
    if (threadId === null) return;
    try {
      const side = await mysql.createConnection({
        host: this.target.host, port: this.target.port, user: this.target.user, password: this.target.password, connectTimeout: 5_000,
      });
      try {
        await Promise.race([side.query(`KILL ${threadId}`), sleep(5_000)]);
      } finally {
        side.destroy();
      }
    } catch {
      // best effort: the server may be gone
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export function guardsAllow(guards: Guard[], engines: string[]): boolean {
  for (const g of guards) {
    const match = engines.includes(g.engine);
    if (g.kind === 'skipif' && match) return false;
    if (g.kind === 'onlyif' && !match) return false;
  }
  return true;
}

export function databaseNameFor(file: string): string {
  const base = file.replace(/\\/g, '/').split('/').slice(-2).join('_').replace(/\.[^.]*$/, '');
  return ('slt_' + base.replace(/[^A-Za-z0-9_]/g, '_')).slice(0, 60).toLowerCase();
}

function stripTrailingSemicolon(sql: string): string {
  return sql.replace(/;\s*$/, '');
}

/** Every line of the expectation must match: an errno line, a SQLSTATE line, or a message regex. */
function matchesError(err: SqlError, match: string): boolean {
  return match.split('\n').every((line) => line.trim() === '' || matchesErrorLine(err, line));
}

function matchesErrorLine(err: SqlError, match: string): boolean {
  const m = match.trim();
  if (/^\d+$/.test(m)) return err.errno === Number(m);
  if (/^[0-9A-Z]{5}$/.test(m) && err.sqlState === m) return true;
  if (err.message.includes(m)) return true;
  try {
    return new RegExp(m, 's').test(err.message);
  } catch {
    return false;
  }
}

function describeError(err: SqlError): string {
  return err.errno === undefined ? err.message : `${err.errno} (${err.sqlState ?? '?'}): ${err.message}`;
}

interface Completion {
  blockStart: number;
  blockEnd: number;
  header?: { line: number; text: string };
  text: string[];
}

/** Runs one file. Never throws for SQL failures; `fatal` is set when it could not run. */
export async function runSltFile(file: string, opts: RunOptions): Promise<FileResult> {
  const started = Date.now();
  const engines = (opts.engines ?? ['mysql']).map((e) => e.toLowerCase());
  const parsed = parseSlt(readFileSync(file, 'utf8'), file);
  const result: FileResult = { file, results: [], passed: 0, failed: 0, skipped: 0, durationMs: 0, halted: false };
  if (parsed.name !== undefined) result.name = parsed.name;
  const conn = new SltConnection(opts.target, opts.timeoutMs ?? 30_000);
  const labels = new Map<string, string>();
  const completions: Completion[] = [];
  const record = (r: RecordResult): void => {
    result.results.push(r);
    if (r.ok) result.passed++;
    else result.failed++;
    opts.onRecord?.(r);
  };
  try {
    await conn.open();
    await conn.useFreshDatabase(opts.database ?? databaseNameFor(file));
  } catch (e) {
    result.fatal = (e as Error).message;
    conn.close();
    result.durationMs = Date.now() - started;
    return result;
  }
  try {
    for (const rec of parsed.records) {
      if (!guardsAllow(rec.guards, engines)) {
        result.skipped++;
        continue;
      }
      if (rec.type === 'halt') {
        result.halted = true;
        break;
      }
      if (rec.type === 'hash-threshold') continue;
      if (rec.type === 'unsupported') {
        record({ file, line: rec.line, kind: 'statement', sql: rec.text, ok: false, message: `unsupported record: ${rec.text}` });
        continue;
      }
      if (rec.type !== 'statement' && rec.type !== 'query') continue;
      const sql = stripTrailingSemicolon(rec.sql);
      if (rec.type === 'statement') {
        let err: SqlError | undefined;
        try {
          await conn.run(sql);
        } catch (e) {
          err = e as SqlError;
        }
        const base = { file, line: rec.line, kind: 'statement' as const, sql };
        if (!rec.expectError) {
          if (err === undefined) record({ ...base, ok: true });
          else record({ ...base, ok: false, expected: 'ok', actual: 'error ' + describeError(err) });
          if (opts.complete && err !== undefined) {
            completions.push({
              blockStart: rec.blockStart, blockEnd: rec.blockEnd,
              header: { line: rec.line - 1, text: 'statement error' },
              text: ['----', String(err.errno ?? err.message)],
            });
          }
        } else if (err === undefined) {
          record({ ...base, ok: false, expected: rec.errorMatch === undefined ? 'error' : `error ${rec.errorMatch}`, actual: 'ok' });
        } else if (rec.errorMatch !== undefined && !matchesError(err, rec.errorMatch)) {
          record({ ...base, ok: false, expected: `error ${rec.errorMatch}`, actual: 'error ' + describeError(err) });
        } else {
          record({ ...base, ok: true });
          if (opts.complete && rec.errorMatch === undefined && err.errno !== undefined) {
            completions.push({ blockStart: rec.blockStart, blockEnd: rec.blockEnd, text: ['----', String(err.errno)] });
          }
        }
        continue;
      }
      // query
      const base = { file, line: rec.line, kind: 'query' as const, sql };
      let out: QueryOutcome;
      try {
        out = await conn.run(sql);
      } catch (e) {
        record({ ...base, ok: false, expected: rec.expected.join('\n'), actual: 'error ' + describeError(e as SqlError) });
        continue;
      }
      if (!out.isResultSet) {
        record({ ...base, ok: false, expected: rec.expected.join('\n'), actual: 'statement returned no result set' });
        continue;
      }
      const typesOk = rec.types.length === out.ncols || rec.types.length === 0;
      const types = Array.from({ length: out.ncols }, (_, k) => rec.types[k] ?? 'T');
      const formattedRows = out.rows.map((row) => row.map((v, k) => formatValue(v, types[k]!)));
      const actualValues = sortValues(formattedRows, rec.sort);
      const actualHash = md5Values(actualValues);
      const hashText = `${actualValues.length} values hashing to ${actualHash}`;
      if (opts.complete) {
        const useHash = rec.hashThreshold > 0 && actualValues.length > rec.hashThreshold;
        const body = useHash ? [hashText] : renderRows(sortRowsForDisplay(formattedRows, rec.sort), out.ncols, rec.sort);
        completions.push({ blockStart: rec.blockStart, blockEnd: rec.blockEnd, text: ['----', ...body] });
      }
      let ok: boolean;
      let expectedText: string;
      let actualText: string;
      const hm = rec.expected.length === 1 ? HASH_LINE.exec(rec.expected[0]!) : null;
      if (hm !== null) {
        ok = Number(hm[1]) === actualValues.length && hm[2] === actualHash;
        expectedText = rec.expected[0]!;
        actualText = hashText;
      } else {
        let exp = expectedValues(rec.expected, out.ncols);
        if (rec.sort === 'rowsort' && out.ncols > 0 && exp.length % out.ncols === 0) {
          const rows: string[][] = [];
          for (let k = 0; k < exp.length; k += out.ncols) rows.push(exp.slice(k, k + out.ncols));
          exp = sortValues(rows, 'rowsort');
        } else if (rec.sort === 'valuesort') {
          exp = [...exp].sort(byteCompare);
        }
        ok = exp.length === actualValues.length && exp.every((v, k) => v === actualValues[k]);
        expectedText = renderFlat(exp, out.ncols);
        actualText = renderFlat(actualValues, out.ncols);
      }
      if (ok && rec.label !== undefined) {
        const prev = labels.get(rec.label);
        if (prev === undefined) labels.set(rec.label, actualHash);
        else if (prev !== actualHash) {
          ok = false;
          expectedText = `same results as earlier queries labelled ${rec.label}`;
        }
      }
      if (!typesOk && !opts.complete) {
        record({ ...base, ok: false, expected: `${rec.types.length} columns (${rec.types})`, actual: `${out.ncols} columns` });
        continue;
      }
      const r: RecordResult = { ...base, ok };
      if (!ok) {
        r.expected = expectedText;
        r.actual = actualText;
      }
      record(r);
    }
  } finally {
    await conn.dropDatabase();
    conn.close();
  }
  if (opts.complete && completions.length > 0) writeCompletions(file, parsed.lines, completions);
  result.durationMs = Date.now() - started;
  return result;
}

function sortRowsForDisplay(rows: string[][], sort: SortMode): string[][] {
  if (sort === 'rowsort') return [...rows].sort(compareRows);
  if (sort === 'valuesort') return rows.flat().sort(byteCompare).map((v) => [v]);
  return rows;
}

/** Rows for an expected block: tab-separated values per row (one value per line when 1 column). */
function renderRows(rows: string[][], ncols: number, sort: SortMode): string[] {
  if (sort === 'valuesort' || ncols <= 1) return rows.flat();
  return rows.map((r) => r.join('\t'));
}

function renderFlat(values: string[], ncols: number): string {
  if (ncols <= 1) return values.join('\n');
  const out: string[] = [];
  for (let k = 0; k < values.length; k += ncols) out.push(values.slice(k, k + ncols).join('\t'));
  return out.join('\n');
}

function writeCompletions(file: string, lines: string[], completions: Completion[]): void {
  const out = [...lines];
  // Apply from the bottom so earlier indices stay valid.
  const sorted = [...completions].sort((a, b) => b.blockStart - a.blockStart);
  for (const c of sorted) {
    out.splice(c.blockStart, c.blockEnd - c.blockStart, ...c.text);
    if (c.header !== undefined) out[c.header.line] = c.header.text;
  }
  writeFileSync(file, out.join('\n'));
}

/** A readable multi-line report of the failed records of a file. */
export function formatFailures(res: FileResult, max = Infinity): string {
  const lines: string[] = [];
  if (res.fatal !== undefined) lines.push(`${res.file}: could not run: ${res.fatal}`);
  let shown = 0;
  for (const r of res.results) {
    if (r.ok) continue;
    if (shown >= max) {
      lines.push(`  … ${res.failed - shown} more failures`);
      break;
    }
    shown++;
    lines.push(`${r.file}:${r.line}: ${r.kind} failed`);
    lines.push(indent(r.sql, '    '));
    if (r.message !== undefined) lines.push(`  ${r.message}`);
    if (r.expected !== undefined) lines.push('  expected:', indent(r.expected, '    '));
    if (r.actual !== undefined) lines.push('  actual:', indent(r.actual, '    '));
  }
  return lines.join('\n');
}

function indent(s: string, pad: string): string {
  return s.split('\n').map((l) => pad + l).join('\n');
}

/**
 * Engine names a server answers to for onlyif/skipif: `mysql` always, plus `tessera` when
 * @@version_comment says so.
 */
export async function detectEngines(target: TargetAddress): Promise<string[]> {
  const conn = new SltConnection(target, 10_000);
  try {
    await conn.open();
    const out = await conn.run('SELECT @@version_comment');
    const comment = String(out.rows[0]?.[0] ?? '');
    return /tessera/i.test(comment) ? ['mysql', 'tessera'] : ['mysql'];
  } finally {
    conn.close();
  }
}
