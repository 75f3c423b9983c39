/**
 * MySQL temporal semantics as pure functions on canonical strings (see value.ts):
 * date 'YYYY-MM-DD', datetime 'YYYY-MM-DD hh:mm:ss[.ffffff]', time '[-]hh:mm:ss[.ffffff]'.
 * Fractions beyond the target fsp are truncated (MariaDB; MySQL 8 rounds).
 */
import { Decimal } from './decimal.js';

/** Session time zone offset in seconds. 'SYSTEM' is treated as UTC for now; change it here. */
export function sessionTimeZoneOffsetSeconds(): number {
  return 0;
}

export interface DateTimeParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0..999999 */
  micro: number;
}

export interface TimeParts {
  neg: boolean;
  /** 0..838 (may exceed 23) */
  hour: number;
  minute: number;
  second: number;
  micro: number;
}

export interface ParsedDateTime {
  parts: DateTimeParts;
  /** The text had a time of day. */
  hasTime: boolean;
  /** Number of fraction digits in the text. */
  fracDigits: number;
  /** Trailing garbage or extra fraction digits were dropped: the caller warns (1292, Note/Warning). */
  truncated: boolean;
}

export const MICROS_PER_DAY = 86_400_000_000;
const MAX_TIME_MICROS = (838 * 3600 + 59 * 60 + 59) * 1_000_000 + 999_999;
/** TO_DAYS('1970-01-01'). */
const DAYNR_1970 = 719_528;
export const MAX_DAYNR = 3_652_424; // 9999-12-31

export const MONTH_NAMES = [
  'January', 'February', 'March', 'April', 'May', 'June',
  'July', 'August', 'September', 'October', 'November', 'December',
] as const;
export const DAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;

export function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

