import { describe, it, expect } from 'vitest';
import {
  addInterval, calcWeek, dateFormat, dayNumber, formatDatetime, formatTime, fromDayNumber, makeInterval,
  normalizeDate, normalizeDatetime, normalizeTime, parseDateTimeNumber, parseDateTimeString, readDateTime,
  strToDate, timestampDiff, unixMicros, fromUnixMicros, week, yearWeek, type IntervalUnit,
} from './datetime.js';

const add = (dt: string, amount: number | string, unit: IntervalUnit, fsp = 0) => {
  const p = addInterval(readDateTime(dt), makeInterval(amount, unit)!);
  return p ? formatDatetime(p, fsp) : null;
};

describe('parsing', () => {
  it('accepts the formats MySQL accepts', () => {
    expect(normalizeDate('2024-01-02')).toBe('2024-01-02');
    expect(normalizeDate('2024-1-2')).toBe('2024-01-02');
    expect(normalizeDate('20240102')).toBe('2024-01-02');
    expect(normalizeDate('240102')).toBe('2024-01-02');
    expect(normalizeDate('99-01-02')).toBe('1999-01-02');
    expect(normalizeDate('2024/01/02')).toBe('2024-01-02');
    expect(normalizeDatetime('2024-01-02 03:04:05.123', 3)).toBe('2024-01-02 03:04:05.123');
    expect(normalizeDatetime('2024-01-02T03:04:05', 0)).toBe('2024-01-02 03:04:05');
    expect(normalizeDatetime('2024-01-02', 0)).toBe('2024-01-02 00:00:00');
    expect(normalizeDatetime('2024-01-02 03:04:05.1234567', 6)).toBe('2024-01-02 03:04:05.123456');
  });

  it('rejects invalid dates and flags trailing garbage', () => {
    expect(normalizeDate('2024-02-30')).toBeNull();
    expect(normalizeDate('2023-02-29')).toBeNull();
    expect(normalizeDate('2024-13-01')).toBeNull();
    expect(normalizeDate('hello')).toBeNull();
    expect(normalizeDate('2024-00-01')).toBe('2024-00-01'); // zero-in-date allowed by default
    expect(parseDateTimeString('2024-01-02abc')!.truncated).toBe(true);
  });

  it('reads numbers as MySQL does', () => {
    expect(formatDatetime(parseDateTimeNumber(20240102030405)!.parts, 0)).toBe('2024-01-02 03:04:05');
    expect(formatDatetime(parseDateTimeNumber(20240102)!.parts, 0)).toBe('2024-01-02 00:00:00');
    expect(formatDatetime(parseDateTimeNumber(240102)!.parts, 0)).toBe('2024-01-02 00:00:00');
    expect(parseDateTimeNumber(99)).toBeNull();
    expect(parseDateTimeNumber(1000000)).toBeNull();
  });

  it('parses TIME with MySQL abbreviations and clipping', () => {
    expect(normalizeTime('12:34', 0)).toBe('12:34:00');
    expect(normalizeTime('1234', 0)).toBe('00:12:34');
    expect(normalizeTime('12', 0)).toBe('00:00:12');
    expect(normalizeTime('1 12:00:00', 0)).toBe('36:00:00');
    expect(normalizeTime('900:00:00', 0)).toBe('838:59:59');
    expect(normalizeTime('-01:02:03.5', 1)).toBe('-01:02:03.5');
    expect(normalizeTime('2024-01-02 03:04:05', 0)).toBe('03:04:05');
    expect(formatTime({ neg: true, hour: 0, minute: 0, second: 0, micro: 0 }, 0)).toBe('00:00:00');
  });
});

describe('day numbers and weeks', () => {
  it('matches TO_DAYS / FROM_DAYS', () => {
    expect(dayNumber(2024, 1, 1)).toBe(739251);
    expect(dayNumber(1970, 1, 1)).toBe(719528);
    expect(dayNumber(1, 1, 1)).toBe(366);
    expect(fromDayNumber(739251)).toEqual({ year: 2024, month: 1, day: 1 });
    expect(fromDayNumber(100)).toEqual({ year: 0, month: 0, day: 0 });
  });

  it('computes WEEK modes and YEARWEEK like MySQL', () => {
    const p = readDateTime('2024-01-01');
    expect(week(p, 0)).toBe(0);
    expect(week(p, 1)).toBe(1);
    expect(week(readDateTime('2024-12-31'), 3)).toBe(1);
    expect(yearWeek(readDateTime('2024-12-31'), 0)).toBe(202452);
    expect(calcWeek(readDateTime('2024-01-02'), 2 | 4).year).toBe(2023);
  });
});