export function daysInMonth(y: number, m: number): number {
  return m === 2 ? (isLeapYear(y) ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

export function daysInYear(y: number): number {
  return isLeapYear(y) ? 366 : 365;
}

// ---------------------------------------------------------------- day numbers

/** MySQL's day number (TO_DAYS): days since year 0 (proleptic Gregorian, as MySQL for years ≥ 1). */
export function dayNumber(y: number, m: number, d: number): number {
  if (y === 0 && m === 0) return 0;
  // Howard Hinnant's days_from_civil, shifted so 1970-01-01 = 719528.
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const mp = (m + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468 + DAYNR_1970;
}

/** Inverse of dayNumber; out of MySQL's range gives the zero date (as FROM_DAYS). */
export function fromDayNumber(daynr: number): { year: number; month: number; day: number } {
  if (daynr < 366 || daynr > MAX_DAYNR) return { year: 0, month: 0, day: 0 };
  const z = daynr - DAYNR_1970 + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** 0 = Monday … 6 = Sunday (MySQL WEEKDAY). */
export function weekdayOf(daynr: number): number {
  return (daynr + 5) % 7;
}

export function dayOfYear(p: DateTimeParts): number {
  return dayNumber(p.year, p.month, p.day) - dayNumber(p.year, 1, 1) + 1;
}

const WEEK_MONDAY_FIRST = 1;
const WEEK_YEAR = 2;
const WEEK_FIRST_WEEKDAY = 4;

/** MySQL's calc_week: week number and the year it belongs to for a behaviour bit set. */
export function calcWeek(p: DateTimeParts, behaviour: number): { week: number; year: number } {
  const daynr = dayNumber(p.year, p.month, p.day);
  let firstDaynr = dayNumber(p.year, 1, 1);
  const mondayFirst = (behaviour & WEEK_MONDAY_FIRST) !== 0;
  let weekYear = (behaviour & WEEK_YEAR) !== 0;
  const firstWeekday = (behaviour & WEEK_FIRST_WEEKDAY) !== 0;
  let weekday = (firstDaynr + 5 + (mondayFirst ? 0 : 1)) % 7;
  let year = p.year;
  if (p.month === 1 && p.day <= 7 - weekday) {
    if (!weekYear && ((firstWeekday && weekday !== 0) || (!firstWeekday && weekday >= 4))) return { week: 0, year };
    weekYear = true;
    year--;
    const days = daysInYear(year);
    firstDaynr -= days;
    weekday = (weekday + 53 * 7 - days) % 7;
  }
  let days: number;
  if ((firstWeekday && weekday !== 0) || (!firstWeekday && weekday >= 4)) days = daynr - (firstDaynr + (7 - weekday));
  else days = daynr - (firstDaynr - weekday);
  if (weekYear && days >= 52 * 7) {
    weekday = (weekday + daysInYear(year)) % 7;
    if ((!firstWeekday && weekday < 4) || (firstWeekday && weekday === 0)) return { week: 1, year: year + 1 };
  }
  return { week: Math.floor(days / 7) + 1, year };
}

/** WEEK(d, mode) behaviour bits for mode 0..7. */
export function weekMode(mode: number): number {
  let f = mode & 7;
  if (!(f & WEEK_MONDAY_FIRST)) f ^= WEEK_FIRST_WEEKDAY;
  return f;
}

export function week(p: DateTimeParts, mode: number): number {
  return calcWeek(p, weekMode(mode)).week;
}

export function yearWeek(p: DateTimeParts, mode: number): number {
  const r = calcWeek(p, weekMode(mode) | WEEK_YEAR);
  return r.year * 100 + r.week;
}

// ---------------------------------------------------------------- formatting

function pad2(n: number): string {
  return n < 10 ? '0' + n : String(n);
}

function pad4(n: number): string {
  return n < 10 ? '000' + n : n < 100 ? '00' + n : n < 1000 ? '0' + n : String(n);
}

function fraction(micro: number, fsp: number): string {
  if (fsp <= 0) return '';
  const s = String(micro).padStart(6, '0');
  return '.' + s.slice(0, fsp);
}

export function formatDate(p: { year: number; month: number; day: number }): string {
  return pad4(p.year) + '-' + pad2(p.month) + '-' + pad2(p.day);
}

export function formatDatetime(p: DateTimeParts, fsp: number): string {
  return (
    formatDate(p) + ' ' + pad2(p.hour) + ':' + pad2(p.minute) + ':' + pad2(p.second) + fraction(p.micro, fsp)
  );
}

export function formatTime(t: TimeParts, fsp: number): string {
  const frac = fraction(t.micro, fsp);
  const zero = t.hour === 0 && t.minute === 0 && t.second === 0 && (frac === '' || /^\.0*$/.test(frac));
  return (t.neg && !zero ? '-' : '') + pad2(t.hour) + ':' + pad2(t.minute) + ':' + pad2(t.second) + frac;
}

// ---------------------------------------------------------------- parsing

const DIGITS_RE = /^(\d+)(?:\.(\d*))?$/;
// Date part with any punctuation delimiters, then optional time after spaces or 'T'.
const DELIM_RE =
  /^(\d{1,4})[^\d\s](\d{1,2})[^\d\s](\d{1,2})(?:(?:\s+|T)(\d{1,2})(?:[^\d\s](\d{1,2})(?:[^\d\s](\d{1,2})(?:\.(\d*))?)?)?)?/;

function twoDigitYear(y: number): number {
  return y < 70 ? 2000 + y : 1900 + y;
}

function validDate(y: number, m: number, d: number): boolean {
  if (y > 9999 || m > 12) return false;
  if (m === 0 || d === 0) return true; // zero-in-date allowed (no NO_ZERO_IN_DATE)
  return d <= daysInMonth(y, m);
}

function microFrom(frac: string | undefined): number {
  if (!frac) return 0;
  return Number((frac + '000000').slice(0, 6));
}

function partsFromDigits(d: string, frac: string | undefined): ParsedDateTime | null {
  let y: number, mo: number, dd: number, h = 0, mi = 0, s = 0;
  let hasTime = false;
  const n = d.length;
  const num = (a: number, b: number) => Number(d.slice(a, b));
  if (n === 14 || n === 8) {
    y = num(0, 4); mo = num(4, 6); dd = num(6, 8);
    if (n === 14) { h = num(8, 10); mi = num(10, 12); s = num(12, 14); hasTime = true; }
  } else if (n === 12 || n === 6) {
    y = twoDigitYear(num(0, 2)); mo = num(2, 4); dd = num(4, 6);
    if (n === 12) { h = num(6, 8); mi = num(8, 10); s = num(10, 12); hasTime = true; }
  } else return null;
  if (d === '00000000' || d === '00000000000000') y = 0;
  if (!validDate(y, mo, dd) || h > 23 || mi > 59 || s > 59) return null;
  const fracDigits = frac ? frac.length : 0;
  return {
    parts: { year: y, month: mo, day: dd, hour: h, minute: mi, second: s, micro: microFrom(frac) },
    hasTime: hasTime || fracDigits > 0,
    fracDigits,
    truncated: fracDigits > 6,
  };
}

/** Parses a date or datetime string as MySQL does; null when it is not a valid date. */
export function parseDateTimeString(input: string): ParsedDateTime | null {
  const s = input.trim();
  if (s === '') return null;
  const dm = DIGITS_RE.exec(s);
  if (dm) return partsFromDigits(dm[1]!, dm[2]);
  const m = DELIM_RE.exec(s);
  if (!m) return null;
  let y = Number(m[1]);
  if (m[1]!.length <= 2) y = twoDigitYear(y);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const hasTime = m[4] !== undefined;
  const h = hasTime ? Number(m[4]) : 0;
  const mi = m[5] !== undefined ? Number(m[5]) : 0;
  const sec = m[6] !== undefined ? Number(m[6]) : 0;
  if (!validDate(y, mo, d) || h > 23 || mi > 59 || sec > 59) return null;
  const frac = m[7];
  const rest = s.slice(m[0].length);
  return {
    parts: { year: y, month: mo, day: d, hour: h, minute: mi, second: sec, micro: microFrom(frac) },
    hasTime,
    fracDigits: frac ? frac.length : 0,
    truncated: rest.length > 0 || (frac !== undefined && frac.length > 6),
  };
}

/** MySQL number → datetime (20240102, 240102, 20240102030405, 20240102030405.5). */
export function parseDateTimeNumber(n: number | bigint | Decimal): ParsedDateTime | null {
  let intPart: bigint;
  let frac: string | undefined;
  if (n instanceof Decimal) {
    intPart = n.truncate(0).unscaled;
    if (n.scale > 0) {
      const s = n.abs().toString();
      frac = s.slice(s.indexOf('.') + 1);
    }
  } else if (typeof n === 'number') {
    if (!Number.isFinite(n)) return null;
    intPart = BigInt(Math.trunc(n));
    if (!Number.isInteger(n)) {
      const s = String(Math.abs(n));
      const dot = s.indexOf('.');
      frac = dot >= 0 && !s.includes('e') ? s.slice(dot + 1) : undefined;
    }
  } else intPart = n;
  if (intPart < 0n) return null;
  if (intPart === 0n) {
    return { parts: zeroParts(), hasTime: false, fracDigits: 0, truncated: false };
  }
  const v = intPart;
  let digits: string;
  if (v < 101n) return null;
  if (v <= 991231n) digits = v.toString().padStart(6, '0');
  else if (v < 10000101n) return null;
  else if (v <= 99991231n) digits = v.toString();
  else if (v < 101000000n) return null;
  else if (v <= 991231235959n) digits = v.toString().padStart(12, '0');
  else if (v < 10000101000000n) return null;
  else if (v <= 99991231235959n) digits = v.toString();
  else return null;
  const r = partsFromDigits(digits, digits.length >= 12 ? frac : undefined);
  if (r && digits.length < 12 && frac) r.truncated = true;
  return r;
}

export function zeroParts(): DateTimeParts {
  return { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, micro: 0 };
}

/** Parses a TIME string ('[-][D ]hh:mm[:ss[.f]]', 'hhmmss', or a datetime). Clips to ±838:59:59. */
export function parseTimeString(input: string): { time: TimeParts; truncated: boolean; clipped?: boolean } | null {
  let s = input.trim();
  if (s === '') return null;
  // A full datetime gives its time of day.
  if (/^\d{2,4}[^\d\s:]\d{1,2}[^\d\s]\d{1,2}[\sT]/.test(s) || /^\d{14}(\.\d*)?$/.test(s)) {
    const dt = parseDateTimeString(s);
    if (!dt) return null;
    const p = dt.parts;
    return { time: { neg: false, hour: p.hour, minute: p.minute, second: p.second, micro: p.micro }, truncated: dt.truncated };
  }
  let neg = false;
  if (s[0] === '-') {
    neg = true;
    s = s.slice(1);
  }
  let h = 0, mi = 0, sec = 0, micro = 0, truncated = false;
  let m = /^(?:(\d+)\s+)?(\d+):(\d{1,2})(?::(\d{1,2}))?(?:\.(\d*))?/.exec(s);
  if (m) {
    const days = m[1] !== undefined ? Number(m[1]) : 0;
    h = days * 24 + Number(m[2]);
    mi = Number(m[3]);
    sec = m[4] !== undefined ? Number(m[4]) : 0;
    micro = microFrom(m[5]);
    truncated = m[0].length < s.length || (m[5] !== undefined && m[5].length > 6);
  } else {
    m = /^(?:(\d+)\s+)?(\d+)(?:\.(\d*))?/.exec(s);
    if (!m) return null;
    const d = m[2]!;
    const v = Number(d);
    sec = v % 100;
    mi = Math.floor(v / 100) % 100;
    h = Math.floor(v / 10000);
    if (m[1] !== undefined) {
      // 'D hh' form
      h = Number(m[1]) * 24 + v;
      mi = 0;
      sec = 0;
    }
    micro = microFrom(m[3]);
    truncated = m[0].length < s.length || (m[3] !== undefined && m[3].length > 6);
  }
  if (mi > 59 || sec > 59) return null;
  const t: TimeParts = { neg, hour: h, minute: mi, second: sec, micro };
  if (timeToMicros(t) > MAX_TIME_MICROS || timeToMicros(t) < -MAX_TIME_MICROS) {
    return { time: clipTime(neg), truncated: true, clipped: true };
  }
  return { time: t, truncated };
}

/** TIME from a number: 123456 → 12:34:56, 1234.5 → 00:12:34.5. */
export function parseTimeNumber(n: number | bigint | Decimal): { time: TimeParts; truncated: boolean; clipped?: boolean } | null {
  const s = n instanceof Decimal ? n.toString() : typeof n === 'bigint' ? n.toString() : String(n);
  if (/e/i.test(s)) return null;
  if (typeof n !== 'number' && !(n instanceof Decimal) && (n > 99991231235959n || n < -8385959n)) return null;
  if (s.replace('-', '').split('.')[0]!.length > 8) {
    const dt = parseDateTimeNumber(typeof n === 'number' ? Math.abs(n) : n);
    if (!dt) return null;
    const p = dt.parts;
    return { time: { neg: false, hour: p.hour, minute: p.minute, second: p.second, micro: p.micro }, truncated: dt.truncated };
  }
  return parseTimeString(s);
}

function clipTime(neg: boolean): TimeParts {
  return { neg, hour: 838, minute: 59, second: 59, micro: 0 };
}

export function timeToMicros(t: TimeParts): number {
  const v = ((t.hour * 60 + t.minute) * 60 + t.second) * 1_000_000 + t.micro;
  return t.neg ? -v : v;
}

/** Micros → TIME, clipped to the TIME range (clipped reports whether it was). */
export function microsToTime(us: number): { time: TimeParts; clipped: boolean } {
  const neg = us < 0;
  let a = Math.abs(us);
  if (a > MAX_TIME_MICROS) return { time: { ...clipTime(neg), micro: 0 }, clipped: true };
  const micro = a % 1_000_000;
  a = (a - micro) / 1_000_000;
  const second = a % 60;
  a = (a - second) / 60;
  const minute = a % 60;
  const hour = (a - minute) / 60;
  return { time: { neg, hour, minute, second, micro }, clipped: false };
}

/** Reads a canonical datetime/date string (no validation; values are trusted). */
export function readDateTime(s: string): DateTimeParts {
  const n = (a: number, b: number) => {
    let v = 0;
    for (let i = a; i < b; i++) v = v * 10 + (s.charCodeAt(i) - 48);
    return v;
  };
  if (s.length < 19) return { year: n(0, 4), month: n(5, 7), day: n(8, 10), hour: 0, minute: 0, second: 0, micro: 0 };
  const micro = s.length > 20 ? Number((s.slice(20) + '000000').slice(0, 6)) : 0;
  return { year: n(0, 4), month: n(5, 7), day: n(8, 10), hour: n(11, 13), minute: n(14, 16), second: n(17, 19), micro };
}

/** Reads a canonical TIME string. */
export function readTime(s: string): TimeParts {
  const neg = s[0] === '-';
  const body = neg ? s.slice(1) : s;
  const c1 = body.indexOf(':');
  const dot = body.indexOf('.');
  return {
    neg,
    hour: Number(body.slice(0, c1)),
    minute: Number(body.slice(c1 + 1, c1 + 3)),
    second: Number(body.slice(c1 + 4, c1 + 6)),
    micro: dot >= 0 ? Number((body.slice(dot + 1) + '000000').slice(0, 6)) : 0,
  };
}

export function isZeroDate(p: { year: number; month: number; day: number }): boolean {
  return p.year === 0 && p.month === 0 && p.day === 0;
}

/** True for dates that date arithmetic accepts (no zero parts). */
export function isCompleteDate(p: { year: number; month: number; day: number }): boolean {
  return p.month !== 0 && p.day !== 0;
}

// ---------------------------------------------------------------- normalizing helpers

/** Any date/datetime string → canonical DATE, or null. */
export function normalizeDate(s: string): string | null {
  const r = parseDateTimeString(s);
  return r ? formatDate(r.parts) : null;
}

export function normalizeDatetime(s: string, fsp: number): string | null {
  const r = parseDateTimeString(s);
  return r ? formatDatetime(r.parts, fsp) : null;
}

export function normalizeTime(s: string, fsp: number): string | null {
  const r = parseTimeString(s);
  return r ? formatTime(r.time, fsp) : null;
}

// ---------------------------------------------------------------- epoch / unix time

/** Microseconds since 1970-01-01 UTC of a datetime read in UTC (no zone applied). */
export function epochMicros(p: DateTimeParts): bigint {
  const days = dayNumber(p.year, p.month, p.day) - DAYNR_1970;
  const tod = ((p.hour * 60 + p.minute) * 60 + p.second) * 1_000_000 + p.micro;
  return BigInt(days) * BigInt(MICROS_PER_DAY) + BigInt(tod);
}

export function partsFromEpochMicros(us: bigint): DateTimeParts | null {
  const day = BigInt(MICROS_PER_DAY);
  let days = us / day;
  let tod = us % day;
  if (tod < 0n) {
    tod += day;
    days -= 1n;
  }
  const daynr = Number(days) + DAYNR_1970;
  if (daynr < 366 || daynr > MAX_DAYNR) return null;
  const d = fromDayNumber(daynr);
  let t = Number(tod);
  const micro = t % 1_000_000;
  t = (t - micro) / 1_000_000;
  const second = t % 60;
  t = (t - second) / 60;
  return { ...d, hour: Math.floor(t / 60), minute: t % 60, second, micro };
}

/** Largest datetime UNIX_TIMESTAMP accepts (MySQL 8 on 64-bit): 3001-01-19 03:14:07.999999 UTC. */
const MAX_UNIX_MICROS = 32_536_771_199_999_999n;

/** UNIX_TIMESTAMP(dt) in microseconds; 0 when out of range (as MySQL). */
export function unixMicros(p: DateTimeParts): bigint {
  if (!isCompleteDate(p)) return 0n;
  const us = epochMicros(p) - BigInt(sessionTimeZoneOffsetSeconds()) * 1_000_000n;
  if (us < 0n || us > MAX_UNIX_MICROS) return 0n;
  return us;
}

/** FROM_UNIXTIME: null when negative or beyond the range. */
export function fromUnixMicros(us: bigint): DateTimeParts | null {
  if (us < 0n || us > MAX_UNIX_MICROS) return null;
  return partsFromEpochMicros(us + BigInt(sessionTimeZoneOffsetSeconds()) * 1_000_000n);
}

// ---------------------------------------------------------------- intervals

export type IntervalUnit =
  | 'MICROSECOND' | 'SECOND' | 'MINUTE' | 'HOUR' | 'DAY' | 'WEEK' | 'MONTH' | 'QUARTER' | 'YEAR'
  | 'SECOND_MICROSECOND' | 'MINUTE_MICROSECOND' | 'MINUTE_SECOND' | 'HOUR_MICROSECOND' | 'HOUR_SECOND'
  | 'HOUR_MINUTE' | 'DAY_MICROSECOND' | 'DAY_SECOND' | 'DAY_MINUTE' | 'DAY_HOUR' | 'YEAR_MONTH';

/** Components each compound unit reads, largest first; 'u' is microseconds, 'M' months, 'Y' years. */
const UNIT_FIELDS: Record<IntervalUnit, string> = {
  MICROSECOND: 'u', SECOND: 's', MINUTE: 'm', HOUR: 'h', DAY: 'd', WEEK: 'w', MONTH: 'M', QUARTER: 'Q', YEAR: 'Y',
  SECOND_MICROSECOND: 'su', MINUTE_MICROSECOND: 'msu', MINUTE_SECOND: 'ms', HOUR_MICROSECOND: 'hmsu',
  HOUR_SECOND: 'hms', HOUR_MINUTE: 'hm', DAY_MICROSECOND: 'dhmsu', DAY_SECOND: 'dhms', DAY_MINUTE: 'dhm',
  DAY_HOUR: 'dh', YEAR_MONTH: 'YM',
};

export function parseIntervalUnit(u: string): IntervalUnit | null {
  const k = u.toUpperCase();
  return Object.prototype.hasOwnProperty.call(UNIT_FIELDS, k) ? (k as IntervalUnit) : null;
}

/** A parsed INTERVAL: months plus microseconds (bigint: INTERVAL 10^9 HOUR does not fit a double exactly). */
export interface Interval {
  months: number;
  micros: bigint;
}

const MICROS: Record<string, bigint> = {
  u: 1n, s: 1_000_000n, m: 60_000_000n, h: 3_600_000_000n, d: 86_400_000_000n, w: 604_800_000_000n,
};

/** Amount of an INTERVAL as the parser hands it (number, bigint, Decimal or string) → Interval; null if unusable. */
export function makeInterval(amount: number | bigint | Decimal | string, unit: IntervalUnit): Interval | null {
  const fields = UNIT_FIELDS[unit];
  if (fields.length === 1) {
    // Simple units: SECOND and MICROSECOND keep fractions of a second; the rest round to an integer.
    let n: Decimal | null;
    if (typeof amount === 'string') {
      const m = /^\s*[+-]?\d*(\.\d*)?/.exec(amount);
      n = m && m[0].trim() !== '' ? Decimal.parse(m[0]) : Decimal.ZERO;
      if (n && fields !== 's') n = n.truncate(0); // strings are read as integers by val_int
    } else if (amount instanceof Decimal) n = amount;
    else if (typeof amount === 'bigint') n = Decimal.fromInt(amount);
    else n = Decimal.fromNumber(amount);
    if (!n) return null;
    if (fields === 's') {
      return { months: 0, micros: n.mul(Decimal.fromInt(1_000_000)).toBigInt() };
    }
    const iv = n.toBigInt();
    if (fields === 'M') return { months: Number(iv), micros: 0n };
    if (fields === 'Q') return { months: Number(iv) * 3, micros: 0n };
    if (fields === 'Y') return { months: Number(iv) * 12, micros: 0n };
    return { months: 0, micros: iv * MICROS[fields]! };
  }
  // Compound units: numbers from the text, right-aligned to the smallest fields.
  const text = typeof amount === 'string' ? amount : amount instanceof Decimal ? amount.toString() : String(amount);
  const neg = /^\s*-/.test(text);
  const groups = text.match(/\d+/g) ?? [];
  if (groups.length > fields.length) return null;
  const offset = fields.length - groups.length;
  let months = 0;
  let micros = 0n;
  for (let i = 0; i < groups.length; i++) {
    const f = fields[offset + i]!;
    let g = groups[i]!;
    if (f === 'u' && i === groups.length - 1 && g.length < 6 && offset + i === fields.length - 1 && groups.length > 1) {
      g = g.padEnd(6, '0'); // '1.5' SECOND_MICROSECOND = 1.5 seconds
    }
    const v = BigInt(g);
    if (f === 'Y') months += Number(v) * 12;
    else if (f === 'M') months += Number(v);
    else micros += v * MICROS[f]!;
  }
  return neg ? { months: -months, micros: -micros } : { months, micros };
}

/** DATE_ADD on a date/datetime; null on overflow beyond 0000..9999 (MySQL warns 1441) or incomplete dates. */
export function addInterval(p: DateTimeParts, iv: Interval, sign: 1 | -1 = 1): DateTimeParts | null {
  if (!isCompleteDate(p)) return null;
  let out: DateTimeParts = { ...p };
  const months = iv.months * sign;
  if (months !== 0) {
    const period = p.year * 12 + (p.month - 1) + months;
    if (period < 0 || period >= 10000 * 12) return null;
    const year = Math.floor(period / 12);
    const month = (period % 12) + 1;
    const day = Math.min(p.day, daysInMonth(year, month));
    out = { ...out, year, month, day };
  }
  const micros = iv.micros * BigInt(sign);
  if (micros !== 0n) {
    const day = BigInt(MICROS_PER_DAY);
    const base = BigInt(dayNumber(out.year, out.month, out.day)) * day +
      BigInt(((out.hour * 60 + out.minute) * 60 + out.second) * 1_000_000 + out.micro);
    const total = base + micros;
    if (total < 0n) return null;
    const daynr = total / day;
    if (daynr > BigInt(MAX_DAYNR)) return null;
    const d = fromDayNumber(Number(daynr));
    if (d.year === 0 && Number(daynr) !== 0) return null;
    let t = Number(total % day);
    const micro = t % 1_000_000;
    t = (t - micro) / 1_000_000;
    const second = t % 60;
    t = (t - second) / 60;
    out = { ...d, hour: Math.floor(t / 60), minute: t % 60, second, micro };
  }
  return out;
}

/** True when the unit only moves whole days or months (DATE + unit stays a DATE). */
export function isDateOnlyUnit(u: IntervalUnit): boolean {
  return u === 'DAY' || u === 'WEEK' || u === 'MONTH' || u === 'QUARTER' || u === 'YEAR' || u === 'YEAR_MONTH';
}

// ---------------------------------------------------------------- differences

export function dateDiff(a: DateTimeParts, b: DateTimeParts): number {
  return dayNumber(a.year, a.month, a.day) - dayNumber(b.year, b.month, b.day);
}

function todMicros(p: DateTimeParts): number {
  return ((p.hour * 60 + p.minute) * 60 + p.second) * 1_000_000 + p.micro;
}

/** TIMESTAMPDIFF(unit, a, b) = b - a in whole units, truncated toward zero. */
export function timestampDiff(unit: IntervalUnit, a: DateTimeParts, b: DateTimeParts): bigint | null {
  if (unit === 'MONTH' || unit === 'QUARTER' || unit === 'YEAR') {
    let months = (b.year - a.year) * 12 + (b.month - a.month);
    const aRest = a.day * MICROS_PER_DAY + todMicros(a);
    const bRest = b.day * MICROS_PER_DAY + todMicros(b);
    if (months > 0 && bRest < aRest) months--;
    else if (months < 0 && bRest > aRest) months++;
    const div = unit === 'MONTH' ? 1 : unit === 'QUARTER' ? 3 : 12;
    return BigInt(Math.trunc(months / div));
  }
  const diff = epochMicros(b) - epochMicros(a);
  const per: Partial<Record<IntervalUnit, bigint>> = {
    MICROSECOND: 1n, SECOND: MICROS.s, MINUTE: MICROS.m, HOUR: MICROS.h, DAY: MICROS.d, WEEK: MICROS.w,
  };
  const p = per[unit];
  return p === undefined ? null : diff / p;
}

// ---------------------------------------------------------------- DATE_FORMAT / STR_TO_DATE

function ordinalSuffix(d: number): string {
  if (d >= 11 && d <= 13) return 'th';
  const r = d % 10;
  return r === 1 ? 'st' : r === 2 ? 'nd' : r === 3 ? 'rd' : 'th';
}

/**
 * DATE_FORMAT / TIME_FORMAT. `p` may come from a TIME (isTime: hours may exceed 23, date fields 0).
 * Returns null where MySQL does (name of a day for a zero date).
 */
export function dateFormat(p: DateTimeParts, format: string, isTime = false, negTime = false): string | null {
  let out = negTime ? '-' : '';
  const daynr = isZeroDate(p) || !isCompleteDate(p) ? -1 : dayNumber(p.year, p.month, p.day);
  const h12 = p.hour % 12 === 0 ? 12 : p.hour % 12;
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    if (c !== '%' || i === format.length - 1) {
      out += c;
      continue;
    }
    const f = format[++i]!;
    switch (f) {
      case 'Y': out += pad4(p.year); break;
      case 'y': out += pad2(p.year % 100); break;
      case 'm': out += pad2(p.month); break;
      case 'c': out += String(p.month); break;
      case 'd': out += pad2(p.day); break;
      case 'e': out += String(p.day); break;
      case 'D': out += String(p.day) + ordinalSuffix(p.day); break;
      case 'H': out += pad2(p.hour); break;
      case 'k': out += String(p.hour); break;
      case 'h': case 'I': out += pad2(h12); break;
      case 'l': out += String(h12); break;
      case 'i': out += pad2(p.minute); break;
      case 's': case 'S': out += pad2(p.second); break;
      case 'f': out += String(p.micro).padStart(6, '0'); break;
      case 'p': out += p.hour % 24 < 12 ? 'AM' : 'PM'; break;
      case 'r': out += pad2(h12) + ':' + pad2(p.minute) + ':' + pad2(p.second) + (p.hour % 24 < 12 ? ' AM' : ' PM'); break;
      case 'T': out += pad2(p.hour) + ':' + pad2(p.minute) + ':' + pad2(p.second); break;
      case 'M': if (p.month === 0) return null; out += MONTH_NAMES[p.month - 1]; break;
      case 'b': if (p.month === 0) return null; out += MONTH_NAMES[p.month - 1]!.slice(0, 3); break;
      case 'W': if (daynr < 0 || isTime) return null; out += DAY_NAMES[weekdayOf(daynr)]; break;
      case 'a': if (daynr < 0 || isTime) return null; out += DAY_NAMES[weekdayOf(daynr)]!.slice(0, 3); break;
      case 'w': if (daynr < 0 || isTime) return null; out += String((weekdayOf(daynr) + 1) % 7); break;
      case 'j': if (daynr < 0) out += '000'; else out += String(dayOfYear(p)).padStart(3, '0'); break;
      case 'U': case 'u': case 'V': case 'v': case 'X': case 'x': {
        if (daynr < 0 || isTime) return null;
        const beh = f === 'U' ? WEEK_FIRST_WEEKDAY : f === 'u' ? WEEK_MONDAY_FIRST
          : f === 'V' || f === 'X' ? WEEK_YEAR | WEEK_FIRST_WEEKDAY : WEEK_YEAR | WEEK_MONDAY_FIRST;
        const r = calcWeek(p, beh);
        out += f === 'X' || f === 'x' ? pad4(r.year) : pad2(r.week);
        break;
      }
      default: out += f; // %% and unknown specifiers give the character itself
    }
  }
  return out;
}

export interface StrToDateResult {
  parts: DateTimeParts;
  hasDate: boolean;
  hasTime: boolean;
  /** Format used %f. */
  hasFraction: boolean;
}

/** STR_TO_DATE(str, format): null when the string does not match. */
export function strToDate(str: string, format: string): StrToDateResult | null {
  const p = zeroParts();
  let hasDate = false, hasTime = false, hasFraction = false;
  let pm: boolean | null = null;
  let hour12 = false;
  let yday = -1;
  let pos = 0;
  const skipSpaces = () => {
    while (pos < str.length && /\s/.test(str[pos]!)) pos++;
  };
  const num = (maxLen: number): number | null => {
    skipSpaces();
    const start = pos;
    if (str[pos] === '-' || str[pos] === '+') pos++;
    while (pos < str.length && pos - start < maxLen && str.charCodeAt(pos) >= 48 && str.charCodeAt(pos) <= 57) pos++;
    if (pos === start) return null;
    return Number(str.slice(start, pos));
  };
  const name = (list: readonly string[], abbr: boolean): number | null => {
    skipSpaces();
    for (let k = 0; k < list.length; k++) {
      const w = abbr ? list[k]!.slice(0, 3) : list[k]!;
      if (str.slice(pos, pos + w.length).toLowerCase() === w.toLowerCase()) {
        pos += w.length;
        return k;
      }
    }
    return null;
  };
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    if (c !== '%' || i === format.length - 1) {
      if (/\s/.test(c)) {
        skipSpaces();
        continue;
      }
      if (str[pos] !== c) return null;
      pos++;
      continue;
    }
    const f = format[++i]!;
    let v: number | null;
    switch (f) {
      case 'Y': v = num(4); if (v === null) return null; p.year = v; hasDate = true; break;
      case 'y': v = num(2); if (v === null) return null; p.year = twoDigitYear(v); hasDate = true; break;
      case 'm': case 'c': v = num(2); if (v === null) return null; p.month = v; hasDate = true; break;
      case 'd': case 'e': v = num(2); if (v === null) return null; p.day = v; hasDate = true; break;
      case 'D': v = num(2); if (v === null) return null; p.day = v; pos += 2; hasDate = true; break;
      case 'j': v = num(3); if (v === null) return null; yday = v; hasDate = true; break;
      case 'H': case 'k': v = num(2); if (v === null) return null; p.hour = v; hasTime = true; break;
      case 'h': case 'I': case 'l': v = num(2); if (v === null) return null; p.hour = v; hour12 = true; hasTime = true; break;
      case 'i': v = num(2); if (v === null) return null; p.minute = v; hasTime = true; break;
      case 's': case 'S': v = num(2); if (v === null) return null; p.second = v; hasTime = true; break;
      case 'f': {
        const start = pos;
        while (pos < str.length && pos - start < 6 && /\d/.test(str[pos]!)) pos++;
        p.micro = Number((str.slice(start, pos) + '000000').slice(0, 6));
        hasTime = true;
        hasFraction = true;
        break;
      }
      case 'p': {
        skipSpaces();
        const w = str.slice(pos, pos + 2).toUpperCase();
        if (w !== 'AM' && w !== 'PM') return null;
        pm = w === 'PM';
        pos += 2;
        break;
      }
      case 'M': v = name(MONTH_NAMES, false); if (v === null) return null; p.month = v + 1; hasDate = true; break;
      case 'b': v = name(MONTH_NAMES, true); if (v === null) return null; p.month = v + 1; hasDate = true; break;
      case 'W': if (name(DAY_NAMES, false) === null) return null; break;
      case 'a': if (name(DAY_NAMES, true) === null) return null; break;
      case 'T': case 'r': {
        const sub = strToDate(str.slice(pos), f === 'T' ? '%H:%i:%s' : '%h:%i:%s %p');
        if (!sub) return null;
        // Re-parse to find how much was consumed: the sub-format is fixed width-ish, so scan.
        const m = (f === 'T' ? /^\s*\d{1,2}:\d{1,2}:\d{1,2}/ : /^\s*\d{1,2}:\d{1,2}:\d{1,2}\s*[AaPp][Mm]/).exec(str.slice(pos));
        if (!m) return null;
        pos += m[0].length;
        p.hour = sub.parts.hour;
        p.minute = sub.parts.minute;
        p.second = sub.parts.second;
        hasTime = true;
        break;
      }
      case '%': if (str[pos] !== '%') return null; pos++; break;
      default: if (str[pos] !== f) return null; pos++;
    }
  }
  if (hour12) {
    if (p.hour < 1 || p.hour > 12) return null;
    if (pm !== null) p.hour = (p.hour % 12) + (pm ? 12 : 0);
  } else if (pm !== null && p.hour <= 12) {
    p.hour = (p.hour % 12) + (pm ? 12 : 0);
  }
  if (yday >= 0) {
    if (yday < 1 || yday > daysInYear(p.year)) return null;
    const d = fromDayNumber(dayNumber(p.year, 1, 1) + yday - 1);
    p.month = d.month;
    p.day = d.day;
  }
  if (!validDate(p.year, p.month, p.day) || p.hour > 23 || p.minute > 59 || p.second > 59) return null;
  return { parts: p, hasDate, hasTime, hasFraction };
}