describe('interval arithmetic', () => {
  it('clamps the day of month', () => {
    expect(add('2024-01-31', 1, 'MONTH')).toBe('2024-02-29 00:00:00');
    expect(add('2023-01-31', 1, 'MONTH')).toBe('2023-02-28 00:00:00');
    expect(add('2024-02-29', 1, 'YEAR')).toBe('2025-02-28 00:00:00');
    expect(add('2024-03-31', -1, 'MONTH')).toBe('2024-02-29 00:00:00');
    expect(add('2024-01-31', 1, 'QUARTER')).toBe('2024-04-30 00:00:00');
  });

  it('handles compound units and fractions', () => {
    expect(add('2024-01-01', '1:30', 'MINUTE_SECOND')).toBe('2024-01-01 00:01:30');
    expect(add('2024-01-01', '1.5', 'SECOND_MICROSECOND', 6)).toBe('2024-01-01 00:00:01.500000');
    expect(add('2024-01-01', '1 2:03:04', 'DAY_SECOND')).toBe('2024-01-02 02:03:04');
    expect(add('2024-01-01', '-1 1', 'DAY_HOUR')).toBe('2023-12-30 23:00:00');
    expect(add('2024-01-01', '1-2', 'YEAR_MONTH')).toBe('2025-03-01 00:00:00');
    expect(add('2024-01-01', 1.5, 'SECOND', 1)).toBe('2024-01-01 00:00:01.5');
    expect(add('2024-01-01', 1.5, 'DAY')).toBe('2024-01-03 00:00:00');
    expect(add('2024-01-01 23:59:59', 1, 'SECOND')).toBe('2024-01-02 00:00:00');
  });

  it('returns null beyond year 9999', () => {
    expect(add('9999-12-31', 1, 'DAY')).toBeNull();
    expect(add('0001-01-01', -1, 'YEAR')).toBe('0000-01-01 00:00:00');
  });

  it('TIMESTAMPDIFF counts whole units', () => {
    const a = readDateTime('2024-01-31');
    expect(timestampDiff('MONTH', a, readDateTime('2024-02-29'))).toBe(0n);
    expect(timestampDiff('MONTH', a, readDateTime('2024-03-31'))).toBe(2n);
    expect(timestampDiff('MONTH', readDateTime('2024-03-31'), a)).toBe(-2n);
    expect(timestampDiff('SECOND', readDateTime('2024-01-01'), readDateTime('2024-01-02'))).toBe(86400n);
    expect(timestampDiff('YEAR', readDateTime('2000-02-29'), readDateTime('2024-02-28'))).toBe(23n);
  });
});

describe('DATE_FORMAT and STR_TO_DATE', () => {
  it('formats every specifier as MySQL', () => {
    const p = readDateTime('2024-01-02 13:04:05.123');
    expect(dateFormat(p, '%W %M %D %Y %j %a %b %e %c %H %h %I %i %s %f %p %r %T %U %u %V %v %X %x %k %l %w %y %%'))
      .toBe('Tuesday January 2nd 2024 002 Tue Jan 2 1 13 01 01 04 05 123000 PM 01:04:05 PM 13:04:05 00 01 53 01 2023 2024 13 1 2 24 %');
    expect(dateFormat(readDateTime('2024-03-11'), '%D %D')).toBe('11th 11th');
  });

  it('parses with a format', () => {
    expect(formatDatetime(strToDate('01/02/2024', '%m/%d/%Y')!.parts, 0)).toBe('2024-01-02 00:00:00');
    expect(formatDatetime(strToDate('Jan 5 2024 1:02:03 PM', '%b %e %Y %r')!.parts, 0)).toBe('2024-01-05 13:02:03');
    expect(strToDate('2024-02-30', '%Y-%m-%d')).toBeNull();
    expect(strToDate('x', '%Y')).toBeNull();
  });
});

describe('unix time (session zone UTC)', () => {
  it('converts both ways', () => {
    expect(unixMicros(readDateTime('2024-01-01 00:00:00'))).toBe(1704067200000000n);
    expect(unixMicros(readDateTime('1960-01-01 00:00:00'))).toBe(0n);
    expect(formatDatetime(fromUnixMicros(1704067200500000n)!, 1)).toBe('2024-01-01 00:00:00.5');
  });
});
